import { describe, expect, it } from "vitest";
import * as m from "./model";

const YAML = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: pg
  namespace: db
  labels:
    app: pg
  # a comment that must survive
spec:
  replicas: 3
  selector:
    matchLabels:
      app: pg
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      partition: 0
  template:
    metadata:
      labels:
        app: pg
    spec:
      containers:
        - name: postgres
          image: postgres:16
          resources:
            requests:
              cpu: 250m
              memory: 512Mi
            claims:
              - name: gpu
          readinessProbe:
            tcpSocket:
              port: 5432
            periodSeconds: 5
            terminationGracePeriodSeconds: 7
          volumeMounts:
            - name: data
              mountPath: /var/lib/postgresql
        - name: exporter
          image: exporter:1
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        accessModes: [ReadWriteOnce]
        resources:
          requests:
            storage: 10Gi
`;
const obj = m.parseObject(YAML);
const reparse = (y: string) => m.parseObject(y);

describe("syntax helpers", () => {
  it("accepts Kubernetes quantities and rejects others", () => {
    for (const q of ["500m", "2", "0.5", "1Gi", "512Mi", "1e3", "100k", "1.5G", ".5"]) expect(m.isQuantity(q), q).toBe(true);
    for (const q of ["", "1 Gi", "1gb", "Gi", "-1", "1.2.3", "500mi", "abc"]) expect(m.isQuantity(q), q).toBe(false);
  });
  it("computes quantity values", () => {
    expect(m.quantityValue("500m")).toBe(0.5);
    expect(m.quantityValue("1Gi")).toBe(1024 ** 3);
    expect(m.quantityValue("1G")).toBe(1e9);
    expect(m.quantityValue("2e3")).toBe(2000);
    expect(m.quantityValue("x")).toBeNaN();
  });
  it("checks ports: 1–65535 or a named port", () => {
    expect(m.portIssue("8080")).toBeNull();
    expect(m.portIssue("http")).toBeNull();
    expect(m.portIssue("0")?.key).toBe("form.err.port");
    expect(m.portIssue("65536")?.key).toBe("form.err.port");
    expect(m.portIssue("")?.key).toBe("form.err.required");
    expect(m.portIssue("Bad_Name")?.key).toBe("form.err.port");
  });
  it("checks non-negative integers", () => {
    expect(m.isNonNegativeInt("0")).toBe(true);
    expect(m.isNonNegativeInt("-1")).toBe(false);
    expect(m.isNonNegativeInt("1.5")).toBe(false);
  });
});

describe("replicas", () => {
  it("reads, validates and writes spec.replicas, keeping the rest of the text", () => {
    expect(m.replicasFrom(obj)).toEqual({ replicas: "3" });
    expect(m.validateReplicas({ replicas: "-1" }).replicas?.key).toBe("form.err.int");
    expect(m.validateReplicas({ replicas: "" }).replicas?.key).toBe("form.err.required");
    expect(m.validateReplicas({ replicas: "5" })).toEqual({});
    const out = m.applyReplicas(YAML, { replicas: "5" });
    expect(reparse(out).spec.replicas).toBe(5);
    expect(out).toContain("# a comment that must survive");
    expect(out.split("\n").filter((l, i) => l !== YAML.split("\n")[i])).toEqual(["  replicas: 5"]);
  });
});

describe("update strategy", () => {
  it("round-trips RollingUpdate with partition and maxUnavailable", () => {
    const v = m.strategyFrom(obj);
    expect(v).toEqual({ type: "RollingUpdate", partition: "0", maxUnavailable: "" });
    const out = reparse(m.applyStrategy(YAML, { type: "RollingUpdate", partition: "2", maxUnavailable: "25%" }));
    expect(out.spec.updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { partition: 2, maxUnavailable: "25%" } });
    const n = reparse(m.applyStrategy(YAML, { type: "RollingUpdate", partition: "1", maxUnavailable: "2" }));
    expect(n.spec.updateStrategy.rollingUpdate.maxUnavailable).toBe(2);
  });
  it("switches to OnDelete, dropping rollingUpdate", () => {
    const out = reparse(m.applyStrategy(YAML, { type: "OnDelete", partition: "0", maxUnavailable: "" }));
    expect(out.spec.updateStrategy).toEqual({ type: "OnDelete" });
    expect(m.strategyFrom(out).type).toBe("OnDelete");
  });
  it("validates partition and maxUnavailable, warning when partition exceeds replicas", () => {
    expect(m.validateStrategy({ type: "RollingUpdate", partition: "x", maxUnavailable: "" }, obj).partition?.key).toBe("form.err.int");
    const warn = m.validateStrategy({ type: "RollingUpdate", partition: "4", maxUnavailable: "" }, obj);
    expect(warn.partition).toEqual({ key: "form.warn.partition", params: { replicas: 3 }, warn: true });
    expect(m.blocking(warn)).toBe(false);
    expect(m.validateStrategy({ type: "RollingUpdate", partition: "0", maxUnavailable: "0" }, obj).maxUnavailable?.key).toBe("form.err.maxUnavailable");
    expect(m.validateStrategy({ type: "RollingUpdate", partition: "0", maxUnavailable: "101%" }, obj).maxUnavailable).toBeDefined();
    expect(m.validateStrategy({ type: "RollingUpdate", partition: "0", maxUnavailable: "50%" }, obj)).toEqual({});
    expect(m.validateStrategy({ type: "OnDelete", partition: "x", maxUnavailable: "y" }, obj)).toEqual({});
  });
});

describe("resources", () => {
  it("reads per container", () => {
    expect(m.resourcesFrom(obj).containers).toEqual([
      { name: "postgres", cpuRequest: "250m", memoryRequest: "512Mi", cpuLimit: "", memoryLimit: "" },
      { name: "exporter", cpuRequest: "", memoryRequest: "", cpuLimit: "", memoryLimit: "" },
    ]);
  });
  it("writes requests and limits, removes cleared ones, keeps fields it does not know", () => {
    const v = m.resourcesFrom(obj);
    v.containers[0] = { ...v.containers[0]!, cpuRequest: "", cpuLimit: "1", memoryLimit: "1Gi" };
    v.containers[1] = { ...v.containers[1]!, memoryRequest: "64Mi" };
    const out = reparse(m.applyResources(YAML, v));
    expect(out.spec.template.spec.containers[0].resources).toEqual({ requests: { memory: "512Mi" }, limits: { cpu: "1", memory: "1Gi" }, claims: [{ name: "gpu" }] });
    expect(out.spec.template.spec.containers[1].resources).toEqual({ requests: { memory: "64Mi" } });
  });
  it("removes an emptied resources block", () => {
    const y = m.applyResources(YAML, { containers: [{ name: "postgres", cpuRequest: "", memoryRequest: "", cpuLimit: "", memoryLimit: "" }, { name: "exporter", cpuRequest: "", memoryRequest: "", cpuLimit: "", memoryLimit: "" }] });
    expect(reparse(y).spec.template.spec.containers[0].resources).toEqual({ claims: [{ name: "gpu" }] });
    expect(reparse(y).spec.template.spec.containers[1].resources).toBeUndefined();
  });
  it("validates quantities and request ≤ limit", () => {
    const c = { name: "a", cpuRequest: "2", memoryRequest: "1gb", cpuLimit: "500m", memoryLimit: "" };
    const issues = m.validateResources({ containers: [c] });
    expect(issues["c.0.memoryRequest"]?.key).toBe("form.err.quantity");
    expect(issues["c.0.cpuRequest"]?.key).toBe("form.err.requestAboveLimit");
    expect(m.validateResources({ containers: [{ ...c, cpuRequest: "0.5", memoryRequest: "1Gi" }] })).toEqual({});
  });
  it("computes the QoS class", () => {
    const none = { name: "a", cpuRequest: "", memoryRequest: "", cpuLimit: "", memoryLimit: "" };
    expect(m.qosClass({ containers: [none] })).toBe("BestEffort");
    expect(m.qosClass({ containers: [{ ...none, cpuRequest: "100m" }] })).toBe("Burstable");
    expect(m.qosClass({ containers: [{ ...none, cpuLimit: "1", memoryLimit: "1Gi" }] })).toBe("Guaranteed");
    expect(m.qosClass({ containers: [{ ...none, cpuRequest: "1000m", memoryRequest: "1024Mi", cpuLimit: "1", memoryLimit: "1Gi" }] })).toBe("Guaranteed");
    expect(m.qosClass({ containers: [{ ...none, cpuRequest: "500m", cpuLimit: "1", memoryLimit: "1Gi" }] })).toBe("Burstable");
    expect(m.qosClass({ containers: [{ ...none, cpuLimit: "1", memoryLimit: "1Gi" }, none] })).toBe("Burstable");
  });
});

describe("health checks", () => {
  it("reads probes per container", () => {
    const h = m.healthFrom(obj);
    expect(h.containers[0]!.probes.readinessProbe).toMatchObject({ enabled: true, handler: "tcpSocket", port: "5432", periodSeconds: "5" });
    expect(h.containers[0]!.probes.livenessProbe.enabled).toBe(false);
    expect(m.probeFrom({ exec: { command: ["pg_isready", "-U", "pg"] } }).command).toBe("pg_isready\n-U\npg");
    expect(m.probeFrom({ grpc: { port: 9090 } })).toMatchObject({ enabled: true, handler: "grpc", port: "9090" });
    expect(m.probeToObject({ ...m.emptyProbe(), enabled: true, handler: "grpc", port: "9090" }).grpc).toEqual({ port: 9090 });
    expect(m.validateHealth({ containers: [{ name: "a", probes: { livenessProbe: { ...m.emptyProbe(), enabled: true, handler: "grpc", port: "grpc" }, readinessProbe: m.emptyProbe(), startupProbe: m.emptyProbe() } }] })["c.0.livenessProbe.port"]?.key).toBe("form.err.port");
    expect(m.probeFrom({ httpGet: { path: "/healthz", port: "http", scheme: "HTTPS" } })).toMatchObject({ handler: "httpGet", path: "/healthz", port: "http", scheme: "HTTPS" });
  });
  it("adds, changes and removes probes; leaves untouched probes as they are", () => {
    const initial = m.healthFrom(obj);
    const v = structuredClone(initial);
    v.containers[0]!.probes.livenessProbe = { ...m.emptyProbe(), enabled: true, handler: "httpGet", path: "/healthz", port: "8080", initialDelaySeconds: "10" };
    v.containers[1]!.probes.startupProbe = { ...m.emptyProbe(), enabled: true, handler: "exec", command: "cat\n/tmp/ready\n" };
    let out = reparse(m.applyHealth(YAML, v, initial));
    const c0 = out.spec.template.spec.containers[0];
    expect(c0.livenessProbe).toEqual({ httpGet: { path: "/healthz", port: 8080, scheme: "HTTP" }, initialDelaySeconds: 10, periodSeconds: 10, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 });
    // untouched: keeps terminationGracePeriodSeconds the form does not know
    expect(c0.readinessProbe.terminationGracePeriodSeconds).toBe(7);
    expect(out.spec.template.spec.containers[1].startupProbe.exec.command).toEqual(["cat", "/tmp/ready"]);
    const removed = structuredClone(initial);
    removed.containers[0]!.probes.readinessProbe.enabled = false;
    out = reparse(m.applyHealth(YAML, removed, initial));
    expect(out.spec.template.spec.containers[0].readinessProbe).toBeUndefined();
  });
  it("validates paths, ports, commands, timings and success thresholds", () => {
    const p = (patch: Partial<m.ProbeForm>) => ({ ...m.emptyProbe(), enabled: true, ...patch });
    const form = (kind: m.ProbeKind, probe: m.ProbeForm): m.HealthForm => {
      const probes = { livenessProbe: m.emptyProbe(), readinessProbe: m.emptyProbe(), startupProbe: m.emptyProbe() };
      probes[kind] = probe;
      return { containers: [{ name: "a", probes }] };
    };
    let i = m.validateHealth(form("livenessProbe", p({ path: "healthz", port: "70000", periodSeconds: "0", successThreshold: "2" })));
    expect(i["c.0.livenessProbe.path"]?.key).toBe("form.err.path");
    expect(i["c.0.livenessProbe.port"]?.key).toBe("form.err.port");
    expect(i["c.0.livenessProbe.periodSeconds"]).toEqual({ key: "form.err.min", params: { min: 1 } });
    expect(i["c.0.livenessProbe.successThreshold"]?.key).toBe("form.err.successThresholdOne");
    i = m.validateHealth(form("readinessProbe", p({ port: "5432", successThreshold: "2", initialDelaySeconds: "-3" })));
    expect(i["c.0.readinessProbe.successThreshold"]).toBeUndefined();
    expect(i["c.0.readinessProbe.initialDelaySeconds"]?.key).toBe("form.err.int");
    i = m.validateHealth(form("startupProbe", p({ handler: "exec", command: "  \n" })));
    expect(i["c.0.startupProbe.command"]?.key).toBe("form.err.required");
    expect(m.validateHealth(form("livenessProbe", { ...p({ port: "x!" }), enabled: false }))).toEqual({});
  });
});

describe("storage", () => {
  it("mounts an existing claim: a pod volume plus a mount in the chosen container", () => {
    const v: m.StorageForm = { ...m.storageFrom(obj), name: "shared", claimName: "shared-data", container: "exporter", mountPath: "/shared", subPath: "exp", readOnly: true };
    expect(m.validateStorage(v, obj)).toEqual({});
    const out = reparse(m.applyStorage(YAML, v, obj));
    expect(out.spec.template.spec.volumes).toEqual([{ name: "shared", persistentVolumeClaim: { claimName: "shared-data", readOnly: true } }]);
    expect(out.spec.template.spec.containers[1].volumeMounts).toEqual([{ name: "shared", mountPath: "/shared", subPath: "exp", readOnly: true }]);
    expect(out.spec.volumeClaimTemplates).toHaveLength(1);
  });
  it("adds a claim template when asked (the server decides whether it may)", () => {
    const v: m.StorageForm = { ...m.storageFrom(obj), mode: "template", name: "wal", storageClass: "fast", accessMode: "ReadWriteOnce", size: "5Gi", mountPath: "/wal" };
    const out = reparse(m.applyStorage(YAML, v, obj));
    expect(out.spec.volumeClaimTemplates[1]).toEqual({ metadata: { name: "wal" }, spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } }, storageClassName: "fast" } });
    expect(out.spec.template.spec.containers[0].volumeMounts[1]).toEqual({ name: "wal", mountPath: "/wal" });
  });
  it("validates names, claims, sizes, paths and clashes", () => {
    const base = m.storageFrom(obj);
    let i = m.validateStorage({ ...base, name: "data", claimName: "", mountPath: "var" }, obj);
    expect(i.name?.key).toBe("form.err.nameTaken");
    expect(i.claimName?.key).toBe("form.err.required");
    expect(i.mountPath?.key).toBe("form.err.path");
    i = m.validateStorage({ ...base, name: "Bad", claimName: "x", mountPath: "/var/lib/postgresql", subPath: "../etc" }, obj);
    expect(i.name?.key).toBe("form.err.dnsLabel");
    expect(i.mountPath?.key).toBe("form.err.mountTaken");
    expect(i.subPath?.key).toBe("form.err.subPath");
    i = m.validateStorage({ ...base, mode: "template", name: "wal", size: "5 GB", mountPath: "/wal" }, obj);
    expect(i.size?.key).toBe("form.err.quantity");
  });
});

describe("labels", () => {
  it("round-trips metadata.labels only", () => {
    expect(m.labelsFrom(obj)).toEqual({ labels: [{ key: "app", value: "pg" }], draftKey: "", draftValue: "" });
    const out = reparse(m.applyLabels(YAML, { labels: [{ key: "app", value: "pg" }, { key: "team.example.com/owner", value: "db-team" }] }));
    expect(out.metadata.labels).toEqual({ app: "pg", "team.example.com/owner": "db-team" });
    expect(out.spec.template.metadata.labels).toEqual({ app: "pg" });
    expect(reparse(m.applyLabels(YAML, { labels: [] })).metadata.labels).toBeUndefined();
  });
  it("validates keys, values and duplicates", () => {
    expect(m.labelKeyIssue("app")).toBeNull();
    expect(m.labelKeyIssue("example.com/tier")).toBeNull();
    expect(m.labelKeyIssue("")?.key).toBe("form.err.required");
    expect(m.labelKeyIssue("/x")?.key).toBe("form.err.labelPrefix");
    expect(m.labelKeyIssue("Example.com/x")?.key).toBe("form.err.labelPrefix");
    expect(m.labelKeyIssue("-x")?.key).toBe("form.err.labelName");
    expect(m.labelKeyIssue("a".repeat(64))?.key).toBe("form.err.labelName");
    expect(m.labelValueIssue("")).toBeNull();
    expect(m.labelValueIssue("v1.2_x")).toBeNull();
    expect(m.labelValueIssue("has space")?.key).toBe("form.err.labelValue");
    const i = m.validateLabels({ labels: [{ key: "a", value: "1" }, { key: "a", value: "2" }] });
    expect(i["labels.1.key"]?.key).toBe("form.err.duplicate");
    const d = m.validateLabels({ labels: [], draftKey: "bad key", draftValue: "x y" });
    expect(d.draftKey?.key).toBe("form.err.labelName");
    expect(d.draftValue?.key).toBe("form.err.labelValue");
    expect(m.validateLabels({ labels: [], draftKey: "", draftValue: "" })).toEqual({});
  });
  it("includes a typed draft label, replacing one with the same key", () => {
    const v = { labels: [{ key: "app", value: "pg" }, { key: "tier", value: "db" }], draftKey: "tier", draftValue: "data" };
    expect(m.labelsWithDraft(v)).toEqual([{ key: "app", value: "pg" }, { key: "tier", value: "data" }]);
    expect(reparse(m.applyLabels(YAML, v)).metadata.labels).toEqual({ app: "pg", tier: "data" });
    expect(m.labelsWithDraft({ labels: v.labels })).toBe(v.labels);
  });
});

describe("server problems → fields", () => {
  it("maps field paths to form fields", () => {
    expect(m.fieldOfPath("spec.replicas")).toBe("replicas");
    expect(m.fieldOfPath("spec.updateStrategy.rollingUpdate.partition")).toBe("partition");
    expect(m.fieldOfPath("spec.template.spec.containers[0].resources.limits.cpu")).toBe("c.0.cpuLimit");
    expect(m.fieldOfPath("spec.template.spec.containers[1].resources.requests.memory")).toBe("c.1.memoryRequest");
    expect(m.fieldOfPath("spec.template.spec.containers[0].livenessProbe.httpGet.port")).toBe("c.0.livenessProbe.port");
    expect(m.fieldOfPath("spec.template.spec.containers[0].readinessProbe.periodSeconds")).toBe("c.0.readinessProbe.periodSeconds");
    expect(m.fieldOfPath("spec.volumeClaimTemplates")).toBe("name");
    expect(m.fieldOfPath("metadata.labels")).toBe("labels");
    expect(m.fieldOfPath("spec.selector")).toBeNull();
    expect(m.fieldOfPath(null)).toBeNull();
  });
});

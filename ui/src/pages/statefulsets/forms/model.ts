// The StatefulSet edit forms as pure functions: object → form values, form values + object →
// new object (edited in place with the `yaml` Document API, so untouched text keeps its shape and
// the server's dry-run diff shows only what the form changed), and local validation.
//
// Messages are i18n keys (with params), translated by the components.
import { parseDocument, type Document } from "yaml";
import type { MessageKey } from "../../../i18n/types";

/** A problem at a form field. `warn` ones do not block the preview. */
export type Issue = { key: MessageKey; params?: Record<string, string | number>; warn?: boolean };
/** Problems by field id (e.g. `replicas`, `c.0.cpuRequest`, `labels.2.key`). */
export type Issues = Record<string, Issue>;

export function blocking(issues: Issues): boolean {
  return Object.values(issues).some((i) => !i.warn);
}

// ---- the object ---------------------------------------------------------------------------

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Obj = Record<string, any>;

export function parseObject(yaml: string): Obj {
  const doc = parseDocument(yaml);
  const o = doc.toJS() as unknown;
  return typeof o === "object" && o !== null ? (o as Obj) : {};
}

/** Applies `edit` to the YAML text (a Document) and returns the new text. */
export function editYaml(yaml: string, edit: (doc: Document) => void): string {
  const doc = parseDocument(yaml);
  edit(doc);
  return doc.toString({ flowCollectionPadding: false });
}

export function containersOf(obj: Obj): Obj[] {
  const c = obj?.spec?.template?.spec?.containers;
  return Array.isArray(c) ? (c as Obj[]) : [];
}

const CONTAINERS = ["spec", "template", "spec", "containers"];

// ---- syntax checks -------------------------------------------------------------------------

const INT = /^\d+$/;
/** A resource quantity (Kubernetes' canonical grammar: number + optional suffix). */
const QUANTITY = /^[+]?(\d+(\.\d*)?|\.\d+)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei|[eE][+-]?\d+)?$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const PORT_NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function isNonNegativeInt(s: string): boolean {
  return INT.test(s.trim()) && Number(s) <= 2_147_483_647;
}

export function isQuantity(s: string): boolean {
  return QUANTITY.test(s.trim());
}

const SUFFIX: Record<string, number> = {
  m: 1e-3, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18,
  Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60,
};

/** A quantity's value as a number (`500m` → 0.5, `1Gi` → 1073741824); NaN when not a quantity. */
export function quantityValue(s: string): number {
  const m = QUANTITY.exec(s.trim());
  if (!m) return NaN;
  const num = Number(m[1]);
  const suffix = m[3] ?? "";
  if (suffix === "") return num;
  if (/^[eE]/.test(suffix)) return num * 10 ** Number(suffix.slice(1));
  return num * (SUFFIX[suffix] ?? NaN);
}

/** A port: a number 1–65535 or a named container port. */
export function portIssue(s: string): Issue | null {
  const v = s.trim();
  if (v === "") return { key: "form.err.required" };
  if (INT.test(v)) return Number(v) >= 1 && Number(v) <= 65535 ? null : { key: "form.err.port" };
  return PORT_NAME.test(v) && v.length <= 15 && /[a-z]/.test(v) ? null : { key: "form.err.port" };
}

function pathIssue(s: string, required: boolean): Issue | null {
  const v = s.trim();
  if (v === "") return required ? { key: "form.err.required" } : null;
  return v.startsWith("/") ? null : { key: "form.err.path" };
}

function intIssue(s: string, opts: { required?: boolean; min?: number } = {}): Issue | null {
  const v = s.trim();
  if (v === "") return opts.required ? { key: "form.err.required" } : null;
  if (!isNonNegativeInt(v)) return { key: "form.err.int" };
  if (opts.min !== undefined && Number(v) < opts.min) return { key: "form.err.min", params: { min: opts.min } };
  return null;
}

function dnsLabelIssue(s: string): Issue | null {
  const v = s.trim();
  if (v === "") return { key: "form.err.required" };
  return DNS_LABEL.test(v) && v.length <= 63 ? null : { key: "form.err.dnsLabel" };
}

function put(issues: Issues, field: string, issue: Issue | null) {
  if (issue) issues[field] = issue;
}

const str = (v: unknown): string => (v === undefined || v === null ? "" : String(v));
const intOrString = (s: string): number | string => (INT.test(s.trim()) ? Number(s.trim()) : s.trim());

// ---- replicas ------------------------------------------------------------------------------

export type ReplicasForm = { replicas: string };

export function replicasFrom(obj: Obj): ReplicasForm {
  return { replicas: str(obj?.spec?.replicas ?? 1) };
}

export function validateReplicas(v: ReplicasForm): Issues {
  const issues: Issues = {};
  put(issues, "replicas", intIssue(v.replicas, { required: true }));
  return issues;
}

export function applyReplicas(yaml: string, v: ReplicasForm): string {
  return editYaml(yaml, (doc) => doc.setIn(["spec", "replicas"], Number(v.replicas.trim())));
}

// ---- update strategy -----------------------------------------------------------------------

export type StrategyForm = { type: "RollingUpdate" | "OnDelete"; partition: string; maxUnavailable: string };

export function strategyFrom(obj: Obj): StrategyForm {
  const s = obj?.spec?.updateStrategy ?? {};
  return {
    type: s.type === "OnDelete" ? "OnDelete" : "RollingUpdate",
    partition: str(s.rollingUpdate?.partition ?? 0),
    maxUnavailable: str(s.rollingUpdate?.maxUnavailable ?? ""),
  };
}

export function validateStrategy(v: StrategyForm, obj: Obj): Issues {
  const issues: Issues = {};
  if (v.type !== "RollingUpdate") return issues;
  const p = intIssue(v.partition, { required: true });
  put(issues, "partition", p);
  const replicas = Number(obj?.spec?.replicas ?? 1);
  if (!p && Number(v.partition) > replicas) {
    issues.partition = { key: "form.warn.partition", params: { replicas }, warn: true };
  }
  const mu = v.maxUnavailable.trim();
  if (mu !== "") {
    const pct = /^(\d+)%$/.exec(mu);
    if (pct) {
      if (Number(pct[1]) < 1 || Number(pct[1]) > 100) issues.maxUnavailable = { key: "form.err.maxUnavailable" };
    } else if (!INT.test(mu) || Number(mu) < 1) {
      issues.maxUnavailable = { key: "form.err.maxUnavailable" };
    }
  }
  return issues;
}

export function applyStrategy(yaml: string, v: StrategyForm): string {
  return editYaml(yaml, (doc) => {
    if (v.type === "OnDelete") {
      doc.setIn(["spec", "updateStrategy"], doc.createNode({ type: "OnDelete" }));
      return;
    }
    const rollingUpdate: Obj = { partition: Number(v.partition.trim()) };
    if (v.maxUnavailable.trim() !== "") rollingUpdate.maxUnavailable = intOrString(v.maxUnavailable);
    doc.setIn(["spec", "updateStrategy"], doc.createNode({ type: "RollingUpdate", rollingUpdate }));
  });
}

// ---- resources -----------------------------------------------------------------------------

export type ContainerResources = { name: string; cpuRequest: string; memoryRequest: string; cpuLimit: string; memoryLimit: string };
export type ResourcesForm = { containers: ContainerResources[] };
export type QosClass = "Guaranteed" | "Burstable" | "BestEffort";

export function resourcesFrom(obj: Obj): ResourcesForm {
  return {
    containers: containersOf(obj).map((c) => ({
      name: str(c.name),
      cpuRequest: str(c.resources?.requests?.cpu),
      memoryRequest: str(c.resources?.requests?.memory),
      cpuLimit: str(c.resources?.limits?.cpu),
      memoryLimit: str(c.resources?.limits?.memory),
    })),
  };
}

export function validateResources(v: ResourcesForm): Issues {
  const issues: Issues = {};
  v.containers.forEach((c, i) => {
    for (const f of ["cpuRequest", "memoryRequest", "cpuLimit", "memoryLimit"] as const) {
      if (c[f].trim() !== "" && !isQuantity(c[f])) issues[`c.${i}.${f}`] = { key: "form.err.quantity" };
    }
    for (const [req, lim] of [["cpuRequest", "cpuLimit"], ["memoryRequest", "memoryLimit"]] as const) {
      if (issues[`c.${i}.${req}`] || issues[`c.${i}.${lim}`] || c[req].trim() === "" || c[lim].trim() === "") continue;
      if (quantityValue(c[req]) > quantityValue(c[lim])) issues[`c.${i}.${req}`] = { key: "form.err.requestAboveLimit" };
    }
  });
  return issues;
}

/**
 * The pod's QoS class as Kubernetes computes it (cpu and memory only): Guaranteed when every
 * container has cpu and memory limits and its requests (defaulted to the limits) equal them;
 * BestEffort when no container has any request or limit; Burstable otherwise.
 */
export function qosClass(v: ResourcesForm): QosClass {
  const set = (s: string) => s.trim() !== "";
  if (v.containers.every((c) => !set(c.cpuRequest) && !set(c.memoryRequest) && !set(c.cpuLimit) && !set(c.memoryLimit))) return "BestEffort";
  const guaranteed = v.containers.every((c) => {
    if (!set(c.cpuLimit) || !set(c.memoryLimit)) return false;
    const cpuReq = set(c.cpuRequest) ? c.cpuRequest : c.cpuLimit;
    const memReq = set(c.memoryRequest) ? c.memoryRequest : c.memoryLimit;
    return quantityValue(cpuReq) === quantityValue(c.cpuLimit) && quantityValue(memReq) === quantityValue(c.memoryLimit);
  });
  return guaranteed ? "Guaranteed" : "Burstable";
}

export function applyResources(yaml: string, v: ResourcesForm): string {
  return editYaml(yaml, (doc) => {
    v.containers.forEach((c, i) => {
      const path = [...CONTAINERS, i, "resources"];
      const current = (doc.getIn(path, false) as { toJSON?: () => unknown } | undefined)?.toJSON?.() as Obj | undefined;
      const next: Obj = { ...(current ?? {}) };
      const requests: Obj = { ...(current?.requests ?? {}) };
      const limits: Obj = { ...(current?.limits ?? {}) };
      const setQ = (m: Obj, k: string, val: string) => {
        if (val.trim() === "") delete m[k];
        else m[k] = val.trim();
      };
      setQ(requests, "cpu", c.cpuRequest);
      setQ(requests, "memory", c.memoryRequest);
      setQ(limits, "cpu", c.cpuLimit);
      setQ(limits, "memory", c.memoryLimit);
      if (Object.keys(requests).length) next.requests = requests;
      else delete next.requests;
      if (Object.keys(limits).length) next.limits = limits;
      else delete next.limits;
      if (Object.keys(next).length) doc.setIn(path, doc.createNode(next));
      else if (doc.hasIn(path)) doc.deleteIn(path);
    });
  });
}

// ---- health checks -------------------------------------------------------------------------

export const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
export type ProbeKind = (typeof PROBES)[number];
export type Handler = "httpGet" | "tcpSocket" | "exec" | "grpc";
export type ProbeForm = {
  enabled: boolean;
  handler: Handler;
  path: string;
  port: string;
  scheme: "HTTP" | "HTTPS";
  command: string;
  initialDelaySeconds: string;
  periodSeconds: string;
  timeoutSeconds: string;
  successThreshold: string;
  failureThreshold: string;
};
export type HealthForm = { containers: { name: string; probes: Record<ProbeKind, ProbeForm> }[] };

const TIMINGS = ["initialDelaySeconds", "periodSeconds", "timeoutSeconds", "successThreshold", "failureThreshold"] as const;

export function emptyProbe(): ProbeForm {
  return { enabled: false, handler: "httpGet", path: "/", port: "", scheme: "HTTP", command: "", initialDelaySeconds: "0", periodSeconds: "10", timeoutSeconds: "1", successThreshold: "1", failureThreshold: "3" };
}

export function probeFrom(p: Obj | undefined): ProbeForm {
  const f = emptyProbe();
  if (!p || typeof p !== "object") return f;
  f.enabled = true;
  if (p.httpGet) {
    f.handler = "httpGet";
    f.path = str(p.httpGet.path ?? "/");
    f.port = str(p.httpGet.port);
    f.scheme = p.httpGet.scheme === "HTTPS" ? "HTTPS" : "HTTP";
  } else if (p.tcpSocket) {
    f.handler = "tcpSocket";
    f.port = str(p.tcpSocket.port);
  } else if (p.grpc) {
    f.handler = "grpc";
    f.port = str(p.grpc.port);
  } else if (p.exec) {
    f.handler = "exec";
    f.command = Array.isArray(p.exec.command) ? (p.exec.command as unknown[]).map(str).join("\n") : "";
  }
  for (const k of TIMINGS) if (p[k] !== undefined) f[k] = str(p[k]);
  return f;
}

export function healthFrom(obj: Obj): HealthForm {
  return {
    containers: containersOf(obj).map((c) => ({
      name: str(c.name),
      probes: { livenessProbe: probeFrom(c.livenessProbe), readinessProbe: probeFrom(c.readinessProbe), startupProbe: probeFrom(c.startupProbe) },
    })),
  };
}

export function validateHealth(v: HealthForm): Issues {
  const issues: Issues = {};
  v.containers.forEach((c, i) => {
    for (const kind of PROBES) {
      const p = c.probes[kind];
      if (!p.enabled) continue;
      const at = `c.${i}.${kind}.`;
      if (p.handler === "httpGet") {
        put(issues, `${at}path`, pathIssue(p.path, true));
        put(issues, `${at}port`, portIssue(p.port));
      } else if (p.handler === "tcpSocket") {
        put(issues, `${at}port`, portIssue(p.port));
      } else if (p.handler === "grpc") {
        const port = portIssue(p.port);
        put(issues, `${at}port`, port ?? (INT.test(p.port.trim()) ? null : { key: "form.err.port" }));
      } else if (commandOf(p.command).length === 0) {
        issues[`${at}command`] = { key: "form.err.required" };
      }
      put(issues, `${at}initialDelaySeconds`, intIssue(p.initialDelaySeconds));
      put(issues, `${at}periodSeconds`, intIssue(p.periodSeconds, { min: 1 }));
      put(issues, `${at}timeoutSeconds`, intIssue(p.timeoutSeconds, { min: 1 }));
      put(issues, `${at}successThreshold`, intIssue(p.successThreshold, { min: 1 }));
      put(issues, `${at}failureThreshold`, intIssue(p.failureThreshold, { min: 1 }));
      if (kind !== "readinessProbe" && !issues[`${at}successThreshold`] && p.successThreshold.trim() !== "" && Number(p.successThreshold) !== 1) {
        issues[`${at}successThreshold`] = { key: "form.err.successThresholdOne" };
      }
    }
  });
  return issues;
}

function commandOf(text: string): string[] {
  return text.split("\n").map((l) => l.trim()).filter((l) => l !== "");
}

export function probeToObject(p: ProbeForm): Obj {
  const o: Obj = {};
  if (p.handler === "httpGet") o.httpGet = { path: p.path.trim(), port: intOrString(p.port), scheme: p.scheme };
  else if (p.handler === "tcpSocket") o.tcpSocket = { port: intOrString(p.port) };
  else if (p.handler === "grpc") o.grpc = { port: Number(p.port.trim()) };
  else o.exec = { command: commandOf(p.command) };
  for (const k of TIMINGS) if (p[k].trim() !== "") o[k] = Number(p[k].trim());
  return o;
}

export function applyHealth(yaml: string, v: HealthForm, original?: HealthForm): string {
  return editYaml(yaml, (doc) => {
    v.containers.forEach((c, i) => {
      for (const kind of PROBES) {
        const p = c.probes[kind];
        const path = [...CONTAINERS, i, kind];
        // Untouched probes stay exactly as they are (fields the form does not know survive).
        const before = original?.containers[i]?.probes[kind];
        if (before && JSON.stringify(before) === JSON.stringify(p)) continue;
        if (p.enabled) doc.setIn(path, doc.createNode(probeToObject(p)));
        else if (doc.hasIn(path)) doc.deleteIn(path);
      }
    });
  });
}

// ---- storage -------------------------------------------------------------------------------

export type StorageForm = {
  /** `claim`: mount an existing PVC; `template`: a new volumeClaimTemplate (immutable on a live StatefulSet). */
  mode: "claim" | "template";
  name: string;
  claimName: string;
  storageClass: string;
  accessMode: "ReadWriteOnce" | "ReadOnlyMany" | "ReadWriteMany" | "ReadWriteOncePod";
  size: string;
  container: string;
  mountPath: string;
  subPath: string;
  readOnly: boolean;
};

export function storageFrom(obj: Obj): StorageForm {
  return { mode: "claim", name: "", claimName: "", storageClass: "", accessMode: "ReadWriteOnce", size: "1Gi", container: str(containersOf(obj)[0]?.name), mountPath: "", subPath: "", readOnly: false };
}

export function validateStorage(v: StorageForm, obj: Obj): Issues {
  const issues: Issues = {};
  put(issues, "name", dnsLabelIssue(v.name));
  const volumes: Obj[] = obj?.spec?.template?.spec?.volumes ?? [];
  const templates: Obj[] = obj?.spec?.volumeClaimTemplates ?? [];
  if (!issues.name && [...volumes, ...templates.map((t) => t.metadata ?? {})].some((x) => x.name === v.name.trim())) {
    issues.name = { key: "form.err.nameTaken" };
  }
  if (v.mode === "claim") {
    const c = v.claimName.trim();
    if (c === "") issues.claimName = { key: "form.err.required" };
    else if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(c) || c.length > 253) issues.claimName = { key: "form.err.dnsSubdomain" };
  } else {
    if (v.size.trim() === "") issues.size = { key: "form.err.required" };
    else if (!isQuantity(v.size)) issues.size = { key: "form.err.quantity" };
  }
  const container = containersOf(obj).find((c) => c.name === v.container);
  if (!container) issues.container = { key: "form.err.required" };
  put(issues, "mountPath", pathIssue(v.mountPath, true));
  if (!issues.mountPath && container && ((container.volumeMounts ?? []) as Obj[]).some((m) => m.mountPath === v.mountPath.trim())) {
    issues.mountPath = { key: "form.err.mountTaken" };
  }
  if (v.subPath.trim().startsWith("/") || v.subPath.split("/").includes("..")) issues.subPath = { key: "form.err.subPath" };
  return issues;
}

export function applyStorage(yaml: string, v: StorageForm, obj: Obj): string {
  const index = containersOf(obj).findIndex((c) => c.name === v.container);
  return editYaml(yaml, (doc) => {
    const name = v.name.trim();
    if (v.mode === "claim") {
      const volume = { name, persistentVolumeClaim: { claimName: v.claimName.trim(), ...(v.readOnly ? { readOnly: true } : {}) } };
      const path = ["spec", "template", "spec", "volumes"];
      if (doc.hasIn(path)) doc.addIn(path, doc.createNode(volume));
      else doc.setIn(path, doc.createNode([volume]));
    } else {
      const spec: Obj = { accessModes: [v.accessMode], resources: { requests: { storage: v.size.trim() } } };
      if (v.storageClass.trim() !== "") spec.storageClassName = v.storageClass.trim();
      const template = { metadata: { name }, spec };
      const path = ["spec", "volumeClaimTemplates"];
      if (doc.hasIn(path)) doc.addIn(path, doc.createNode(template));
      else doc.setIn(path, doc.createNode([template]));
    }
    const mount: Obj = { name, mountPath: v.mountPath.trim() };
    if (v.subPath.trim() !== "") mount.subPath = v.subPath.trim();
    if (v.readOnly) mount.readOnly = true;
    const mounts = [...CONTAINERS, index, "volumeMounts"];
    if (doc.hasIn(mounts)) doc.addIn(mounts, doc.createNode(mount));
    else doc.setIn(mounts, doc.createNode([mount]));
  });
}

// ---- labels --------------------------------------------------------------------------------

/** The labels as chips, plus the key/value being typed (included when not empty). */
export type LabelsForm = { labels: { key: string; value: string }[]; draftKey?: string; draftValue?: string };

export function labelsFrom(obj: Obj): LabelsForm {
  const l = (obj?.metadata?.labels ?? {}) as Record<string, unknown>;
  return { labels: Object.entries(l).map(([key, value]) => ({ key, value: str(value) })), draftKey: "", draftValue: "" };
}

/** The labels with the draft (when one is typed) added or replacing the label with its key. */
export function labelsWithDraft(v: LabelsForm): { key: string; value: string }[] {
  const key = (v.draftKey ?? "").trim();
  if (key === "" && (v.draftValue ?? "").trim() === "") return v.labels;
  return [...v.labels.filter((l) => l.key.trim() !== key), { key, value: (v.draftValue ?? "").trim() }];
}

const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export function labelKeyIssue(key: string): Issue | null {
  const k = key.trim();
  if (k === "") return { key: "form.err.required" };
  const slash = k.lastIndexOf("/");
  const prefix = slash >= 0 ? k.slice(0, slash) : null;
  const name = slash >= 0 ? k.slice(slash + 1) : k;
  if (prefix !== null && (prefix === "" || prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return { key: "form.err.labelPrefix" };
  if (name.length > 63 || !LABEL_NAME.test(name)) return { key: "form.err.labelName" };
  return null;
}

export function labelValueIssue(value: string): Issue | null {
  const v = value.trim();
  if (v === "") return null;
  return v.length <= 63 && LABEL_NAME.test(v) ? null : { key: "form.err.labelValue" };
}

export function validateLabels(v: LabelsForm): Issues {
  const issues: Issues = {};
  const seen = new Set<string>();
  v.labels.forEach((l, i) => {
    put(issues, `labels.${i}.key`, labelKeyIssue(l.key));
    put(issues, `labels.${i}.value`, labelValueIssue(l.value));
    if (!issues[`labels.${i}.key`] && seen.has(l.key.trim())) issues[`labels.${i}.key`] = { key: "form.err.duplicate" };
    seen.add(l.key.trim());
  });
  if ((v.draftKey ?? "").trim() !== "" || (v.draftValue ?? "").trim() !== "") {
    put(issues, "draftKey", labelKeyIssue(v.draftKey ?? ""));
    put(issues, "draftValue", labelValueIssue(v.draftValue ?? ""));
  }
  return issues;
}

export function applyLabels(yaml: string, v: LabelsForm): string {
  return editYaml(yaml, (doc) => {
    const labels = Object.fromEntries(labelsWithDraft(v).map((l) => [l.key.trim(), l.value.trim()]));
    if (Object.keys(labels).length) doc.setIn(["metadata", "labels"], doc.createNode(labels));
    else if (doc.hasIn(["metadata", "labels"])) doc.deleteIn(["metadata", "labels"]);
  });
}

// ---- server problems → fields --------------------------------------------------------------

/**
 * The form field a server problem's field path belongs to (`spec.replicas` → `replicas`,
 * `spec.template.spec.containers[0].resources.limits.cpu` → `c.0.cpuLimit`), or null.
 */
export function fieldOfPath(path: string | null): string | null {
  if (!path) return null;
  const p = path.replace(/\[(\d+)\]/g, ".$1");
  if (p === "spec.replicas") return "replicas";
  if (p.startsWith("spec.updateStrategy.rollingUpdate.partition")) return "partition";
  if (p.startsWith("spec.updateStrategy.rollingUpdate.maxUnavailable")) return "maxUnavailable";
  if (p.startsWith("spec.volumeClaimTemplates")) return "name";
  let m = /^metadata\.labels(?:\.(.*))?$/.exec(p);
  if (m) return "labels";
  m = /^spec\.template\.spec\.containers\.(\d+)\.resources\.(requests|limits)\.(cpu|memory)/.exec(p);
  if (m) return `c.${m[1]}.${m[3]}${m[2] === "requests" ? "Request" : "Limit"}`;
  m = /^spec\.template\.spec\.containers\.(\d+)\.(livenessProbe|readinessProbe|startupProbe)(?:\.(?:httpGet|tcpSocket|exec)?\.?(\w+))?/.exec(p);
  if (m) {
    const leaf = m[3];
    const field = leaf && ["path", "port", "command", ...TIMINGS].includes(leaf) ? leaf : "port";
    return `c.${m[1]}.${m[2]}.${field}`;
  }
  m = /^spec\.template\.spec\.containers\.(\d+)\.volumeMounts/.exec(p);
  if (m) return "mountPath";
  if (p.startsWith("spec.template.spec.volumes")) return "claimName";
  return null;
}

import { describe, expect, it } from "vitest";
import { stsSchema } from "../../test/schemaFixture";
import { fieldAt, suggest } from "./assist";
import { schemaProblems } from "./lint";

const STS = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: pg
  labels:
    app: pg
spec:
  replicas: 3
  serviceName: pg
  template:
    spec:
      containers:
        - name: pg
          image: postgres:17
          resources:
            requests:
              memory: 1Gi
              cpu: 0.5
  volumeClaimTemplates:
    - metadata:
        name: data
      spec:
        resources:
          requests:
            storage: 10Gi
status:
  anything: goes
`;

const problems = (text: string) => schemaProblems(text, stsSchema).map(({ from: _f, to: _t, ...p }) => p);

describe("schema lint", () => {
  it("accepts a valid object, quantities as numbers or strings, null values and anything under status", () => {
    expect(problems(STS)).toEqual([]);
    expect(problems(STS.replace("replicas: 3", "replicas: null"))).toEqual([]);
    expect(problems(STS.replace("memory: 1Gi", "memory: 2"))).toEqual([]);
  });

  it("marks unknown fields at the key, with their path", () => {
    const text = STS.replace("replicas: 3", "replica: 3");
    const found = schemaProblems(text, stsSchema);
    expect(found.map(({ from: _f, to: _t, ...p }) => p)).toEqual([{ kind: "unknown", path: "spec.replica" }]);
    expect(text.slice(found[0]!.from, found[0]!.to)).toBe("replica");
    expect(problems(STS.replace("image: postgres:17", "imag: postgres:17"))).toEqual([{ kind: "unknown", path: "spec.template.spec.containers[0].imag" }]);
  });

  it("marks values of the wrong type at the value", () => {
    const text = STS.replace("replicas: 3", 'replicas: "3"');
    const found = schemaProblems(text, stsSchema);
    expect(found.map(({ from: _f, to: _t, ...p }) => p)).toEqual([{ kind: "type", path: "spec.replicas", expected: ["integer"], got: "string" }]);
    expect(text.slice(found[0]!.from, found[0]!.to)).toBe('"3"');
    expect(problems(STS.replace("replicas: 3", "replicas: 1.5"))).toEqual([{ kind: "type", path: "spec.replicas", expected: ["integer"], got: "number" }]);
    expect(problems(STS.replace("serviceName: pg", "serviceName: [pg]"))).toEqual([{ kind: "type", path: "spec.serviceName", expected: ["string"], got: "array" }]);
    expect(problems(STS.replace("memory: 1Gi", "memory: true"))).toEqual([{ kind: "type", path: "spec.template.spec.containers[0].resources.requests.memory", expected: ["number", "string"], got: "boolean" }]);
  });

  it("takes integers and strings for IntOrString", () => {
    const with_ = (v: string) => STS.replace("  serviceName: pg\n", `  serviceName: pg\n  updateStrategy:\n    rollingUpdate:\n      maxUnavailable: ${v}\n`);
    expect(problems(with_("1"))).toEqual([]);
    expect(problems(with_("50%"))).toEqual([]);
    expect(problems(with_("true"))).toEqual([{ kind: "type", path: "spec.updateStrategy.rollingUpdate.maxUnavailable", expected: ["integer", "string"], got: "boolean" }]);
  });

  it("checks enums", () => {
    expect(problems(STS.replace("  serviceName: pg\n", "  serviceName: pg\n  podManagementPolicy: Parallel\n"))).toEqual([]);
    expect(problems(STS.replace("  serviceName: pg\n", "  serviceName: pg\n  podManagementPolicy: Sometimes\n"))).toEqual([
      { kind: "enum", path: "spec.podManagementPolicy", allowed: ["OrderedReady", "Parallel"], got: "Sometimes" },
    ]);
  });

  it("checks map values (labels are strings) and allows any key in a map", () => {
    expect(problems(STS.replace("app: pg", "app: pg\n    tier: db"))).toEqual([]);
    expect(problems(STS.replace("app: pg", "app: {x: 1}"))).toEqual([{ kind: "type", path: "metadata.labels.app", expected: ["string"], got: "object" }]);
  });

  it("leaves a document that does not parse to the syntax check", () => {
    expect(problems(STS.replace("replicas: 3", "replicas: [3"))).toEqual([]);
  });
});

describe("schema completion", () => {
  const labels = (text: string, pos = text.length) => suggest(text, pos, stsSchema)?.options.map((o) => o.label);

  it("offers the fields of spec at its child indentation, without those already present", () => {
    const text = "apiVersion: apps/v1\nspec:\n  replicas: 3\n  ";
    const got = labels(text)!;
    expect(got).toEqual(expect.arrayContaining(["serviceName", "template", "volumeClaimTemplates", "podManagementPolicy"]));
    expect(got).not.toContain("replicas");
    const opt = suggest(text, text.length, stsSchema)!.options.find((o) => o.label === "serviceName")!;
    expect(opt.type).toBe("string");
    expect(opt.description).toContain("governs this StatefulSet");
    expect(suggest(text, text.length, stsSchema)!.options.find((o) => o.label === "template")!.type).toBe("PodTemplateSpec");
  });

  it("works mid-edit with a prefix, and counts keys below the cursor as present", () => {
    const text = "spec:\n  ser\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: a\n          im";
    expect(labels(text, text.indexOf("ser") + 3)).not.toContain("replicas");
    expect(suggest(text, text.indexOf("ser") + 3, stsSchema)!.from).toBe(text.indexOf("ser"));
    expect(labels(text)).toEqual(expect.arrayContaining(["image", "imagePullPolicy", "resources"]));
    expect(labels(text)).not.toContain("name");
    expect(labels("spec:\n  template:\n    spec:\n      containers:\n      - ")).toEqual(expect.arrayContaining(["name", "image"]));
    expect(labels("apiVersion: v1\n")).toEqual(expect.arrayContaining(["kind", "metadata", "spec", "status"]));
  });

  it("offers enum values and booleans after `key: `", () => {
    expect(labels("spec:\n  podManagementPolicy: ")).toEqual(["OrderedReady", "Parallel"]);
    expect(labels("spec:\n  template:\n    spec:\n      hostNetwork: t")).toEqual(["true", "false"]);
    expect(labels("spec:\n  template:\n    spec:\n      containers:\n        - imagePullPolicy: ")).toEqual(["Always", "IfNotPresent", "Never"]);
    expect(labels("spec:\n  replicas: ")).toBeUndefined();
  });
});

describe("schema hover", () => {
  it("describes the key under the pointer with its path and type", () => {
    const pos = STS.indexOf("replicas") + 2;
    expect(fieldAt(STS, pos, stsSchema)).toMatchObject({ path: "spec.replicas", type: "integer", description: expect.stringContaining("desired number of replicas") });
    const image = STS.indexOf("image:") + 1;
    expect(fieldAt(STS, image, stsSchema)).toMatchObject({ path: "spec.template.spec.containers[].image", type: "string" });
    expect(fieldAt(STS, STS.indexOf("storage") + 1, stsSchema)).toBeNull();
    expect(fieldAt(STS, STS.indexOf("apps/v1") + 1, stsSchema)).toBeNull();
  });
});

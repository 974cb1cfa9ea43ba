import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import type { ApplyOutcome, ContainerEnvView } from "../../api";
import { backend } from "../../test/fakeTauri";
import { status } from "../../test/sts";
import { envNameError, EnvTab, withEnvEdit } from "./EnvTab";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

const YAML = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: pg
  namespace: db
  resourceVersion: "41"
spec:
  template:
    spec:
      initContainers:
        - name: init
          image: busybox
      containers:
        - name: main
          image: postgres
          env:
            - name: LEVEL
              value: debug
            - name: PASSWORD
              valueFrom:
                secretKeyRef: {name: db-creds, key: password}
`;

const containers: ContainerEnvView[] = [
  { name: "init", init: true, index: 0, env: [], envFrom: [] },
  {
    name: "main",
    init: false,
    index: 0,
    env: [
      { name: "LEVEL", source: { type: "literal", value: "debug" } },
      { name: "PASSWORD", source: { type: "secretKey", name: "db-creds", key: "password", optional: false } },
      { name: "MODE", source: { type: "configMapKey", name: "cfg", key: "mode", optional: true } },
      { name: "POD", source: { type: "field", fieldPath: "metadata.name" } },
    ],
    envFrom: [{ kind: "configMap", name: "cfg", prefix: "CFG_", optional: false }],
  },
];
const target = { context: "prod-eu", kind: "statefulsets", namespace: "db", name: "pg" };

function main() {
  return screen.getAllByTestId("env-container").find((c) => c.dataset.container === "main")!;
}
function row(name: string) {
  return within(main()).getAllByTestId("env-var").find((r) => r.dataset.name === name)!;
}

beforeEach(() => {
  backend.reset();
  backend.on("read_object", () => ({ yaml: YAML, resourceVersion: "41" }));
});

describe("environment tab", () => {
  it("lists env vars and envFrom per container as references, with no secret value", () => {
    render(<EnvTab status={status("prod-eu")} target={target} containers={containers} onOpenYaml={() => {}} />);
    expect(screen.getAllByTestId("env-container")).toHaveLength(2);
    expect(screen.getAllByTestId("env-container")[0]).toHaveAttribute("data-init", "true");
    expect(row("LEVEL")).toHaveTextContent("debug");
    expect(row("PASSWORD")).toHaveTextContent("Secret db-creds · key password");
    expect(row("MODE")).toHaveTextContent("ConfigMap cfg · key mode");
    expect(row("POD")).toHaveTextContent("Field metadata.name");
    expect(within(main()).getByTestId("env-from")).toHaveTextContent("All keys of ConfigMap cfg · prefix CFG_");
    // references have no edit buttons; literals do
    expect(within(row("PASSWORD")).queryByTestId("env-edit")).toBeNull();
    expect(within(row("LEVEL")).getByTestId("env-edit")).toBeEnabled();
    expect(backend.calls).toHaveLength(0);
  });

  it("reveals one secret key only on click, hides it again, and shows a refusal clearly", async () => {
    backend.on("reveal_secret_value", () => "s3cret");
    const user = userEvent.setup();
    render(<EnvTab status={status("prod-eu")} target={target} containers={containers} onOpenYaml={() => {}} />);
    expect(screen.queryByTestId("env-secret-value")).toBeNull();
    await user.click(within(row("PASSWORD")).getByTestId("env-reveal"));
    expect(await screen.findByTestId("env-secret-value")).toHaveTextContent("s3cret");
    expect(backend.callsOf("reveal_secret_value")[0]!.args).toEqual({ context: "prod-eu", namespace: "db", secret: "db-creds", key: "password" });
    await user.click(screen.getByTestId("env-hide"));
    expect(screen.queryByTestId("env-secret-value")).toBeNull();

    backend.on("reveal_secret_value", () => {
      throw { code: "Forbidden", message: "forbidden: get secrets in namespace db" };
    });
    await user.click(within(row("PASSWORD")).getByTestId("env-reveal"));
    expect(await within(row("PASSWORD")).findByTestId("env-value-error")).toHaveTextContent("forbidden: get secrets in namespace db");

    backend.on("config_map_value", () => "fast");
    await user.click(within(row("MODE")).getByTestId("env-show"));
    expect(await screen.findByTestId("env-config-value")).toHaveTextContent("fast");
    expect(backend.callsOf("config_map_value")[0]!.args).toEqual({ context: "prod-eu", namespace: "db", configMap: "cfg", key: "mode" });
  });

  it("adds a literal through the dry run, then applies", async () => {
    const plan: ApplyOutcome = { outcome: "changes", diff: [{ kind: "add", text: "  - name: TZ" }, { kind: "add", text: "    value: UTC" }], added: 2, removed: 0, resourceVersion: null };
    backend.on("plan_edit", () => plan);
    backend.on("apply_edit", () => ({ ...plan, resourceVersion: "42" }));
    const user = userEvent.setup();
    render(<EnvTab status={status("prod-eu")} target={target} containers={containers} onOpenYaml={() => {}} />);
    await user.click(within(main()).getByTestId("env-add"));
    await user.type(screen.getByTestId("env-form-name"), "LEVEL");
    expect(screen.getByTestId("env-form-error")).toHaveTextContent("already has a variable");
    expect(screen.getByTestId("env-form-review")).toBeDisabled();
    await user.clear(screen.getByTestId("env-form-name"));
    await user.type(screen.getByTestId("env-form-name"), "TZ");
    await user.type(screen.getByTestId("env-form-value"), "UTC");
    await user.click(screen.getByTestId("env-form-review"));
    expect(await screen.findByTestId("yaml-diff")).toHaveTextContent("value: UTC");
    const sent = backend.callsOf("plan_edit")[0]!.args;
    expect(sent.base).toBe(YAML);
    const obj = parse(sent.yaml as string);
    expect(obj.spec.template.spec.containers[0].env).toEqual([
      { name: "LEVEL", value: "debug" },
      { name: "PASSWORD", valueFrom: { secretKeyRef: { name: "db-creds", key: "password" } } },
      { name: "TZ", value: "UTC" },
    ]);
    expect(backend.callsOf("apply_edit")).toHaveLength(0);
    await user.click(screen.getByTestId("yaml-apply"));
    expect(await screen.findByTestId("env-applied")).toBeInTheDocument();
    expect(backend.callsOf("apply_edit")[0]!.args).toMatchObject({ base: YAML, yaml: sent.yaml, force: false });
  });

  it("removes a variable through the dry run's diff", async () => {
    backend.on("plan_edit", () => ({ outcome: "changes", diff: [{ kind: "remove", text: "  - name: LEVEL" }, { kind: "remove", text: "    value: debug" }], added: 0, removed: 2, resourceVersion: null }));
    const user = userEvent.setup();
    render(<EnvTab status={status("prod-eu")} target={target} containers={containers} onOpenYaml={() => {}} />);
    await user.click(within(row("LEVEL")).getByTestId("env-remove"));
    expect(await screen.findByTestId("yaml-diff")).toHaveTextContent("name: LEVEL");
    expect(backend.callsOf("apply_edit")).toHaveLength(0);
    const obj = parse(backend.callsOf("plan_edit")[0]!.args.yaml as string);
    expect(obj.spec.template.spec.containers[0].env.map((e: { name: string }) => e.name)).toEqual(["PASSWORD"]);
  });

  it("offers no edits on a read-only context, but still reveals on click", async () => {
    render(<EnvTab status={status("prod-eu", "readOnly")} target={target} containers={containers} onOpenYaml={() => {}} />);
    expect(within(row("LEVEL")).getByTestId("env-edit")).toBeDisabled();
    expect(within(main()).getByTestId("env-add")).toBeDisabled();
    expect(within(row("PASSWORD")).getByTestId("env-reveal")).toBeEnabled();
    await waitFor(() => expect(backend.calls).toHaveLength(0));
  });
});

describe("env helpers", () => {
  it("edits one container's literal and keeps everything else", () => {
    const c = { init: false, index: 0, name: "main" };
    const changed = parse(withEnvEdit(YAML, c, { op: "set", name: "LEVEL2", value: "info", previousName: "LEVEL" }));
    expect(changed.spec.template.spec.containers[0].env[0]).toEqual({ name: "LEVEL2", value: "info" });
    expect(changed.metadata.resourceVersion).toBe("41");
    const init = parse(withEnvEdit(YAML, { init: true, index: 0, name: "init" }, { op: "set", name: "A", value: "1" }));
    expect(init.spec.template.spec.initContainers[0].env).toEqual([{ name: "A", value: "1" }]);
    expect(() => withEnvEdit(YAML, { init: false, index: 0, name: "other" }, { op: "remove", name: "LEVEL" })).toThrow("no longer");
  });
  it("validates names", () => {
    expect(envNameError("", [])).toBe("empty");
    expect(envNameError("A=B", [])).toBe("invalid");
    expect(envNameError("A B", [])).toBe("invalid");
    expect(envNameError("A", ["A"])).toBe("taken");
    expect(envNameError("my.var-1", [])).toBeNull();
  });
});

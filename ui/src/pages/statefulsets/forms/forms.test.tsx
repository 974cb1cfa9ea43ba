// Each edit form driven through the Actions menu: edit → Preview (read_object + plan_edit with
// the edited YAML) → Apply (apply_edit), against a mocked backend.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ApplyOutcome, ClusterStatus } from "../../../api";
import { backend } from "../../../test/fakeTauri";
import { StsActions } from "../StsActions";
import { parseObject } from "./model";

vi.mock("@tauri-apps/api/core", () => import("../../../test/fakeTauri"));

const YAML = `apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: pg
  namespace: db
  labels:
    app: pg
  resourceVersion: "41"
spec:
  replicas: 3
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      partition: 0
  template:
    spec:
      containers:
        - name: postgres
          image: postgres:16
          readinessProbe:
            tcpSocket:
              port: 5432
`;
const status: ClusterStatus = { context: "prod-eu", state: "connected", serverVersion: "v1.34.1", latencyMs: 3, message: null, protection: "normal", features: null };
const target = { context: "prod-eu", kind: "statefulsets", namespace: "db", name: "pg" };
const changes: ApplyOutcome = { outcome: "changes", diff: [{ kind: "add", text: "  something" }], added: 1, removed: 0, resourceVersion: null };

function setup(extra: { hpa?: string | null } = {}) {
  const handlers = { onRestart: vi.fn(), onEditYaml: vi.fn(), onDelete: vi.fn() };
  render(<StsActions status={status} namespace="db" name="pg" hpa={extra.hpa === undefined ? null : extra.hpa} {...handlers} />);
  return handlers;
}

async function open(user: ReturnType<typeof userEvent.setup>, item: string) {
  await user.click(screen.getByTestId("sts-actions"));
  await user.click(within(screen.getByRole("menu")).getByTestId(`menu-${item}`));
}

/** Preview, check the planned YAML, apply, and see the success. */
async function previewAndApply(user: ReturnType<typeof userEvent.setup>, check: (planned: ReturnType<typeof parseObject>) => void) {
  await user.click(screen.getByTestId("form-preview"));
  expect(await screen.findByTestId("yaml-outcome")).toHaveAttribute("data-outcome", "changes");
  const plan = backend.callsOf("plan_edit")[0]!.args;
  expect(plan.target).toEqual(target);
  expect(plan.base).toBe(YAML);
  check(parseObject(plan.yaml as string));
  expect(backend.callsOf("apply_edit")).toHaveLength(0);
  await user.click(screen.getByTestId("yaml-apply"));
  expect(await screen.findByTestId("form-applied")).toHaveTextContent("42");
  expect(backend.callsOf("apply_edit")[0]!.args).toEqual({ ...plan, force: false });
}

beforeEach(() => {
  backend.reset();
  backend.on("read_object", () => ({ yaml: YAML, resourceVersion: "41" }));
  backend.on("plan_edit", () => changes);
  backend.on("apply_edit", () => ({ ...changes, resourceVersion: "42" }));
  backend.on("action_checks", () => ({ denied: [], hpas: [] }));
});

describe("Actions menu", () => {
  it("is a keyboard menu: arrows move, Escape closes and returns focus", async () => {
    const user = userEvent.setup();
    const h = setup();
    const button = screen.getByTestId("sts-actions");
    button.focus();
    await user.keyboard("{ArrowDown}");
    const menu = screen.getByRole("menu");
    expect(button).toHaveAttribute("aria-expanded", "true");
    expect(within(menu).getAllByRole("menuitem")[0]).toHaveFocus();
    await user.keyboard("{ArrowUp}");
    expect(within(menu).getByTestId("menu-delete")).toHaveFocus();
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
    expect(button).toHaveFocus();
    await user.keyboard("{Enter}");
    await user.click(within(screen.getByRole("menu")).getByTestId("menu-yaml"));
    expect(h.onEditYaml).toHaveBeenCalled();
    await open(user, "restart");
    expect(h.onRestart).toHaveBeenCalled();
    await open(user, "delete");
    expect(h.onDelete).toHaveBeenCalled();
  });

  it("returns focus to the Actions button when a form closes", async () => {
    const user = userEvent.setup();
    setup();
    await open(user, "strategy");
    await screen.findByTestId("field-partition");
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("form-strategy")).not.toBeInTheDocument();
    expect(screen.getByTestId("sts-actions")).toHaveFocus();
  });

  it("hides Edit replicas when an HPA targets the StatefulSet", async () => {
    const user = userEvent.setup();
    setup({ hpa: "pg-hpa" });
    await user.click(screen.getByTestId("sts-actions"));
    expect(screen.queryByTestId("menu-replicas")).not.toBeInTheDocument();
    expect(screen.getByTestId("menu-strategy")).toBeInTheDocument();
  });
});

describe("edit forms", () => {
  it("keep their inputs (and the cursor) when the page around them re-renders", async () => {
    const user = userEvent.setup();
    const handlers = { onRestart: vi.fn(), onEditYaml: vi.fn(), onDelete: vi.fn() };
    const { rerender } = render(<StsActions status={status} namespace="db" name="pg" hpa={null} {...handlers} />);
    await open(user, "replicas");
    const input = await screen.findByTestId("field-replicas");
    input.focus();
    // the detail updates (a pod became ready): the parent renders again
    rerender(<StsActions status={{ ...status, latencyMs: 4 }} namespace="db" name="pg" hpa={null} {...handlers} />);
    expect(screen.getByTestId("field-replicas")).toBe(input);
    expect(document.activeElement).toBe(input);
  });

  it("replicas: validates, previews and applies", async () => {
    const user = userEvent.setup();
    setup();
    await open(user, "replicas");
    const input = await screen.findByTestId("field-replicas");
    expect(input).toHaveValue("3");
    await user.clear(input);
    await user.type(input, "-2");
    expect(screen.getByTestId("issue-replicas")).toHaveTextContent("whole number");
    expect(screen.getByTestId("form-preview")).toBeDisabled();
    await user.clear(input);
    await user.type(input, "5");
    await previewAndApply(user, (o) => expect(o.spec.replicas).toBe(5));
  });

  it("update strategy: partition warning, then OnDelete", async () => {
    const user = userEvent.setup();
    setup();
    await open(user, "strategy");
    const partition = await screen.findByTestId("field-partition");
    await user.clear(partition);
    await user.type(partition, "7");
    expect(screen.getByTestId("issue-partition")).toHaveTextContent("Above the replica count (3)");
    expect(screen.getByTestId("form-preview")).toBeEnabled();
    await user.type(screen.getByTestId("field-maxUnavailable"), "150%");
    expect(screen.getByTestId("issue-maxUnavailable")).toBeInTheDocument();
    await user.click(screen.getByTestId("strategy-OnDelete"));
    await previewAndApply(user, (o) => expect(o.spec.updateStrategy).toEqual({ type: "OnDelete" }));
  });

  it("resources: quantities checked, QoS shown", async () => {
    const user = userEvent.setup();
    setup();
    await open(user, "resources");
    expect(await screen.findByTestId("qos")).toHaveAttribute("data-qos", "BestEffort");
    await user.type(screen.getByTestId("field-c.0.cpuLimit"), "1 core");
    expect(screen.getByTestId("issue-c.0.cpuLimit")).toHaveTextContent("500m");
    await user.clear(screen.getByTestId("field-c.0.cpuLimit"));
    await user.type(screen.getByTestId("field-c.0.cpuLimit"), "500m");
    expect(screen.getByTestId("qos")).toHaveAttribute("data-qos", "Burstable");
    await user.type(screen.getByTestId("field-c.0.memoryLimit"), "1Gi");
    expect(screen.getByTestId("qos")).toHaveAttribute("data-qos", "Guaranteed");
    await previewAndApply(user, (o) => expect(o.spec.template.spec.containers[0].resources).toEqual({ limits: { cpu: "500m", memory: "1Gi" } }));
  });

  it("health checks: add an HTTP liveness probe, remove the readiness probe", async () => {
    const user = userEvent.setup();
    setup();
    await open(user, "health");
    await user.click(await screen.findByTestId("probe-add-livenessProbe"));
    const path = screen.getByTestId("field-c.0.livenessProbe.path");
    await user.clear(path);
    await user.type(path, "healthz");
    expect(screen.getByTestId("issue-c.0.livenessProbe.path")).toHaveTextContent("Must start with /");
    expect(screen.getByTestId("issue-c.0.livenessProbe.port")).toHaveTextContent("Required");
    await user.clear(path);
    await user.type(path, "/healthz");
    await user.type(screen.getByTestId("field-c.0.livenessProbe.port"), "8080");
    await user.click(screen.getByTestId("probe-remove-readinessProbe"));
    await previewAndApply(user, (o) => {
      const c = o.spec.template.spec.containers[0];
      expect(c.livenessProbe.httpGet).toEqual({ path: "/healthz", port: 8080, scheme: "HTTP" });
      expect(c.readinessProbe).toBeUndefined();
    });
  });

  it("add storage: mounts an existing claim", async () => {
    const user = userEvent.setup();
    setup();
    await open(user, "storage");
    await user.type(await screen.findByTestId("field-name"), "shared");
    await user.type(screen.getByTestId("field-claimName"), "shared-data");
    await user.type(screen.getByTestId("field-mountPath"), "/shared");
    await previewAndApply(user, (o) => {
      expect(o.spec.template.spec.volumes).toEqual([{ name: "shared", persistentVolumeClaim: { claimName: "shared-data" } }]);
      expect(o.spec.template.spec.containers[0].volumeMounts).toEqual([{ name: "shared", mountPath: "/shared" }]);
    });
  });

  it("add storage: a new claim template is explained, and the server's refusal lands at the field", async () => {
    backend.on("plan_edit", () => ({
      outcome: "invalid",
      problems: [{ field: "spec", line: null, column: null, message: "Forbidden: updates to statefulset spec for fields other than 'replicas', … are forbidden" }, { field: "spec.volumeClaimTemplates", line: null, column: null, message: "may not change" }],
    }));
    const user = userEvent.setup();
    setup();
    await open(user, "storage");
    await user.click(await screen.findByTestId("storage-mode-template"));
    expect(screen.getByTestId("storage-template-note")).toHaveTextContent("recreate the StatefulSet");
    await user.type(screen.getByTestId("field-name"), "wal");
    await user.type(screen.getByTestId("field-mountPath"), "/wal");
    await user.click(screen.getByTestId("form-preview"));
    expect(await screen.findByTestId("yaml-outcome")).toHaveAttribute("data-outcome", "invalid");
    expect(screen.getByTestId("yaml-problems")).toHaveTextContent("Forbidden");
    expect(screen.getByTestId("form-server-problems")).toHaveTextContent("may not change");
    await user.click(screen.getByTestId("form-back"));
    expect(screen.getByTestId("issue-name")).toHaveTextContent("The server refused this value: may not change");
    expect(backend.callsOf("apply_edit")).toHaveLength(0);
  });

  it("conflicts are named and forced only on request; a changed object is re-previewed", async () => {
    backend.on("plan_edit", () => ({ outcome: "conflicts", conflicts: [{ field: "spec.replicas", manager: "helm" }], message: "1 conflict", forced: [] }));
    const user = userEvent.setup();
    setup();
    await open(user, "replicas");
    const input = await screen.findByTestId("field-replicas");
    await user.clear(input);
    await user.type(input, "4");
    await user.click(screen.getByTestId("form-preview"));
    expect(await screen.findByTestId("yaml-conflicts")).toHaveTextContent("spec.replicas is owned by helm");
    backend.on("apply_edit", () => ({ outcome: "changed", latest: { yaml: YAML, resourceVersion: "50" }, diff: [] }));
    await user.click(screen.getByTestId("yaml-force"));
    await waitFor(() => expect(backend.callsOf("apply_edit")[0]!.args.force).toBe(true));
    expect(await screen.findByTestId("yaml-outcome")).toHaveAttribute("data-outcome", "changed");
    backend.on("plan_edit", () => changes);
    await user.click(screen.getByTestId("yaml-load-latest"));
    await waitFor(() => expect(backend.callsOf("read_object").length).toBeGreaterThanOrEqual(3));
    expect(await screen.findByTestId("yaml-outcome")).toHaveAttribute("data-outcome", "changes");
  });

  it("on a read-only context the edit items are disabled", async () => {
    const user = userEvent.setup();
    render(<StsActions status={{ ...status, protection: "readOnly" }} namespace="db" name="pg" hpa={null} onRestart={() => {}} onEditYaml={() => {}} onDelete={() => {}} />);
    await user.click(screen.getByTestId("sts-actions"));
    expect(screen.getByTestId("menu-replicas")).toBeDisabled();
    expect(screen.getByTestId("menu-delete")).toBeDisabled();
    expect(screen.getByTestId("menu-yaml")).toBeEnabled();
  });
});

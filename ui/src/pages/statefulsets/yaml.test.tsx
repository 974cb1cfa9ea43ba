import { act, render, screen, waitFor } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { ApplyOutcome, ClusterStatus } from "../../api";
import { viewOf } from "../../components/yaml/CodeEditor";
import { yamlError } from "../../lib/yamlSyntax";
import { forgetSchemas } from "../../state/schemas";
import { backend } from "../../test/fakeTauri";
import { stsSchema } from "../../test/schemaFixture";
import { YamlTab } from "./YamlTab";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

const YAML = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: pg\n  namespace: db\n  resourceVersion: \"41\"\nspec:\n  replicas: 3\n";
const status = (protection: ClusterStatus["protection"] = "normal"): ClusterStatus => ({
  context: "prod-eu",
  state: "connected",
  serverVersion: "v1.34.1",
  latencyMs: 3,
  message: null,
  protection,
  features: null,
});
const target = { context: "prod-eu", kind: "statefulsets", namespace: "db", name: "pg" };

type Wrapper = HTMLElement & { value: string };

/** Replaces the text the way the end-to-end suite does, through the wrapper's `value`. */
function edit(to: string) {
  act(() => {
    screen.getByTestId<Wrapper>("yaml-editor").value = to;
  });
}

beforeAll(async () => {
  // The editor is a lazy chunk; load it once so the first test does not wait for the transform.
  await import("../../components/yaml/CodeEditor");
});

beforeEach(() => {
  backend.reset();
  forgetSchemas();
  backend.on("read_object", () => ({ yaml: YAML, resourceVersion: "41" }));
});

describe("YAML tab", () => {
  it("reviews with a dry run, shows the diff, and applies only after that", async () => {
    const plan: ApplyOutcome = { outcome: "changes", diff: [{ kind: "remove", text: "  replicas: 3" }, { kind: "add", text: "  replicas: 5" }], added: 1, removed: 1, resourceVersion: null };
    backend.on("plan_edit", () => plan);
    backend.on("apply_edit", () => ({ ...plan, resourceVersion: "42" }));
    const user = userEvent.setup();
    render(<YamlTab status={status("production")} target={target} liveVersion="41" />);
    await screen.findByTestId("yaml-editor");
    expect(screen.getByTestId("yaml-review")).toBeDisabled();
    edit(YAML.replace("replicas: 3", "replicas: 5"));
    await user.click(screen.getByTestId("yaml-review"));
    const outcome = await screen.findByTestId("yaml-outcome");
    expect(outcome).toHaveAttribute("data-outcome", "changes");
    expect(screen.getByTestId("yaml-diff")).toHaveTextContent("replicas: 5");
    expect(screen.getByTestId("yaml-target")).toHaveTextContent("prod-eu");
    expect(screen.getByTestId("yaml-target")).toHaveTextContent("Production");
    expect(backend.callsOf("apply_edit")).toHaveLength(0);
    expect(backend.callsOf("plan_edit")[0]!.args).toEqual({ target, base: YAML, yaml: YAML.replace("replicas: 3", "replicas: 5") });
    await user.click(screen.getByTestId("yaml-apply"));
    expect(await screen.findByTestId("yaml-applied")).toHaveTextContent("42");
    expect(backend.callsOf("apply_edit")[0]!.args.force).toBe(false);
  });

  it("names conflicting fields and their managers, and forces only on request", async () => {
    backend.on("plan_edit", () => ({ outcome: "conflicts", conflicts: [{ field: "spec.replicas", manager: "helm" }], message: "Apply failed with 1 conflict", forced: [{ kind: "add", text: "  replicas: 5" }] }));
    backend.on("apply_edit", () => ({ outcome: "changes", diff: [], added: 1, removed: 1, resourceVersion: "43" }));
    const user = userEvent.setup();
    render(<YamlTab status={status()} target={target} liveVersion="41" />);
    await screen.findByTestId("yaml-editor");
    edit(YAML.replace("replicas: 3", "replicas: 5"));
    await user.click(screen.getByTestId("yaml-review"));
    expect(await screen.findByTestId("yaml-conflicts")).toHaveTextContent("spec.replicas is owned by helm");
    await user.click(screen.getByTestId("yaml-force"));
    await waitFor(() => expect(backend.callsOf("apply_edit")[0]!.args.force).toBe(true));
  });

  it("refuses to review text that does not parse, pointing at the line", async () => {
    render(<YamlTab status={status()} target={target} liveVersion="41" />);
    await screen.findByTestId("yaml-editor");
    edit(YAML.replace("replicas: 3", "replicas: [3"));
    expect(screen.getByTestId("yaml-syntax-error")).toHaveTextContent("Line");
    expect(screen.getByTestId("yaml-review")).toBeDisabled();
  });

  it("says so when the object changed under unsaved edits, and follows it when there are none", async () => {
    const { rerender } = render(<YamlTab status={status()} target={target} liveVersion="41" />);
    await screen.findByTestId("yaml-editor");
    // No edits: a new version is loaded silently.
    backend.on("read_object", () => ({ yaml: YAML.replace('"41"', '"44"'), resourceVersion: "44" }));
    rerender(<YamlTab status={status()} target={target} liveVersion="44" />);
    await waitFor(() => expect(screen.getByTestId("yaml-version")).toHaveTextContent("44"));
    // With edits, a status-only change (same editable text) is absorbed quietly...
    edit(YAML.replace("replicas: 3", "replicas: 9"));
    backend.on("read_object", () => ({ yaml: YAML.replace('"41"', '"45"'), resourceVersion: "45" }));
    rerender(<YamlTab status={status()} target={target} liveVersion="45" />);
    await waitFor(() => expect(screen.getByTestId("yaml-version")).toHaveTextContent("45"));
    expect(screen.queryByTestId("yaml-stale")).not.toBeInTheDocument();
    // ...a change to what the user edits is announced, and the edits are kept.
    backend.on("read_object", () => ({ yaml: YAML.replace('"41"', '"46"').replace("replicas: 3", "replicas: 4"), resourceVersion: "46" }));
    rerender(<YamlTab status={status()} target={target} liveVersion="46" />);
    expect(await screen.findByTestId("yaml-stale")).toBeInTheDocument();
    expect(screen.getByTestId<Wrapper>("yaml-editor").value).toContain("replicas: 9");
  });

  it("keeps what the user typed while a silent reload was on its way", async () => {
    const { rerender } = render(<YamlTab status={status()} target={target} liveVersion="41" />);
    await screen.findByTestId("yaml-editor");
    const answers: ((v: unknown) => void)[] = [];
    backend.on("read_object", () => new Promise((resolve) => answers.push(resolve)));
    // The server moved on (status churn): a reload starts, the user types before it answers.
    rerender(<YamlTab status={status()} target={target} liveVersion="44" />);
    await waitFor(() => expect(answers.length).toBe(1));
    edit(YAML.replace("replicas: 3", "replicas: 9"));
    const newer = { yaml: YAML.replace('"41"', '"44"'), resourceVersion: "44" };
    // The reload started before the edit answers first.
    await act(async () => answers.forEach((a) => a(newer)));
    await waitFor(() => expect(screen.getByTestId("yaml-version")).toHaveTextContent("44"));
    expect(screen.getByTestId<Wrapper>("yaml-editor").value).toContain("replicas: 9");
    expect(screen.getByTestId("yaml-review")).toBeEnabled();
  });

  it("offers no review on a read-only context, and the editor takes no typing", async () => {
    render(<YamlTab status={status("readOnly")} target={target} liveVersion="41" />);
    const wrapper = await screen.findByTestId("yaml-editor");
    expect(screen.getByTestId("yaml-review")).toBeDisabled();
    const view = viewOf(wrapper)!;
    expect(view.state.readOnly).toBe(true);
    expect(view.contentDOM).toHaveAttribute("contenteditable", "false");
  });

  it("shows the text in CodeMirror, labelled, and a discard puts the loaded text back", async () => {
    const user = userEvent.setup();
    render(<YamlTab status={status()} target={target} liveVersion="41" />);
    const wrapper = await screen.findByTestId<Wrapper>("yaml-editor");
    const view = viewOf(wrapper)!;
    expect(view.state.doc.toString()).toBe(YAML);
    expect(view.contentDOM).toHaveAttribute("aria-label", "YAML of the object");
    // Typing through the view reaches the tab (Review opens up).
    act(() => view.dispatch({ changes: { from: YAML.indexOf("3\n"), to: YAML.indexOf("3\n") + 1, insert: "4" }, userEvent: "input" }));
    expect(screen.getByTestId("yaml-tab")).toHaveAttribute("data-dirty", "true");
    expect(screen.getByTestId("yaml-review")).toBeEnabled();
    await user.click(screen.getByTestId("yaml-discard"));
    expect(wrapper.value).toBe(YAML);
    expect(screen.getByTestId("yaml-tab")).not.toHaveAttribute("data-dirty");
  });

  it("counts problems against the server's schema without blocking Review", async () => {
    backend.on("object_schema", () => stsSchema);
    render(<YamlTab status={status()} target={target} liveVersion="41" />);
    const wrapper = await screen.findByTestId("yaml-editor");
    await waitFor(() => expect(wrapper).toHaveAttribute("data-schema", "loaded"));
    expect(backend.callsOf("object_schema")[0]!.args).toEqual({ context: "prod-eu", kind: "statefulsets" });
    expect(screen.queryByTestId("yaml-schema-problems")).not.toBeInTheDocument();
    edit(YAML.replace("replicas: 3", 'replicas: "3"\n  replica: 2'));
    expect(screen.getByTestId("yaml-schema-problems")).toHaveTextContent("2 problems against the server's schema");
    expect(screen.getByTestId("yaml-review")).toBeEnabled();
    edit(YAML.replace("replicas: 3", "replicas: 4"));
    expect(screen.queryByTestId("yaml-schema-problems")).not.toBeInTheDocument();
  });

  it("fetches a kind's schema once per cluster, and tries again after a failure", async () => {
    backend.on("object_schema", () => stsSchema);
    const first = render(<YamlTab status={status()} target={target} liveVersion="41" />);
    await waitFor(() => expect(screen.getByTestId("yaml-editor")).toHaveAttribute("data-schema", "loaded"));
    first.unmount();
    const second = render(<YamlTab status={status()} target={{ ...target, name: "other" }} liveVersion="41" />);
    await waitFor(() => expect(screen.getByTestId("yaml-editor")).toHaveAttribute("data-schema", "loaded"));
    second.unmount();
    expect(backend.callsOf("object_schema")).toHaveLength(1);

    backend.on("object_schema", () => {
      throw { code: "Unreachable", message: "down" };
    });
    const other = { ...target, context: "staging" };
    const third = render(<YamlTab status={status()} target={other} liveVersion="41" />);
    await waitFor(() => expect(screen.getByTestId("yaml-editor")).toHaveAttribute("data-schema", "unavailable"));
    third.unmount();
    backend.on("object_schema", () => stsSchema);
    render(<YamlTab status={status()} target={other} liveVersion="41" />);
    await waitFor(() => expect(screen.getByTestId("yaml-editor")).toHaveAttribute("data-schema", "loaded"));
    expect(backend.callsOf("object_schema")).toHaveLength(3);
  });

  it("says when the schema is not available, and the editor still checks syntax and reviews", async () => {
    backend.on("object_schema", () => {
      throw { code: "Forbidden", message: "openapi/v2 is forbidden" };
    });
    render(<YamlTab status={status()} target={target} liveVersion="41" />);
    expect(await screen.findByTestId("yaml-schema-unavailable")).toHaveTextContent("Schema not available: openapi/v2 is forbidden");
    expect(screen.getByTestId("yaml-editor")).toHaveAttribute("data-schema", "unavailable");
    edit(YAML.replace("replicas: 3", 'replicas: "3"'));
    expect(screen.queryByTestId("yaml-schema-problems")).not.toBeInTheDocument();
    expect(screen.getByTestId("yaml-review")).toBeEnabled();
    edit(YAML.replace("replicas: 3", "replicas: [3"));
    expect(screen.getByTestId("yaml-syntax-error")).toBeInTheDocument();
    expect(screen.getByTestId("yaml-review")).toBeDisabled();
  });
});

describe("YAML helpers", () => {
  it("finds the first syntax error with its line", () => {
    expect(yamlError("a: 1\nb: [\n")?.line).toBeGreaterThanOrEqual(2);
    expect(yamlError("a: 1\n")).toBeNull();
  });
});

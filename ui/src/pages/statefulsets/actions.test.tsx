// The Actions menu where it lives: each list row's kebab and the detail header.
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Row, StatefulSetDetail } from "../../api";
import { backend } from "../../test/fakeTauri";
import { settingsWith } from "../../test/fixtures";
import { detail, installStsBackend, openList, row } from "../../test/sts";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

const YAML = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: pg\n  namespace: db\n  labels:\n    app: pg\nspec:\n  replicas: 3\n";

async function connected(rows: Row[]) {
  installStsBackend(settingsWith({ language: "en", theme: "light" }));
  backend.on("read_object", () => ({ yaml: YAML, resourceVersion: "41" }));
  backend.on("action_checks", () => ({ denied: [], hpas: [] }));
  await openList({ rows, live: true });
}

function rowEl(key: string): HTMLElement {
  const el = screen.getAllByTestId("sts-row").find((r) => r.getAttribute("data-key") === key);
  if (!el) throw new Error(`no row ${key}`);
  return el;
}

beforeEach(() => installStsBackend());

describe("row kebab", () => {
  it("restarts just that row's StatefulSet, with the row's context", async () => {
    const user = userEvent.setup();
    await connected([row("pg"), row("kafka", { namespace: "stream" })]);
    await user.click(within(rowEl("stream/kafka")).getByTestId("row-actions"));
    expect(screen.getByRole("menu")).toBeInTheDocument();
    await user.click(screen.getByTestId("menu-restart"));
    expect(backend.callsOf("run_action")[0]?.args.request).toMatchObject({ context: "prod-eu", action: { type: "restart" }, targets: [{ namespace: "stream", name: "kafka" }] });
  });

  it("opens the delete dialog for that row only, and Edit YAML opens the detail on the YAML tab", async () => {
    const user = userEvent.setup();
    await connected([row("pg"), row("kafka", { namespace: "stream" })]);
    await user.click(within(rowEl("db/pg")).getByTestId("row-actions"));
    await user.click(screen.getByTestId("menu-delete"));
    expect(within(screen.getByTestId("delete-targets")).getAllByRole("listitem")).toHaveLength(1);
    expect(screen.getByTestId("delete-targets")).toHaveTextContent("pg");
    await user.click(screen.getByTestId("delete-cancel"));
    await user.click(within(rowEl("db/pg")).getByTestId("row-actions"));
    await user.click(screen.getByTestId("menu-yaml"));
    await waitFor(() => expect(backend.callsOf("watch_detail")).toHaveLength(1));
    act(() => backend.channelOf<StatefulSetDetail>("watch_detail").onmessage(detail()));
    expect(await screen.findByTestId("yaml-tab")).toBeInTheDocument();
  });

  it("opens from the keyboard with the context-menu key on the focused row, and hides Edit replicas under an HPA", async () => {
    backend.on("action_checks", () => ({ denied: [], hpas: [] }));
    const user = userEvent.setup();
    await connected([row("pg")]);
    backend.on("action_checks", () => ({ denied: [], hpas: [{ namespace: "db", name: "pg", hpa: "pg-hpa", minReplicas: 2, maxReplicas: 5 }] }));
    screen.getByTestId("sts-table").focus();
    await user.keyboard("{ArrowDown}");
    await user.keyboard("{ContextMenu}");
    const menu = await screen.findByRole("menu");
    await waitFor(() => expect(within(menu).queryByTestId("menu-replicas")).not.toBeInTheDocument());
    await user.keyboard("{Escape}");
    expect(screen.queryByRole("menu")).not.toBeInTheDocument();
  });
});

describe("detail header", () => {
  it("has an Actions menu whose Edit YAML switches to the YAML tab and whose Delete opens the dialog", async () => {
    const user = userEvent.setup();
    await connected([row("pg")]);
    await user.click(screen.getByRole("button", { name: "pg" }));
    await waitFor(() => expect(backend.callsOf("watch_detail")).toHaveLength(1));
    act(() => backend.channelOf<StatefulSetDetail>("watch_detail").onmessage(detail({ hpa: "pg-hpa" })));
    await user.click(screen.getByTestId("sts-actions"));
    expect(screen.queryByTestId("menu-replicas")).not.toBeInTheDocument();
    await user.click(screen.getByTestId("menu-yaml"));
    expect(await screen.findByTestId("yaml-tab")).toBeInTheDocument();
    await user.click(screen.getByTestId("sts-actions"));
    await user.click(screen.getByTestId("menu-delete"));
    await user.type(screen.getByTestId("delete-confirm-input"), "confirmed");
    await user.click(screen.getByTestId("delete-confirm-button"));
    expect(backend.callsOf("run_action")[0]?.args.request).toMatchObject({ action: { type: "delete", propagation: "Background", confirm: "confirmed" }, targets: [{ namespace: "db", name: "pg" }] });
  });
});

describe("labels in the Details tab", () => {
  it("adds, edits and removes label chips, validating syntax, then previews and applies metadata.labels", async () => {
    const user = userEvent.setup();
    await connected([row("pg")]);
    backend.on("plan_edit", () => ({ outcome: "changes", diff: [{ kind: "add", text: "    tier: data" }], added: 1, removed: 1, resourceVersion: null }));
    backend.on("apply_edit", () => ({ outcome: "changes", diff: [], added: 1, removed: 1, resourceVersion: "42" }));
    await user.click(screen.getByRole("button", { name: "pg" }));
    await waitFor(() => expect(backend.callsOf("watch_detail")).toHaveLength(1));
    act(() => backend.channelOf<StatefulSetDetail>("watch_detail").onmessage(detail()));
    expect(screen.getByTestId("detail-labels")).toHaveTextContent("app=pg");
    await user.click(screen.getByTestId("labels-edit"));
    const dialog = await screen.findByTestId("form-labels");
    expect(within(dialog).getAllByTestId("label-chip").map((c) => c.getAttribute("data-key"))).toEqual(["app"]);
    // an invalid key is refused at the field
    await user.type(screen.getByTestId("field-draftKey"), "bad key");
    expect(screen.getByTestId("issue-draftKey")).toHaveTextContent("Letters, digits");
    expect(screen.getByTestId("label-add")).toBeDisabled();
    expect(screen.getByTestId("form-preview")).toBeDisabled();
    await user.clear(screen.getByTestId("field-draftKey"));
    await user.type(screen.getByTestId("field-draftKey"), "tier");
    await user.type(screen.getByTestId("field-draftValue"), "db{Enter}");
    expect(within(dialog).getAllByTestId("label-chip").map((c) => c.getAttribute("data-key"))).toEqual(["app", "tier"]);
    // edit: the chip moves into the inputs
    await user.click(screen.getByTestId("label-edit-tier"));
    expect(screen.getByTestId("field-draftValue")).toHaveValue("db");
    await user.clear(screen.getByTestId("field-draftValue"));
    await user.type(screen.getByTestId("field-draftValue"), "data{Enter}");
    await user.click(screen.getByTestId("label-remove-app"));
    await user.click(screen.getByTestId("form-preview"));
    expect(await screen.findByTestId("yaml-diff")).toHaveTextContent("tier: data");
    const planned = backend.callsOf("plan_edit")[0]!.args.yaml as string;
    expect(planned).toContain("labels:\n    tier: data\n");
    expect(planned).not.toContain("app: pg");
    await user.click(screen.getByTestId("yaml-apply"));
    expect(await screen.findByTestId("form-applied")).toHaveTextContent("42");
  });
});

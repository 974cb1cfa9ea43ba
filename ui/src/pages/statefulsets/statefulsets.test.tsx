import { act, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ActionEvent, ClusterStatus, ContextList, Protection, Row, RowsEvent, StatefulSetDetail } from "../../api";
import { App } from "../../App";
import { backend } from "../../test/fakeTauri";
import { contextList, ctx, settingsWith } from "../../test/fixtures";
import { detail, doctorRow, installStsBackend, openList, row, status } from "../../test/sts";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

function rowsEvent(event: RowsEvent) {
  act(() => backend.channelOf<RowsEvent>("watch_rows").onmessage(event));
}

function actionEvent(event: ActionEvent, nth = -1) {
  act(() => backend.channelOf<ActionEvent>("run_action", nth).onmessage(event));
}

function rowNames(): string[] {
  return screen.queryAllByTestId("sts-row").map((el) => el.getAttribute("data-key")!);
}

function rowByKey(key: string): HTMLElement {
  const el = screen.getAllByTestId("sts-row").find((r) => r.getAttribute("data-key") === key);
  if (!el) throw new Error(`no row ${key}`);
  return el;
}

/** Renders the app connected to prod-eu, up to its rows being watched. */
async function watching(protection: Protection = "normal", language: "en" | "zh-CN" = "en", handlers: Record<string, (args: Record<string, unknown>) => unknown> = {}) {
  installStsBackend(settingsWith({ language, theme: "light" }));
  for (const [command, handler] of Object.entries(handlers)) backend.on(command, handler);
  await openList({ status: status("prod-eu", protection) });
}

/** Renders the app connected to prod-eu with the given rows. */
async function connected(rows: Row[], protection: Protection = "normal", language: "en" | "zh-CN" = "en") {
  await watching(protection, language);
  rowsEvent({ type: "state", state: { state: "syncing", loaded: 0 } });
  rowsEvent({ type: "reset", rows });
  rowsEvent({ type: "state", state: { state: "live" } });
}

const three = [row("pg"), row("kafka", { namespace: "stream", ready: 1, desired: 3, created: 1_700_000_500 }), row("redis", { labels: { app: "redis", tier: "cache" }, created: 1_600_000_000 })];

beforeEach(() => {
  installStsBackend();
});

describe("connection", () => {
  it("offers Connect when the context is not connected, and shows the status in the top bar", async () => {
    const user = userEvent.setup();
    render(<App />);
    await waitFor(() => expect(backend.callsOf("watch_contexts")).toHaveLength(1));
    act(() =>
      backend.channelOf<ContextList>("watch_contexts").onmessage(contextList([ctx("prod-eu", { current: true }), ctx("ordinal:demo")])),
    );
    expect(screen.getByTestId("connection-status")).toHaveTextContent("Not connected");
    expect(backend.callsOf("connect")).toHaveLength(0);
    await user.click(screen.getByTestId("connect-button"));
    expect(backend.callsOf("connect")[0]?.args).toEqual({ context: "prod-eu" });
    await waitFor(() => expect(backend.callsOf("watch_rows")).toHaveLength(1));
    expect(backend.callsOf("watch_rows")[0]?.args).toMatchObject({ context: "prod-eu", kind: "statefulsets", scope: { namespaces: [] } });
  });

  it("opens the built-in demo cluster at once when there is no kubeconfig", async () => {
    render(<App />);
    await waitFor(() => expect(backend.callsOf("watch_contexts")).toHaveLength(1));
    act(() => backend.channelOf<ContextList>("watch_contexts").onmessage({ ...contextList([ctx("ordinal:demo", { current: true })]), currentContext: "ordinal:demo" }));
    expect(screen.getByTestId<HTMLSelectElement>("cluster-switcher").selectedOptions[0]).toHaveTextContent("Demo cluster");
    await waitFor(() => expect(backend.callsOf("connect")[0]?.args).toEqual({ context: "ordinal:demo" }));
    await waitFor(() => expect(screen.getByTestId("connection-status")).toHaveTextContent("Connected v1.34.1 · 12 ms"));
    await waitFor(() => expect(backend.callsOf("watch_rows")).toHaveLength(1));
  });

  it("shows the reason when the cluster is unreachable", async () => {
    render(<App />);
    await waitFor(() => expect(backend.callsOf("watch_clusters")).toHaveLength(1));
    act(() => backend.channelOf<ContextList>("watch_contexts").onmessage(contextList([ctx("prod-eu", { current: true })])));
    act(() => backend.channelOf<ClusterStatus[]>("watch_clusters").onmessage([status("prod-eu", "normal", { state: "unreachable", message: "dial tcp 10.0.0.1:6443: i/o timeout" })]));
    expect(screen.getByTestId("connection-status")).toHaveAttribute("data-state", "unreachable");
    expect(screen.getByTestId("connect-error")).toHaveTextContent("dial tcp 10.0.0.1:6443: i/o timeout");
    expect(screen.getByTestId("connection-status")).toHaveTextContent("Unreachable: dial tcp 10.0.0.1:6443: i/o timeout");
  });

  it("shows a designed forbidden state when listing is not allowed", async () => {
    installStsBackend();
    backend.on("watch_list", () => {
      throw { code: "Forbidden", message: 'statefulsets.apps is forbidden: User "dev" cannot list' };
    });
    render(<App />);
    await waitFor(() => expect(backend.callsOf("watch_clusters")).toHaveLength(1));
    act(() => backend.channelOf<ContextList>("watch_contexts").onmessage(contextList([ctx("prod-eu", { current: true })])));
    act(() => backend.channelOf<ClusterStatus[]>("watch_clusters").onmessage([status("prod-eu")]));
    expect(await screen.findByText("You cannot list StatefulSets here")).toBeInTheDocument();
  });
});

describe("watch state", () => {
  it("says when rows are stale and since when, keeping them, then live again", async () => {
    await connected(three);
    expect(screen.getByTestId("watch-state")).toHaveAttribute("data-state", "live");
    const since = new Date(2026, 10, 22, 2, 31, 5).getTime();
    rowsEvent({ type: "state", state: { state: "reconnecting", since, attempt: 2, error: { code: "Unreachable", message: "connection refused" } } });
    const w = screen.getByTestId("watch-state");
    expect(w).toHaveAttribute("data-state", "reconnecting");
    expect(w).toHaveTextContent(`stale since ${new Date(since).toLocaleTimeString()}`);
    expect(w).toHaveTextContent("attempt 2");
    expect(w).toHaveAttribute("title", "connection refused");
    expect(rowNames()).toHaveLength(3);
    rowsEvent({ type: "state", state: { state: "live" } });
    expect(screen.getByTestId("watch-state")).toHaveAttribute("data-state", "live");
  });
});

describe("expired credentials", () => {
  it("ask to sign in again, and reconnecting re-runs the connection (and its exec plugin)", async () => {
    const user = userEvent.setup();
    await connected(three);
    rowsEvent({ type: "state", state: { state: "reconnecting", since: Date.now(), attempt: 1, error: { code: "Unauthorized", message: "Unauthorized: token expired" } } });
    expect(screen.getByTestId("watch-state")).toHaveAttribute("data-state", "unauthorized");
    const before = backend.callsOf("connect").length;
    await user.click(screen.getByTestId("sign-in-again"));
    await waitFor(() => expect(backend.callsOf("connect").length).toBe(before + 1));
    expect(backend.callsOf("connect").at(-1)!.args).toEqual({ context: "prod-eu" });
  });
});

describe("StatefulSets table", () => {
  it("shows rows from a reset and applies a delta without losing the selection", async () => {
    const user = userEvent.setup();
    await connected(three);
    expect(rowNames()).toEqual(["stream/kafka", "db/pg", "db/redis"]);
    expect(within(rowByKey("stream/kafka")).getByTestId("row-status")).toHaveTextContent("1 of 3 pods");
    // All namespaces: the namespace column is shown.
    expect(screen.getByTestId("sort-namespace")).toBeInTheDocument();

    await user.click(within(rowByKey("stream/kafka")).getByRole("checkbox"));
    expect(rowByKey("stream/kafka")).toHaveAttribute("data-selected", "true");

    rowsEvent({
      type: "delta",
      upserts: [row("kafka", { namespace: "stream", ready: 3, desired: 3 }), row("etcd")],
      deletes: ["db/redis"],
    });
    expect(rowNames()).toEqual(["db/etcd", "stream/kafka", "db/pg"]);
    expect(rowByKey("stream/kafka")).toHaveAttribute("data-selected", "true");
    expect(within(rowByKey("stream/kafka")).getByTestId("row-status")).toHaveTextContent("3 of 3 pods");
    expect(within(rowByKey("stream/kafka")).getByTestId("row-status")).toHaveAttribute("data-tone", "ok");
    expect(screen.getByText("1 selected")).toBeInTheDocument();
  });

  it("shows the doctor's count per row once the list is in, worst first when sorted, and follows its deltas", async () => {
    const user = userEvent.setup();
    await connected(three);
    await waitFor(() => expect(backend.callsOf("watch_doctor")).toHaveLength(1));
    expect(backend.callsOf("watch_doctor")[0]?.args.context).toBe("prod-eu");
    const doctor = (event: RowsEvent) => act(() => backend.channelOf<RowsEvent>("watch_doctor").onmessage(event));
    const badge = (key: string) => within(rowByKey(key)).getByTestId("doctor-badge");
    doctor({
      type: "reset",
      rows: [
        doctorRow("db/redis", [
          { severity: "error", key: "doctor.serviceMissing", params: { service: "redis" } },
          { severity: "info", key: "doctor.orphanedClaims", params: { count: "2" } },
        ]),
        doctorRow("stream/kafka", [{ severity: "warning", key: "doctor.partitionBlocks", params: { partition: "3", replicas: "3" } }]),
      ],
    });
    expect(badge("db/redis")).toHaveAttribute("data-count", "2");
    expect(badge("db/redis")).toHaveAttribute("data-severity", "error");
    expect(badge("db/redis").getAttribute("title")).toContain("The governing Service does not exist");
    expect(badge("db/redis").getAttribute("title")).toContain("2 claims belong to ordinals that no longer exist.");
    expect(badge("db/pg")).toHaveAttribute("data-count", "0");
    await user.click(screen.getByTestId("sort-doctor"));
    expect(rowNames()).toEqual(["db/redis", "stream/kafka", "db/pg"]);
    // redis's Service appears; kafka's partition is lowered
    doctor({ type: "delta", upserts: [doctorRow("db/redis", [{ severity: "info", key: "doctor.orphanedClaims", params: { count: "2" } }])], deletes: ["stream/kafka"] });
    expect(badge("db/redis")).toHaveAttribute("data-count", "1");
    expect(badge("db/redis")).toHaveAttribute("data-severity", "info");
    expect(badge("stream/kafka")).toHaveAttribute("data-count", "0");
  });

  it("paints the first rows of a long list at once, says it is still loading, and starts the doctor only once it is complete", async () => {
    await watching();
    rowsEvent({ type: "state", state: { state: "syncing", loaded: 2000 } });
    rowsEvent({ type: "preview", rows: [row("pg"), row("redis")] });
    expect(rowNames()).toEqual(["db/pg", "db/redis"]);
    expect(screen.getByTestId("sts-count")).toHaveAttribute("data-syncing", "true");
    expect(screen.getByTestId("sts-count")).toHaveTextContent("2000 so far");
    expect(backend.callsOf("watch_doctor")).toHaveLength(0);
    rowsEvent({ type: "reset", rows: three });
    rowsEvent({ type: "state", state: { state: "live" } });
    expect(rowNames()).toEqual(["stream/kafka", "db/pg", "db/redis"]);
    expect(screen.getByTestId("sts-count")).toHaveTextContent("3 StatefulSets");
    await waitFor(() => expect(backend.callsOf("watch_doctor")).toHaveLength(1));
  });

  it("re-watches with the namespace scope and hides the namespace column for one namespace", async () => {
    const user = userEvent.setup();
    await connected(three);
    await user.type(screen.getByTestId("namespace-select"), "db");
    await waitFor(() => expect(backend.callsOf("watch_rows").at(-1)?.args.scope).toEqual({ namespaces: ["db"] }));
    rowsEvent({ type: "reset", rows: [row("pg"), row("redis")] });
    expect(rowNames()).toEqual(["db/pg", "db/redis"]);
    expect(screen.queryByTestId("sort-namespace")).not.toBeInTheDocument();
  });

  it("sorts by any column, by the row's sort value", async () => {
    const user = userEvent.setup();
    await connected(three);
    await user.click(screen.getByTestId("sort-name"));
    expect(rowNames()).toEqual(["db/redis", "db/pg", "stream/kafka"]);
    // Age sorts by the backend's sort value (-created): newest first ascending.
    await user.click(screen.getByTestId("sort-age"));
    expect(rowNames()).toEqual(["stream/kafka", "db/pg", "db/redis"]);
    await user.click(screen.getByTestId("sort-status"));
    expect(rowNames()[0]).toBe("stream/kafka");
  });

  it("filters by name from the top-bar search and by label selector, with an inline error", async () => {
    const user = userEvent.setup();
    await connected(three);
    await user.keyboard("/");
    expect(screen.getByTestId("search-input")).toHaveFocus();
    await user.keyboard("re");
    expect(rowNames()).toEqual(["db/redis"]);
    await user.clear(screen.getByTestId("search-input"));

    const labels = screen.getByTestId("sts-filter-labels");
    await user.type(labels, "tier in (cache");
    expect(screen.getByTestId("sts-filter-error")).toHaveTextContent("Unbalanced parentheses");
    expect(labels).toHaveAttribute("aria-invalid", "true");
    expect(rowNames()).toHaveLength(3);
    await user.type(labels, ",db)");
    expect(screen.queryByTestId("sts-filter-error")).not.toBeInTheDocument();
    expect(rowNames()).toEqual(["db/redis"]);
    await user.clear(labels);
    await user.type(labels, "app!=pg,!tier");
    expect(rowNames()).toEqual(["stream/kafka"]);
  });

  it("moves with j/k and arrows, toggles with space, and opens with Enter", async () => {
    const user = userEvent.setup();
    await connected(three);
    screen.getByTestId("sts-table").focus();
    await user.keyboard("j");
    await user.keyboard("{ArrowDown}");
    await user.keyboard(" ");
    expect(rowByKey("db/pg")).toHaveAttribute("data-selected", "true");
    await user.keyboard("k");
    await user.keyboard("{Enter}");
    await waitFor(() => expect(backend.callsOf("watch_detail")[0]?.args).toMatchObject({ context: "prod-eu", namespace: "stream", name: "kafka" }));
  });

  it("acts from the keyboard only on the focused row itself, never on a row that took its place", async () => {
    await connected(three);
    const table = screen.getByTestId("sts-table");
    fireEvent.mouseDown(screen.getAllByTestId("sts-row").find((r) => r.getAttribute("data-key") === "stream/kafka")!);
    expect(table).toHaveAttribute("aria-activedescendant", "row-stream_kafka");
    // the focused row is deleted: redis moves into its place, unfocused
    rowsEvent({ type: "delta", upserts: [], deletes: ["stream/kafka"] });
    expect(table).not.toHaveAttribute("aria-activedescendant");
    fireEvent.keyDown(table, { key: " " });
    fireEvent.keyDown(table, { key: "Enter" });
    expect(screen.getAllByTestId("sts-row").every((r) => r.getAttribute("data-selected") === "false")).toBe(true);
    expect(screen.queryByTestId("breadcrumb-list")).toBeNull();
    // the arrow keys go on from its place
    fireEvent.keyDown(table, { key: "ArrowDown" });
    await waitFor(() => expect(table).toHaveAttribute("aria-activedescendant", "row-db_redis"));
  });

  it("renders only a window of rows for a 10,000-row reset", async () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => row(`sts-${String(i).padStart(5, "0")}`));
    await connected(rows);
    expect(screen.getByTestId("sts-table")).toHaveAttribute("data-total", "10000");
    const rendered = screen.getAllByTestId("sts-row");
    expect(rendered.length).toBeGreaterThan(10);
    expect(rendered.length).toBeLessThan(100);
    expect(screen.getByTestId("sts-count")).toHaveTextContent("10000 StatefulSets");

    // Scrolled deep into the list, the window follows; a live delta leaves the scroll alone.
    const table = screen.getByTestId("sts-table");
    table.scrollTop = 28 * 5000;
    fireEvent.scroll(table);
    expect(screen.getAllByTestId("sts-row").some((r) => r.getAttribute("data-key") === "db/sts-05005")).toBe(true);
    expect(screen.queryAllByTestId("sts-row").some((r) => r.getAttribute("data-key") === "db/sts-00000")).toBe(false);
    rowsEvent({ type: "delta", upserts: [row("sts-05005", { ready: 1 })], deletes: ["db/sts-09999"] });
    expect(table.scrollTop).toBe(28 * 5000);
    expect(screen.getByTestId("sts-table")).toHaveAttribute("data-total", "9999");
    const updated = screen.getAllByTestId("sts-row").find((r) => r.getAttribute("data-key") === "db/sts-05005")!;
    expect(within(updated).getByTestId("row-status")).toHaveTextContent("1 of 3 pods");

    // The webview asks the core for its range only (with a margin), never for the 10,000 rows.
    const asked = backend.callsOf("set_list_window").at(-1)!.args.window as { offset: number; len: number };
    expect(asked.offset).toBeGreaterThan(4900);
    expect(asked.offset).toBeLessThanOrEqual(5000);
    expect(asked.len).toBeLessThan(200);
    // End goes to the last row, which the window did not hold: focused once its page arrives.
    fireEvent.keyDown(table, { key: "End" });
    await waitFor(() => expect(table).toHaveAttribute("aria-activedescendant", "row-db_sts-09998"));
    expect(screen.getAllByTestId("sts-row").some((r) => r.getAttribute("data-key") === "db/sts-09998")).toBe(true);
  });
});

describe("Chinese", () => {
  it("translates the buttons, statuses and the delete dialog", async () => {
    const user = userEvent.setup();
    await connected(three, "normal", "zh-CN");
    await waitFor(() => expect(screen.getByTestId("batch-start")).toHaveTextContent("启动"));
    expect(screen.getByTestId("batch-restart")).toHaveTextContent("重启");
    expect(screen.getByTestId("batch-stop")).toHaveTextContent("停止");
    expect(screen.getByTestId("batch-delete")).toHaveTextContent("删除");
    expect(within(rowByKey("stream/kafka")).getByTestId("row-status")).toHaveTextContent("1/3 个容器组就绪");
    await user.click(within(rowByKey("db/pg")).getByRole("checkbox"));
    await user.click(screen.getByTestId("batch-delete"));
    expect(screen.getByTestId("delete-dialog")).toHaveTextContent("删除 StatefulSet pg？");
  });
});

describe("batch actions", () => {
  it("disables an action with a tooltip after RBAC refuses it", async () => {
    const user = userEvent.setup();
    await connected([row("a")]);
    await user.click(screen.getByTestId("select-all"));
    await user.click(screen.getByTestId("batch-restart"));
    actionEvent({ type: "item", index: 0, target: { namespace: "db", name: "a" }, state: { state: "failed", error: { code: "Forbidden", message: "cannot patch" } } });
    actionEvent({ type: "finished", batchId: "b-2", succeeded: 0, unchanged: 0, failed: 1, undo: false });
    expect(screen.getByTestId("batch-restart")).toBeDisabled();
    expect(screen.getByTestId("batch-restart").parentElement).toHaveAttribute("title", "Your permissions do not allow this");
    expect(screen.getByTestId("batch-stop")).toBeEnabled();
  });

  it("are disabled before any click when RBAC forbids the verb in the selection's namespace, and warn about autoscalers", async () => {
    const user = userEvent.setup();
    await connected([row("a")]);
    backend.on("action_checks", () => ({
      denied: [{ capability: "delete", namespace: "db", verb: "delete", resource: "statefulsets.apps" }],
      hpas: [{ namespace: "db", name: "a", hpa: "a-hpa", minReplicas: 2, maxReplicas: 5 }],
    }));
    await user.click(screen.getByTestId("select-all"));
    await waitFor(() => expect(screen.getByTestId("batch-delete")).toBeDisabled());
    expect(screen.getByTestId("batch-delete").parentElement).toHaveAttribute("title", "Forbidden: you may not delete statefulsets.apps in db");
    expect(screen.getByTestId("batch-stop")).toBeEnabled();
    expect(screen.getByTestId("hpa-warning")).toHaveTextContent("a-hpa (2–5 replicas)");
    expect(backend.callsOf("action_checks")[0]!.args).toEqual({ context: "prod-eu", kind: "statefulsets", targets: [{ namespace: "db", name: "a" }] });
  });

  it("run from the keyboard: X stops the selection, Del opens the delete dialog", async () => {
    const user = userEvent.setup();
    await connected([row("a")]);
    await user.click(screen.getByTestId("select-all"));
    await user.keyboard("x");
    await waitFor(() => expect(backend.callsOf("run_action")).toHaveLength(1));
    expect((backend.callsOf("run_action")[0]!.args.request as { action: { type: string } }).action.type).toBe("stop");
    await user.keyboard("{Delete}");
    expect(screen.getByTestId("delete-dialog")).toBeInTheDocument();
    // Typing in a field never triggers them.
    await user.keyboard("{Escape}");
    await user.click(screen.getByTestId("sts-filter-labels"));
    await user.keyboard("x");
    expect(backend.callsOf("run_action")).toHaveLength(1);
  });

  it("offers to resume, undo or dismiss a batch a crash interrupted, resuming only what is left", async () => {
    const user = userEvent.setup();
    const record = {
      id: "1700000000000-0abc",
      context: "prod-eu",
      request: { context: "prod-eu", kind: "statefulsets", action: { type: "stop" }, targets: [{ namespace: "db", name: "a" }, { namespace: "db", name: "b" }, { namespace: "db", name: "c" }] },
      status: "running",
      done: [{ namespace: "db", name: "a" }],
    };
    installStsBackend(settingsWith({ language: "en", theme: "light" }));
    backend.on("interrupted_batches", () => [record]).on("resume_batch", () => 77).on("dismiss_batch", () => null);
    await openList({ rows: [row("a"), row("b"), row("c")] });
    const banner = await screen.findByTestId("interrupted-batch");
    expect(banner).toHaveTextContent("Stop on 3 StatefulSets was interrupted");
    expect(banner).toHaveTextContent("1 done");
    await user.click(within(banner).getByTestId("interrupted-resume"));
    await waitFor(() => expect(backend.callsOf("resume_batch")[0]?.args).toMatchObject({ context: "prod-eu", batchId: record.id }));
    expect(screen.queryByTestId("interrupted-batch")).not.toBeInTheDocument();
    // Progress shows only the remaining two.
    expect(screen.getByTestId("batch-progress")).toHaveTextContent("b");
    expect(within(screen.getByTestId("batch-progress")).queryAllByTestId("batch-item").map((i) => i.dataset.name)).toEqual(["b", "c"]);
  });

  it("are disabled without a selection, and for a read-only context", async () => {
    const user = userEvent.setup();
    await connected(three);
    for (const id of ["batch-start", "batch-stop", "batch-restart", "batch-delete"]) {
      expect(screen.getByTestId(id)).toBeDisabled();
      expect(screen.getByTestId(id).parentElement).toHaveAttribute("title", "Select one or more StatefulSets first");
    }
    await user.click(within(rowByKey("db/pg")).getByRole("checkbox"));
    expect(screen.getByTestId("batch-restart")).toBeEnabled();
  });

  it("never act on selected rows that a filter hides", async () => {
    const user = userEvent.setup();
    await connected(three);
    await user.click(screen.getByTestId("select-all"));
    await user.type(screen.getByTestId("sts-filter-labels"), "app=pg");
    expect(await screen.findByText("1 selected · 2 hidden by filters (not included)")).toBeInTheDocument();
    await user.click(screen.getByTestId("batch-stop"));
    await waitFor(() => expect(backend.callsOf("run_action")[0]?.args.request).toMatchObject({ action: { type: "stop" }, targets: [{ namespace: "db", name: "pg" }] }));
    // Clearing the filter shows the selection intact.
    await user.clear(screen.getByTestId("sts-filter-labels"));
    expect(screen.getAllByTestId("sts-row").every((r) => r.getAttribute("data-selected") === "true")).toBe(true);
  });

  it("accept the camelCase spelling of finished events too", async () => {
    const user = userEvent.setup();
    await connected([row("a")]);
    await user.click(screen.getByTestId("select-all"));
    await user.click(screen.getByTestId("batch-start"));
    actionEvent({ type: "item", index: 0, target: { namespace: "db", name: "a" }, state: { state: "unchanged", reasonKey: "action.alreadyRunning" } } as unknown as ActionEvent);
    actionEvent({ type: "finished", batchId: "b-3", succeeded: 0, unchanged: 1, failed: 0, undo: true } as unknown as ActionEvent);
    expect(screen.getByTestId("batch-item")).toHaveTextContent("Unchanged: already running");
    expect(screen.getByTestId("batch-summary")).toHaveTextContent("0 succeeded, 1 unchanged, 0 failed");
    await user.click(screen.getByTestId("batch-undo"));
    expect(backend.callsOf("undo_batch")[0]?.args).toEqual({ context: "prod-eu", batchId: "b-3" });
  });

  it("stay disabled on a read-only context even with a selection", async () => {
    const user = userEvent.setup();
    await connected(three, "readOnly");
    await user.click(screen.getByTestId("select-all"));
    expect(screen.getAllByTestId("sts-row").every((r) => r.getAttribute("data-selected") === "true")).toBe(true);
    for (const id of ["batch-start", "batch-stop", "batch-restart", "batch-delete"]) {
      expect(screen.getByTestId(id)).toBeDisabled();
      expect(screen.getByTestId(id).parentElement).toHaveAttribute("title", "This context is read-only");
    }
  });

  it("delete needs the typed word and sends confirm with the chosen propagation", async () => {
    const user = userEvent.setup();
    await connected(three, "production");
    await user.click(within(rowByKey("db/pg")).getByRole("checkbox"));
    await user.click(within(rowByKey("db/redis")).getByRole("checkbox"));
    await user.click(screen.getByTestId("batch-delete"));

    const dialog = screen.getByTestId("delete-dialog");
    expect(within(dialog).getByText("pg")).toBeInTheDocument();
    expect(within(dialog).getByText("redis")).toBeInTheDocument();
    expect(within(dialog).getByTestId("delete-context")).toHaveTextContent("prod-eu");
    expect(within(dialog).getByTestId("delete-context")).toHaveAttribute("data-protection", "production");
    expect(screen.getByTestId("delete-cancel")).toHaveFocus();

    const confirm = screen.getByTestId("delete-confirm-button");
    expect(confirm).toBeDisabled();
    await user.type(screen.getByTestId("delete-confirm-input"), "Confirmed");
    expect(confirm).toBeDisabled();
    await user.clear(screen.getByTestId("delete-confirm-input"));
    await user.type(screen.getByTestId("delete-confirm-input"), "confirmed ");
    expect(confirm).toBeDisabled();
    await user.type(screen.getByTestId("delete-confirm-input"), "{Backspace}");
    expect(confirm).toBeEnabled();
    expect(backend.callsOf("run_action")).toHaveLength(0);

    await user.click(screen.getByTestId("propagation-Foreground"));
    await user.click(confirm);
    expect(screen.queryByTestId("delete-dialog")).not.toBeInTheDocument();
    expect(backend.callsOf("run_action")[0]?.args.request).toEqual({
      context: "prod-eu",
      kind: "statefulsets",
      action: { type: "delete", propagation: "Foreground", confirm: "confirmed" },
      targets: [
        { namespace: "db", name: "pg" },
        { namespace: "db", name: "redis" },
      ],
    });
  });

  it("the delete dialog says, per StatefulSet, whether its PVCs are kept or deleted", async () => {
    const user = userEvent.setup();
    await connected([
      { ...row("a"), facts: { replicas: 3, claims: 3, claimsDeletedWithSet: 1 } },
      { ...row("b"), facts: { replicas: 2, claims: 2, claimsDeletedWithSet: 0 } },
      { ...row("c"), facts: { replicas: 1, claims: 0, claimsDeletedWithSet: 0 } },
    ]);
    await user.click(screen.getByTestId("select-all"));
    await user.click(screen.getByTestId("batch-delete"));
    const fates = within(screen.getByTestId("delete-targets")).getAllByTestId("delete-claims");
    expect(fates.map((f) => f.dataset.fate)).toEqual(["deleted", "kept", "none"]);
    expect(fates[0]).toHaveTextContent("3 PVCs deleted with it (retention: Delete)");
    expect(fates[1]).toHaveTextContent("2 PVCs kept");
  });

  it("Escape cancels the delete dialog without deleting", async () => {
    const user = userEvent.setup();
    await connected(three);
    await user.click(within(rowByKey("db/pg")).getByRole("checkbox"));
    await user.click(screen.getByTestId("batch-delete"));
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("delete-dialog")).not.toBeInTheDocument();
    expect(backend.callsOf("run_action")).toHaveLength(0);
  });

  it("shows per-item progress and a summary, and Retry failed re-runs only the failures", async () => {
    const user = userEvent.setup();
    const four = [row("a"), row("b"), row("c"), row("d")];
    await connected(four);
    await user.click(screen.getByTestId("select-all"));
    await user.click(screen.getByTestId("batch-restart"));
    expect(backend.callsOf("run_action")[0]?.args.request).toMatchObject({ action: { type: "restart" } });
    expect(screen.getByTestId("batch-progress")).toBeInTheDocument();

    const target = (name: string) => ({ namespace: "db", name });
    actionEvent({ type: "item", index: 0, target: target("a"), state: { state: "done", from: null, to: null } });
    actionEvent({ type: "item", index: 1, target: target("b"), state: { state: "done", from: null, to: null } });
    actionEvent({ type: "item", index: 2, target: target("c"), state: { state: "failed", error: { code: "Conflict", message: "the object has been modified" } } });
    actionEvent({ type: "item", index: 3, target: target("d"), state: { state: "done", from: null, to: null } });
    actionEvent({ type: "finished", batchId: "b-1", succeeded: 3, unchanged: 0, failed: 1, undo: true });

    expect(screen.getByTestId("batch-summary")).toHaveTextContent("3 succeeded, 1 failed");
    const failed = screen.getAllByTestId("batch-item").find((el) => el.getAttribute("data-state") === "failed")!;
    expect(failed).toHaveTextContent("the object has been modified");

    await user.click(screen.getByTestId("batch-retry"));
    expect(backend.callsOf("run_action")).toHaveLength(2);
    expect(backend.callsOf("run_action")[1]?.args.request).toMatchObject({ action: { type: "restart" }, targets: [target("c")] });
  });

  it("offers Undo when the batch can be undone", async () => {
    const user = userEvent.setup();
    await connected([row("a")]);
    await user.click(screen.getByTestId("select-all"));
    await user.click(screen.getByTestId("batch-stop"));
    actionEvent({ type: "item", index: 0, target: { namespace: "db", name: "a" }, state: { state: "done", from: 3, to: 0 } });
    actionEvent({ type: "finished", batchId: "b-9", succeeded: 1, unchanged: 0, failed: 0, undo: true });
    expect(screen.getByTestId("batch-item")).toHaveTextContent("replicas 3 → 0");
    await user.click(screen.getByTestId("batch-undo"));
    expect(backend.callsOf("undo_batch")[0]?.args).toEqual({ context: "prod-eu", batchId: "b-9" });
  });
});

describe("detail", () => {
  async function openDetail(d: StatefulSetDetail) {
    const user = userEvent.setup();
    await connected([row("pg")]);
    await user.click(screen.getByRole("button", { name: "pg" }));
    await waitFor(() => expect(backend.callsOf("watch_detail")).toHaveLength(1));
    act(() => backend.channelOf<StatefulSetDetail>("watch_detail").onmessage(d));
    return user;
  }

  it("shows the pods in ordinal order with a gap row and the DNS names", async () => {
    const user = await openDetail(detail());
    expect(screen.getByTestId("page-title")).toHaveTextContent("pg");
    expect(screen.getByTestId("pod-ring")).toHaveAttribute("data-ready", "3");
    expect(screen.getByTestId("sts-detail")).toHaveTextContent("max 1 unavailable of 3");

    await user.click(screen.getByTestId("detail-tab-pods"));
    const rows = screen.getAllByTestId("ordinal-row");
    expect(rows.map((r) => r.getAttribute("data-ordinal"))).toEqual(["0", "1", "2", "3"]);
    expect(rows[2]).toHaveAttribute("data-missing", "true");
    expect(rows[2]).toHaveTextContent("Missing");
    expect(within(rows[3]!).getByTestId("dns-name")).toHaveTextContent("pg-3.pg-headless.db.svc.cluster.local");
  });

  it("scales with − and +, and Escape returns to the list with its selection", async () => {
    const user = await openDetail(detail());
    await user.click(screen.getByTestId("scale-up"));
    expect(backend.callsOf("run_action")[0]?.args.request).toMatchObject({ action: { type: "scale", replicas: 5 }, targets: [{ namespace: "db", name: "pg" }] });
    await user.click(screen.getByTestId("scale-down"));
    expect(backend.callsOf("run_action")[1]?.args.request).toMatchObject({ action: { type: "scale", replicas: 3 } });

    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("sts-detail")).not.toBeInTheDocument();
    expect(screen.getByTestId("page-title")).toHaveTextContent("StatefulSets");
    expect(screen.getByTestId("sts-table")).toBeVisible();
  });

  it("lists events newest first with warnings highlighted, and translates findings", async () => {
    const user = await openDetail(
      detail({
        findings: [{ severity: "warning", key: "doctor.pvcPending", params: { claim: "data-pg-2", storageClass: "fast" } }],
        events: [
          { uid: "e1", type: "Normal", reason: "SuccessfulCreate", message: "create Pod pg-1", object: "StatefulSet/pg", count: 1, lastSeen: 1_700_000_100 },
          { uid: "e2", type: "Warning", reason: "FailedScheduling", message: "0/3 nodes are available", object: "Pod/pg-2", count: 4, lastSeen: 1_700_000_200 },
        ],
      }),
    );
    expect(screen.getByTestId("findings")).toHaveTextContent("Claim data-pg-2 is Pending (storage class fast).");
    await user.click(screen.getByTestId("detail-tab-events"));
    const events = screen.getAllByTestId("event-row");
    expect(events.map((e) => e.getAttribute("data-type"))).toEqual(["Warning", "Normal"]);
    expect(events[0]).toHaveClass("is-warning");
  });
});

describe("an older server (Kubernetes 1.20)", () => {
  const features = { minor: 20, pdbApi: "policy/v1beta1", stsRetentionPolicy: false, stsMinReadySeconds: false, metrics: false };

  it("says in the connection status what the server does not offer", async () => {
    installStsBackend();
    render(<App />);
    await waitFor(() => expect(backend.callsOf("watch_contexts")).toHaveLength(1));
    act(() => backend.channelOf<ContextList>("watch_contexts").onmessage(contextList([ctx("old", { current: true })])));
    await waitFor(() => expect(backend.callsOf("watch_clusters")).toHaveLength(1));
    act(() => backend.channelOf<ClusterStatus[]>("watch_clusters").onmessage([status("old", "normal", { serverVersion: "v1.20.2", features })]));
    const badge = await screen.findByTestId("server-limits");
    expect(badge).toHaveTextContent("older server");
    const title = badge.getAttribute("title")!;
    expect(title).toContain("Kubernetes v1.20.2 does not offer");
    expect(title).toContain("policy/v1beta1");
    expect(title).toContain("no PVC retention policy");
    act(() => backend.channelOf<ClusterStatus[]>("watch_clusters").onmessage([status("old", "normal", { features: { ...features, minor: 34, pdbApi: "policy/v1", stsRetentionPolicy: true, stsMinReadySeconds: true } })]));
    expect(screen.queryByTestId("server-limits")).toBeNull();
  });

  it("shows fields the server did not send as absent, not as defaults", async () => {
    const user = userEvent.setup();
    await connected([row("pg")]);
    await user.click(screen.getByRole("button", { name: "pg" }));
    await waitFor(() => expect(backend.callsOf("watch_detail")).toHaveLength(1));
    const d = detail();
    act(() =>
      backend.channelOf<StatefulSetDetail>("watch_detail").onmessage({
        ...d,
        retentionWhenDeleted: null,
        retentionWhenScaled: null,
        minReadySeconds: null,
        rollout: { ...d.rollout, available: null },
      }),
    );
    const panel = await screen.findByTestId("sts-detail");
    expect(screen.getByTestId("retention-absent")).toHaveTextContent("not offered by this server");
    expect(panel).not.toHaveTextContent("when deleted: Retain");
    expect(panel).toHaveTextContent("3 ready · 3 updated · 3 current · 4 desired");
    expect(panel.textContent).not.toMatch(/\d+ available/);
  });

  it("the delete dialog says claims are always kept where the server has no retention policy", async () => {
    const user = userEvent.setup();
    await connected([row("pg")]);
    act(() => backend.channelOf<ClusterStatus[]>("watch_clusters").onmessage([status("prod-eu", "normal", { features })]));
    await user.click(screen.getByTestId("select-all"));
    await user.click(screen.getByTestId("batch-delete"));
    expect(screen.getByTestId("delete-pvc-note")).toHaveTextContent("always kept: this cluster has no PVC retention policy");
    expect(screen.getByTestId("delete-pvc-note")).not.toHaveTextContent("whenDeleted");
  });

  it("says when the Doctor cannot judge, instead of leaving its column empty", async () => {
    await connected([row("pg")]);
    await waitFor(() => expect(backend.callsOf("watch_doctor")).toHaveLength(1));
    const doctor = (event: RowsEvent) => act(() => backend.channelOf<RowsEvent>("watch_doctor").onmessage(event));
    doctor({ type: "state", state: { state: "reconnecting", since: 0, attempt: 1, error: { code: "Unsupported", message: "NotFound: the server could not find the requested resource" } } });
    expect(screen.getByTestId("doctor-state")).toHaveTextContent("Doctor paused: Unsupported");
    expect(screen.getByTestId("doctor-state").getAttribute("title")).toContain("could not find the requested resource");
    doctor({ type: "reset", rows: [] });
    doctor({ type: "state", state: { state: "live" } });
    expect(screen.queryByTestId("doctor-state")).toBeNull();
  });

  it("disables Create StatefulSet when RBAC refuses create in the namespace", async () => {
    await watching("normal", "en", { can_create: () => false });
    await waitFor(() => expect(screen.getByTestId("create-sts")).toBeDisabled());
    expect(screen.getByTestId("create-sts")).toHaveAttribute("title", "Forbidden: you may not create statefulsets.apps in default");
    expect(backend.callsOf("can_create")[0]!.args).toEqual({ context: "prod-eu", kind: "statefulsets", namespace: "default" });
  });

  it("keeps Create StatefulSet enabled when RBAC allows it", async () => {
    await watching("normal", "en", { can_create: () => true });
    await waitFor(() => expect(backend.callsOf("can_create")).toHaveLength(1));
    expect(screen.getByTestId("create-sts")).toBeEnabled();
  });
});

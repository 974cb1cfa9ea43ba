// The Doctor's column in the list: joined by row key at render and sort time, it must follow the
// rows' deltas, the doctor's deltas, the sort and the filters like any cell of the row.
import { act, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Finding, RowsEvent } from "../../api";
import { backend } from "../../test/fakeTauri";
import { settingsWith } from "../../test/fixtures";
import { doctorRow, installStsBackend, openList, row } from "../../test/sts";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

beforeEach(() => installStsBackend(settingsWith({ language: "en", theme: "light" })));

const error: Finding = { severity: "error", key: "doctor.serviceMissing", params: { service: "redis" } };
const warning: Finding = { severity: "warning", key: "doctor.partitionBlocks", params: { partition: "3", replicas: "3" } };
const info: Finding = { severity: "info", key: "doctor.orphanedClaims", params: { count: "2" } };

const rowsEvent = (event: RowsEvent) => act(() => backend.channelOf<RowsEvent>("watch_rows").onmessage(event));
const doctorEvent = (event: RowsEvent) => act(() => backend.channelOf<RowsEvent>("watch_doctor").onmessage(event));
const rowKeys = () => screen.queryAllByTestId("sts-row").map((el) => el.getAttribute("data-key")!);
const rowByKey = (key: string) => screen.getAllByTestId("sts-row").find((r) => r.getAttribute("data-key") === key)!;
const badge = (key: string) => within(rowByKey(key)).getByTestId("doctor-badge");
const cell = (key: string, col: string) => rowByKey(key).querySelector<HTMLElement>(`[data-col="${col}"]`)!;

/** The app on prod-eu with pg, kafka and redis listed, and the doctor asked. */
async function listed() {
  await openList({ rows: [row("pg"), row("kafka", { namespace: "stream", ready: 1 }), row("redis", { labels: { app: "redis", tier: "cache" } })], live: true });
  await waitFor(() => expect(backend.callsOf("watch_doctor")).toHaveLength(1));
}

describe("the doctor's column", () => {
  it("shows no badge before the doctor answers, then one per row, including rows that arrive later", async () => {
    await listed();
    expect(screen.queryAllByTestId("doctor-badge")).toHaveLength(0);
    expect(cell("db/pg", "doctor")).toHaveTextContent("—");
    doctorEvent({ type: "reset", rows: [doctorRow("db/redis", [error, info]), doctorRow("db/pg", [])] });
    expect(badge("db/redis")).toHaveAttribute("data-count", "2");
    expect(badge("db/pg")).toHaveAttribute("data-count", "0");
    // its complete answer is live: no "findings may be stale" until its watches break
    expect(screen.queryByTestId("doctor-state")).toBeNull();
    doctorEvent({ type: "state", state: { state: "reconnecting", since: 0, attempt: 1, error: { code: "Unreachable", message: "connection reset" } } });
    expect(screen.getByTestId("doctor-state")).toHaveAttribute("data-state", "reconnecting");
    doctorEvent({ type: "state", state: { state: "live" } });
    expect(screen.queryByTestId("doctor-state")).toBeNull();
    // a row the doctor did not name has none
    expect(badge("stream/kafka")).toHaveAttribute("data-count", "0");
    // rows the watch replaces or adds keep (or get) their findings
    rowsEvent({ type: "delta", upserts: [row("redis", { ready: 2, labels: { app: "redis", tier: "cache" } }), row("etcd")], deletes: ["db/pg"] });
    expect(rowKeys()).toEqual(["db/etcd", "stream/kafka", "db/redis"]);
    expect(within(rowByKey("db/redis")).getByTestId("row-status")).toHaveTextContent("2 of 3 pods");
    expect(badge("db/redis")).toHaveAttribute("data-count", "2");
    expect(badge("db/redis")).toHaveAttribute("data-severity", "error");
    expect(badge("db/etcd")).toHaveAttribute("data-count", "0");
    doctorEvent({ type: "delta", upserts: [doctorRow("db/etcd", [warning])], deletes: [] });
    expect(badge("db/etcd")).toHaveAttribute("data-severity", "warning");
  });

  it("sorts worst first (and back), keeping the order through the rows' and the doctor's deltas", async () => {
    const user = userEvent.setup();
    await listed();
    doctorEvent({ type: "reset", rows: [doctorRow("db/redis", [info]), doctorRow("stream/kafka", [error])] });
    await user.click(screen.getByTestId("sort-doctor"));
    expect(screen.getByTestId("sort-doctor").parentElement).toHaveAttribute("aria-sort", "ascending");
    expect(rowKeys()).toEqual(["stream/kafka", "db/redis", "db/pg"]);
    await user.click(screen.getByTestId("sort-doctor"));
    expect(rowKeys()).toEqual(["db/pg", "db/redis", "stream/kafka"]);
    await user.click(screen.getByTestId("sort-doctor"));
    // a new row with a warning goes between; a row update does not move it
    rowsEvent({ type: "delta", upserts: [row("etcd"), row("kafka", { namespace: "stream", ready: 3 })], deletes: [] });
    doctorEvent({ type: "delta", upserts: [doctorRow("db/etcd", [warning])], deletes: [] });
    expect(rowKeys()).toEqual(["stream/kafka", "db/etcd", "db/redis", "db/pg"]);
    // kafka is fixed: it sorts with the rows without findings (then by key)
    doctorEvent({ type: "delta", upserts: [doctorRow("stream/kafka", [])], deletes: [] });
    expect(rowKeys()).toEqual(["db/etcd", "db/redis", "db/pg", "stream/kafka"]);
  });

  it("keeps each row's badge when the search or a label selector filters the list", async () => {
    const user = userEvent.setup();
    await listed();
    doctorEvent({ type: "reset", rows: [doctorRow("db/redis", [error]), doctorRow("stream/kafka", [warning])] });
    await user.keyboard("/");
    await user.keyboard("re");
    expect(rowKeys()).toEqual(["db/redis"]);
    expect(badge("db/redis")).toHaveAttribute("data-severity", "error");
    await user.clear(screen.getByTestId("search-input"));
    await user.type(screen.getByTestId("sts-filter-labels"), "app in (kafka,pg)");
    expect(rowKeys()).toEqual(["stream/kafka", "db/pg"]);
    expect(badge("stream/kafka")).toHaveAttribute("data-severity", "warning");
    expect(badge("db/pg")).toHaveAttribute("data-count", "0");
    expect(screen.getByTestId("sts-count")).toHaveTextContent("2 of 3");
  });

  it("flashes a badge whose findings change, and no other cell", async () => {
    await listed();
    doctorEvent({ type: "reset", rows: [doctorRow("db/redis", [error]), doctorRow("stream/kafka", [warning])] });
    const clear = () => document.querySelectorAll(".is-changed").forEach((el) => el.classList.remove("is-changed"));
    clear();
    doctorEvent({ type: "delta", upserts: [doctorRow("db/redis", [info]), doctorRow("stream/kafka", [warning])], deletes: [] });
    expect(cell("db/redis", "doctor")).toHaveClass("is-changed");
    // kafka was judged again with the same finding: nothing to see
    expect(cell("stream/kafka", "doctor")).not.toHaveClass("is-changed");
    expect(document.querySelectorAll(".is-changed")).toHaveLength(1);
    clear();
    // a row update flashes its changed cells, not its badge
    rowsEvent({ type: "delta", upserts: [row("kafka", { namespace: "stream", ready: 3 })], deletes: [] });
    expect(cell("stream/kafka", "status")).toHaveClass("is-changed");
    expect(cell("stream/kafka", "doctor")).not.toHaveClass("is-changed");
    expect(badge("stream/kafka")).toHaveAttribute("data-severity", "warning");
  });
});

import { act, render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ClusterStatus, ContextList, RowsEvent, StatefulSetDetail } from "../../api";
import { App } from "../../App";
import { mergedKey, mergeRows, originOf } from "../../state/multiRows";
import { backend } from "../../test/fakeTauri";
import { contextList, ctx, settingsWith } from "../../test/fixtures";
import { detail, doctorRow, installStsBackend, row, status } from "../../test/sts";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

beforeEach(() => installStsBackend(settingsWith({ language: "en", theme: "light" })));

function watchOf(context: string) {
  const calls = backend.callsOf("watch_rows");
  let i = calls.length - 1;
  while (i >= 0 && calls[i]!.args.context !== context) i--;
  if (i < 0) throw new Error(`no watch for ${context}`);
  return backend.channelOf<RowsEvent>("watch_rows", i);
}

function keyOf(el: HTMLElement) {
  return el.getAttribute("data-key")!;
}

describe("merging rows", () => {
  it("prefixes keys with the context (same key in two clusters stays two rows) and adds a cluster cell", () => {
    const rows = mergeRows({ a: { rows: [row("pg")], loaded: true, watch: null, error: null }, "arn:aws:eks:x/cluster/b": { rows: [row("pg")], loaded: true, watch: null, error: null } }, (c) => c);
    expect(new Set(rows.map((r) => r.key)).size).toBe(2);
    expect(originOf(rows[1]!.key)).toEqual({ context: "arn:aws:eks:x/cluster/b", key: "db/pg" });
    expect(rows[0]!.cells.cluster).toEqual({ t: "mono", v: "a" });
  });
  it("keeps the identity of rows that did not change", () => {
    const pg = row("pg");
    const first = mergeRows({ a: { rows: [pg, row("kafka")], loaded: true, watch: null, error: null } }, (c) => c);
    const second = mergeRows({ a: { rows: [pg, row("kafka")], loaded: true, watch: null, error: null } }, (c) => c);
    expect(second[0]).toBe(first[0]);
    expect(second[1]).not.toBe(first[1]);
  });
});

describe("cross-cluster view", () => {
  it("lists every connected cluster's StatefulSets with a cluster column, and runs actions per cluster", async () => {
    const user = userEvent.setup();
    render(<App />);
    await waitFor(() => expect(backend.callsOf("watch_contexts")).toHaveLength(1));
    act(() => backend.channelOf<ContextList>("watch_contexts").onmessage(contextList([ctx("prod-eu", { current: true }), ctx("staging"), ctx("dev")])));
    await waitFor(() => expect(backend.callsOf("watch_clusters")).toHaveLength(1));
    act(() =>
      backend.channelOf<ClusterStatus[]>("watch_clusters").onmessage([status("prod-eu", "production"), status("staging"), status("dev", "normal", { state: "disconnected" })]),
    );
    await waitFor(() => expect(backend.callsOf("watch_rows")).toHaveLength(1));

    await user.click(screen.getByTestId("cross-toggle"));
    expect(screen.getByTestId("cross-toggle")).toHaveAttribute("aria-pressed", "true");
    await waitFor(() => expect(backend.callsOf("watch_rows").map((c) => c.args.context)).toEqual(expect.arrayContaining(["prod-eu", "staging"])));
    expect(backend.callsOf("watch_rows").some((c) => c.args.context === "dev")).toBe(false);
    act(() => watchOf("prod-eu").onmessage({ type: "reset", rows: [row("pg"), row("kafka", { namespace: "stream" })] }));
    act(() => watchOf("staging").onmessage({ type: "reset", rows: [row("pg")] }));

    const rows = await screen.findAllByTestId("cross-row");
    expect(rows).toHaveLength(3);
    expect(screen.getByTestId("sort-cluster")).toBeInTheDocument();
    expect(screen.getByTestId("cross-count")).toHaveTextContent("3 StatefulSets in 2 clusters");
    const stagingPg = rows.find((r) => keyOf(r).startsWith("staging"))!;
    expect(stagingPg).toHaveTextContent("staging");

    // each cluster's doctor, once its list is in; the same key in two clusters stays apart
    await waitFor(() => expect(backend.callsOf("watch_doctor").map((c) => c.args.context).sort()).toEqual(["prod-eu", "staging"]));
    const doctorOf = (context: string) => {
      const i = backend.callsOf("watch_doctor").findIndex((c) => c.args.context === context);
      return backend.channelOf<RowsEvent>("watch_doctor", i);
    };
    act(() => doctorOf("staging").onmessage({ type: "reset", rows: [doctorRow("db/pg", [{ severity: "error", key: "doctor.serviceMissing", params: { service: "pg" } }])] }));
    act(() => doctorOf("prod-eu").onmessage({ type: "reset", rows: [] }));
    const badgeOf = (prefix: string, suffix: string) =>
      within(screen.getAllByTestId("cross-row").find((r) => keyOf(r).startsWith(prefix) && keyOf(r).endsWith(suffix))!).getByTestId("doctor-badge");
    expect(badgeOf("staging", "db/pg")).toHaveAttribute("data-count", "1");
    expect(badgeOf("prod-eu", "db/pg")).toHaveAttribute("data-count", "0");

    // select pg in both clusters and kafka; restart → one run_action per cluster with its own targets
    for (const r of rows) await user.click(within(r).getByRole("checkbox"));
    expect(screen.getByText("3 selected in 2 clusters")).toBeInTheDocument();
    expect(screen.getByTestId("cross-batch-delete")).toBeDisabled();
    expect(screen.getByTestId("cross-batch-delete")).toHaveAttribute("data-disabled-reason", expect.stringContaining("one cluster at a time"));
    await user.click(screen.getByTestId("cross-batch-restart"));
    const requests = backend.callsOf("run_action").map((c) => c.args.request as { context: string; targets: unknown[]; action: unknown });
    expect(requests).toHaveLength(2);
    const byContext = Object.fromEntries(requests.map((r) => [r.context, r]));
    expect(byContext["prod-eu"]).toMatchObject({ action: { type: "restart" } });
    expect(byContext["prod-eu"]!.targets).toHaveLength(2);
    expect(byContext["prod-eu"]!.targets).toEqual(expect.arrayContaining([{ namespace: "stream", name: "kafka" }, { namespace: "db", name: "pg" }]));
    expect(byContext["staging"]).toMatchObject({ action: { type: "restart" }, targets: [{ namespace: "db", name: "pg" }] });
    expect(screen.getAllByTestId("cross-batch").map((b) => b.getAttribute("data-context")).sort()).toEqual(["prod-eu", "staging"]);

    // delete with a single cluster's selection names that cluster
    for (const r of screen.getAllByTestId("cross-row")) if (keyOf(r).startsWith("prod-eu")) await user.click(within(r).getByRole("checkbox"));
    expect(screen.getByText("1 selected in 1 cluster")).toBeInTheDocument();
    await user.click(screen.getByTestId("cross-batch-delete"));
    expect(screen.getByTestId("delete-context")).toHaveTextContent("staging");
    await user.type(screen.getByTestId("delete-confirm-input"), "confirmed");
    await user.click(screen.getByTestId("delete-confirm-button"));
    expect(backend.callsOf("run_action").at(-1)?.args.request).toMatchObject({ context: "staging", action: { type: "delete" }, targets: [{ namespace: "db", name: "pg" }] });

    // a row's kebab acts in that row's cluster
    const prodKafka = screen.getAllByTestId("cross-row").find((r) => keyOf(r).startsWith("prod-eu") && keyOf(r).endsWith("stream/kafka"))!;
    await user.click(within(prodKafka).getByTestId("row-actions"));
    await user.click(screen.getByTestId("menu-restart"));
    expect(backend.callsOf("run_action").at(-1)?.args.request).toMatchObject({ context: "prod-eu", action: { type: "restart" }, targets: [{ namespace: "stream", name: "kafka" }] });

    // opening a row opens its detail in its own cluster
    await user.click(within(stagingPg).getByRole("button", { name: "pg" }));
    await waitFor(() => expect(backend.callsOf("watch_detail").at(-1)?.args).toMatchObject({ context: "staging", namespace: "db", name: "pg" }));
    act(() => backend.channelOf<StatefulSetDetail>("watch_detail").onmessage(detail({ context: "staging" })));
    expect(screen.getByTestId("sts-detail")).toBeInTheDocument();
    await user.keyboard("{Escape}");
    expect(screen.queryByTestId("sts-detail")).not.toBeInTheDocument();
    expect(screen.getByTestId("cross-table")).toBeVisible();

    // a cluster that disconnects leaves the list
    act(() => backend.channelOf<ClusterStatus[]>("watch_clusters").onmessage([status("prod-eu", "production"), status("staging", "normal", { state: "disconnected" })]));
    await waitFor(() => expect(screen.getAllByTestId("cross-row")).toHaveLength(2));
  });

  it("joins each cluster's doctor by merged key: badges follow both streams, sort worst first across clusters and survive the search", async () => {
    const user = userEvent.setup();
    render(<App />);
    await waitFor(() => expect(backend.callsOf("watch_contexts")).toHaveLength(1));
    act(() => backend.channelOf<ContextList>("watch_contexts").onmessage(contextList([ctx("prod-eu", { current: true }), ctx("staging")])));
    await waitFor(() => expect(backend.callsOf("watch_clusters")).toHaveLength(1));
    act(() => backend.channelOf<ClusterStatus[]>("watch_clusters").onmessage([status("prod-eu"), status("staging")]));
    await waitFor(() => expect(backend.callsOf("watch_rows")).toHaveLength(1));
    await user.click(screen.getByTestId("cross-toggle"));
    await waitFor(() => expect(backend.callsOf("watch_rows").map((c) => c.args.context)).toEqual(expect.arrayContaining(["prod-eu", "staging"])));
    act(() => watchOf("prod-eu").onmessage({ type: "reset", rows: [row("pg"), row("kafka", { namespace: "stream" })] }));
    act(() => watchOf("staging").onmessage({ type: "reset", rows: [row("pg"), row("redis")] }));
    await waitFor(() => expect(backend.callsOf("watch_doctor").map((c) => c.args.context).sort()).toEqual(["prod-eu", "staging"]));
    const doctorOf = (context: string) => backend.channelOf<RowsEvent>("watch_doctor", backend.callsOf("watch_doctor").findIndex((c) => c.args.context === context));
    act(() => doctorOf("staging").onmessage({ type: "reset", rows: [doctorRow("db/pg", [{ severity: "warning", key: "doctor.pvcPending", params: { claim: "data-pg-0", storageClass: "fast" } }])] }));
    act(() => doctorOf("prod-eu").onmessage({ type: "reset", rows: [doctorRow("stream/kafka", [{ severity: "error", key: "doctor.serviceMissing", params: { service: "kafka" } }])] }));
    const order = () => screen.getAllByTestId("cross-row").map((r) => originOf(keyOf(r)));
    const badgeOf = (context: string, key: string) =>
      within(screen.getAllByTestId("cross-row").find((r) => keyOf(r) === mergedKey(context, key))!).getByTestId("doctor-badge");

    await user.click(screen.getByTestId("sort-doctor"));
    expect(order()).toEqual([
      { context: "prod-eu", key: "stream/kafka" },
      { context: "staging", key: "db/pg" },
      { context: "prod-eu", key: "db/pg" },
      { context: "staging", key: "db/redis" },
    ]);
    // a row the watch replaces keeps its cluster's findings; a new one has none
    act(() => watchOf("staging").onmessage({ type: "delta", upserts: [row("pg", { ready: 1 }), row("etcd")], deletes: [] }));
    expect(badgeOf("staging", "db/pg")).toHaveAttribute("data-severity", "warning");
    expect(badgeOf("staging", "db/etcd")).toHaveAttribute("data-count", "0");
    expect(badgeOf("prod-eu", "db/pg")).toHaveAttribute("data-count", "0");
    expect(order()[1]).toEqual({ context: "staging", key: "db/pg" });

    await user.keyboard("/");
    await user.keyboard("pg");
    expect(order()).toEqual([
      { context: "staging", key: "db/pg" },
      { context: "prod-eu", key: "db/pg" },
    ]);
    expect(badgeOf("staging", "db/pg")).toHaveAttribute("data-count", "1");
  });
});

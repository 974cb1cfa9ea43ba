import { act, render, screen, waitFor } from "@testing-library/react";
import { StrictMode } from "react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ClusterStatus, Row, RowsEvent } from "../api";
import { App } from "../App";
import { backend } from "../test/fakeTauri";
import { contextList, ctx, settingsWith } from "../test/fixtures";
import { installStsBackend, row, status } from "../test/sts";
import { boot } from "./boot";

vi.mock("@tauri-apps/api/core", () => import("../test/fakeTauri"));

beforeEach(() => installStsBackend(settingsWith({ language: "en", theme: "light" })));

/** Starts up on the connected demo (namespace db), whose list's first rows are `rows`. */
async function bootOnDemo(rows: Row[]) {
  backend.on("list_contexts", () => contextList([ctx("ordinal:demo", { current: true, namespace: "db" })]));
  const booting = boot(5000);
  await waitFor(() => expect(backend.callsOf("watch_clusters")).toHaveLength(1));
  backend.channelOf<ClusterStatus[]>("watch_clusters").onmessage([status("ordinal:demo")]);
  await waitFor(() => expect(backend.callsOf("watch_rows")).toHaveLength(1));
  backend.channelOf<RowsEvent>("watch_rows").onmessage({ type: "reset", rows });
  await booting;
}

describe("start-up on a connected cluster", () => {
  it("asks for the opening list's rows before the first render, which draws them and keeps that stream", async () => {
    await bootOnDemo([row("pg"), row("kafka")]);
    // the rows of the current context, in its own namespace, asked for by the start-up itself
    expect(backend.callsOf("watch_rows")[0]!.args).toMatchObject({ context: "ordinal:demo", kind: "statefulsets", scope: { namespaces: ["db"] } });

    render(<App />);
    // drawn at once: no further request and no further event needed
    expect(screen.getByText("pg")).toBeTruthy();
    expect(screen.getByText("kafka")).toBeTruthy();
    expect(backend.callsOf("watch_rows")).toHaveLength(1);
    // the adopted stream stays live
    act(() => backend.channelOf<RowsEvent>("watch_rows").onmessage({ type: "delta", upserts: [row("redis")], deletes: ["db/kafka"] }));
    await waitFor(() => expect(screen.getByText("redis")).toBeTruthy());
    expect(screen.queryByText("kafka")).toBeNull();
  });

  it("keeps the early stream through StrictMode's second effect run", async () => {
    await bootOnDemo([row("pg")]);
    render(
      <StrictMode>
        <App />
      </StrictMode>,
    );
    expect(screen.getByText("pg")).toBeTruthy();
    await new Promise((r) => setTimeout(r, 20));
    // still the one stream, and still live (a closed early stream drops its events)
    expect(backend.callsOf("watch_rows")).toHaveLength(1);
    act(() => backend.channelOf<RowsEvent>("watch_rows").onmessage({ type: "delta", upserts: [row("redis")], deletes: [] }));
    await waitFor(() => expect(screen.getByText("redis")).toBeTruthy());
  });

  it("asks for no rows once the first render has happened without them", async () => {
    let answer: (l: unknown) => void = () => {};
    backend.on("list_contexts", () => new Promise((r) => (answer = r)));
    await boot(30);
    await waitFor(() => expect(backend.callsOf("watch_clusters")).toHaveLength(1));
    backend.channelOf<ClusterStatus[]>("watch_clusters").onmessage([status("ordinal:demo")]);
    answer(contextList([ctx("ordinal:demo", { current: true })]));
    await new Promise((r) => setTimeout(r, 20));
    expect(backend.callsOf("watch_rows")).toHaveLength(0);
  });

  it("closes an early stream that no list takes over", async () => {
    backend.on("list_contexts", () => contextList([ctx("ordinal:demo", { current: true })]));
    const { watchListEarly } = await import("./list");
    void watchListEarly("ordinal:demo", "statefulsets", [], 20);
    await waitFor(() => expect(backend.callsOf("watch_rows")).toHaveLength(1));
    await waitFor(() => expect(backend.callsOf("unwatch")).toHaveLength(1));
  });
});

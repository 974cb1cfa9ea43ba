import { beforeEach, describe, expect, it, vi } from "vitest";
import type { ClusterStatus, ContextList } from "../api";
import { backend } from "../test/fakeTauri";
import { boot, bootSnapshot } from "./boot";

vi.mock("@tauri-apps/api/core", () => import("../test/fakeTauri"));

const list = { contexts: [], currentContext: "ordinal:demo", problems: [], sources: [], revision: "r1" } as unknown as ContextList;
const demo: ClusterStatus = { context: "ordinal:demo", state: "connected", serverVersion: "v1.31.0", latencyMs: 3, message: null, protection: "normal", features: null };

describe("boot", () => {
  beforeEach(() => backend.reset());

  it("knows the contexts and the statuses before the first render, and keeps no stream of its own", async () => {
    backend.on("list_contexts", () => list);
    backend.on("watch_clusters", () => 7);
    backend.on("unwatch", () => true);
    const booting = boot(1000);
    await vi.waitFor(() => expect(backend.callsOf("watch_clusters")).toHaveLength(1));
    backend.channelOf<ClusterStatus[]>("watch_clusters").onmessage([demo]);
    const snap = await booting;
    expect(snap.contexts?.currentContext).toBe("ordinal:demo");
    expect(snap.statuses).toEqual([demo]);
    expect(bootSnapshot()).toBe(snap);
    await vi.waitFor(() => expect(backend.callsOf("unwatch")).toHaveLength(1));
  });

  it("does not hold the first render back past its deadline", async () => {
    backend.on("list_contexts", () => new Promise<ContextList>(() => {}));
    backend.on("watch_clusters", () => 8);
    const started = Date.now();
    const snap = await boot(50);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(snap).toEqual({ contexts: null, statuses: null });
  });
});

import { act, render, screen } from "@testing-library/react";
import { beforeEach, describe, expect, it, vi } from "vitest";
import type { MetricsSample } from "../../api";
import { backend } from "../../test/fakeTauri";
import { addSample, formatBytes, formatCpu, HISTORY, MetricsTab } from "./MetricsTab";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

const sample = (at: number, cpu: number): MetricsSample => ({
  at,
  available: true,
  message: null,
  pods: [
    { pod: "pg-1", ordinal: 1, cpuMillis: cpu * 2, memoryBytes: 256 * 1024 * 1024 },
    { pod: "pg-0", ordinal: 0, cpuMillis: cpu, memoryBytes: 128 * 1024 * 1024 },
  ],
});

beforeEach(() => {
  backend.reset();
  backend.on("watch_metrics", () => 5).on("unwatch", () => true);
});

describe("metrics tab", () => {
  it("subscribes while open, draws one row per pod in ordinal order, and unsubscribes on close", async () => {
    const { unmount } = render(<MetricsTab context="prod-eu" namespace="db" name="pg" />);
    expect(backend.callsOf("watch_metrics")[0]!.args).toMatchObject({ context: "prod-eu", namespace: "db", name: "pg" });
    const ch = () => backend.channelOf<MetricsSample>("watch_metrics");
    act(() => ch().onmessage(sample(1000, 100)));
    act(() => ch().onmessage(sample(11000, 150)));
    const rows = await screen.findAllByTestId("metrics-row");
    expect(rows.map((r) => r.dataset.pod)).toEqual(["pg-0", "pg-1"]);
    expect(rows[0]!.dataset.samples).toBe("2");
    expect(rows[0]).toHaveTextContent("150m");
    expect(rows[1]).toHaveTextContent("256 MiB");
    unmount();
    await vi.waitFor(() => expect(backend.callsOf("unwatch")).toHaveLength(1));
  });

  it("says so when the cluster serves no metrics", async () => {
    render(<MetricsTab context="prod-eu" namespace="db" name="pg" />);
    act(() => backend.channelOf<MetricsSample>("watch_metrics").onmessage({ at: 1, available: false, message: "is metrics-server installed?", pods: [] }));
    expect(await screen.findByTestId("metrics-unavailable")).toHaveTextContent("is metrics-server installed?");
  });

  it("keeps a bounded history and formats units", () => {
    let s = {};
    for (let i = 0; i < HISTORY + 5; i++) s = addSample(s, sample(i, i));
    expect((s as Record<string, { cpu: number[] }>)["pg-0"]!.cpu).toHaveLength(HISTORY);
    expect(formatCpu(2500)).toBe("2.50 cores");
    expect(formatBytes(1536)).toBe("1.5 KiB");
  });
});

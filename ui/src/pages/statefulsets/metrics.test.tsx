import { act, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { MetricsSample } from "../../api";
import { niceTicks } from "../../components/TimeChart";
import {
  addSample,
  bytesAxisUnit,
  cpuAxisUnit,
  EMPTY_HISTORY,
  formatBytes,
  formatCpu,
  KEEP_MS,
  rangeLabel,
  windowOf,
  type History,
  type PodBounds,
} from "../../lib/metricsHistory";
import { ORDINAL_PALETTE, ordinalColor } from "../../lib/ordinalColors";
import { backend } from "../../test/fakeTauri";
import { MetricsTab } from "./MetricsTab";

vi.mock("@tauri-apps/api/core", () => import("../../test/fakeTauri"));

// uPlot needs a real canvas (and matchMedia): a stand-in records what the chart hands it.
type FakePlot = {
  opts: { series: { label?: string; stroke?: string }[]; axes: { label?: string }[]; scales: { x: { range: () => [number, number] } } };
  data: unknown[][];
  destroyed: boolean;
};
const plots = vi.hoisted(() => [] as FakePlot[]);
vi.mock("uplot", () => ({
  default: class {
    static pxRatio = 1;
    opts: unknown;
    data: unknown;
    destroyed = false;
    width: number;
    constructor(opts: { width: number }, data: unknown) {
      this.opts = opts;
      this.data = data;
      this.width = opts.width;
      plots.push(this as unknown as FakePlot);
    }
    setData(data: unknown) {
      this.data = data;
    }
    setSize() {}
    destroy() {
      this.destroyed = true;
    }
  },
}));

const MiB = 1024 * 1024;

const NO_BOUNDS = { cpuRequestMillis: null, cpuLimitMillis: null, memoryRequestBytes: null, memoryLimitBytes: null };

const sample = (at: number, cpu: number, bounds: PodBounds = {}): MetricsSample => ({
  at,
  available: true,
  message: null,
  pods: [
    { pod: "pg-1", ordinal: 1, cpuMillis: cpu * 2, memoryBytes: 256 * MiB, ...NO_BOUNDS, ...bounds },
    { pod: "pg-0", ordinal: 0, cpuMillis: cpu, memoryBytes: 128 * MiB, ...NO_BOUNDS, ...bounds },
  ],
});

/** The live plots of a chart, by the series labels it was built with. */
const livePlot = (index: 0 | 1) => plots.filter((p) => !p.destroyed)[index]!;

beforeEach(() => {
  plots.length = 0;
  backend.reset();
  backend.on("watch_metrics", () => 5).on("unwatch", () => true);
  vi.spyOn(HTMLCanvasElement.prototype, "getContext").mockReturnValue({} as never);
});

afterEach(() => {
  vi.restoreAllMocks();
});

const channel = () => backend.channelOf<MetricsSample>("watch_metrics");
const send = (s: MetricsSample) => act(() => channel().onmessage(s));

describe("metrics tab", () => {
  it("subscribes while open, charts CPU and memory per pod with a legend in ordinal order, and unsubscribes on close", async () => {
    const { unmount } = render(<MetricsTab context="prod-eu" namespace="db" name="pg" />);
    expect(backend.callsOf("watch_metrics")[0]!.args).toMatchObject({ context: "prod-eu", namespace: "db", name: "pg" });
    send(sample(1_000, 100));
    send(sample(11_000, 150));

    const cpu = await screen.findByTestId("metrics-chart-cpu");
    const memory = screen.getByTestId("metrics-chart-memory");
    expect(within(cpu).getByRole("img")).toHaveAttribute("data-points", "2");
    expect(within(cpu).getByRole("img")).toHaveAttribute("data-series", "2");
    expect(within(cpu).getByRole("img")).toHaveAccessibleName("CPU of each pod over the last 5 min");
    expect(within(memory).getByRole("img")).toHaveAttribute("data-drawn", "true");

    // The legend: one row per pod, ordinal order, its colour from the shared palette, latest values.
    const rows = screen.getAllByTestId("metrics-row");
    expect(rows.map((r) => r.dataset.pod)).toEqual(["pg-0", "pg-1"]);
    expect(rows.map((r) => r.dataset.color)).toEqual([ordinalColor(0), ordinalColor(1)]);
    expect(rows[0]!.dataset.samples).toBe("2");
    expect(rows[0]).toHaveTextContent("150m");
    expect(rows[1]).toHaveTextContent("300m");
    expect(rows[1]).toHaveTextContent("256 MiB");
    expect((rows[1]!.querySelector(".metrics__swatch") as HTMLElement).style.background).not.toBe("");

    // What uPlot was given: times in seconds, one series per pod in the same colours, units on the axes.
    expect(plots).toHaveLength(2);
    const [cpuPlot, memPlot] = [livePlot(0), livePlot(1)];
    expect(cpuPlot.data).toEqual([
      [1, 11],
      [100, 150],
      [200, 300],
    ]);
    expect(cpuPlot.opts.series.slice(1).map((s) => [s.label, s.stroke])).toEqual([
      ["pg-0", ordinalColor(0)],
      ["pg-1", ordinalColor(1)],
    ]);
    expect(cpuPlot.opts.axes[1]!.label).toBe("millicores");
    expect(memPlot.opts.axes[1]!.label).toBe("MiB");

    unmount();
    expect(plots.every((p) => p.destroyed)).toBe(true);
    await vi.waitFor(() => expect(backend.callsOf("unwatch")).toHaveLength(1));
  });

  it("shows 5 min, 15 min or 1 h of the samples kept while the tab is open", async () => {
    render(<MetricsTab context="prod-eu" namespace="db" name="pg" />);
    // 20 minutes of samples, one every 10 s.
    for (let i = 0; i <= 120; i++) send(sample(i * 10_000, 100 + i));
    const points = async () => within(await screen.findByTestId("metrics-chart-cpu")).getByRole("img").dataset.points;

    expect(screen.getByTestId("metrics-range")).toHaveAttribute("data-range", "5m");
    expect(await points()).toBe("31");
    expect(livePlot(0).data[0]).toHaveLength(31);
    const span = () => {
      const [from, to] = livePlot(0).opts.scales.x.range();
      return to - from;
    };
    expect(span()).toBe(300);

    const user = userEvent.setup();
    await user.click(screen.getByLabelText("15 min"));
    expect(await points()).toBe("91");
    expect(livePlot(0).data[0]).toHaveLength(91);
    expect(span()).toBe(900);
    expect(screen.getAllByTestId("metrics-row")[0]).toHaveAttribute("data-samples", "91");

    await user.click(screen.getByLabelText("1 hr"));
    expect(await points()).toBe("121");
    expect(livePlot(0).data[0]).toHaveLength(121);
    expect(span()).toBe(3600);

    // Back to 5 minutes: the same samples, only the view changed (no new plot, no new subscription).
    await user.click(screen.getByLabelText("5 min"));
    expect(await points()).toBe("31");
    expect(plots).toHaveLength(2);
    expect(backend.callsOf("watch_metrics")).toHaveLength(1);
  });

  it("draws the request and the limit as lines when they are known", async () => {
    render(<MetricsTab context="prod-eu" namespace="db" name="pg" />);
    send(sample(1_000, 100, { cpuRequestMillis: 250, cpuLimitMillis: 1500, memoryRequestBytes: 256 * MiB, memoryLimitBytes: 512 * MiB }));

    const cpu = await screen.findByTestId("metrics-chart-cpu");
    expect(within(cpu).getByRole("img")).toHaveAttribute("data-request", "250");
    expect(within(cpu).getByRole("img")).toHaveAttribute("data-limit", "1500");
    expect(within(cpu).getByTestId("metrics-chart-cpu-request")).toHaveTextContent("Request 250m");
    expect(within(cpu).getByTestId("metrics-chart-cpu-limit")).toHaveTextContent("Limit 1.5 cores");
    // The limit sets the axis: above 1000 m it counts cores.
    expect(livePlot(0).opts.axes[1]!.label).toBe("cores");
    const memory = screen.getByTestId("metrics-chart-memory");
    expect(within(memory).getByTestId("metrics-chart-memory-limit")).toHaveTextContent("Limit 512 MiB");
  });

  it("draws no request or limit line when they are not known", async () => {
    render(<MetricsTab context="prod-eu" namespace="db" name="pg" />);
    send(sample(1_000, 100));
    const cpu = await screen.findByTestId("metrics-chart-cpu");
    expect(within(cpu).getByRole("img")).not.toHaveAttribute("data-request");
    expect(within(cpu).queryByTestId("metrics-chart-cpu-limit")).toBeNull();
  });

  it("says so when the cluster serves no metrics", async () => {
    render(<MetricsTab context="prod-eu" namespace="db" name="pg" />);
    send({ at: 1, available: false, message: "is metrics-server installed?", pods: [] });
    expect(await screen.findByTestId("metrics-unavailable")).toHaveTextContent("is metrics-server installed?");
    expect(screen.queryByTestId("metrics-chart-cpu")).toBeNull();
  });

  it("without a canvas, keeps the legend and draws nothing", async () => {
    vi.mocked(HTMLCanvasElement.prototype.getContext).mockReturnValue(null);
    render(<MetricsTab context="prod-eu" namespace="db" name="pg" />);
    send(sample(1_000, 100));
    const cpu = await screen.findByTestId("metrics-chart-cpu");
    expect(within(cpu).getByRole("img")).toHaveAttribute("data-drawn", "false");
    expect(plots).toHaveLength(0);
    expect(screen.getAllByTestId("metrics-row")).toHaveLength(2);
  });

  it("redraws in the other theme's colours when the theme changes", async () => {
    render(<MetricsTab context="prod-eu" namespace="db" name="pg" />);
    send(sample(1_000, 100));
    await screen.findByTestId("metrics-chart-cpu");
    expect(plots).toHaveLength(2);
    await act(async () => {
      document.documentElement.setAttribute("data-theme", "dark");
      await Promise.resolve();
    });
    await vi.waitFor(() => expect(plots).toHaveLength(4));
    expect(plots.filter((p) => !p.destroyed)).toHaveLength(2);
  });
});

describe("metrics history", () => {
  it("keeps at most an hour of samples, aligned per pod, and drops pods once their points age out", () => {
    let h: History = EMPTY_HISTORY;
    for (let i = 0; i <= 400; i++) h = addSample(h, sample(i * 10_000, i));
    expect(h.at).toHaveLength(KEEP_MS / 10_000 + 1);
    expect(h.at[h.at.length - 1]! - h.at[0]!).toBe(KEEP_MS);
    expect(h.pods.map((p) => p.cpu.length)).toEqual([h.at.length, h.at.length]);

    // pg-1 goes away (scaled down): its history stays, with gaps, until it is older than the window.
    const only0 = (at: number): MetricsSample => ({ ...sample(at, 1), pods: sample(at, 1).pods.filter((p) => p.ordinal === 0) });
    h = addSample(h, only0(401 * 10_000));
    expect(h.pods.map((p) => p.pod)).toEqual(["pg-0", "pg-1"]);
    expect(h.pods[1]!.cpu[h.at.length - 1]).toBeNull();
    expect(windowOf(h, 5 * 60_000).pods.map((p) => p.pod)).toEqual(["pg-0", "pg-1"]);
    for (let i = 402; i <= 800; i++) h = addSample(h, only0(i * 10_000));
    expect(h.pods.map((p) => p.pod)).toEqual(["pg-0"]);

    // Unavailable, repeated or older samples change nothing.
    expect(addSample(h, { at: 9e9, available: false, message: "x", pods: [] })).toBe(h);
    expect(addSample(h, only0(5_000))).toBe(h);
  });

  it("formats values and picks axis units", () => {
    expect(formatCpu(150)).toBe("150m");
    expect(formatCpu(2500)).toBe("2.50 cores");
    expect(formatCpu(2500, "核")).toBe("2.50 核");
    expect(formatCpu(1234.6, "cores", true)).toBe("1.235 cores");
    expect(formatCpu(2.346, "cores", true)).toBe("2.35m");
    expect(formatBytes(1536)).toBe("1.5 KiB");
    expect(formatBytes(130.374 * MiB, true)).toBe("130.37 MiB");
    expect(cpuAxisUnit(999)).toEqual({ div: 1, unit: "millicores" });
    expect(cpuAxisUnit(1000)).toEqual({ div: 1000, unit: "cores" });
    expect(bytesAxisUnit(0)).toEqual({ div: MiB, unit: "MiB" });
    expect(bytesAxisUnit(3 * 1024 * MiB)).toEqual({ div: 1024 * MiB, unit: "GiB" });
    expect(niceTicks(300, 1)).toEqual([0, 100, 200, 300]);
    expect(niceTicks(1500, 1000)).toEqual([0, 500, 1000, 1500]);
    expect(niceTicks(0, MiB)).toEqual([0, MiB]);
  });

  it("labels the ranges in the user's language", () => {
    expect(rangeLabel("15m", "en")).toBe("15 min");
    expect(rangeLabel("1h", "zh-CN")).toBe("1小时");
  });

  it("gives each ordinal one colour from one palette", () => {
    expect(ordinalColor(0)).toBe(ORDINAL_PALETTE[0]);
    expect(ordinalColor(ORDINAL_PALETTE.length + 2)).toBe(ordinalColor(2));
    expect(new Set(ORDINAL_PALETTE).size).toBe(ORDINAL_PALETTE.length);
  });
});

describe("the chart library stays out of start-up", () => {
  const sources = import.meta.glob<string>(["../../**/*.{ts,tsx}", "!../../**/*.test.{ts,tsx}"], { query: "?raw", import: "default", eager: true });

  it("only the chart component imports uPlot, and it is only loaded lazily", () => {
    const importsUplot = Object.entries(sources).filter(([, text]) => /from "uplot"/.test(text)).map(([path]) => path);
    expect(importsUplot).toEqual(["../../components/TimeChart.tsx"]);
    const staticChart = Object.entries(sources).filter(([, text]) =>
      [...text.matchAll(/^import (?!type )[^;]*from "[./]*components\/TimeChart";/gm)].length > 0,
    );
    expect(staticChart.map(([path]) => path)).toEqual([]);
  });
});

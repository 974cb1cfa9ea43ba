// A time chart drawn by uPlot (canvas): one line per series, dashed horizontal lines for bounds
// (request, limit), axes in the theme's colours, a tooltip with the exact values and the time at
// the cursor. Only lazily loaded modules import this file (it brings uPlot, ~24 KB gzipped).
import { useEffect, useRef, useState } from "react";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import "../styles/charts.css";

export type ChartSeries = { label: string; color: string; values: (number | null)[] };
export type ChartLine = { kind: "request" | "limit"; label: string; value: number };

export type TimeChartProps = {
  testId: string;
  /** What the chart shows (its accessible name). */
  label: string;
  /** The y axis title: the unit of its numbers (the chart's heading says what is measured). */
  axisLabel: string;
  /** Data units per axis unit (1000 for millicores shown as cores, 1024² for bytes in MiB). */
  unitDiv: number;
  /** Unix seconds, ascending. */
  x: number[];
  /** The x range shown, in unix seconds (the selected time range, whatever the samples cover). */
  xRange: [number, number];
  series: ChartSeries[];
  lines: ChartLine[];
  /** A value with its unit, as exact as the tooltip shows it. */
  format: (v: number) => string;
  formatTime: (sec: number) => string;
  formatTick: (sec: number) => string;
  height?: number;
};

/** False where there is no 2D canvas (jsdom, a disabled GPU): the chart then draws nothing. */
export function canDraw(): boolean {
  try {
    return document.createElement("canvas").getContext("2d") !== null;
  } catch {
    return false;
  }
}

/** `<html data-theme>`, followed: the chart reads its colours from tokens.css when it changes. */
function useThemeName(): string {
  const read = () => document.documentElement.dataset.theme ?? "";
  const [theme, setTheme] = useState(read);
  useEffect(() => {
    if (typeof MutationObserver === "undefined") return;
    const observer = new MutationObserver(() => setTheme(read()));
    observer.observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
    return () => observer.disconnect();
  }, []);
  return theme;
}

/** Axis ticks in display units: 0 up to the first 1/2/2.5/5×10ⁿ step multiple covering `max`. */
export function niceTicks(max: number, div: number): number[] {
  const top = max / div;
  if (!(top > 0)) return [0, div];
  const raw = top / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  const n = Math.max(1, Math.ceil(top / step - 1e-9));
  return Array.from({ length: n + 1 }, (_, i) => Number((i * step).toPrecision(12)) * div);
}

const tickNumber = (v: number) => String(Number(v.toPrecision(6)));

function cssVar(style: CSSStyleDeclaration, name: string, fallback: string): string {
  return style.getPropertyValue(name).trim() || fallback;
}

function dataOf(p: TimeChartProps): uPlot.AlignedData {
  return [p.x, ...p.series.map((s) => s.values)] as uPlot.AlignedData;
}

function tooltipPlugin(props: { current: TimeChartProps }): uPlot.Plugin {
  let tip: HTMLDivElement | null = null;
  return {
    hooks: {
      init: (u) => {
        tip = document.createElement("div");
        tip.className = "chart-tip";
        tip.hidden = true;
        u.over.appendChild(tip);
        u.over.addEventListener("mouseleave", () => {
          if (tip) tip.hidden = true;
        });
      },
      setCursor: (u) => {
        if (!tip) return;
        const { idx, left, top } = u.cursor;
        const p = props.current;
        if (idx === null || idx === undefined || left === undefined || left < 0 || top === undefined) {
          tip.hidden = true;
          return;
        }
        const rows: HTMLElement[] = [];
        const time = document.createElement("div");
        time.className = "chart-tip__time";
        time.textContent = p.formatTime(p.x[idx]!);
        rows.push(time);
        p.series.forEach((s, i) => {
          const v = s.values[idx];
          if (v === null || v === undefined || u.series[i + 1]?.show === false) return;
          const row = document.createElement("div");
          row.className = "chart-tip__row";
          const swatch = document.createElement("span");
          swatch.className = "chart-swatch";
          swatch.style.background = s.color;
          const name = document.createElement("span");
          name.className = "chart-tip__name mono";
          name.textContent = s.label;
          const value = document.createElement("span");
          value.className = "chart-tip__value num";
          value.textContent = p.format(v);
          row.append(swatch, name, value);
          rows.push(row);
        });
        tip.replaceChildren(...rows);
        tip.hidden = false;
        const w = u.over.clientWidth;
        const flip = left > w / 2;
        tip.style.left = flip ? "" : `${left + 12}px`;
        tip.style.right = flip ? `${w - left + 12}px` : "";
        tip.style.top = `${Math.max(0, top - 10)}px`;
      },
    },
  };
}

function boundsPlugin(props: { current: TimeChartProps }, colors: { request: string; limit: string; font: string }): uPlot.Plugin {
  return {
    hooks: {
      draw: (u) => {
        const { ctx, bbox } = u;
        const px = uPlot.pxRatio;
        for (const line of props.current.lines) {
          const y = Math.round(u.valToPos(line.value, "y", true)) + 0.5;
          if (y < bbox.top || y > bbox.top + bbox.height) continue;
          const color = line.kind === "limit" ? colors.limit : colors.request;
          ctx.save();
          ctx.strokeStyle = color;
          ctx.fillStyle = color;
          ctx.lineWidth = px;
          ctx.setLineDash(line.kind === "limit" ? [6 * px, 4 * px] : [2 * px, 3 * px]);
          ctx.beginPath();
          ctx.moveTo(bbox.left, y);
          ctx.lineTo(bbox.left + bbox.width, y);
          ctx.stroke();
          ctx.font = colors.font.replace(/^(\d+)px/, (_, n: string) => `${Number(n) * px}px`);
          // uPlot leaves the y axis's right alignment on the context: the label would end at
          // the plot's left edge, over the axis.
          ctx.textAlign = "left";
          ctx.textBaseline = "bottom";
          ctx.fillText(`${line.label} ${props.current.format(line.value)}`, bbox.left + 4 * px, y - 2 * px);
          ctx.restore();
        }
      },
    },
  };
}

export function TimeChart(props: TimeChartProps) {
  const { testId, label, axisLabel, x, series, lines, height = 200 } = props;
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const current = useRef(props);
  current.current = props;
  const theme = useThemeName();
  const [drawable] = useState(canDraw);
  // Recreated when what the plot is built from changes; new values only call setData.
  const shape = JSON.stringify([axisLabel, series.map((s) => [s.label, s.color])]);

  useEffect(() => {
    const el = holder.current;
    if (!drawable || !el) return;
    const style = getComputedStyle(document.documentElement);
    const text = cssVar(style, "--text-muted", "#5d6570");
    const grid = cssVar(style, "--border", "#dfe2e7");
    const font = `11px ${cssVar(style, "--font-ui", "sans-serif")}`;
    const colors = { request: text, limit: cssVar(style, "--danger", "#c52b2b"), font };
    const axis = { stroke: text, font, labelFont: font, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid, width: 1, size: 4 } };
    const yTicks = () => {
      const p = current.current;
      let max = 0;
      for (const s of p.series) for (const v of s.values) if (v !== null && v > max) max = v;
      for (const l of p.lines) if (l.value > max) max = l.value;
      return niceTicks(max, p.unitDiv);
    };
    const initial = current.current;
    const opts: uPlot.Options = {
      width: Math.max(200, el.clientWidth || 600),
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false, setScale: false }, points: { size: 7 } },
      scales: {
        x: { time: true, range: () => current.current.xRange },
        y: { range: () => { const t = yTicks(); return [0, t[t.length - 1]!]; } },
      },
      axes: [
        { ...axis, space: 70, values: (_u, splits) => splits.map((s) => current.current.formatTick(s)) },
        {
          ...axis,
          label: initial.axisLabel,
          labelSize: 16,
          size: 52,
          splits: () => yTicks(),
          values: (_u, splits) => splits.map((s) => tickNumber(s / current.current.unitDiv)),
        },
      ],
      series: [{}, ...initial.series.map((s) => ({ label: s.label, stroke: s.color, width: 1.5, spanGaps: false }))],
      plugins: [tooltipPlugin(current), boundsPlugin(current, colors)],
    };
    const u = new uPlot(opts, dataOf(initial), el);
    plot.current = u;
    let observer: ResizeObserver | null = null;
    if (typeof ResizeObserver !== "undefined") {
      observer = new ResizeObserver(() => {
        const w = el.clientWidth;
        if (w > 0 && w !== u.width) u.setSize({ width: Math.max(200, w), height });
      });
      observer.observe(el);
    }
    return () => {
      observer?.disconnect();
      u.destroy();
      plot.current = null;
    };
  }, [drawable, shape, theme, height]);

  // New samples, another range, other bounds: same plot, new data (scales recomputed).
  useEffect(() => {
    plot.current?.setData(dataOf(current.current));
  }, [x, series, lines, props.xRange[0], props.xRange[1], props.unitDiv]);

  return (
    <figure className="chart" data-testid={testId}>
      <div
        ref={holder}
        className="chart__plot"
        role="img"
        aria-label={label}
        style={{ minHeight: height }}
        data-drawn={drawable ? "true" : "false"}
        data-points={x.length}
        data-series={series.length}
        data-request={lines.filter((l) => l.kind === "request").map((l) => l.value).join(" ") || undefined}
        data-limit={lines.filter((l) => l.kind === "limit").map((l) => l.value).join(" ") || undefined}
      />
      {lines.length > 0 ? (
        <figcaption className="chart-key">
          {lines.map((l) => (
            <span key={`${l.kind}-${l.value}`} className="chart-key__item" data-testid={`${testId}-${l.kind}`}>
              <span className={`chart-key__dash chart-key__dash--${l.kind}`} aria-hidden="true" />
              {l.label} <span className="num">{props.format(l.value)}</span>
            </span>
          ))}
        </figcaption>
      ) : null}
    </figure>
  );
}

export default TimeChart;

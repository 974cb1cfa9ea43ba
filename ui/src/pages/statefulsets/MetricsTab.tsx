// The Metrics tab: CPU and memory of each pod as time charts (uPlot, loaded with the first chart).
// The backend samples metrics.k8s.io only while this tab is open (the subscription ends when it
// closes); the samples of the last hour stay in memory meanwhile, the range only changes the view.
import { lazy, Suspense, useEffect, useMemo, useState } from "react";
import { watchMetrics, type IpcError, type MetricsSample, type Unsubscribe } from "../../api";
import type { ChartLine, TimeChartProps } from "../../components/TimeChart";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { useLocale, useT } from "../../i18n";
import {
  addSample,
  bytesAxisUnit,
  cpuAxisUnit,
  EMPTY_HISTORY,
  formatBytes,
  formatCpu,
  latest,
  RANGE_KEYS,
  rangeLabel,
  RANGES,
  windowOf,
  type History,
  type Range,
} from "../../lib/metricsHistory";
import { ordinalColor } from "../../lib/ordinalColors";
import "../../styles/metrics.css";

const TimeChart = lazy(() => import("../../components/TimeChart"));

const CHART_HEIGHT = 200;

function maxOf(values: Iterable<number | null>[], lines: ChartLine[]): number {
  let max = 0;
  for (const vs of values) for (const v of vs) if (v !== null && v > max) max = v;
  for (const l of lines) if (l.value > max) max = l.value;
  return max;
}

function Chart(props: TimeChartProps) {
  return (
    <Suspense fallback={<div className="metrics__placeholder" style={{ height: props.height ?? CHART_HEIGHT }} />}>
      <TimeChart {...props} />
    </Suspense>
  );
}

export function MetricsTab({ context, namespace, name }: { context: string; namespace: string; name: string }) {
  const t = useT();
  const locale = useLocale();
  const [history, setHistory] = useState<History>(EMPTY_HISTORY);
  const [last, setLast] = useState<MetricsSample | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [range, setRange] = useState<Range>("5m");

  useEffect(() => {
    let cancelled = false;
    let unsubscribe: Unsubscribe | null = null;
    setHistory(EMPTY_HISTORY);
    setLast(null);
    setError(null);
    watchMetrics(context, namespace, name, (s) => {
      if (cancelled) return;
      setLast(s);
      setHistory((prev) => addSample(prev, s));
    }).then(
      (u) => {
        if (cancelled) void u();
        else unsubscribe = u;
      },
      (e: IpcError) => {
        if (!cancelled) setError(e);
      },
    );
    return () => {
      cancelled = true;
      if (unsubscribe) void unsubscribe();
    };
  }, [context, namespace, name]);

  const view = useMemo(() => windowOf(history, RANGES[range]), [history, range]);
  const charts = useMemo(() => {
    const x = view.at.map((ms) => ms / 1000);
    const end = (view.at[view.at.length - 1] ?? 0) / 1000;
    const xRange: [number, number] = [end - RANGES[range] / 1000, end];
    const cores = t("metrics.unit.cores");
    const lines = (request: number[], limit: number[]): ChartLine[] => [
      ...request.map((value) => ({ kind: "request" as const, label: t("metrics.request"), value })),
      ...limit.map((value) => ({ kind: "limit" as const, label: t("metrics.limit"), value })),
    ];
    const cpuLines = lines(view.bounds.cpuRequest, view.bounds.cpuLimit);
    const memLines = lines(view.bounds.memoryRequest, view.bounds.memoryLimit);
    const cpuUnit = cpuAxisUnit(maxOf(view.pods.map((p) => p.cpu), cpuLines));
    const memUnit = bytesAxisUnit(maxOf(view.pods.map((p) => p.mem), memLines));
    const label = rangeLabel(range, locale);
    const time = (sec: number) => new Date(sec * 1000).toLocaleTimeString(locale);
    // Seconds only when a tick falls between minutes (a narrow chart ticks every 30 s).
    const tick = (sec: number) =>
      new Date(sec * 1000).toLocaleTimeString(locale, { hour: "2-digit", minute: "2-digit", ...(sec % 60 === 0 ? {} : { second: "2-digit" }) });
    const common = { x, xRange, formatTime: time, formatTick: tick, height: CHART_HEIGHT };
    const cpu: TimeChartProps = {
      ...common,
      testId: "metrics-chart-cpu",
      label: t("metrics.chart", { what: t("metrics.cpu"), range: label }),
      axisLabel: t(`metrics.unit.${cpuUnit.unit}`),
      unitDiv: cpuUnit.div,
      series: view.pods.map((p) => ({ label: p.pod, color: ordinalColor(p.ordinal), values: p.cpu })),
      lines: cpuLines,
      format: (v) => formatCpu(v, cores, true),
    };
    const memory: TimeChartProps = {
      ...common,
      testId: "metrics-chart-memory",
      label: t("metrics.chart", { what: t("metrics.memory"), range: label }),
      axisLabel: memUnit.unit,
      unitDiv: memUnit.div,
      series: view.pods.map((p) => ({ label: p.pod, color: ordinalColor(p.ordinal), values: p.mem })),
      lines: memLines,
      format: (v) => formatBytes(v, true),
    };
    return { cpu, memory };
  }, [view, range, t, locale]);

  if (error) return <ErrorState error={error} />;
  if (!last) return <LoadingState />;
  if (!last.available) {
    return (
      <div data-testid="metrics-unavailable">
        <EmptyState icon="info" title={t("metrics.unavailable")}>
          <p>{last.message}</p>
        </EmptyState>
      </div>
    );
  }
  const cores = t("metrics.unit.cores");
  return (
    <div className="metrics" data-testid="metrics-tab" data-range={range}>
      <div className="metrics__bar">
        <p className="faint">{t("metrics.note", { at: new Date(last.at).toLocaleTimeString(locale) })}</p>
        <fieldset className="segmented" data-testid="metrics-range" data-range={range}>
          <legend>{t("metrics.range")}</legend>
          {RANGE_KEYS.map((r) => (
            <label key={r} className={`segmented__item${r === range ? " is-active" : ""}`}>
              <input type="radio" name="metrics-range" value={r} checked={r === range} onChange={() => setRange(r)} />
              {rangeLabel(r, locale)}
            </label>
          ))}
        </fieldset>
      </div>
      {view.pods.length === 0 ? (
        <p className="faint">{t("metrics.noPods")}</p>
      ) : (
        <>
          <div className="metrics__charts">
            <section className="metrics__panel">
              <h3 className="metrics__title">{t("metrics.cpu")}</h3>
              <Chart {...charts.cpu} />
            </section>
            <section className="metrics__panel">
              <h3 className="metrics__title">{t("metrics.memory")}</h3>
              <Chart {...charts.memory} />
            </section>
          </div>
          <table className="table table--compact metrics__table" data-testid="metrics-legend">
            <thead>
              <tr>
                <th scope="col">{t("metrics.pod")}</th>
                <th scope="col" className="num">{t("metrics.cpu")}</th>
                <th scope="col" className="num">{t("metrics.memory")}</th>
              </tr>
            </thead>
            <tbody>
              {view.pods.map((p) => {
                const cpu = latest(p.cpu);
                const mem = latest(p.mem);
                const color = ordinalColor(p.ordinal);
                return (
                  <tr
                    key={p.pod}
                    data-testid="metrics-row"
                    data-pod={p.pod}
                    data-ordinal={p.ordinal}
                    data-color={color}
                    data-samples={p.cpu.filter((v) => v !== null).length}
                  >
                    <td>
                      <span className="metrics__swatch" style={{ background: color }} aria-hidden="true" />
                      <span className="mono">{p.pod}</span>
                    </td>
                    <td className="num">{cpu === null ? "—" : formatCpu(cpu, cores)}</td>
                    <td className="num">{mem === null ? "—" : formatBytes(mem)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </div>
  );
}

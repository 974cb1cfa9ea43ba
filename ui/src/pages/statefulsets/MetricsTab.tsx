// The Metrics tab: CPU and memory per pod as small time charts. The backend samples
// metrics.k8s.io only while this tab is open (the subscription ends when it closes).
import { useEffect, useState } from "react";
import { watchMetrics, type IpcError, type MetricsSample, type Unsubscribe } from "../../api";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { useT } from "../../i18n";

/** Samples kept per pod (30 × 10 s = the last 5 minutes). */
export const HISTORY = 30;

export type Series = Record<string, { ordinal: number; cpu: number[]; mem: number[] }>;

/** Adds a sample to the per-pod series, keeping the last HISTORY points; pods gone are dropped. */
export function addSample(series: Series, s: MetricsSample): Series {
  const next: Series = {};
  for (const p of s.pods) {
    const prev = series[p.pod] ?? { ordinal: p.ordinal, cpu: [], mem: [] };
    next[p.pod] = { ordinal: p.ordinal, cpu: [...prev.cpu, p.cpuMillis].slice(-HISTORY), mem: [...prev.mem, p.memoryBytes].slice(-HISTORY) };
  }
  return next;
}

export function formatCpu(m: number): string {
  return m >= 1000 ? `${(m / 1000).toFixed(2)} cores` : `${Math.round(m)}m`;
}

export function formatBytes(b: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let v = b;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v >= 100 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

function Sparkline({ values: raw, label }: { values: number[]; label: string }) {
  const w = 160;
  const h = 32;
  // One sample draws a level line until the next arrives.
  const values = raw.length === 1 ? [raw[0]!, raw[0]!] : raw;
  const max = Math.max(...values, 1e-9);
  const points = values.map((v, i) => `${(i / Math.max(1, values.length - 1)) * w},${h - 2 - (v / max) * (h - 4)}`).join(" ");
  return (
    <svg className="sparkline" width={w} height={h} viewBox={`0 0 ${w} ${h}`} role="img" aria-label={label}>
      <polyline points={points} fill="none" stroke="currentColor" strokeWidth="1.5" />
    </svg>
  );
}

export function MetricsTab({ context, namespace, name }: { context: string; namespace: string; name: string }) {
  const t = useT();
  const [series, setSeries] = useState<Series>({});
  const [last, setLast] = useState<MetricsSample | null>(null);
  const [error, setError] = useState<IpcError | null>(null);

  useEffect(() => {
    let cancelled = false;
    let unsubscribe: Unsubscribe | null = null;
    watchMetrics(context, namespace, name, (s) => {
      if (cancelled) return;
      setLast(s);
      setSeries((prev) => addSample(prev, s));
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
  const pods = Object.entries(series).sort((a, b) => a[1].ordinal - b[1].ordinal);
  return (
    <div className="metrics" data-testid="metrics-tab">
      <p className="faint">{t("metrics.note", { at: new Date(last.at).toLocaleTimeString() })}</p>
      {pods.length === 0 ? <p className="faint">{t("metrics.noPods")}</p> : null}
      <table className="table metrics__table">
        <thead>
          <tr>
            <th scope="col">{t("metrics.pod")}</th>
            <th scope="col">{t("metrics.cpu")}</th>
            <th scope="col" />
            <th scope="col">{t("metrics.memory")}</th>
            <th scope="col" />
          </tr>
        </thead>
        <tbody>
          {pods.map(([pod, s]) => (
            <tr key={pod} data-testid="metrics-row" data-pod={pod} data-samples={s.cpu.length}>
              <td className="mono">{pod}</td>
              <td className="num">{formatCpu(s.cpu[s.cpu.length - 1] ?? 0)}</td>
              <td className="metrics__chart metrics__chart--cpu">
                <Sparkline values={s.cpu} label={t("metrics.cpuOf", { pod })} />
              </td>
              <td className="num">{formatBytes(s.mem[s.mem.length - 1] ?? 0)}</td>
              <td className="metrics__chart metrics__chart--mem">
                <Sparkline values={s.mem} label={t("metrics.memoryOf", { pod })} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

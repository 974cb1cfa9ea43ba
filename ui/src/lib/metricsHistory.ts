// The Metrics tab's memory: every sample received while the tab is open, the last hour of them,
// aligned per pod for a chart (one time axis, one value or null per pod and sample). Pure data;
// the chart library is never imported here (it loads lazily with the chart).
import type { MetricsSample, PodUsage } from "../api";
import { naturalCompare } from "./naturalCompare";

/** The view ranges; the history keeps the longest. */
export const RANGES = { "5m": 5 * 60_000, "15m": 15 * 60_000, "1h": 60 * 60_000 } as const;
export type Range = keyof typeof RANGES;
export const RANGE_KEYS = Object.keys(RANGES) as Range[];

/** `5 min`, `1 hr` / `5分钟`, `1小时`: the locale's own short units (no catalogue strings needed). */
export function rangeLabel(range: Range, locale: string): string {
  const minutes = RANGES[range] / 60_000;
  const [value, unit] = minutes % 60 === 0 ? [minutes / 60, "hour"] : [minutes, "minute"];
  try {
    return new Intl.NumberFormat(locale, { style: "unit", unit, unitDisplay: "short" }).format(value);
  } catch {
    return range;
  }
}

/** How far back samples are kept (the longest range). */
export const KEEP_MS = RANGES["1h"];
/** A cap on the count too, whatever the sampling interval (1 h at one sample a second). */
export const MAX_SAMPLES = 3600;

/** A pod's requests and limits (from the StatefulSet's template, summed over its containers; null when not set). */
export type PodBounds = Partial<Pick<PodUsage, "cpuRequestMillis" | "cpuLimitMillis" | "memoryRequestBytes" | "memoryLimitBytes">>;

export type PodSeries = { pod: string; ordinal: number; cpu: (number | null)[]; mem: (number | null)[] };

export type Bounds = { cpuRequest: number[]; cpuLimit: number[]; memoryRequest: number[]; memoryLimit: number[] };

export type History = {
  /** Unix milliseconds, ascending. */
  at: number[];
  /** Sorted by ordinal; each array as long as `at`, null where the pod was not in the sample. */
  pods: PodSeries[];
  /** Distinct request/limit values of the pods in the newest sample (usually one each). */
  bounds: Bounds;
};

export const EMPTY_HISTORY: History = { at: [], pods: [], bounds: { cpuRequest: [], cpuLimit: [], memoryRequest: [], memoryLimit: [] } };

function distinct(pods: PodUsage[], key: keyof PodBounds): number[] {
  const values = new Set<number>();
  for (const p of pods) {
    const v = p[key];
    if (typeof v === "number" && Number.isFinite(v) && v > 0) values.add(v);
  }
  return [...values].sort((a, b) => a - b);
}

/**
 * Adds a sample: appends one point per known pod (null for pods missing from it), drops points
 * older than KEEP_MS before the newest (or beyond MAX_SAMPLES) and pods with no point left.
 * Unavailable samples and samples not newer than the last one change nothing.
 */
export function addSample(h: History, s: MetricsSample): History {
  if (!s.available) return h;
  const lastAt = h.at[h.at.length - 1];
  if (lastAt !== undefined && s.at <= lastAt) return h;
  const all = [...h.at, s.at];
  let drop = 0;
  while (drop < all.length - 1 && (all[drop]! < s.at - KEEP_MS || all.length - drop > MAX_SAMPLES)) drop++;
  const at = all.slice(drop);

  const byPod = new Map(s.pods.map((p) => [p.pod, p]));
  const pods: PodSeries[] = [];
  for (const prev of h.pods) {
    const p = byPod.get(prev.pod);
    byPod.delete(prev.pod);
    const cpu = [...prev.cpu, p ? p.cpuMillis : null].slice(drop);
    const mem = [...prev.mem, p ? p.memoryBytes : null].slice(drop);
    if (p || cpu.some((v) => v !== null)) pods.push({ pod: prev.pod, ordinal: p?.ordinal ?? prev.ordinal, cpu, mem });
  }
  const gap = () => new Array<number | null>(at.length - 1).fill(null);
  for (const p of byPod.values()) pods.push({ pod: p.pod, ordinal: p.ordinal, cpu: [...gap(), p.cpuMillis], mem: [...gap(), p.memoryBytes] });
  pods.sort((a, b) => a.ordinal - b.ordinal || naturalCompare(a.pod, b.pod));

  return {
    at,
    pods,
    bounds: {
      cpuRequest: distinct(s.pods, "cpuRequestMillis"),
      cpuLimit: distinct(s.pods, "cpuLimitMillis"),
      memoryRequest: distinct(s.pods, "memoryRequestBytes"),
      memoryLimit: distinct(s.pods, "memoryLimitBytes"),
    },
  };
}

/** The part of the history a range shows: samples within `rangeMs` of the newest, pods with a point in it. */
export function windowOf(h: History, rangeMs: number): History {
  const last = h.at[h.at.length - 1];
  if (last === undefined) return h;
  let start = 0;
  while (start < h.at.length && h.at[start]! < last - rangeMs) start++;
  if (start === 0) return h;
  const pods = h.pods
    .map((p) => ({ ...p, cpu: p.cpu.slice(start), mem: p.mem.slice(start) }))
    .filter((p) => p.cpu.some((v) => v !== null));
  return { at: h.at.slice(start), pods, bounds: h.bounds };
}

/** The last non-null value of a series. */
export function latest(values: (number | null)[]): number | null {
  for (let i = values.length - 1; i >= 0; i--) if (values[i] !== null) return values[i]!;
  return null;
}

const trim = (v: number, digits: number) => String(Number(v.toFixed(digits)));

/** `150m`, `2.50 cores` (`cores` is the caller's word for it); `precise` keeps more digits (tooltips). */
export function formatCpu(m: number, cores = "cores", precise = false): string {
  if (m >= 1000) return `${precise ? trim(m / 1000, 3) : (m / 1000).toFixed(2)} ${cores}`;
  return precise && m < 10 ? `${trim(m, 2)}m` : `${Math.round(m)}m`;
}

const BYTE_UNITS = ["B", "KiB", "MiB", "GiB", "TiB"];

/** Binary units: `1.5 KiB`, `256 MiB`; `precise` keeps up to two decimals (tooltips). */
export function formatBytes(b: number, precise = false): string {
  let v = b;
  let i = 0;
  while (v >= 1024 && i < BYTE_UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  const n = precise ? trim(v, 2) : v >= 100 ? String(Math.round(v)) : v.toFixed(1);
  return `${n} ${BYTE_UNITS[i]}`;
}

/** The axis unit for a chart whose largest value is `max`: millicores or cores. */
export function cpuAxisUnit(max: number): { div: number; unit: "millicores" | "cores" } {
  return max >= 1000 ? { div: 1000, unit: "cores" } : { div: 1, unit: "millicores" };
}

/** The axis unit for memory: the largest binary unit (at least MiB) the maximum reaches. */
export function bytesAxisUnit(max: number): { div: number; unit: string } {
  let i = 2;
  while (i < BYTE_UNITS.length - 1 && max >= 1024 ** (i + 1)) i++;
  return { div: 1024 ** i, unit: BYTE_UNITS[i]! };
}

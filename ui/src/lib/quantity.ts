// Kubernetes storage quantities (`20Gi`, `500M`, `1.5Ti`): what the Grow storage dialog accepts,
// and their size in bytes for comparing with the template's current size.

/** A quantity the dialog accepts: a plain or decimal number with an optional binary or SI suffix. */
export const QUANTITY = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/;

const FACTOR: Record<string, number> = {
  "": 1,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** The quantity in bytes; `null` when it is not one the dialog accepts. */
export function quantityBytes(q: string | null | undefined): number | null {
  if (!q) return null;
  const m = QUANTITY.exec(q.trim());
  if (!m) return null;
  const suffix = m[2] ?? "";
  const number = q.trim().slice(0, q.trim().length - suffix.length);
  return Number(number) * (FACTOR[suffix] ?? 1);
}

/** Used / capacity as a whole percentage (0–100), or `null` when either is not reported. */
export function usagePercent(used: number | null, capacity: number | null): number | null {
  if (used === null || capacity === null || capacity <= 0) return null;
  return Math.min(100, Math.max(0, Math.round((used / capacity) * 100)));
}

/** The tone of a usage bar: amber from 80 %, red from 90 %. */
export function usageTone(percent: number): "ok" | "warning" | "failed" {
  return percent >= 90 ? "failed" : percent >= 80 ? "warning" : "ok";
}

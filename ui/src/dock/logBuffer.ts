// The log buffer of one Logs tab: a bounded ring (the oldest entries are dropped, and counted,
// past `capacity`), kept in time order. Lines of one ordinal arrive in order; lines of several
// ordinals (the "All ordinals" view) are inserted by their timestamp, walking back from the end
// (an out-of-order line is almost always recent, so the walk is short). Boundaries (a new pod or
// a restarted container) are entries too, so they scroll and drop with the lines around them.
import type { LogLine } from "../api";

export type LineEntry = {
  kind: "line";
  /** Unique and stable for the entry's life (React key, search position, expanded lines). */
  seq: number;
  ordinal: number;
  pod: string;
  container: string;
  ts: string | null;
  /** A sortable form of `ts` (see `tsKey`), "" without one. */
  key: string;
  text: string;
};

export type BoundaryEntry = {
  kind: "boundary";
  seq: number;
  ordinal: number;
  pod: string;
  reason: "newPod" | "containerRestart";
  startedAt: string | null;
  key: string;
};

export type LogEntry = LineEntry | BoundaryEntry;

/**
 * A string that sorts like the instant: RFC3339 with any number of fraction digits (the server's
 * RFC3339Nano trims trailing zeros, so `…04.1Z` and `…04.05Z` do not sort as text) and any offset.
 */
export function tsKey(ts: string | null): string {
  if (!ts) return "";
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?(Z|[+-]\d\d:?\d\d)?$/i.exec(ts.trim());
  if (!m) return "";
  const seconds = Date.parse(`${m[1]}${m[3] ?? "Z"}`);
  if (Number.isNaN(seconds)) return "";
  const whole = Math.floor(seconds / 1000);
  const frac = (m[2] ?? "").slice(0, 9).padEnd(9, "0");
  return `${String(whole).padStart(12, "0")}.${frac}`;
}

export class LogBuffer {
  private ring: (LogEntry | undefined)[];
  private head = 0;
  private count = 0;
  private nextSeq = 1;
  /** How many entries were dropped from the front because the buffer was full. */
  dropped = 0;
  /** Every line ever added (for "N new lines" counts). */
  added = 0;
  /** Bumped on every change, so a view can memoise on it. */
  version = 0;

  constructor(private cap: number) {
    if (!(cap >= 1)) throw new Error("LogBuffer capacity must be at least 1");
    this.ring = new Array<LogEntry | undefined>(Math.min(cap, 4096));
  }

  get capacity(): number {
    return this.cap;
  }

  /** A new bound (the setting changed): keeps the newest entries, counting the rest as dropped. */
  setCapacity(capacity: number) {
    if (!(capacity >= 1) || capacity === this.cap) return;
    const all = this.toArray();
    const keep = all.slice(Math.max(0, all.length - capacity));
    this.dropped += all.length - keep.length;
    this.cap = capacity;
    this.ring = new Array<LogEntry | undefined>(Math.max(Math.min(capacity, 4096), keep.length));
    keep.forEach((e, i) => (this.ring[i] = e));
    this.head = 0;
    this.count = keep.length;
    this.version++;
  }

  get size(): number {
    return this.count;
  }

  /** The i-th entry, oldest first. */
  at(i: number): LogEntry | undefined {
    if (i < 0 || i >= this.count) return undefined;
    return this.ring[(this.head + i) % this.ring.length];
  }

  toArray(): LogEntry[] {
    const out = new Array<LogEntry>(this.count);
    for (let i = 0; i < this.count; i++) out[i] = this.at(i)!;
    return out;
  }

  clear() {
    this.ring = new Array<LogEntry | undefined>(Math.min(this.capacity, 4096));
    this.head = 0;
    this.count = 0;
    this.dropped = 0;
    this.added = 0;
    this.version++;
  }

  private grow() {
    if (this.ring.length >= this.capacity) return;
    const next = new Array<LogEntry | undefined>(Math.min(this.capacity, this.ring.length * 2));
    for (let i = 0; i < this.count; i++) next[i] = this.at(i);
    this.ring = next;
    this.head = 0;
  }

  private set(i: number, e: LogEntry) {
    this.ring[(this.head + i) % this.ring.length] = e;
  }

  /** Inserts keeping time order; entries without a time go at the end. */
  private insert(e: LogEntry) {
    if (this.count === this.ring.length) {
      if (this.ring.length < this.capacity) this.grow();
      else {
        // full: drop the oldest
        this.ring[this.head] = undefined;
        this.head = (this.head + 1) % this.ring.length;
        this.count--;
        this.dropped++;
      }
    }
    let pos = this.count;
    if (e.key) {
      while (pos > 0) {
        const prev = this.at(pos - 1)!;
        if (!prev.key || prev.key <= e.key) break;
        pos--;
      }
    }
    for (let i = this.count; i > pos; i--) this.set(i, this.at(i - 1)!);
    this.count++;
    this.set(pos, e);
  }

  /** Adds a batch of lines (each batch is in time order already). */
  addLines(lines: readonly LogLine[]) {
    for (const l of lines) {
      this.insert({ kind: "line", seq: this.nextSeq++, ordinal: l.ordinal, pod: l.pod, container: l.container, ts: l.ts, key: tsKey(l.ts), text: l.text });
      this.added++;
    }
    if (lines.length) this.version++;
  }

  /** A separator: the ordinal's stream continues on a new pod or a restarted container. Appended where it arrives. */
  addBoundary(b: { ordinal: number; pod: string; reason: "newPod" | "containerRestart"; startedAt: string | null }) {
    this.insert({ kind: "boundary", seq: this.nextSeq++, ordinal: b.ordinal, pod: b.pod, reason: b.reason, startedAt: b.startedAt, key: "" });
    this.version++;
  }
}

// The virtualised log list: only the lines in the viewport (plus overscan) are in the DOM,
// between two spacers. Without wrapping every line is one row high; with wrapping a line's
// height is estimated from its length (the face is monospace), and rows flow, so a wrong
// estimate only shifts the scroll bar a little and never overlaps rows. Follows the end while
// the user is at the bottom; scrolled up, it stays put and a pill counts the new lines.
import { memo, useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useT } from "../i18n";
import { ordinalColor } from "../lib/ordinalColors";
import { parseAnsi, spanStyle, stripAnsi, type AnsiSpan } from "./ansi";
import type { BoundaryEntry, LineEntry, LogEntry } from "./logBuffer";

export const LINE_H = 18;
const OVERSCAN = 20;
const FALLBACK_VIEWPORT = 600;
const FALLBACK_CHAR_W = 7.2;
/** Lines longer than this are cut, with an expander. */
export const CUT_AT = 2000;

const plainCache = new WeakMap<LineEntry, string>();
/** A line's text without escapes (cached per entry). */
export function plainText(e: LineEntry): string {
  let s = plainCache.get(e);
  if (s === undefined) {
    s = stripAnsi(e.text);
    plainCache.set(e, s);
  }
  return s;
}

/** "05-01 12:00:03.123" in local time. */
export function formatTs(ts: string | null): string {
  if (!ts) return "";
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}.${p(d.getMilliseconds(), 3)}`;
}

/** "12:03:04" local. */
export function formatClock(ts: string | null): string | null {
  if (!ts) return null;
  const d = new Date(ts);
  if (Number.isNaN(d.getTime())) return ts;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function useBoundaryText() {
  const t = useT();
  return useCallback(
    (b: BoundaryEntry) => {
      const time = formatClock(b.startedAt);
      if (b.reason === "newPod") return time ? t("logs.boundary.newPod", { pod: b.pod, time }) : t("logs.boundary.newPodNoTime", { pod: b.pod });
      return time ? t("logs.boundary.restart", { pod: b.pod, time }) : t("logs.boundary.restartNoTime", { pod: b.pod });
    },
    [t],
  );
}

export type ViewOptions = { timestamps: boolean; wrap: boolean; badges: boolean };

/** Marks the (case-insensitive) occurrences of `query` in styled spans. */
function highlight(spans: AnsiSpan[], query: string): ReactNode[] {
  const q = query.toLowerCase();
  const out: ReactNode[] = [];
  let k = 0;
  for (const s of spans) {
    const style = spanStyle(s);
    if (!q) {
      out.push(style ? <span key={k++} style={style}>{s.text}</span> : s.text);
      continue;
    }
    const lower = s.text.toLowerCase();
    let from = 0;
    for (let at = lower.indexOf(q); at !== -1; at = lower.indexOf(q, from)) {
      if (at > from) out.push(<span key={k++} style={style}>{s.text.slice(from, at)}</span>);
      out.push(<mark key={k++} style={style} className="log__mark">{s.text.slice(at, at + q.length)}</mark>);
      from = at + q.length;
    }
    if (from < s.text.length) out.push(<span key={k++} style={style}>{s.text.slice(from)}</span>);
  }
  return out;
}

const LineRow = memo(function LineRow({
  e,
  options,
  query,
  current,
  expanded,
  onExpand,
  height,
}: {
  e: LineEntry;
  options: ViewOptions;
  query: string;
  current: boolean;
  expanded: boolean;
  onExpand: (seq: number) => void;
  height: number | undefined;
}) {
  const t = useT();
  const long = e.text.length > CUT_AT && !expanded;
  const shown = long ? e.text.slice(0, CUT_AT) : e.text;
  const more = long ? plainText(e).length - stripAnsi(shown).length : 0;
  return (
    <div
      className={`log__line${current ? " is-current" : ""}`}
      data-testid="log-line"
      data-ordinal={e.ordinal}
      data-seq={e.seq}
      style={height !== undefined ? { height } : undefined}
    >
      {options.badges ? (
        <span className="log__badge" style={{ borderColor: ordinalColor(e.ordinal), color: ordinalColor(e.ordinal) }} title={e.pod}>
          {e.ordinal}
        </span>
      ) : null}
      {options.timestamps ? <span className="log__ts">{formatTs(e.ts)}</span> : null}
      <span className="log__text">{highlight(parseAnsi(shown), query)}</span>
      {long && more > 0 ? (
        <button type="button" className="log__more" onClick={() => onExpand(e.seq)}>
          {t("logs.showMore", { count: more.toLocaleString() })}
        </button>
      ) : null}
    </div>
  );
});

function BoundaryRow({ e, height }: { e: BoundaryEntry; height: number | undefined }) {
  const text = useBoundaryText();
  return (
    <div className="log__boundary" data-testid="log-boundary" data-ordinal={e.ordinal} data-reason={e.reason} role="separator" style={height !== undefined ? { height } : undefined}>
      <span style={{ color: ordinalColor(e.ordinal) }}>●</span> {text(e)}
    </div>
  );
}

/**
 * The benchmark's probe (`scripts/bench`, `tests/bench_app.rs`): when the page sets
 * `window.__ordinalLogPaints = []`, each render that brings new lines records the newest line's
 * timestamp and the wall-clock time after the frame is painted. Off otherwise.
 */
function usePaintProbe(rows: LogEntry[]) {
  useEffect(() => {
    const probe = (window as unknown as { __ordinalLogPaints?: [string, number][] }).__ordinalLogPaints;
    if (!probe) return;
    let last: LineEntry | undefined;
    for (let i = rows.length - 1; i >= 0 && !last; i--) {
      const e = rows[i];
      if (e?.kind === "line") last = e;
    }
    if (!last?.ts) return;
    const ts = last.ts;
    requestAnimationFrame(() => setTimeout(() => probe.push([ts, Date.now()]), 0));
  }, [rows]);
}

export function LogView({
  rows,
  dropped,
  added,
  options,
  query,
  currentSeq,
  jumpTo,
  onVisibleRange,
}: {
  rows: LogEntry[];
  dropped: number;
  /** Lines ever added (counts the lines that arrived while scrolled up). */
  added: number;
  options: ViewOptions;
  query: string;
  /** The search match to highlight and scroll to. */
  currentSeq: number | null;
  /** Bumped to scroll `currentSeq` into view. */
  jumpTo: number;
  onVisibleRange?: (first: number, last: number) => void;
}) {
  const t = useT();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);
  const [width, setWidth] = useState(0);
  const [charW, setCharW] = useState(FALLBACK_CHAR_W);
  const [atBottom, setAtBottom] = useState(true);
  const [addedWhenLeft, setAddedWhenLeft] = useState(0);
  const [expanded, setExpanded] = useState<ReadonlySet<number>>(new Set());
  const measureRef = useRef<HTMLSpanElement>(null);
  usePaintProbe(rows);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => {
      if (el.clientHeight > 0) setViewport(el.clientHeight);
      setWidth(el.clientWidth);
      const w = measureRef.current?.getBoundingClientRect().width ?? 0;
      if (w > 0) setCharW(w / 10);
    };
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  // Row heights: fixed without wrapping; estimated from the length with it.
  const cols = Math.max(20, Math.floor((width > 0 ? width - 16 : 1000) / charW));
  const prefix = (options.badges ? 4 : 0) + (options.timestamps ? 19 : 0);
  const offsets = useMemo(() => {
    if (!options.wrap) return null;
    const tops = new Float64Array(rows.length + 1);
    for (let i = 0; i < rows.length; i++) {
      const e = rows[i]!;
      let lines = 1;
      if (e.kind === "line") {
        const len = expanded.has(e.seq) ? e.text.length : Math.min(e.text.length, CUT_AT + 40);
        lines = Math.max(1, Math.ceil((len + prefix) / cols));
      }
      tops[i + 1] = tops[i]! + lines * LINE_H;
    }
    return tops;
  }, [rows, options.wrap, cols, prefix, expanded]);
  const topOf = (i: number) => (offsets ? offsets[i]! : i * LINE_H);
  const total = rows.length;
  const totalHeight = topOf(total);
  const indexAt = (y: number) => {
    if (!offsets) return Math.floor(y / LINE_H);
    let lo = 0;
    let hi = total;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (offsets[mid]! <= y) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  };
  const first = Math.max(0, indexAt(scrollTop) - OVERSCAN);
  const last = Math.min(total, indexAt(scrollTop + viewport) + 1 + OVERSCAN);

  useEffect(() => {
    onVisibleRange?.(Math.max(0, indexAt(scrollTop)), Math.min(total, indexAt(scrollTop + viewport) + 1));
  });

  // Follow the end while at the bottom.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el || !atBottom) return;
    el.scrollTop = el.scrollHeight;
    setScrollTop(el.scrollTop);
  }, [rows, atBottom, totalHeight]);

  // A search jump: scroll the match into the middle; following pauses.
  useLayoutEffect(() => {
    if (jumpTo === 0 || currentSeq === null) return;
    const el = scrollRef.current;
    const i = rows.findIndex((r) => r.seq === currentSeq);
    if (!el || i === -1) return;
    const top = topOf(i);
    if (top < el.scrollTop || top + LINE_H > el.scrollTop + viewport) el.scrollTop = Math.max(0, top - viewport / 2);
    setScrollTop(el.scrollTop);
    if (atBottom) {
      setAtBottom(false);
      setAddedWhenLeft(added);
    }
  }, [jumpTo]);

  const onScroll = () => {
    const el = scrollRef.current;
    if (!el) return;
    setScrollTop(el.scrollTop);
    const bottom = el.scrollTop + el.clientHeight >= el.scrollHeight - LINE_H / 2;
    if (bottom !== atBottom) {
      setAtBottom(bottom);
      if (!bottom) setAddedWhenLeft(added);
    }
  };

  const toBottom = () => {
    const el = scrollRef.current;
    if (el) el.scrollTop = el.scrollHeight;
    setAtBottom(true);
  };

  const onExpand = useCallback((seq: number) => setExpanded((s) => new Set(s).add(seq)), []);
  const newLines = atBottom ? 0 : added - addedWhenLeft;
  const fixed = options.wrap ? undefined : LINE_H;

  return (
    <div className="log">
      <div
        ref={scrollRef}
        className={`log__scroll${options.wrap ? " log__scroll--wrap" : ""}`}
        onScroll={onScroll}
        tabIndex={0}
        role="log"
        aria-label={t("logs.view")}
        data-testid="log-view"
        data-at-bottom={atBottom}
      >
        <span ref={measureRef} className="log__measure" aria-hidden="true">
          0000000000
        </span>
        {dropped > 0 ? (
          <div className="log__dropped" data-testid="log-dropped" data-dropped={dropped}>
            {t("logs.dropped", { count: dropped.toLocaleString() })}
          </div>
        ) : null}
        <div style={{ height: topOf(first) }} />
        {rows.slice(first, last).map((e) =>
          e.kind === "line" ? (
            <LineRow key={e.seq} e={e} options={options} query={query} current={e.seq === currentSeq} expanded={expanded.has(e.seq)} onExpand={onExpand} height={fixed} />
          ) : (
            <BoundaryRow key={e.seq} e={e} height={fixed} />
          ),
        )}
        <div style={{ height: totalHeight - topOf(last) }} />
      </div>
      {newLines > 0 ? (
        <button type="button" className="log__pill" data-testid="log-new-lines" onClick={toBottom}>
          {t("logs.newLines", { count: newLines })}
        </button>
      ) : null}
    </div>
  );
}

// A Logs tab: one ordinal (and container) or every ordinal merged, streamed by watch_logs into a
// bounded buffer. The stream's health is always shown (here and in the tab's header); lines of a
// hidden tab keep arriving. Search, copy and save work on the text without escapes.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { podTargets, watchLogs, type ContainerTarget, type IpcError, type LogEvent, type StreamHealth, type Unsubscribe } from "../api";
import { Icon } from "../components/Icon";
import { Menu } from "../components/Menu";
import { useT, type Translate } from "../i18n";
import { ordinalColor } from "../lib/ordinalColors";
import { useSettings } from "../state/settings";
import { setTabHealth, updateLogsTab, type LogsTab, type TabHealth } from "./dockState";
import { LogBuffer, type LogEntry } from "./logBuffer";
import { formatTs, LogView, plainText, useBoundaryText } from "./LogView";

const TAILS = [100, 1000, null] as const;
const SINCES = [300, 3600, null] as const;

/** What the view shows about the stream: the core's health, or the UI's own states. */
export type ViewHealth = StreamHealth | { state: "paused" } | { state: "failed"; error: IpcError };

const RANK: Record<ViewHealth["state"], number> = { failed: 6, ended: 5, reconnecting: 4, waiting: 3, connecting: 2, paused: 1, live: 0 };

/** The view's health: the whole view's, else the worst of the ordinals'. */
export function summarise(view: ViewHealth | null, perOrdinal: ReadonlyMap<number, StreamHealth>): ViewHealth {
  if (view && (view.state === "failed" || view.state === "paused" || view.state === "ended")) return view;
  let worst: ViewHealth | null = view;
  for (const h of perOrdinal.values()) if (!worst || RANK[h.state] > RANK[worst.state]) worst = h;
  return worst ?? { state: "connecting" };
}

export function healthText(t: Translate, h: ViewHealth): string {
  switch (h.state) {
    case "live":
      return t("stream.live");
    case "connecting":
      return t("stream.connecting");
    case "paused":
      return t("stream.paused");
    case "waiting":
      return t("stream.waiting", { reason: h.reason });
    case "reconnecting":
      return t("stream.reconnecting", { attempt: h.attempt, reason: h.reason });
    case "ended":
      return t("stream.ended", { reason: h.reason });
    case "failed":
      return t("stream.failed", { code: h.error.code, message: h.error.message });
  }
}

export function HealthBadge({ health, testId }: { health: ViewHealth; testId?: string }) {
  const t = useT();
  const tone = health.state === "live" ? "ok" : health.state === "failed" ? "failed" : health.state === "ended" || health.state === "paused" ? "neutral" : health.state === "connecting" ? "progressing" : "warning";
  const icon = tone === "ok" ? "ok" : tone === "failed" ? "error" : tone === "warning" ? "warning" : tone === "progressing" ? "progressing" : "stopped";
  const text = healthText(t, health);
  return (
    <span className={`status status--${tone} dock-health`} data-testid={testId} data-state={health.state} title={text}>
      <Icon name={icon} className="status__icon" size={14} />
      <span className="dock-health__text">{text}</span>
    </span>
  );
}

export function LogsPanel({ tab }: { tab: LogsTab }) {
  const t = useT();
  const boundaryText = useBoundaryText();
  const { settings } = useSettings();
  const capacity = Math.max(1000, settings.logBufferLines || 100000);
  const { context, namespace, statefulset } = tab.target;
  const ordinal = tab.ordinal;
  const [container, setContainer] = useState<string | null>(null);
  const [containers, setContainers] = useState<ContainerTarget[]>([]);
  const [tail, setTail] = useState<number | null>(1000);
  const [since, setSince] = useState<number | null>(null);
  const [previous, setPrevious] = useState(false);
  const [follow, setFollow] = useState(true);
  const [timestamps, setTimestamps] = useState(false);
  const [wrap, setWrap] = useState(false);
  const [query, setQuery] = useState("");
  const [current, setCurrent] = useState(0);
  const [jump, setJump] = useState(0);
  const [hidden, setHidden] = useState<ReadonlySet<number>>(new Set());
  const [viewHealth, setViewHealth] = useState<ViewHealth | null>(null);
  const [perOrdinal, setPerOrdinal] = useState<ReadonlyMap<number, StreamHealth>>(new Map());
  const [attempt, setAttempt] = useState(0);
  const [, setVersion] = useState(0);
  const buffer = useRef<LogBuffer>(new LogBuffer(capacity));
  const visible = useRef<[number, number]>([0, 0]);

  useEffect(() => {
    let cancelled = false;
    podTargets(context, namespace, statefulset).then(
      (p) => !cancelled && setContainers(p.containers),
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [context, namespace, statefulset]);

  // The stream: restarted when what it shows changes; stopped (lines kept) when follow is off.
  useEffect(() => {
    if (!follow && !previous) {
      setViewHealth({ state: "paused" });
      return;
    }
    buffer.current.clear();
    setVersion((v) => v + 1);
    setViewHealth({ state: "connecting" });
    setPerOrdinal(new Map());
    let cancelled = false;
    let unsubscribe: Unsubscribe | null = null;
    const onEvent = (e: LogEvent) => {
      if (cancelled) return;
      if (e.type === "lines") buffer.current.addLines(e.lines);
      else if (e.type === "boundary") buffer.current.addBoundary(e);
      else if (e.ordinal === null) setViewHealth(e.health);
      else {
        const o = e.ordinal;
        setPerOrdinal((m) => new Map(m).set(o, e.health));
        setViewHealth((v) => (v?.state === "connecting" ? null : v));
      }
      if (e.type !== "health") setVersion((v) => v + 1);
    };
    watchLogs(
      { context, namespace, statefulset, ordinal, container, tailLines: tail, sinceSeconds: since, previous, follow: follow && !previous },
      onEvent,
    ).then(
      (u) => {
        if (cancelled) void u();
        else unsubscribe = u;
      },
      (error: IpcError) => {
        if (!cancelled) setViewHealth({ state: "failed", error });
      },
    );
    return () => {
      cancelled = true;
      if (unsubscribe) void unsubscribe();
    };
  }, [context, namespace, statefulset, ordinal, container, tail, since, previous, follow, attempt]);

  // The setting changed: bound the buffer anew, without restarting the stream.
  useEffect(() => {
    buffer.current.setCapacity(capacity);
    setVersion((v) => v + 1);
  }, [capacity]);

  const health = summarise(viewHealth, perOrdinal);
  useEffect(() => setTabHealth(tab.id, health.state as TabHealth), [tab.id, health.state]);

  const buf = buffer.current;
  const version = buf.version;
  const all = useMemo(() => buf.toArray(), [buf, version]);
  const rows = useMemo(() => (hidden.size === 0 ? all : all.filter((e) => !hidden.has(e.ordinal))), [all, hidden]);
  const seen = useMemo(() => {
    const s = new Set<number>(tab.ordinals);
    for (const e of all) s.add(e.ordinal);
    for (const o of perOrdinal.keys()) s.add(o);
    return [...s].sort((a, b) => a - b);
  }, [all, tab.ordinals, perOrdinal]);

  const matches = useMemo(() => {
    const q = query.trim().toLowerCase();
    if (!q) return [];
    const out: number[] = [];
    for (const e of rows) if (e.kind === "line" && plainText(e).toLowerCase().includes(q)) out.push(e.seq);
    return out;
  }, [rows, query]);
  const cur = matches.length ? Math.min(current, matches.length - 1) : -1;
  const step = (d: number) => {
    if (!matches.length) return;
    setCurrent((c) => (Math.min(c, matches.length - 1) + d + matches.length) % matches.length);
    setJump((j) => j + 1);
  };

  const multi = ordinal === null;
  const viewOptions = useMemo(() => ({ timestamps, wrap, badges: multi }), [timestamps, wrap, multi]);
  const lineText = useCallback(
    (e: LogEntry) =>
      e.kind === "boundary"
        ? `--- ${boundaryText(e)} ---`
        : `${timestamps && e.ts ? `${formatTs(e.ts)} ` : ""}${multi ? `[${e.pod}] ` : ""}${plainText(e)}`,
    [timestamps, multi, boundaryText],
  );
  const copy = (which: "visible" | "all") => {
    const [a, b] = visible.current;
    const list = which === "all" ? rows : rows.slice(a, b);
    void navigator.clipboard?.writeText(list.map(lineText).join("\n")).catch(() => {});
  };
  const save = () => {
    const blob = new Blob([rows.map(lineText).join("\n") + "\n"], { type: "text/plain" });
    const url = URL.createObjectURL(blob);
    const a = document.createElement("a");
    a.href = url;
    a.download = `${multi ? statefulset : `${statefulset}-${ordinal}`}${container ? `-${container}` : ""}.log`;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  };

  const toggle = (on: boolean, set: (v: boolean) => void, label: string, testId: string) => (
    <button type="button" className={`btn btn--small btn--toggle${on ? " is-on" : ""}`} aria-pressed={on} onClick={() => set(!on)} data-testid={testId}>
      {label}
    </button>
  );

  return (
    <div className="dock-panel logs" data-testid="logs-panel" data-ordinal={ordinal ?? "all"}>
      <div className="dock-toolbar">
        <select className="control control--small" aria-label={t("logs.ordinal")} value={ordinal ?? ""} data-testid="log-ordinal" onChange={(e) => updateLogsTab(tab.id, { ordinal: e.target.value === "" ? null : Number(e.target.value) })}>
          <option value="">{t("logs.allOrdinals")}</option>
          {seen.map((o) => (
            <option key={o} value={o}>{`${statefulset}-${o}`}</option>
          ))}
        </select>
        <select className="control control--small" aria-label={t("logs.container")} value={container ?? ""} data-testid="log-container" onChange={(e) => setContainer(e.target.value || null)}>
          <option value="">{t("logs.mainContainer")}</option>
          {containers.map((c) => (
            <option key={c.name} value={c.name}>
              {c.init ? t("logs.initContainer", { name: c.name }) : c.name}
            </option>
          ))}
        </select>
        {toggle(follow, setFollow, t("logs.follow"), "log-follow")}
        <select className="control control--small" aria-label={t("logs.tail")} value={String(tail)} data-testid="log-tail" onChange={(e) => setTail(e.target.value === "null" ? null : Number(e.target.value))}>
          {TAILS.map((n) => (
            <option key={String(n)} value={String(n)}>{n === null ? t("logs.tail.all") : t("logs.tail.n", { count: n })}</option>
          ))}
        </select>
        <select className="control control--small" aria-label={t("logs.since")} value={String(since)} data-testid="log-since" onChange={(e) => setSince(e.target.value === "null" ? null : Number(e.target.value))}>
          {SINCES.map((n) => (
            <option key={String(n)} value={String(n)}>{n === null ? t("logs.since.all") : n === 300 ? t("logs.since.5m") : t("logs.since.1h")}</option>
          ))}
        </select>
        {toggle(previous, setPrevious, t("logs.previous"), "log-previous")}
        {toggle(timestamps, setTimestamps, t("logs.timestamps"), "log-timestamps")}
        {toggle(wrap, setWrap, t("logs.wrap"), "log-wrap")}
        <span className="dock-search">
          <Icon name="search" size={14} />
          <input
            className="control control--small"
            type="search"
            placeholder={t("logs.search")}
            aria-label={t("logs.search")}
            value={query}
            data-testid="log-search"
            onChange={(e) => {
              setQuery(e.target.value);
              setCurrent(0);
            }}
            onKeyDown={(e) => {
              if (e.key === "Enter") {
                e.preventDefault();
                step(e.shiftKey ? -1 : 1);
              }
            }}
          />
          <span className="num faint" data-testid="log-search-count">{query.trim() ? `${cur + 1}/${matches.length}` : ""}</span>
          <button type="button" className="btn btn--icon btn--tiny" aria-label={t("logs.search.prev")} title={t("logs.search.prev")} disabled={!matches.length} onClick={() => step(-1)} data-testid="log-search-prev">
            <Icon name="sortAsc" size={14} />
          </button>
          <button type="button" className="btn btn--icon btn--tiny" aria-label={t("logs.search.next")} title={t("logs.search.next")} disabled={!matches.length} onClick={() => step(1)} data-testid="log-search-next">
            <Icon name="sortDesc" size={14} />
          </button>
        </span>
        <Menu
          label={t("logs.copy")}
          text={t("logs.copy")}
          testId="log-copy"
          items={[
            { id: "visible", label: t("logs.copy.visible"), icon: "copy", onSelect: () => copy("visible") },
            { id: "all", label: t("logs.copy.all", { count: rows.length }), icon: "copy", onSelect: () => copy("all") },
          ]}
        />
        <button type="button" className="btn btn--small" onClick={save} data-testid="log-save">
          <Icon name="file" size={14} />
          {t("logs.save")}
        </button>
        <span className="dock-toolbar__end">
          <HealthBadge health={health} testId="log-health" />
          {health.state === "failed" || health.state === "ended" ? (
            <button type="button" className="btn btn--small" onClick={() => setAttempt((a) => a + 1)} data-testid="log-restart">
              {t("logs.restart")}
            </button>
          ) : null}
        </span>
      </div>
      {multi && seen.length > 0 ? (
        <div className="dock-chips" role="group" aria-label={t("logs.filter")}>
          {seen.map((o) => {
            const on = !hidden.has(o);
            const h = perOrdinal.get(o);
            return (
              <button
                key={o}
                type="button"
                className={`chip chip--toggle${on ? " is-on" : ""}`}
                aria-pressed={on}
                data-testid="log-ordinal-chip"
                data-ordinal={o}
                data-state={h?.state}
                title={h ? healthText(t, h) : undefined}
                onClick={() =>
                  setHidden((s) => {
                    const n = new Set(s);
                    if (n.has(o)) n.delete(o);
                    else n.add(o);
                    return n;
                  })
                }
              >
                <span className="chip__dot" style={{ background: ordinalColor(o) }} aria-hidden="true" />
                {`${statefulset}-${o}`}
                {h && h.state !== "live" ? <Icon name={h.state === "ended" ? "stopped" : "warning"} size={12} /> : null}
              </button>
            );
          })}
        </div>
      ) : null}
      <LogView
        rows={rows}
        dropped={buf.dropped}
        added={buf.added}
        options={viewOptions}
        query={query.trim()}
        currentSeq={cur >= 0 ? (matches[cur] ?? null) : null}
        jumpTo={jump}
        onVisibleRange={(a, b) => {
          visible.current = [a, b];
        }}
      />
      {rows.length === 0 ? <p className="dock-empty faint">{health.state === "live" || health.state === "ended" ? t("logs.empty") : healthText(t, health)}</p> : null}
    </div>
  );
}

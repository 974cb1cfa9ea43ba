// The live rows of one watch_rows stream, applied by key: a delta replaces or removes only the
// rows it names, so selection, focus and scroll (all held by key elsewhere) survive updates.
import { useLayoutEffect, useState } from "react";
import { milestone } from "../lib/marks";
import { watchRows, type IpcError, type Row, type RowsEvent, type Scope, type Unsubscribe, type WatchState } from "../api";

/**
 * The rows of one stream by key, and their list. The list is kept up to date in place (a delta
 * costs what it names, not the whole list); `list()` hands out an array that is never changed
 * afterwards (the next change copies it first), a new one only after a change.
 *
 * Order: a reset's (a preview's) order; a new key goes last; an update keeps its place; a delete
 * moves the last row into the gap. Every view sorts the list (lib/rows.ts sortRows), so the
 * order is only ever an input order.
 */
export class RowStore {
  private index = new Map<string, number>();
  private rows: Row[] = [];
  /** True once `rows` has been handed out by list(): it must be copied before a change. */
  private shared = false;
  loaded = false;

  apply(event: RowsEvent): boolean {
    // A preview (the first rows of a long first list) shows at once; its reset replaces it.
    if (event.type === "reset" || event.type === "preview") {
      this.index = new Map(event.rows.map((r, i) => [r.key, i]));
      // the event's own array (never changed: it counts as handed out), unless a key repeats
      this.rows = event.rows;
      this.shared = true;
      if (this.index.size !== event.rows.length) {
        this.index.clear();
        this.rows = [];
        this.shared = false;
        for (const row of event.rows) this.upsert(row);
      }
      this.loaded = true;
      return true;
    }
    if (event.type === "delta") {
      for (const key of event.deletes) this.delete(key);
      for (const row of event.upserts) this.upsert(row);
      return true;
    }
    return false;
  }

  list(): Row[] {
    this.shared = true;
    return this.rows;
  }

  get(key: string): Row | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.rows[i];
  }

  private writable(): Row[] {
    if (this.shared) {
      this.rows = this.rows.slice();
      this.shared = false;
    }
    return this.rows;
  }

  private upsert(row: Row) {
    const i = this.index.get(row.key);
    const rows = this.writable();
    if (i === undefined) {
      this.index.set(row.key, rows.length);
      rows.push(row);
    } else rows[i] = row;
  }

  private delete(key: string) {
    const i = this.index.get(key);
    if (i === undefined) return;
    const rows = this.writable();
    const last = rows.pop()!;
    this.index.delete(key);
    if (i < rows.length) {
      rows[i] = last;
      this.index.set(last.key, i);
    }
  }
}

export type RowsState = {
  rows: Row[];
  /** False until the first rows (a preview or the first reset). */
  loaded: boolean;
  /** True once the complete list has arrived (the first reset). */
  synced: boolean;
  watch: WatchState | null;
  error: IpcError | null;
};

const EMPTY: RowsState = { rows: [], loaded: false, synced: false, watch: null, error: null };

/** The state after `event` (the same object when the event changes nothing the list shows). */
function next(state: RowsState, store: RowStore, event: RowsEvent): RowsState {
  if (event.type === "reset" || event.type === "preview") milestone("rows-received");
  if (event.type === "state") return { ...state, watch: event.state };
  if (!store.apply(event)) return state;
  return { ...state, rows: store.list(), loaded: true, synced: state.synced || event.type === "reset", error: null };
}

/**
 * One `watch_rows` stream: its store, its latest state, and where that state goes (the list
 * showing it). The list opens its own, or adopts the one the start-up opened before the first
 * render (state/boot.ts), which then draws rows instead of asking for them.
 */
type Stream = {
  key: string;
  store: RowStore;
  state: RowsState;
  /** Set while a list shows it. */
  onState: ((state: RowsState) => void) | null;
  unsubscribe: Unsubscribe | null;
  closed: boolean;
  /** Resolves once the first rows (or an error) are in. */
  ready: Promise<void>;
};

/** The stream waiting for a list to take it: the start-up's, or one just released. */
let early: Stream | null = null;

const streamKey = (context: string, kind: string, namespaces: string[]) => `${context}\u0000${kind}\u0000${namespaces.join(",")}`;

function open(context: string, kind: string, namespaces: string[]): Stream {
  let ready = () => {};
  const s: Stream = {
    key: streamKey(context, kind, namespaces),
    store: new RowStore(),
    state: EMPTY,
    onState: null,
    unsubscribe: null,
    closed: false,
    ready: new Promise<void>((resolve) => (ready = resolve)),
  };
  const update = (state: RowsState) => {
    s.state = state;
    if (state.loaded || state.error) ready();
    s.onState?.(state);
  };
  watchRows(context, kind, { namespaces }, (event) => {
    if (!s.closed) update(next(s.state, s.store, event));
  }).then(
    (unsub) => {
      if (s.closed) void unsub();
      else s.unsubscribe = unsub;
    },
    (err: IpcError) => {
      if (!s.closed) update({ ...s.state, error: err });
      ready();
    },
  );
  return s;
}

function close(s: Stream) {
  s.closed = true;
  if (s.unsubscribe) void s.unsubscribe();
  if (early === s) early = null;
}

/**
 * Opens the rows stream of (context, kind, namespaces) now; resolves once its first rows (or an
 * error) are in. A list asking for the same stream within `adoptWithinMs` takes it over;
 * otherwise it is closed.
 */
export function watchRowsEarly(context: string, kind: string, namespaces: string[], adoptWithinMs = 5000): Promise<void> {
  if (early) close(early);
  const s = open(context, kind, namespaces);
  early = s;
  setTimeout(() => {
    if (early === s) close(s);
  }, adoptWithinMs);
  return s.ready;
}

/**
 * A list lets go of its stream: it closes after this task unless the same list takes it back
 * (React's StrictMode, in development, runs an effect, its cleanup and the effect again).
 */
function release(s: Stream) {
  s.onState = null;
  if (early && early !== s) return close(s);
  early = s;
  setTimeout(() => {
    if (early === s) close(s);
  }, 0);
}

/** The waiting stream's state, if it is the one asked for. */
function peekEarly(key: string): RowsState | null {
  return early && early.key === key && !early.closed ? early.state : null;
}

function takeEarly(key: string): Stream | null {
  const s = peekEarly(key) ? early : null;
  if (s) early = null;
  return s;
}

export function useRows(context: string | null, kind: string, scope: Scope, enabled: boolean): RowsState & { retry: () => void } {
  const scopeKey = scope.namespaces.join(",");
  const [state, setState] = useState<RowsState>(() => (context && enabled ? peekEarly(streamKey(context, kind, scope.namespaces)) : null) ?? EMPTY);
  const [attempt, setAttempt] = useState(0);

  // A layout effect: the request leaves before the browser paints this render, not after.
  useLayoutEffect(() => {
    if (!context || !enabled) {
      setState(EMPTY);
      return;
    }
    const namespaces = scopeKey ? scopeKey.split(",") : [];
    // a retry always asks again
    const stream = (attempt === 0 ? takeEarly(streamKey(context, kind, namespaces)) : null) ?? open(context, kind, namespaces);
    stream.onState = setState;
    setState(stream.state);
    return () => release(stream);
  }, [context, kind, scopeKey, enabled, attempt]);

  return { ...state, retry: () => setAttempt((n) => n + 1) };
}

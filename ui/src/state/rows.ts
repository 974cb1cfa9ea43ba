// The live rows of one watch_rows stream, applied by key: a delta replaces or removes only the
// rows it names, so selection, focus and scroll (all held by key elsewhere) survive updates.
import { useLayoutEffect, useState } from "react";
import { milestone } from "../lib/marks";
import { watchRows, type IpcError, type Row, type RowsEvent, type Scope, type Unsubscribe, type WatchState } from "../api";

export class RowStore {
  private rows = new Map<string, Row>();
  loaded = false;

  apply(event: RowsEvent): boolean {
    // A preview (the first rows of a long first list) shows at once; its reset replaces it.
    if (event.type === "reset" || event.type === "preview") {
      this.rows = new Map(event.rows.map((r) => [r.key, r]));
      this.loaded = true;
      return true;
    }
    if (event.type === "delta") {
      for (const key of event.deletes) this.rows.delete(key);
      for (const row of event.upserts) this.rows.set(row.key, row);
      return true;
    }
    return false;
  }

  list(): Row[] {
    return [...this.rows.values()];
  }

  get(key: string): Row | undefined {
    return this.rows.get(key);
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
 * A rows stream started before the first render (state/boot.ts), waiting for the list that shows
 * it to adopt it: the first render then draws rows instead of asking for them.
 */
type Early = {
  key: string;
  store: RowStore;
  state: RowsState;
  /** Set once adopted: where its state goes from then on. */
  onState: ((state: RowsState) => void) | null;
  unsubscribe: Unsubscribe | null;
  closed: boolean;
};

let early: Early | null = null;

const streamKey = (context: string, kind: string, namespaces: string[]) => `${context}\u0000${kind}\u0000${namespaces.join(",")}`;

function close(e: Early) {
  e.closed = true;
  if (e.unsubscribe) void e.unsubscribe();
  if (early === e) early = null;
}

/**
 * Starts the rows stream of (context, kind, namespaces) now; resolves once its first rows (or
 * an error) are in. A list asking for the same stream within `adoptWithinMs` takes it over;
 * otherwise it is closed.
 */
export function watchRowsEarly(context: string, kind: string, namespaces: string[], adoptWithinMs = 5000): Promise<void> {
  if (early) close(early);
  const e: Early = { key: streamKey(context, kind, namespaces), store: new RowStore(), state: EMPTY, onState: null, unsubscribe: null, closed: false };
  early = e;
  setTimeout(() => {
    if (early === e) close(e);
  }, adoptWithinMs);
  return new Promise<void>((resolve) => {
    const update = (state: RowsState) => {
      e.state = state;
      if (state.loaded || state.error) resolve();
      e.onState?.(state);
    };
    watchRows(context, kind, { namespaces }, (event) => {
      if (!e.closed) update(next(e.state, e.store, event));
    }).then(
      (unsub) => {
        if (e.closed) void unsub();
        else e.unsubscribe = unsub;
      },
      (err: IpcError) => {
        if (!e.closed) update({ ...e.state, error: err });
        resolve();
      },
    );
  });
}

/**
 * Gives an adopted stream back for a moment: React's StrictMode (development) runs an effect,
 * its cleanup and the effect again, and the second run takes the stream back; otherwise it closes.
 */
function release(e: Early) {
  e.onState = null;
  if (early && early !== e) return close(e);
  early = e;
  setTimeout(() => {
    if (early === e) close(e);
  }, 0);
}

/** The early stream's state, if it is the one asked for and not yet taken. */
function peekEarly(key: string): RowsState | null {
  return early && early.key === key && !early.closed && !early.onState ? early.state : null;
}

function takeEarly(key: string): Early | null {
  const e = peekEarly(key) ? early : null;
  if (e) early = null;
  return e;
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
    const adopted = attempt === 0 ? takeEarly(streamKey(context, kind, namespaces)) : null;
    if (adopted) {
      adopted.onState = setState;
      setState(adopted.state);
      return () => release(adopted);
    }
    setState(EMPTY);
    let cancelled = false;
    let unsubscribe: Unsubscribe | null = null;
    const store = new RowStore();
    let current = EMPTY;
    watchRows(context, kind, { namespaces }, (event) => {
      if (cancelled) return;
      current = next(current, store, event);
      setState(current);
    }).then(
      (unsub) => {
        if (cancelled) void unsub();
        else unsubscribe = unsub;
      },
      (e: IpcError) => {
        if (cancelled) return;
        current = { ...current, error: e };
        setState(current);
      },
    );
    return () => {
      cancelled = true;
      if (unsubscribe) void unsubscribe();
    };
  }, [context, kind, scopeKey, enabled, attempt]);

  return { ...state, retry: () => setAttempt((n) => n + 1) };
}

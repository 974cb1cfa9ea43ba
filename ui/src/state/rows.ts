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

export function useRows(context: string | null, kind: string, scope: Scope, enabled: boolean): RowsState & { retry: () => void } {
  const [state, setState] = useState<RowsState>({ rows: [], loaded: false, synced: false, watch: null, error: null });
  const [attempt, setAttempt] = useState(0);
  const scopeKey = scope.namespaces.join(",");

  // A layout effect: the request leaves before the browser paints this render, not after.
  useLayoutEffect(() => {
    setState({ rows: [], loaded: false, synced: false, watch: null, error: null });
    if (!context || !enabled) return;
    let cancelled = false;
    let unsubscribe: Unsubscribe | null = null;
    const store = new RowStore();
    watchRows(context, kind, { namespaces: scopeKey ? scopeKey.split(",") : [] }, (event) => {
      if (cancelled) return;
      if (event.type === "reset" || event.type === "preview") milestone("rows-received");
      if (event.type === "state") {
        setState((s) => ({ ...s, watch: event.state }));
      } else if (store.apply(event)) {
        const rows = store.list();
        setState((s) => ({ ...s, rows, loaded: true, synced: s.synced || event.type === "reset", error: null }));
      }
    }).then(
      (unsub) => {
        if (cancelled) void unsub();
        else unsubscribe = unsub;
      },
      (e: IpcError) => {
        if (!cancelled) setState((s) => ({ ...s, error: e }));
      },
    );
    return () => {
      cancelled = true;
      if (unsubscribe) void unsubscribe();
    };
  }, [context, kind, scopeKey, enabled, attempt]);

  return { ...state, retry: () => setAttempt((n) => n + 1) };
}

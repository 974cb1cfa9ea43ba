// The rows of one kind across several clusters: one watch_rows subscription per context, merged.
// Each merged row's key is prefixed with its context (keys are only unique within a watch), and
// carries a `cluster` cell; `origin(key)` gives back the context and the row's own key.
import { useEffect, useMemo, useRef, useState } from "react";
import { watchRows, type IpcError, type Row, type Scope, type Unsubscribe, type WatchState } from "../api";
import { RowStore } from "./rows";

export const KEY_SEP = "\u241F";

export function mergedKey(context: string, key: string): string {
  return `${context}${KEY_SEP}${key}`;
}

export function originOf(key: string): { context: string; key: string } {
  const i = key.lastIndexOf(KEY_SEP);
  return i < 0 ? { context: "", key } : { context: key.slice(0, i), key: key.slice(i + 1) };
}

export type ClusterRows = { rows: Row[]; loaded: boolean; watch: WatchState | null; error: IpcError | null };

// A merged row per source row object, so rows a delta did not touch keep their identity (the
// table re-renders and flashes only what changed).
const merged = new WeakMap<Row, { cluster: string; row: Row }>();

/** Merges per-cluster rows into one list (keys prefixed, a `cluster` cell added). */
export function mergeRows(byContext: Record<string, ClusterRows>, label: (context: string) => string): Row[] {
  const out: Row[] = [];
  for (const [context, c] of Object.entries(byContext)) {
    const cluster = label(context);
    for (const r of c.rows) {
      const hit = merged.get(r);
      if (hit && hit.cluster === cluster && hit.row.key === mergedKey(context, r.key)) {
        out.push(hit.row);
        continue;
      }
      const row: Row = { ...r, key: mergedKey(context, r.key), cells: { ...r.cells, cluster: { t: "mono", v: cluster } }, sort: { ...r.sort, cluster } };
      merged.set(r, { cluster, row });
      out.push(row);
    }
  }
  return out;
}

export function useMultiRows(contexts: string[], kind: string, scope: Scope, enabled: boolean) {
  const [byContext, setByContext] = useState<Record<string, ClusterRows>>({});
  const contextsKey = [...contexts].sort().join("\n");
  const scopeKey = scope.namespaces.join(",");
  const subs = useRef(new Map<string, { cancel: () => void }>());

  useEffect(() => {
    if (!enabled) return;
    const wanted = new Set(contextsKey ? contextsKey.split("\n") : []);
    // Stop clusters no longer wanted (disconnected); start new ones; keep the others running.
    for (const [ctx, sub] of subs.current) {
      if (!wanted.has(ctx)) {
        sub.cancel();
        subs.current.delete(ctx);
        setByContext(({ [ctx]: _, ...rest }) => rest);
      }
    }
    for (const ctx of wanted) {
      if (subs.current.has(ctx)) continue;
      let cancelled = false;
      let unsubscribe: Unsubscribe | null = null;
      const store = new RowStore();
      const update = (f: (c: ClusterRows) => ClusterRows) =>
        setByContext((m) => ({ ...m, [ctx]: f(m[ctx] ?? { rows: [], loaded: false, watch: null, error: null }) }));
      update((c) => c);
      watchRows(ctx, kind, { namespaces: scopeKey ? scopeKey.split(",") : [] }, (event) => {
        if (cancelled) return;
        if (event.type === "state") update((c) => ({ ...c, watch: event.state }));
        else if (store.apply(event)) {
          const rows = store.list();
          update((c) => ({ ...c, rows, loaded: true, error: null }));
        }
      }).then(
        (unsub) => {
          if (cancelled) void unsub();
          else unsubscribe = unsub;
        },
        (e: IpcError) => {
          if (!cancelled) update((c) => ({ ...c, error: e, loaded: true }));
        },
      );
      subs.current.set(ctx, {
        cancel: () => {
          cancelled = true;
          if (unsubscribe) void unsubscribe();
        },
      });
    }
  }, [contextsKey, kind, scopeKey, enabled]);

  // A new scope or kind: start over.
  useEffect(() => {
    const current = subs.current;
    return () => {
      for (const sub of current.values()) sub.cancel();
      current.clear();
      setByContext({});
    };
  }, [kind, scopeKey, enabled]);

  const loaded = useMemo(() => Object.values(byContext).every((c) => c.loaded), [byContext]);
  return { byContext, loaded };
}

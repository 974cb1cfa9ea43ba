// The Doctor's findings for every StatefulSet of a scope (the list's badge), from the
// watch_doctor stream, and their join into the list's rows as a `doctor` cell.
import { useEffect, useMemo, useRef, useState } from "react";
import { watchDoctor, type Finding, type IpcError, type Row, type RowsEvent, type Scope, type Unsubscribe } from "../api";
import { mergedKey } from "./multiRows";

export type Findings = ReadonlyMap<string, Finding[]>;

function findingsOf(row: Row): Finding[] {
  const cell = row.cells.doctor;
  return cell?.t === "findings" ? cell.v : [];
}

/** Applies one event of the doctor's rows; returns the new map (a new object only on change). */
export function applyDoctor(current: Findings | null, event: RowsEvent): Findings | null {
  if (event.type === "reset") return new Map(event.rows.map((r) => [r.key, findingsOf(r)]));
  if (event.type === "delta") {
    const next = new Map(current ?? []);
    for (const key of event.deletes) next.delete(key);
    for (const r of event.upserts) next.set(r.key, findingsOf(r));
    return next;
  }
  return current;
}

export type DoctorState = {
  /** Findings by row key; null until the doctor has judged the whole scope. */
  findings: Findings | null;
  /** Why the doctor cannot judge this scope (e.g. RBAC), if it cannot. */
  unavailable: IpcError | null;
  /** False while the doctor's watches reconnect (its findings are kept but may be stale). */
  live: boolean;
};

export function useDoctor(context: string | null, scope: Scope, enabled: boolean): DoctorState {
  const [state, setState] = useState<DoctorState>({ findings: null, unavailable: null, live: false });
  const scopeKey = scope.namespaces.join(",");
  useEffect(() => {
    setState({ findings: null, unavailable: null, live: false });
    if (!context || !enabled) return;
    let cancelled = false;
    let unsubscribe: Unsubscribe | null = null;
    watchDoctor(context, { namespaces: scopeKey ? scopeKey.split(",") : [] }, (event) => {
      if (cancelled) return;
      // Refused before its first answer (e.g. RBAC on pods): no badges, and why.
      if (event.type === "state") {
        const st = event.state;
        if (st.state === "reconnecting") setState((s) => (s.findings ? { ...s, live: false } : { findings: null, unavailable: st.error, live: false }));
        else if (st.state === "live") setState((s) => ({ ...s, live: s.findings !== null }));
      } else setState((s) => ({ ...s, findings: applyDoctor(s.findings, event), live: s.live || event.type === "reset" }));
    }).then(
      (unsub) => {
        if (cancelled) void unsub();
        else unsubscribe = unsub;
      },
      (e: IpcError) => {
        if (!cancelled) setState({ findings: null, unavailable: e, live: false });
      },
    );
    return () => {
      cancelled = true;
      if (unsubscribe) void unsubscribe();
    };
  }, [context, scopeKey, enabled]);
  return state;
}

const NONE: Finding[] = [];
const WEIGHT = { error: 10000, warning: 100, info: 1 } as const;

/** Sorts worst first when ascending, like the status column. */
export function doctorRank(findings: readonly Finding[]): number {
  return -findings.reduce((n, f) => n + WEIGHT[f.severity], 0);
}

/**
 * The rows with their `doctor` cell. A joined row is kept per source row and findings list, so
 * rows neither the watch nor the doctor touched keep their identity (and are not re-rendered).
 */
export function useRowsWithDoctor(rows: Row[], findings: Findings | null): Row[] {
  const cache = useRef(new WeakMap<Row, { findings: Finding[]; row: Row }>());
  return useMemo(() => {
    if (!findings) return rows;
    return rows.map((r) => {
      const f = findings.get(r.key) ?? NONE;
      const hit = cache.current.get(r);
      if (hit && hit.findings === f) return hit.row;
      const row: Row = { ...r, cells: { ...r.cells, doctor: { t: "findings", v: f } }, sort: { ...r.sort, doctor: doctorRank(f) } };
      cache.current.set(r, { findings: f, row });
      return row;
    });
  }, [rows, findings]);
}

/**
 * The doctor of several clusters (the cross-cluster view): one watch_doctor per context, keyed
 * like the merged rows (`mergedKey(context, key)`). A cluster's findings count once its own list
 * is in (`ready`); a cluster that leaves takes its findings with it.
 */
export function useMultiDoctor(contexts: string[], ready: (context: string) => boolean, scope: Scope): Findings | null {
  const [byContext, setByContext] = useState<Record<string, Findings>>({});
  const readyKey = contexts.filter(ready).sort().join("\n");
  const scopeKey = scope.namespaces.join(",");
  const subs = useRef(new Map<string, () => void>());

  useEffect(() => {
    const wanted = new Set(readyKey ? readyKey.split("\n") : []);
    for (const [ctx, cancel] of subs.current) {
      if (!wanted.has(ctx)) {
        cancel();
        subs.current.delete(ctx);
        setByContext(({ [ctx]: _, ...rest }) => rest);
      }
    }
    for (const ctx of wanted) {
      if (subs.current.has(ctx)) continue;
      let cancelled = false;
      let unsubscribe: Unsubscribe | null = null;
      watchDoctor(ctx, { namespaces: scopeKey ? scopeKey.split(",") : [] }, (event) => {
        if (cancelled || event.type === "state") return;
        setByContext((m) => {
          const next = applyDoctor(m[ctx] ?? null, event);
          return next ? { ...m, [ctx]: next } : m;
        });
      }).then(
        (unsub) => {
          if (cancelled) void unsub();
          else unsubscribe = unsub;
        },
        () => {},
      );
      subs.current.set(ctx, () => {
        cancelled = true;
        if (unsubscribe) void unsubscribe();
      });
    }
  }, [readyKey, scopeKey]);

  // A new scope: start over.
  useEffect(() => {
    const current = subs.current;
    return () => {
      for (const cancel of current.values()) cancel();
      current.clear();
      setByContext({});
    };
  }, [scopeKey]);

  return useMemo(() => {
    const entries = Object.entries(byContext);
    if (entries.length === 0) return null;
    const out = new Map<string, Finding[]>();
    for (const [ctx, findings] of entries) for (const [key, f] of findings) out.set(mergedKey(ctx, key), f);
    return out;
  }, [byContext]);
}

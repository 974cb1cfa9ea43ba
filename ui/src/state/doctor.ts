// The Doctor's findings for every StatefulSet of a scope (the list's badge), from the
// watch_doctor stream, and the list's `doctor` column joined from them by row key.
import { useEffect, useMemo, useRef, useState } from "react";
import { watchDoctor, type Cell, type Finding, type Row, type RowsEvent, type Scope, type Unsubscribe } from "../api";
import type { JoinedColumn } from "../lib/rows";
import { mergedKey } from "./multiRows";

export type Findings = ReadonlyMap<string, Finding[]>;

/** No findings: one shared list (a row's empty list from the stream is not kept). */
const NONE: Finding[] = [];

function findingsOf(row: Row): Finding[] {
  const cell = row.cells.doctor;
  return cell?.t === "findings" && cell.v.length > 0 ? cell.v : NONE;
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

const WEIGHT = { error: 10000, warning: 100, info: 1 } as const;

/** Sorts worst first when ascending, like the status column. */
export function doctorRank(findings: readonly Finding[]): number {
  return -findings.reduce((n, f) => n + WEIGHT[f.severity], 0);
}

/** The `doctor` cell of a findings list: one per list, so an unchanged row's cell keeps its identity. */
const cells = new WeakMap<readonly Finding[], Cell>();
function findingsCell(findings: Finding[]): Cell {
  let cell = cells.get(findings);
  if (!cell) cells.set(findings, (cell = { t: "findings", v: findings }));
  return cell;
}

/**
 * The list's `doctor` column, looked up in the findings by row key when the table draws a row or
 * sorts (no row is copied to carry it); null until the doctor has answered. A row the doctor did
 * not name has no findings.
 */
export function doctorColumn(findings: Findings | null): JoinedColumn | null {
  if (!findings) return null;
  return {
    id: "doctor",
    cell: (key) => findingsCell(findings.get(key) ?? NONE),
    sort: (key) => doctorRank(findings.get(key) ?? NONE),
  };
}

export function useDoctorColumn(findings: Findings | null): JoinedColumn | null {
  return useMemo(() => doctorColumn(findings), [findings]);
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

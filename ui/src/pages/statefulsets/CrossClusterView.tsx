// StatefulSets of every connected cluster in one table, with a Cluster column: one watch_rows
// subscription per connected context, merged. Selection is by merged key (context + row key), and
// batch actions are split per context — one run_action per cluster, each with its own progress.
// Delete acts on one cluster at a time (the confirmation names that cluster).
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import type { Action, ClusterStatus, ColumnDef, KindInfo, ObjectRef, Row } from "../../api";
import { DataTable, type SortState } from "../../components/DataTable";
import { Icon } from "../../components/Icon";
import { EmptyState, LoadingState } from "../../components/States";
import { useT } from "../../i18n";
import { contextLabel } from "../../lib/context";
import { filterRows, sortRows } from "../../lib/rows";
import { useBatch } from "../../state/batch";
import { useDoctorColumn, useMultiDoctor } from "../../state/doctor";
import { mergeRows, originOf, useMultiRows } from "../../state/multiRows";
import { BatchProgress } from "./BatchProgress";
import { BATCH_BUTTONS } from "./ListView";
import { DeleteDialog } from "./DeleteDialog";
import type { Tab } from "./DetailView";
import { StsActions } from "./StsActions";

type BatchKind = (typeof BATCH_BUTTONS)[number]["id"];

const CLUSTER_COLUMN: ColumnDef = { id: "cluster", titleKey: "col.cluster", align: "start", width: 160, multiScopeOnly: false };

export function CrossClusterView({
  kind,
  statuses,
  namespaces,
  query,
  onOpen,
}: {
  kind: KindInfo;
  /** The connected clusters. */
  statuses: ClusterStatus[];
  namespaces: string[];
  query: string;
  onOpen: (context: string, row: Row, tab?: Tab) => void;
}) {
  const t = useT();
  const contexts = useMemo(() => statuses.map((s) => s.context), [statuses]);
  const statusOf = useMemo(() => Object.fromEntries(statuses.map((s) => [s.context, s])), [statuses]);
  const scope = useMemo(() => ({ namespaces }), [namespaces.join(",")]);
  const { byContext, loaded } = useMultiRows(contexts, kind.id, scope, true);
  const rows = useMemo(() => mergeRows(byContext, (c) => contextLabel(c, t)), [byContext, t]);
  // Each cluster's doctor starts once that cluster's list is in.
  const findings = useMultiDoctor(contexts, (c) => byContext[c]?.loaded === true && !byContext[c]?.error, scope);
  const doctorColumn = useDoctorColumn(findings);
  const [sort, setSort] = useState<SortState>({ column: "cluster", dir: "asc" });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [focusedKey, setFocusedKey] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<{ context: string; targets: ObjectRef[] } | null>(null);
  const runners = useRef(new Map<string, (action: Action, targets: ObjectRef[]) => void>());

  const columns = useMemo(() => [CLUSTER_COLUMN, ...kind.columns], [kind.columns]);
  const visible = useMemo(() => filterRows(sortRows(rows, sort, doctorColumn), query, []), [rows, sort, doctorColumn, query]);

  // The visible selected rows, grouped by their cluster.
  const groups = useMemo(() => {
    const m = new Map<string, ObjectRef[]>();
    for (const r of visible) {
      if (!selected.has(r.key)) continue;
      const { context } = originOf(r.key);
      m.set(context, [...(m.get(context) ?? []), { namespace: r.namespace, name: r.name }]);
    }
    return m;
  }, [visible, selected]);
  const count = [...groups.values()].reduce((n, g) => n + g.length, 0);

  const disabledReason = (id: BatchKind): string | null => {
    if (!kind.capabilities.includes(id)) return t("batch.disabled.capability");
    if (count === 0) return t("batch.disabled.noSelection");
    const ro = [...groups.keys()].find((c) => statusOf[c]?.protection === "readOnly");
    if (ro) return t("cross.readOnly", { context: contextLabel(ro, t) });
    if (id === "delete" && groups.size > 1) return t("cross.deleteOneCluster");
    return null;
  };

  const onBatch = (id: BatchKind) => {
    if (disabledReason(id)) return;
    if (id === "delete") {
      const [context, targets] = [...groups.entries()][0]!;
      setDeleting({ context, targets });
      return;
    }
    for (const [context, targets] of groups) runners.current.get(context)?.({ type: id }, targets);
  };

  const register = useCallback((context: string, run: ((action: Action, targets: ObjectRef[]) => void) | null) => {
    if (run) runners.current.set(context, run);
    else runners.current.delete(context);
  }, []);

  // Each row's kebab acts in the row's own cluster (its status: protection, context).
  const statusRef = useRef(statusOf);
  statusRef.current = statusOf;
  const rowMenu = useCallback(
    (row: Row) => {
      const { context } = originOf(row.key);
      const st = statusRef.current[context];
      if (!st) return null;
      const ref: ObjectRef = { namespace: row.namespace, name: row.name };
      return (
        <StsActions
          kebab
          status={st}
          namespace={row.namespace ?? ""}
          name={row.name}
          onRestart={() => runners.current.get(context)?.({ type: "restart" }, [ref])}
          onEditYaml={() => onOpen(context, row, "yaml")}
          onDelete={() => setDeleting({ context, targets: [ref] })}
        />
      );
    },
    [onOpen, statusOf],
  );

  const errors = Object.entries(byContext).filter(([, c]) => c.error);

  let body;
  if (statuses.length === 0) {
    body = (
      <EmptyState icon="cluster" title={t("cross.none.title")}>
        <p>{t("cross.none.body")}</p>
      </EmptyState>
    );
  } else if (!loaded && rows.length === 0) {
    body = <LoadingState label={t("sts.loading")} />;
  } else {
    body = (
      <DataTable
        columns={columns}
        rows={visible}
        joined={doctorColumn}
        selected={selected}
        onSelectedChange={setSelected}
        focusedKey={focusedKey}
        onFocusKey={setFocusedKey}
        sort={sort}
        onSort={(column) => setSort((s) => (s?.column === column ? { column, dir: s.dir === "asc" ? "desc" : "asc" } : { column, dir: "asc" }))}
        onOpen={(row) => onOpen(originOf(row.key).context, row)}
        testId="cross-table"
        rowTestId="cross-row"
        badge={kind.badge}
        label={t("cross.title")}
        rowMenu={rowMenu}
      />
    );
  }

  return (
    <div className="sts-list" data-testid="cross-cluster">
      <div className="toolbar">
        <div className="toolbar__actions" role="toolbar" aria-label={t("batch.toolbar")}>
          {BATCH_BUTTONS.map((b) => {
            const reason = disabledReason(b.id);
            return (
              <span key={b.id} title={reason ?? t(b.label)} className="tooltip-host">
                <button
                  type="button"
                  className={`btn${b.id === "delete" ? " btn--danger-outline" : ""}`}
                  disabled={reason !== null}
                  onClick={() => onBatch(b.id)}
                  data-testid={`cross-batch-${b.id}`}
                  data-disabled-reason={reason ?? undefined}
                >
                  <Icon name={b.icon} />
                  {t(b.label)}
                </button>
              </span>
            );
          })}
          <span className="toolbar__count num" aria-live="polite">
            {count > 0 ? t("cross.selected", { count, clusters: groups.size }) : null}
          </span>
        </div>
        <span className="toolbar__spacer" />
        <span className="toolbar__count faint num" data-testid="cross-count">
          {t("cross.count", { count: rows.length, clusters: statuses.length })}
        </span>
      </div>
      {errors.map(([context, c]) => (
        <p key={context} className="notice notice--warn" role="alert" data-testid="cross-error">
          <Icon name="warning" />
          <span>{t("cross.clusterError", { context: contextLabel(context, t), message: c.error!.message })}</span>
        </p>
      ))}
      {statuses.map((s) => (
        <ClusterBatch key={s.context} status={s} kind={kind.id} register={register} />
      ))}
      <div className="sts-list__body">{body}</div>
      {deleting ? (
        <DeleteDialog
          targets={deleting.targets}
          context={deleting.context}
          protection={statusOf[deleting.context]?.protection ?? "normal"}
          onCancel={() => setDeleting(null)}
          onConfirm={(propagation) => {
            const d = deleting;
            setDeleting(null);
            runners.current.get(d.context)?.({ type: "delete", propagation, confirm: "confirmed" }, d.targets);
          }}
        />
      ) : null}
    </div>
  );
}

/** One cluster's batch runner (run_action with that context) and its progress panel. */
function ClusterBatch({ status, kind, register }: { status: ClusterStatus; kind: string; register: (context: string, run: ((a: Action, t: ObjectRef[]) => void) | null) => void }) {
  const t = useT();
  const { batch, run, retryFailed, undo, dismiss } = useBatch(status.context, kind);
  const runRef = useRef(run);
  runRef.current = run;
  useEffect(() => {
    register(status.context, (a, targets) => runRef.current(a, targets));
    return () => register(status.context, null);
  }, [status.context, register]);
  if (!batch) return null;
  return (
    <div className="cross-batch" data-testid="cross-batch" data-context={status.context}>
      <span className="cross-batch__cluster mono">{contextLabel(status.context, t)}</span>
      <BatchProgress batch={batch} onRetryFailed={retryFailed} onUndo={() => void undo()} onDismiss={dismiss} readOnly={status.protection === "readOnly"} />
    </div>
  );
}

import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { actionChecks, dismissBatch, interruptedBatches, undoBatch, type ActionChecks, type BatchRecord, type Capability, type Cell, type ClusterStatus, type KindInfo, type ObjectRef, type Row } from "../../api";
import { DataTable, type SortState } from "../../components/DataTable";
import { Icon, type IconName } from "../../components/Icon";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { useT, useTx } from "../../i18n";
import type { JoinedColumn } from "../../lib/rows";
import { parseSelector } from "../../lib/selector";
import { milestone } from "../../lib/marks";
import { isTypingTarget } from "../../shell/keyboard";
import { useBatch } from "../../state/batch";
import { useClusters } from "../../state/clusters";
import type { ListControls, ListState } from "../../state/list";
import { BatchProgress } from "./BatchProgress";
import { DeleteDialog } from "./DeleteDialog";
import { InterruptedGrows } from "./InterruptedGrows";
import type { Tab } from "./DetailView";
import { StsActions } from "./StsActions";

type BatchKind = "start" | "restart" | "stop" | "delete";
/** The batch buttons, each with its keyboard shortcut on the list. */
export const BATCH_BUTTONS: { id: BatchKind; icon: IconName; label: `action.${BatchKind}`; key: string; keyLabel: string }[] = [
  { id: "start", icon: "play", label: "action.start", key: "s", keyLabel: "S" },
  { id: "restart", icon: "restart", label: "action.restart", key: "r", keyLabel: "R" },
  { id: "stop", icon: "stopped", label: "action.stop", key: "x", keyLabel: "X" },
  { id: "delete", icon: "trash", label: "action.delete", key: "Delete", keyLabel: "Del" },
];

/** Batches of this context a crash or exit interrupted, offered for resume, undo or dismissal. */
function useInterrupted(context: string) {
  const [list, setList] = useState<BatchRecord[]>([]);
  useEffect(() => {
    let cancelled = false;
    interruptedBatches(context).then(
      (l) => {
        if (!cancelled) setList(l);
      },
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [context]);
  const forget = (id: string) => setList((l) => l.filter((r) => r.id !== id));
  const dismiss = (id: string) => {
    forget(id);
    void dismissBatch(id).catch(() => {});
  };
  return { list, forget, dismiss };
}

/** The object a row key names (`namespace/name`, or `name` when cluster-scoped). */
export function refOfKey(key: string): ObjectRef {
  const i = key.indexOf("/");
  return i < 0 ? { namespace: null, name: key } : { namespace: key.slice(0, i), name: key.slice(i + 1) };
}

/** RBAC answers and autoscalers for the selection, asked again (debounced) when it changes. */
function useActionChecks(context: string, kind: string, targets: ObjectRef[]): ActionChecks | null {
  const [checks, setChecks] = useState<ActionChecks | null>(null);
  const key = targets.map((t) => `${t.namespace ?? ""}/${t.name}`).join(",");
  useEffect(() => {
    setChecks(null);
    if (targets.length === 0) return;
    let cancelled = false;
    const id = setTimeout(() => {
      actionChecks(context, kind, targets).then(
        (c) => {
          if (!cancelled) setChecks(c);
        },
        () => {},
      );
    }, 120);
    return () => {
      cancelled = true;
      clearTimeout(id);
    };
    // `key` stands for the targets' content.
  }, [context, kind, key]);
  return checks;
}

/** The Doctor's cell of a row it judged and found nothing wrong with. */
const NO_FINDINGS: Cell = { t: "findings", v: [] };

export function ListView({
  kind,
  status,
  list,
  multiScope,
  query,
  onOpen,
}: {
  kind: KindInfo;
  status: ClusterStatus;
  /** The list as the core keeps it: the window's rows, the totals, the watch's and the Doctor's health. */
  list: ListState & ListControls;
  multiScope: boolean;
  query: string;
  onOpen: (row: Row, tab?: Tab) => void;
}) {
  const t = useT();
  const tx = useTx();
  const context = status.context;
  const [selector, setSelector] = useState("");
  const [sort, setSort] = useState<SortState>({ column: "name", dir: "asc" });
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [focusedKey, setFocusedKey] = useState<string | null>(null);
  const [deleting, setDeleting] = useState<{ targets: ObjectRef[]; facts: Record<string, Row["facts"]> } | null>(null);
  const { batch, run, resume, retryFailed, undo, dismiss } = useBatch(context, kind.id);
  const { connect } = useClusters();
  const interrupted = useInterrupted(context);

  const parsed = useMemo(() => parseSelector(selector), [selector]);
  const requirements = parsed.ok ? parsed.requirements : [];
  const columns = useMemo(() => kind.columns.filter((c) => !c.multiScopeOnly || multiScope), [kind.columns, multiScope]);
  // The core sorts and filters; the table shows the window it sent.
  const { setOrder, setRange, keys: listKeys, rowsOf } = list;
  const selectorKey = JSON.stringify(requirements);
  useEffect(() => {
    setOrder({ sort, query, selector: JSON.parse(selectorKey) as typeof requirements });
    // `selectorKey` stands for the requirements' content
  }, [sort, query, selectorKey, setOrder]);
  // The Doctor's column: the window's cells, by key; none until it has judged the whole list.
  const doctorColumn: JoinedColumn | null = useMemo(() => {
    if (!list.doctor.loaded) return null;
    const cells = new Map<string, Cell>();
    list.rows.forEach((r, i) => cells.set(r.key, list.joined[i] ?? NO_FINDINGS));
    return { id: "doctor", cell: (key) => cells.get(key), sort: () => 0 };
  }, [list.rows, list.joined, list.doctor.loaded]);

  // Selection is kept by key, so it survives updates and filtering; actions apply only to the
  // selected rows the filters match (never to rows a filter hides): the matching keys come from
  // the core while anything is selected.
  const [matching, setMatching] = useState<ReadonlySet<string> | null>(null);
  const anySelected = selected.size > 0;
  // asked again when the order the core applied, or its totals, change
  const version = `${JSON.stringify(list.order)}|${list.total}|${list.count}`;
  useEffect(() => {
    if (!anySelected) return setMatching(null);
    let cancelled = false;
    void listKeys().then((answer) => {
      if (cancelled || !answer) return;
      setMatching(new Set(answer.keys));
      // Rows that left the watch leave the selection: known from an answer that no filter
      // narrowed, taken from the complete list.
      const unfiltered = answer.order.query.trim() === "" && answer.order.selector.length === 0;
      if (!answer.complete || !unfiltered) return;
      const all = new Set(answer.keys);
      setSelected((sel) => ([...sel].some((k) => !all.has(k)) ? new Set([...sel].filter((k) => all.has(k))) : sel));
    });
    return () => {
      cancelled = true;
    };
  }, [anySelected, version, listKeys]);
  // (until the core answers, the selection as it is: an action asks the core again before it runs)
  const targets: ObjectRef[] = useMemo(() => [...selected].filter((k) => !matching || matching.has(k)).map(refOfKey), [matching, selected]);
  const hiddenSelected = matching ? selected.size - targets.length : 0;
  const selectAll = useMemo(
    () => ({
      all: list.total > 0 && matching !== null && targets.length === list.total,
      some: targets.length > 0 && targets.length < list.total,
      toggle: () => {
        if (list.total > 0 && targets.length === list.total) {
          const next = new Set(selected);
          for (const t of targets) next.delete(t.namespace ? `${t.namespace}/${t.name}` : t.name);
          setSelected(next);
        } else
          void listKeys().then((answer) => {
            if (!answer) return;
            setMatching(new Set(answer.keys));
            setSelected(new Set([...selected, ...answer.keys]));
          });
      },
    }),
    [list.total, matching, targets, selected, listKeys],
  );
  const readOnly = status.protection === "readOnly";

  // An action RBAC refused stays disabled (with a tooltip) for this view.
  const [forbidden, setForbidden] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => {
    if (!batch) return;
    const refused = batch.error?.code === "Forbidden" || batch.items.some((i) => i.state.state === "failed" && i.state.error.code === "Forbidden");
    if (refused && !forbidden.has(batch.action.type)) setForbidden((f) => new Set(f).add(batch.action.type));
  }, [batch, forbidden]);

  const checks = useActionChecks(context, kind.id, targets);

  const disabledReason = (id: BatchKind): string | null => {
    if (!kind.capabilities.includes(id as Capability)) return t("batch.disabled.capability");
    if (readOnly) return t("batch.disabled.readOnly");
    if (forbidden.has(id)) return t("batch.disabled.forbidden");
    if (targets.length === 0) return t("batch.disabled.noSelection");
    const denied = checks?.denied.find((d) => d.capability === id);
    if (denied) return t("batch.disabled.rbac", { verb: denied.verb, resource: denied.resource, namespace: denied.namespace });
    return null;
  };

  // Keyboard: the batch buttons' letters act on the selection (not while typing or in a dialog).
  const shortcut = useRef<(e: KeyboardEvent) => void>(() => {});
  shortcut.current = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || isTypingTarget(e.target) || deleting) return;
    if (document.querySelector(".overlay")) return;
    const b = BATCH_BUTTONS.find((x) => x.key === e.key);
    if (!b || disabledReason(b.id)) return;
    e.preventDefault();
    onBatch(b.id);
  };
  useEffect(() => {
    const h = (e: KeyboardEvent) => shortcut.current(e);
    window.addEventListener("keydown", h);
    return () => window.removeEventListener("keydown", h);
  }, []);

  // The delete dialog shows what each set's claims will do: the rows' facts, asked for by key.
  const openDelete = (refs: ObjectRef[]) => {
    const keyOf = (r: ObjectRef) => (r.namespace ? `${r.namespace}/${r.name}` : r.name);
    void rowsOf(refs.map(keyOf)).then((rows) => setDeleting({ targets: refs, facts: Object.fromEntries(rows.map((r) => [r.key, r.facts])) }));
  };
  const openDeleteRef = useRef(openDelete);
  openDeleteRef.current = openDelete;

  const onBatch = (id: BatchKind) => {
    if (disabledReason(id)) return;
    // the selected rows the filters match now (the core's answer, not the last one shown: a
    // filter typed a moment ago already hides its rows from the action)
    void listKeys().then((answer) => {
      if (!answer) return;
      const now = new Set(answer.keys);
      const refs = [...selected].filter((k) => now.has(k)).map(refOfKey);
      if (refs.length === 0) return;
      if (id === "delete") openDelete(refs);
      else run({ type: id }, refs);
    });
  };

  // Each row's kebab: the same Actions as the detail header, on that one StatefulSet.
  const statusRef = useRef(status);
  statusRef.current = status;
  const runRef = useRef(run);
  runRef.current = run;
  const rowMenu = useCallback(
    (row: Row) => {
      const ref: ObjectRef = { namespace: row.namespace, name: row.name };
      return (
        <StsActions
          kebab
          status={statusRef.current}
          namespace={row.namespace ?? ""}
          name={row.name}
          onRestart={() => runRef.current({ type: "restart" }, [ref])}
          onEditYaml={() => onOpen(row, "yaml")}
          onDelete={() => openDeleteRef.current([ref])}
        />
      );
    },
    // `run` is recreated per render by useBatch: the latest is read from runRef at click time.
    [onOpen, status.protection, status.context],
  );

  const hasRows = list.rows.length > 0;
  // Marked once the frame showing them is painted: a timer queued from the next animation frame
  // runs after that frame's paint (an effect alone can run before it).
  useEffect(() => {
    if (!hasRows) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => milestone("first-rows"), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      clearTimeout(timer);
    };
  }, [hasRows]);

  const onSort = (column: string) =>
    setSort((s) => (s?.column === column ? { column, dir: s.dir === "asc" ? "desc" : "asc" } : { column, dir: "asc" }));

  let body;
  if (list.error) {
    body =
      list.error.code === "Forbidden" ? (
        <EmptyState icon="lock" title={t("sts.forbidden.title")}>
          <p>{t("sts.forbidden.body", { context })}</p>
          <p className="mono faint">{list.error.message}</p>
        </EmptyState>
      ) : (
        <ErrorState error={list.error} onRetry={list.retry} />
      );
  } else if (!list.loaded) {
    const w = list.watch;
    body = <LoadingState label={w?.state === "syncing" ? t("sts.syncing", { loaded: w.loaded }) : t("sts.loading")} />;
  } else if (list.count === 0) {
    body = (
      <EmptyState icon="statefulset" title={t("sts.none.title")}>
        <p>{multiScope ? t("sts.none.bodyAll") : t("sts.none.body")}</p>
      </EmptyState>
    );
  } else {
    body = (
      <>
        <DataTable
          columns={columns}
          rows={list.rows}
          offset={list.offset}
          total={list.total}
          onRange={setRange}
          selectAll={selectAll}
          joined={doctorColumn}
          selected={selected}
          onSelectedChange={setSelected}
          focusedKey={focusedKey}
          onFocusKey={setFocusedKey}
          sort={sort}
          onSort={onSort}
          onOpen={onOpen}
          testId="sts-table"
          rowTestId="sts-row"
          badge={kind.badge}
          label={t("sts.title")}
          rowMenu={rowMenu}
        />
        {list.total === 0 ? (
          <p className="table__empty" data-testid="sts-no-match">
            {t("sts.noMatch")}
          </p>
        ) : null}
      </>
    );
  }

  const w = list.watch;
  const doctor = list.doctor;
  return (
    <div className="sts-list">
      <div className="toolbar">
        <div className="toolbar__actions" role="toolbar" aria-label={t("batch.toolbar")}>
          {BATCH_BUTTONS.map((b) => {
            const reason = disabledReason(b.id);
            return (
              <span key={b.id} title={reason ?? `${t(b.label)} (${b.keyLabel})`} className="tooltip-host">
                <button
                  type="button"
                  className={`btn${b.id === "delete" ? " btn--danger-outline" : ""}`}
                  disabled={reason !== null}
                  aria-disabled={reason !== null}
                  onClick={() => onBatch(b.id)}
                  data-testid={`batch-${b.id}`}
                  data-disabled-reason={reason ?? undefined}
                  aria-keyshortcuts={b.key}
                >
                  <Icon name={b.icon} />
                  {t(b.label)}
                </button>
              </span>
            );
          })}
          {checks && targets.length > 0 && BATCH_BUTTONS.every((b) => checks.denied.some((d) => d.capability === b.id)) ? (
            <span className="status status--warning" data-testid="rbac-readonly" title={checks.denied[0] ? t("batch.disabled.rbac", { verb: checks.denied[0].verb, resource: checks.denied[0].resource, namespace: checks.denied[0].namespace }) : undefined}>
              <Icon name="lock" className="status__icon" />
              {t("batch.rbacNone")}
            </span>
          ) : null}
          <span className="toolbar__count num" aria-live="polite">
            {hiddenSelected > 0
              ? t("batch.selectedHidden", { count: targets.length, hidden: hiddenSelected })
              : targets.length > 0
                ? t("batch.selected", { count: targets.length })
                : null}
          </span>
        </div>
        <div className="toolbar__filter">
          <label className="field">
            <span className="field__label">{t("sts.labelFilter")}</span>
            <input
              className={`control mono${parsed.ok ? "" : " control--invalid"}`}
              data-testid="sts-filter-labels"
              value={selector}
              placeholder={t("sts.labelFilter.placeholder")}
              spellCheck={false}
              autoComplete="off"
              autoCapitalize="off"
              aria-invalid={!parsed.ok}
              aria-describedby={parsed.ok ? undefined : "selector-error"}
              onChange={(e) => setSelector(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Escape" && selector) {
                  e.preventDefault();
                  e.stopPropagation();
                  setSelector("");
                }
              }}
            />
          </label>
          {parsed.ok ? null : (
            <span id="selector-error" className="field__error" role="alert" data-testid="sts-filter-error">
              <Icon name="error" />
              {tx(parsed.error.key, parsed.error.params)}
            </span>
          )}
        </div>
        <span className="toolbar__spacer" />
        {list.loaded && !list.synced ? (
          // the first rows of a long list: say it is still coming, not a total
          <span className="toolbar__count faint num" data-testid="sts-count" data-syncing="true">
            {t("sts.syncing", { loaded: w?.state === "syncing" ? w.loaded : list.count })}
          </span>
        ) : list.loaded ? (
          <span className="toolbar__count faint num" data-testid="sts-count">
            {list.total === list.count ? t("sts.count", { count: list.count }) : t("sts.countFiltered", { shown: list.total, count: list.count })}
          </span>
        ) : null}
        {w?.state === "reconnecting" && w.error.code === "Unauthorized" ? (
          <span className="status status--failed" data-testid="watch-state" data-state="unauthorized" title={w.error.message}>
            <Icon name="lock" className="status__icon" />
            {t("watch.signIn", { since: new Date(w.since).toLocaleTimeString() })}
            <button type="button" className="btn btn--small" onClick={() => void connect(context)} data-testid="sign-in-again">
              {t("watch.signInAgain")}
            </button>
          </span>
        ) : w?.state === "reconnecting" ? (
          <span className="status status--warning" data-testid="watch-state" data-state="reconnecting" title={w.error.message}>
            <Icon name="warning" className="status__icon" />
            {t("watch.reconnecting", { attempt: w.attempt, since: new Date(w.since).toLocaleTimeString() })}
          </span>
        ) : w?.state === "live" ? (
          <span className="status status--ok" data-testid="watch-state" data-state="live">
            <Icon name="current" className="status__icon" />
            {t("watch.live")}
          </span>
        ) : null}
        {doctor.unavailable && !doctor.loaded ? (
          <span className="status status--warning" data-testid="doctor-state" data-state="unavailable" title={`${doctor.unavailable.code}: ${doctor.unavailable.message}`}>
            <Icon name="warning" className="status__icon" />
            {t("doctor.unavailable", { code: doctor.unavailable.code })}
          </span>
        ) : doctor.loaded && !doctor.live ? (
          <span className="status status--warning" data-testid="doctor-state" data-state="reconnecting">
            <Icon name="warning" className="status__icon" />
            {t("doctor.reconnecting")}
          </span>
        ) : null}
      </div>
      {checks && checks.hpas.length > 0 ? (
        <p className="notice notice--warn" role="status" data-testid="hpa-warning">
          <Icon name="warning" />
          <span>
            {checks.hpas
              .map((h) => t("batch.hpa", { name: h.name, namespace: h.namespace, hpa: h.hpa, min: h.minReplicas ?? 1, max: h.maxReplicas }))
              .join(" ")}
          </span>
        </p>
      ) : null}
      {interrupted.list.map((r) => (
        <div key={r.id} className="notice notice--warn" role="alert" data-testid="interrupted-batch" data-batch={r.id}>
          <Icon name="warning" />
          <span>
            {t("batch.interrupted", {
              action: t(`action.${r.request.action.type}` as "action.stop"),
              count: r.request.targets.length,
              done: r.done.length,
              when: new Date(Number(r.id.split("-")[0])).toLocaleString(),
            })}
          </span>
          <span className="notice__actions">
            <button
              type="button"
              className="btn btn--small"
              disabled={readOnly}
              onClick={() => {
                const remaining = r.request.targets.filter((t) => !r.done.some((d) => d.name === t.name && d.namespace === t.namespace));
                resume(r.id, r.request.action, remaining);
                interrupted.forget(r.id);
              }}
              data-testid="interrupted-resume"
            >
              {t("batch.resume", { count: r.request.targets.length - r.done.length })}
            </button>
            <button
              type="button"
              className="btn btn--small"
              disabled={readOnly || r.done.length === 0 || !["stop", "start", "scale"].includes(r.request.action.type)}
              onClick={() => {
                void undoBatch(context, r.id).then(() => interrupted.dismiss(r.id));
              }}
              data-testid="interrupted-undo"
            >
              {t("batch.undoDone", { count: r.done.length })}
            </button>
            <button type="button" className="btn btn--small" onClick={() => interrupted.dismiss(r.id)} data-testid="interrupted-dismiss">
              {t("common.dismiss")}
            </button>
          </span>
        </div>
      ))}
      <InterruptedGrows status={status} />
      {batch ? <BatchProgress batch={batch} onRetryFailed={retryFailed} onUndo={() => void undo()} onDismiss={dismiss} readOnly={readOnly} /> : null}
      <div className="sts-list__body">{body}</div>
      {deleting ? (
        <DeleteDialog
          targets={deleting.targets}
          facts={deleting.facts}
          context={context}
          protection={status.protection}
          retentionPolicy={status.features?.stsRetentionPolicy !== false}
          onCancel={() => setDeleting(null)}
          onConfirm={(propagation) => {
            const refs = deleting.targets;
            setDeleting(null);
            run({ type: "delete", propagation, confirm: "confirmed" }, refs);
          }}
        />
      ) : null}
    </div>
  );
}

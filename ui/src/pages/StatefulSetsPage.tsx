import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { DEMO_CONTEXT, listKinds, type ClusterStatus, type ContextSummary, type IpcError, type KindInfo, type Row } from "../api";
import { Icon } from "../components/Icon";
import { EmptyState, ErrorState, LoadingState } from "../components/States";
import { useT } from "../i18n";
import { contextLabel } from "../lib/context";
import { isTypingTarget } from "../shell/keyboard";
import { useClusters } from "../state/clusters";
import { useContexts } from "../state/contexts";
import { useRows } from "../state/rows";
import { PageHeader } from "./PageHeader";
import { DetailView, useDetail } from "./statefulsets/DetailView";
import { CreateDialog } from "./statefulsets/CreateDialog";
import { ListView } from "./statefulsets/ListView";

const KIND = "statefulsets";

/** `value`, once it has stopped changing for `ms` (so typing a namespace does not restart watches per key). */
function useDebounced<T>(value: T, ms: number): T {
  const [settled, setSettled] = useState(value);
  useEffect(() => {
    if (Object.is(value, settled)) return;
    const id = setTimeout(() => setSettled(value), ms);
    return () => clearTimeout(id);
  }, [value, settled, ms]);
  return settled;
}

export function StatefulSetsPage({ context, namespace: typedNamespace, query = "" }: { context: ContextSummary | null; namespace: string; query?: string }) {
  const t = useT();
  const namespace = useDebounced(typedNamespace, 300);
  const { list, loading, error, reload, reloading } = useContexts();
  const { statuses, connect } = useClusters();
  const status = context ? statuses[context.name] : undefined;

  // With no kubeconfig at all, the built-in demo cluster is the current context: open it at once.
  const autoConnected = useRef(false);
  const demoIsCurrent = context?.name === DEMO_CONTEXT && list?.currentContext === DEMO_CONTEXT;
  useEffect(() => {
    if (demoIsCurrent && !status && !autoConnected.current) {
      autoConnected.current = true;
      void connect(DEMO_CONTEXT);
    }
  }, [demoIsCurrent, status, connect]);

  const scope = context
    ? typedNamespace
      ? t("sts.scope.namespace", { context: contextLabel(context.name, t), namespace: typedNamespace })
      : t("sts.scope.all", { context: contextLabel(context.name, t) })
    : null;
  const header = <PageHeader title={t("sts.title")} subtitle={scope ? <span className="mono">{scope}</span> : null} />;

  let body;
  if (loading && !list) {
    body = <LoadingState />;
  } else if (error && !list) {
    body = <ErrorState error={error} onRetry={() => void reload()} retrying={reloading} />;
  } else if (!context) {
    body = (
      <EmptyState icon="cluster" title={t("sts.noContext.title")}>
        <p>{t("sts.noContext.body")}</p>
      </EmptyState>
    );
  } else if (status?.state === "connected") {
    return <Connected key={`${context.name}\u0000${namespace}`} status={status} namespace={namespace} query={query} scope={scope} />;
  } else {
    body = <ConnectPanel context={context.name} status={status} onConnect={() => void connect(context.name)} />;
  }

  return (
    <section className="page__section" data-page="statefulsets">
      {header}
      <div className="page__body">{body}</div>
    </section>
  );
}

function ConnectPanel({ context, status, onConnect }: { context: string; status: ClusterStatus | undefined; onConnect: () => void }) {
  const t = useT();
  const state = status?.state ?? "disconnected";
  const connecting = state === "connecting";
  const failed = state === "unauthorized" || state === "forbidden" || state === "unreachable";
  return (
    <EmptyState
      icon={state === "forbidden" || state === "unauthorized" ? "lock" : "cluster"}
      title={t("sts.empty.title")}
      action={
        <button type="button" className="btn btn--primary" onClick={onConnect} disabled={connecting} data-testid="connect-button">
          {connecting ? <span className="spinner spinner--small" aria-hidden="true" /> : <Icon name="cluster" />}
          {connecting ? t("conn.connecting") : failed ? t("conn.retry") : t("conn.connect")}
        </button>
      }
    >
      <p>{t("sts.connect.body", { context: contextLabel(context, t) })}</p>
      {failed ? (
        <p className={`status status--failed`} data-testid="connect-error" role="alert">
          <Icon name="error" className="status__icon" />
          <span>{t(`conn.${state}`)}</span>
          {status?.message ? <span className="mono">{status.message}</span> : null}
        </p>
      ) : null}
    </EmptyState>
  );
}

/** The connected view: the live list, and the detail of one StatefulSet on top of it. */
function Connected({ status, namespace, query, scope }: { status: ClusterStatus; namespace: string; query: string; scope: string | null }) {
  const t = useT();
  const [kind, setKind] = useState<KindInfo | null>(null);
  const [kindError, setKindError] = useState<IpcError | null>(null);
  const [kindAttempt, setKindAttempt] = useState(0);
  const [open, setOpen] = useState<{ namespace: string; name: string } | null>(null);
  const [creating, setCreating] = useState(false);
  const readOnly = status.protection === "readOnly";

  useEffect(() => {
    let cancelled = false;
    setKindError(null);
    listKinds().then(
      (kinds) => {
        if (cancelled) return;
        const k = kinds.find((x) => x.id === KIND);
        if (k) setKind(k);
        else setKindError({ code: "NotFound", message: `list_kinds: no "${KIND}"` });
      },
      (e: IpcError) => {
        if (!cancelled) setKindError(e);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [kindAttempt]);

  const scopeArg = useMemo(() => ({ namespaces: namespace ? [namespace] : [] }), [namespace]);
  const rowsState = useRows(status.context, KIND, scopeArg, kind !== null);
  const multiScope = scopeArg.namespaces.length !== 1;

  const close = useCallback(() => {
    setOpen(null);
    setTimeout(() => document.querySelector<HTMLElement>('[data-testid="sts-table"]')?.focus(), 0);
  }, []);

  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented || isTypingTarget(e.target)) return;
      e.preventDefault();
      close();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open, close]);

  const onOpen = useCallback((row: Row) => setOpen({ namespace: row.namespace ?? "", name: row.name }), []);

  let body;
  if (kindError) body = <ErrorState error={kindError} onRetry={() => setKindAttempt((n) => n + 1)} />;
  else if (!kind) body = <LoadingState />;
  else
    body = (
      <>
        <div hidden={open !== null} className="sts-list-host">
          <ListView kind={kind} status={status} rowsState={rowsState} multiScope={multiScope} query={query} onOpen={onOpen} />
        </div>
        {open ? <Detail status={status} namespace={open.namespace} name={open.name} /> : null}
      </>
    );

  return (
    <section className="page__section" data-page="statefulsets">
      {open ? (
        <PageHeader
          title={open.name}
          badge={kind?.badge ?? "SS"}
          breadcrumb={
            <>
              <button type="button" className="link" onClick={close} data-testid="breadcrumb-list">
                {t("sts.title")}
              </button>
              <Icon name="chevron" size={12} />
              <span className="mono">{open.name}</span>
            </>
          }
          subtitle={<span className="mono">{t("detail.subtitle", { context: contextLabel(status.context, t), namespace: open.namespace })}</span>}
        />
      ) : (
        <PageHeader
          title={t("sts.title")}
          subtitle={scope ? <span className="mono">{scope}</span> : null}
          actions={
            <button type="button" className="btn btn--primary" disabled={readOnly} title={readOnly ? t("batch.disabled.readOnly") : undefined} onClick={() => setCreating(true)} data-testid="create-sts">
              <Icon name="plus" />
              {t("create.title")}
            </button>
          }
        />
      )}
      {creating ? (
        <CreateDialog
          context={status.context}
          namespace={namespace}
          onClose={() => setCreating(false)}
          onCreated={(r) => {
            setCreating(false);
            setOpen({ namespace: r.namespace, name: r.name });
          }}
        />
      ) : null}
      <div className="page__body">{body}</div>
    </section>
  );
}

function Detail({ status, namespace, name }: { status: ClusterStatus; namespace: string; name: string }) {
  const detailState = useDetail(status.context, namespace, name);
  return <DetailView status={status} namespace={namespace} name={name} detailState={detailState} />;
}

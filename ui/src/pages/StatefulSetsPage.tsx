import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { cachedKinds, canCreate, DEMO_CONTEXT, listKinds, type ClusterStatus, type ContextSummary, type IpcError, type KindInfo, type Row } from "../api";
import { Icon } from "../components/Icon";
import { EmptyState, ErrorState, LoadingState } from "../components/States";
import { useT } from "../i18n";
import { contextLabel } from "../lib/context";
import { formatNamespaces, parseNamespaces } from "../lib/namespaces";
import { naturalCompare } from "../lib/naturalCompare";
import { isTypingTarget } from "../shell/keyboard";
import { useClusters } from "../state/clusters";
import { useContexts } from "../state/contexts";
import { useList } from "../state/list";
import { scopeOf, STATEFULSETS_KIND } from "../state/selection";
import { PageHeader } from "./PageHeader";
import { CrossClusterView } from "./statefulsets/CrossClusterView";
import type { Tab } from "./statefulsets/DetailView";
import { ListView } from "./statefulsets/ListView";

const KIND = STATEFULSETS_KIND;

// The detail panel and the create dialog are loaded when first opened (or once the list is in),
// not with the start-up script: the window shows its first rows sooner.
const loadDetail = () => import("./statefulsets/DetailView");
const loadCreate = () => import("./statefulsets/CreateDialog");
const DetailPanel = lazy(() => loadDetail().then((m) => ({ default: m.DetailPanel })));
const CreateDialog = lazy(() => loadCreate().then((m) => ({ default: m.CreateDialog })));

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

export function StatefulSetsPage({
  context,
  namespace: typedNamespace,
  query = "",
  onNamespacesSeen,
}: {
  context: ContextSummary | null;
  /** "" = all namespaces, "db" = one, "db, stream" = several. */
  namespace: string;
  query?: string;
  onNamespacesSeen?: (context: string, namespaces: string[]) => void;
}) {
  const t = useT();
  const namespace = useDebounced(typedNamespace, 300);
  const { list, loading, error, reload, reloading } = useContexts();
  const { statuses, connect } = useClusters();
  const status = context ? statuses[context.name] : undefined;
  const [cross, setCross] = useState(false);
  const toggle = <CrossToggle on={cross} onChange={setCross} />;

  // With no kubeconfig at all, the built-in demo cluster is the current context: open it at once.
  const autoConnected = useRef(false);
  const demoIsCurrent = context?.name === DEMO_CONTEXT && list?.currentContext === DEMO_CONTEXT;
  useEffect(() => {
    if (demoIsCurrent && !status && !autoConnected.current) {
      autoConnected.current = true;
      void connect(DEMO_CONTEXT);
    }
  }, [demoIsCurrent, status, connect]);

  const typedList = parseNamespaces(typedNamespace);
  const scope = context
    ? typedList.length === 1
      ? t("sts.scope.namespace", { context: contextLabel(context.name, t), namespace: typedList[0]! })
      : typedList.length > 1
        ? t("sts.scope.namespaces", { context: contextLabel(context.name, t), namespaces: formatNamespaces(typedList) })
        : t("sts.scope.all", { context: contextLabel(context.name, t) })
    : null;
  const header = <PageHeader title={t("sts.title")} subtitle={scope ? <span className="mono">{scope}</span> : null} actions={toggle} />;

  if (cross) return <CrossMode namespaces={parseNamespaces(namespace)} query={query} toggle={toggle} />;

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
    return <Connected key={`${context.name}\u0000${formatNamespaces(parseNamespaces(namespace))}`} status={status} namespace={namespace} query={query} scope={scope} onNamespacesSeen={onNamespacesSeen} toggle={toggle} />;
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
function Connected({
  status,
  namespace,
  query,
  scope,
  onNamespacesSeen,
  toggle,
}: {
  status: ClusterStatus;
  namespace: string;
  query: string;
  scope: string | null;
  onNamespacesSeen?: (context: string, namespaces: string[]) => void;
  toggle: React.ReactNode;
}) {
  const t = useT();
  // Known at once when the kinds were asked for at start (main.tsx), as they are.
  const [kind, setKind] = useState<KindInfo | null>(() => cachedKinds()?.find((x) => x.id === KIND) ?? null);
  const [kindError, setKindError] = useState<IpcError | null>(null);
  const [kindAttempt, setKindAttempt] = useState(0);
  const [open, setOpen] = useState<{ namespace: string; name: string; tab?: Tab } | null>(null);
  const [actionsSlot, setActionsSlot] = useState<HTMLElement | null>(null);
  const [creating, setCreating] = useState(false);
  const readOnly = status.protection === "readOnly";
  // Where Create would go (the dialog's default namespace), and whether RBAC allows it there.
  const createNs = parseNamespaces(namespace)[0] || "default";
  const createAllowed = useCanCreate(status.context, createNs, !readOnly && status.state === "connected");

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

  // Several namespaces go to the watch as they are: the core runs one watcher per namespace.
  const scopeKey = formatNamespaces(parseNamespaces(namespace));
  const scopeArg = useMemo(() => ({ namespaces: scopeOf(scopeKey) }), [scopeKey]);
  // The rows are asked for at once, alongside the kind's columns (not after them).
  // The core keeps the list and its order; the Doctor's column joins once the whole list is in
  // (so it never delays the rows).
  const list = useList(status.context, KIND, scopeArg, true);
  const namespacesSeen = list.namespaces;
  useEffect(() => {
    if (!onNamespacesSeen || !namespacesSeen || namespacesSeen.length === 0) return;
    onNamespacesSeen(status.context, namespacesSeen);
  }, [namespacesSeen, status.context, onNamespacesSeen]);
  const multiScope = scopeArg.namespaces.length !== 1;
  useEffect(() => {
    if (!list.synced) return;
    const id = setTimeout(() => {
      void loadDetail().catch(() => {});
      void loadCreate().catch(() => {});
    }, 300);
    return () => clearTimeout(id);
  }, [list.synced]);

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

  const onOpen = useCallback((row: Row, tab?: Tab) => setOpen({ namespace: row.namespace ?? "", name: row.name, tab }), []);

  let body;
  if (kindError) body = <ErrorState error={kindError} onRetry={() => setKindAttempt((n) => n + 1)} />;
  else if (!kind) body = <LoadingState />;
  else
    body = (
      <>
        <div hidden={open !== null} className="sts-list-host" data-doctor={list.doctor.loaded ? (list.doctor.live ? "live" : "reconnecting") : "off"}>
          <ListView kind={kind} status={status} list={list} multiScope={multiScope} query={query} onOpen={onOpen} />
        </div>
        {open ? <Detail key={`${open.namespace}/${open.name}/${open.tab ?? ""}`} status={status} namespace={open.namespace} name={open.name} tab={open.tab} actionsSlot={actionsSlot} /> : null}
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
          actions={<span ref={setActionsSlot} className="detail-actions-slot" />}
        />
      ) : (
        <PageHeader
          title={t("sts.title")}
          subtitle={scope ? <span className="mono">{scope}</span> : null}
          actions={
            <>
              <button
                type="button"
                className="btn btn--primary"
                disabled={readOnly || createAllowed === false}
                title={readOnly ? t("batch.disabled.readOnly") : createAllowed === false ? t("batch.disabled.rbac", { verb: "create", resource: "statefulsets.apps", namespace: createNs }) : undefined}
                onClick={() => setCreating(true)}
                data-testid="create-sts"
              >
                <Icon name="plus" />
                {t("create.title")}
              </button>
              {toggle}
            </>
          }
        />
      )}
      {creating ? (
        <Suspense fallback={null}>
          <CreateDialog
            context={status.context}
            namespace={namespace}
            onClose={() => setCreating(false)}
            onCreated={(r) => {
              setCreating(false);
              setOpen({ namespace: r.namespace, name: r.name });
            }}
          />
        </Suspense>
      ) : null}
      <div className="page__body">{body}</div>
    </section>
  );
}

/** RBAC's answer for creating StatefulSets in `namespace` (null while asking, or when it could not be asked: the dialog then reports the server's answer). */
function useCanCreate(context: string, namespace: string, ask: boolean): boolean | null {
  const [allowed, setAllowed] = useState<boolean | null>(null);
  useEffect(() => {
    setAllowed(null);
    if (!ask) return;
    let cancelled = false;
    canCreate(context, KIND, namespace).then(
      (v) => {
        if (!cancelled) setAllowed(v);
      },
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [context, namespace, ask]);
  return allowed;
}

function Detail(props: { status: ClusterStatus; namespace: string; name: string; tab?: Tab; actionsSlot?: HTMLElement | null }) {
  return (
    <Suspense fallback={<LoadingState />}>
      <DetailPanel {...props} />
    </Suspense>
  );
}

/** The "All connected clusters" switch in the page header. */
function CrossToggle({ on, onChange }: { on: boolean; onChange: (on: boolean) => void }) {
  const t = useT();
  return (
    <button type="button" className={`btn${on ? " is-active" : ""}`} aria-pressed={on} onClick={() => onChange(!on)} data-testid="cross-toggle">
      <Icon name="cluster" />
      {t("cross.toggle")}
    </button>
  );
}

/** Every connected cluster's StatefulSets in one list; a row opens its detail (with its own context). */
function CrossMode({ namespaces, query, toggle }: { namespaces: string[]; query: string; toggle: React.ReactNode }) {
  const t = useT();
  const { statuses } = useClusters();
  const [kind, setKind] = useState<KindInfo | null>(null);
  const [kindError, setKindError] = useState<IpcError | null>(null);
  const [open, setOpen] = useState<{ context: string; namespace: string; name: string; tab?: Tab } | null>(null);
  const [actionsSlot, setActionsSlot] = useState<HTMLElement | null>(null);
  const connected = useMemo(
    () => Object.values(statuses).filter((s) => s.state === "connected").sort((a, b) => naturalCompare(a.context, b.context)),
    [statuses],
  );

  useEffect(() => {
    let cancelled = false;
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
  }, []);

  // Esc goes back from a detail to the list (as in the single-cluster view).
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape" || e.defaultPrevented || isTypingTarget(e.target)) return;
      e.preventDefault();
      setOpen(null);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [open]);

  const openStatus = open ? statuses[open.context] : undefined;
  const nsText = namespaces.length ? formatNamespaces(namespaces) : t("topbar.allNamespaces");
  return (
    <section className="page__section" data-page="statefulsets" data-cross="true">
      {open && openStatus ? (
        <PageHeader
          title={open.name}
          badge={kind?.badge ?? "SS"}
          breadcrumb={
            <>
              <button type="button" className="link" onClick={() => setOpen(null)} data-testid="breadcrumb-list">
                {t("cross.title")}
              </button>
              <Icon name="chevron" size={12} />
              <span className="mono">{open.name}</span>
            </>
          }
          subtitle={<span className="mono">{t("detail.subtitle", { context: contextLabel(open.context, t), namespace: open.namespace })}</span>}
          actions={<span ref={setActionsSlot} className="detail-actions-slot" />}
        />
      ) : (
        <PageHeader title={t("cross.title")} subtitle={<span className="mono">{t("cross.scope", { count: connected.length, namespaces: nsText })}</span>} actions={toggle} />
      )}
      <div className="page__body">
        {kindError ? (
          <ErrorState error={kindError} />
        ) : !kind ? (
          <LoadingState />
        ) : (
          <>
            <div hidden={open !== null} className="sts-list-host">
              <CrossClusterView kind={kind} statuses={connected} namespaces={namespaces} query={query} onOpen={(context, row, tab) => setOpen({ context, namespace: row.namespace ?? "", name: row.name, tab })} />
            </div>
            {open && openStatus ? <Detail key={`${open.context}/${open.namespace}/${open.name}/${open.tab ?? ""}`} status={openStatus} namespace={open.namespace} name={open.name} tab={open.tab} actionsSlot={actionsSlot} /> : null}
          </>
        )}
      </div>
    </section>
  );
}

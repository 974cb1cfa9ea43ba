import { useState, type ReactNode } from "react";
import { createPortal } from "react-dom";
import { watchDetail, type ClusterStatus, type StatefulSetDetail } from "../../api";
import { ErrorBoundary } from "../../components/ErrorBoundary";
import { Icon } from "../../components/Icon";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { Age, Chips, Status, ToneIcon } from "../../components/Status";
import { useT, useTx } from "../../i18n";
import { useBatch } from "../../state/batch";
import { useObjectWatch } from "../../state/objectWatch";
import { BatchProgress } from "./BatchProgress";
import { replicaCounts } from "./counts";
import { DeleteDialog } from "./DeleteDialog";
import { EditFormDialog } from "./forms/EditFormDialog";
import { formSpec } from "./forms/specs";
import { StsActions } from "./StsActions";
import { EnvTab } from "./EnvTab";
import { MetricsTab } from "./MetricsTab";
import { PdbEditor } from "./PdbEditor";
import { PodsTab } from "./PodsTab";
import { RolloutTab } from "./RolloutTab";
import { GrowDialog } from "./GrowDialog";
import { StorageTab } from "./StorageTab";
import { YamlTab } from "./YamlTab";

export type Tab = "details" | "pods" | "storage" | "environment" | "rollout" | "metrics" | "events" | "yaml";
const TABS: Tab[] = ["details", "pods", "storage", "environment", "rollout", "metrics", "events", "yaml"];

export function useDetail(context: string, namespace: string, name: string) {
  const { value: detail, error, retry } = useObjectWatch(watchDetail, context, namespace, name);
  return { detail, error, retry };
}

/** The detail of one StatefulSet, watched while shown (the page loads this module lazily). */
export function DetailPanel({ status, namespace, name, tab, actionsSlot }: { status: ClusterStatus; namespace: string; name: string; tab?: Tab; actionsSlot?: HTMLElement | null }) {
  const detailState = useDetail(status.context, namespace, name);
  return <DetailView status={status} namespace={namespace} name={name} detailState={detailState} initialTab={tab} actionsSlot={actionsSlot} />;
}

export function DetailView({
  status,
  namespace,
  name,
  detailState,
  initialTab = "details",
  actionsSlot = null,
}: {
  status: ClusterStatus;
  namespace: string;
  name: string;
  detailState: ReturnType<typeof useDetail>;
  initialTab?: Tab;
  /** Where the Actions menu goes (the page header); inline above the tabs without one. */
  actionsSlot?: HTMLElement | null;
}) {
  const t = useT();
  const [tab, setTab] = useState<Tab>(initialTab);
  const [deleting, setDeleting] = useState(false);
  /** The Grow storage dialog, with the template it opened on. */
  const [growing, setGrowing] = useState<{ template?: string } | null>(null);
  const { detail, error, retry } = detailState;
  const scaler = useBatch(status.context, "statefulsets");
  const sb = scaler.batch;
  const scaleForbidden =
    sb !== null && (sb.error?.code === "Forbidden" || sb.items.some((i) => i.state.state === "failed" && i.state.error.code === "Forbidden"));

  if (error) {
    return error.code === "Forbidden" ? (
      <EmptyState icon="lock" title={t("sts.forbidden.title")}>
        <p>{error.message}</p>
      </EmptyState>
    ) : error.code === "NotFound" ? (
      <EmptyState icon="empty" title={t("detail.gone.title")}>
        <p>{t("detail.gone.body", { name, namespace })}</p>
      </EmptyState>
    ) : (
      <ErrorState error={error} onRetry={retry} />
    );
  }
  if (!detail) return <LoadingState />;

  const actions = (
    <StsActions
      status={status}
      namespace={namespace}
      name={name}
      hpa={detail.hpa}
      onRestart={() => scaler.run({ type: "restart" }, [{ namespace, name }])}
      onEditYaml={() => setTab("yaml")}
      onDelete={() => setDeleting(true)}
      onGrow={() => setGrowing({})}
      growBlocked={detail.claimTemplates.length === 0 ? t("grow.disabled.noTemplates") : null}
    />
  );

  const tabPanels: Record<Tab, ReactNode> = {
    details: (
      <DetailsTab
        detail={detail}
        status={status}
        scaleForbidden={scaleForbidden}
        onScale={(replicas) => scaler.run({ type: "scale", replicas }, [{ namespace, name }])}
        onOpenStorage={() => setTab("storage")}
      />
    ),
    pods: <PodsTab ordinals={detail.ordinals} status={status} namespace={namespace} name={name} />,
    storage: (
      <StorageTab
        status={status}
        detail={detail}
        growBlocked={status.protection === "readOnly" ? t("batch.disabled.readOnly") : null}
        onGrow={(template) => setGrowing({ template })}
      />
    ),
    environment: <EnvTab status={status} target={{ context: status.context, kind: "statefulsets", namespace, name }} containers={detail.containers} onOpenYaml={() => setTab("yaml")} />,
    rollout: <RolloutTab detail={detail} status={status} />,
    metrics: <MetricsTab context={status.context} namespace={namespace} name={name} />,
    events: <EventsTab detail={detail} />,
    yaml: <YamlTab status={status} target={{ context: status.context, kind: "statefulsets", namespace, name }} liveVersion={detail.resourceVersion} />,
  };

  return (
    <div className="detail" data-testid="sts-detail">
      <div className="detail__bar">
        <div className="tabs" role="tablist" aria-label={t("detail.tabs")}>
        {TABS.map((id) => (
          <button
            key={id}
            type="button"
            role="tab"
            id={`tab-${id}`}
            aria-selected={tab === id}
            aria-controls={`panel-${id}`}
            tabIndex={tab === id ? 0 : -1}
            className={`tabs__tab${tab === id ? " is-active" : ""}`}
            data-testid={`detail-tab-${id}`}
            onClick={() => setTab(id)}
            onKeyDown={(e) => {
              const i = TABS.indexOf(id);
              if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
                e.preventDefault();
                const next = TABS[(i + (e.key === "ArrowRight" ? 1 : TABS.length - 1)) % TABS.length]!;
                setTab(next);
                document.getElementById(`tab-${next}`)?.focus();
              }
            }}
          >
            {t(`detail.tab.${id}`)}
            {id === "rollout" && (detail.rollout.pendingOrdinals.length > 0 || detail.rollout.heldOrdinals.length > 0) ? <Icon name="progressing" className="status--progressing" /> : null}
            {id === "pods" ? <span className="tabs__count num">{detail.ordinals.filter((o) => o.pod).length}</span> : null}
            {id === "events" && detail.events.some((e) => e.type === "Warning") ? <Icon name="warning" className="status--warning" /> : null}
          </button>
        ))}
      </div>
        {actionsSlot ? createPortal(actions, actionsSlot) : <span className="detail__actions">{actions}</span>}
      </div>
      {deleting ? (
        <DeleteDialog
          targets={[{ namespace, name }]}
          context={status.context}
          protection={status.protection}
          retentionPolicy={status.features?.stsRetentionPolicy !== false}
          onCancel={() => setDeleting(false)}
          onConfirm={(propagation) => {
            setDeleting(false);
            scaler.run({ type: "delete", propagation, confirm: "confirmed" }, [{ namespace, name }]);
          }}
        />
      ) : null}
      {growing ? (
        <GrowDialog status={status} namespace={namespace} name={name} templates={detail.claimTemplates} template={growing.template} onClose={() => setGrowing(null)} />
      ) : null}
      {scaler.batch ? <BatchProgress batch={scaler.batch} onRetryFailed={scaler.retryFailed} onUndo={() => void scaler.undo()} onDismiss={scaler.dismiss} readOnly={status.protection === "readOnly"} /> : null}
      <div className="tabs__panel" role="tabpanel" id={`panel-${tab}`} aria-labelledby={`tab-${tab}`}>
        <ErrorBoundary resetKey={tab}>{tabPanels[tab]}</ErrorBoundary>
      </div>
    </div>
  );
}

// ---- details ---------------------------------------------------------------------------------

function counts(detail: StatefulSetDetail) {
  let ready = 0;
  let notReady = 0;
  let terminating = 0;
  for (const o of detail.ordinals) {
    if (!o.pod) continue;
    if (o.pod.terminating) terminating++;
    else if (o.pod.ready) ready++;
    else notReady++;
  }
  return { ready, notReady, terminating };
}

export function PodRing({ ready, notReady, terminating, desired }: { ready: number; notReady: number; terminating: number; desired: number }) {
  const t = useT();
  const total = Math.max(ready + notReady + terminating, desired, 1);
  const r = 34;
  const c = 2 * Math.PI * r;
  const parts = [
    { n: ready, cls: "ring--ok" },
    { n: notReady, cls: "ring--warning" },
    { n: terminating, cls: "ring--terminating" },
  ];
  let offset = 0;
  return (
    <figure className="ring" data-testid="pod-ring" data-ready={ready} data-not-ready={notReady} data-terminating={terminating}>
      <svg viewBox="0 0 84 84" width="84" height="84" role="img" aria-label={t("ring.label", { ready, desired })}>
        <circle cx="42" cy="42" r={r} className="ring__track" />
        {parts.map((p) => {
          const len = (p.n / total) * c;
          const el = p.n > 0 ? <circle key={p.cls} cx="42" cy="42" r={r} className={`ring__seg ${p.cls}`} strokeDasharray={`${len} ${c - len}`} strokeDashoffset={-offset} /> : null;
          offset += len;
          return el;
        })}
        <text x="42" y="40" textAnchor="middle" className="ring__num">
          {ready}
        </text>
        <text x="42" y="55" textAnchor="middle" className="ring__sub">
          {t("ring.of", { desired })}
        </text>
      </svg>
      <figcaption className="ring__legend">
        <span className="status status--ok"><ToneIcon tone="ok" />{t("ring.ready", { count: ready })}</span>
        <span className="status status--warning"><ToneIcon tone="warning" />{t("ring.notReady", { count: notReady })}</span>
        <span className="status status--terminating"><ToneIcon tone="terminating" />{t("ring.terminating", { count: terminating })}</span>
      </figcaption>
    </figure>
  );
}

function Prop({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </>
  );
}

function DetailsTab({
  detail,
  status,
  scaleForbidden,
  onScale,
  onOpenStorage,
}: {
  detail: StatefulSetDetail;
  status: ClusterStatus;
  scaleForbidden: boolean;
  onScale: (replicas: number) => void;
  /** The Doctor's orphaned-claims finding links to the Storage tab, where they can be deleted. */
  onOpenStorage: () => void;
}) {
  const t = useT();
  const tx = useTx();
  const ro = detail.rollout;
  const c = counts(detail);
  const scaleBlocked =
    status.protection === "readOnly"
      ? t("batch.disabled.readOnly")
      : detail.hpa
        ? t("detail.scale.hpa", { hpa: detail.hpa })
        : scaleForbidden
          ? t("batch.disabled.forbidden")
          : null;
  const labels = Object.entries(detail.labels).map(([k, v]) => `${k}=${v}`);
  const [editingLabels, setEditingLabels] = useState(false);
  const readOnly = status.protection === "readOnly";
  const annotations = Object.entries(detail.annotations);
  const svc = detail.service;
  const svcOk = svc.exists && svc.headless && svc.selectsPods;

  return (
    <div className="detail__grid">
      <section className="panel detail__ring">
        <PodRing ready={c.ready} notReady={c.notReady} terminating={c.terminating} desired={ro.replicas} />
        <div className="scale" title={scaleBlocked ?? undefined}>
          <button type="button" className="btn btn--icon" disabled={!!scaleBlocked || ro.replicas <= 0} onClick={() => onScale(ro.replicas - 1)} aria-label={t("detail.scale.down")} data-testid="scale-down">
            <Icon name="minus" />
          </button>
          <span className="num scale__value" data-testid="replicas">{t("detail.replicas", { count: ro.replicas })}</span>
          <button type="button" className="btn btn--icon" disabled={!!scaleBlocked} onClick={() => onScale(ro.replicas + 1)} aria-label={t("detail.scale.up")} data-testid="scale-up">
            <Icon name="plus" />
          </button>
        </div>
        <Status status={detail.status} />
        {detail.stoppedFrom !== null ? <span className="faint">{t("status.stoppedWas", { was: detail.stoppedFrom })}</span> : null}
      </section>

      {detail.findings.length > 0 ? (
        <section className="panel detail__findings" data-testid="findings">
          <h2 className="panel__title">{t("detail.findings")}</h2>
          <ul className="findings">
            {detail.findings.map((f, i) => (
              <li key={i} className={`finding finding--${f.severity}`} data-severity={f.severity}>
                <Icon name={f.severity === "error" ? "error" : f.severity === "warning" ? "warning" : "info"} className="status__icon" />
                <span>{tx(f.key, f.params)}</span>
                {f.key === "doctor.orphanedClaims" ? (
                  <button type="button" className="btn btn--small" onClick={onOpenStorage} data-testid="finding-open-storage">
                    {t("storage.openFromFinding")}
                  </button>
                ) : null}
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section className="panel">
        <h2 className="panel__title">{t("detail.overview")}</h2>
        <dl className="props props--wrap">
          <Prop label={t("detail.name")}><span className="mono">{detail.name}</span></Prop>
          <Prop label={t("detail.namespace")}><span className="mono">{detail.namespace}</span></Prop>
          <Prop label={t("detail.created")}><Age at={detail.created} /></Prop>
          <Prop label={t("detail.labels")}>
            <span className="labels-prop" data-testid="detail-labels">
              {labels.length ? <Chips chips={labels} max={labels.length} /> : t("common.none")}
              <button
                type="button"
                className="btn btn--icon btn--tiny"
                aria-label={t("form.labels.edit")}
                title={readOnly ? t("batch.disabled.readOnly") : t("form.labels.edit")}
                disabled={readOnly}
                onClick={() => setEditingLabels(true)}
                data-testid="labels-edit"
              >
                <Icon name="edit" size={12} />
              </button>
            </span>
            {editingLabels ? (
              <EditFormDialog
                spec={formSpec("labels", t)}
                target={{ context: status.context, kind: "statefulsets", namespace: detail.namespace, name: detail.name }}
                status={status}
                onClose={() => setEditingLabels(false)}
              />
            ) : null}
          </Prop>
          <Prop label={t("detail.annotations")}>
            {annotations.length ? (
              <ul className="kv">
                {annotations.map(([k, v]) => (
                  <li key={k} className="mono" title={v}>
                    <span className="faint">{k}</span>={v}
                  </li>
                ))}
              </ul>
            ) : (
              t("common.none")
            )}
          </Prop>
          <Prop label={t("detail.selector")}><span className="mono">{detail.selector || t("common.none")}</span></Prop>
          <Prop label={t("detail.service")}>
            <span className="mono">{svc.name}</span>{" "}
            {svcOk ? (
              <span className="status status--ok" data-testid="service-check"><ToneIcon tone="ok" />{t("detail.service.ok")}</span>
            ) : (
              <span className="status status--warning" data-testid="service-check">
                <ToneIcon tone="warning" />
                {!svc.exists ? t("detail.service.missing") : !svc.headless ? t("detail.service.notHeadless") : t("detail.service.noMatch")}
              </span>
            )}
          </Prop>
          {detail.owner ? <Prop label={t("detail.owner")}><span className="mono">{detail.owner}</span></Prop> : null}
        </dl>
      </section>

      <section className="panel">
        <h2 className="panel__title">{t("detail.rollout")}</h2>
        <dl className="props props--wrap">
          <Prop label={t("detail.podManagement")}><span className="mono">{ro.podManagementPolicy}</span></Prop>
          <Prop label={t("detail.strategy")}>
            <span className="mono">{ro.strategy}</span>
            {ro.strategy === "RollingUpdate" ? <span className="faint"> · {t("detail.partition", { partition: ro.partition })}</span> : null}
            {ro.maxUnavailable ? <span className="faint"> · {t("detail.maxUnavailable", { value: ro.maxUnavailable })}</span> : null}
          </Prop>
          <Prop label={t("detail.rolloutStatus")}><Status status={ro.status} /></Prop>
          <Prop label={t("detail.revisions")}>
            <span className="mono">{ro.currentRevision ?? t("common.none")}</span>
            {ro.updateRevision && ro.updateRevision !== ro.currentRevision ? <span className="mono"> → {ro.updateRevision}</span> : null}
          </Prop>
          <Prop label={t("detail.replicaCounts")}>
            <span className="num">{replicaCounts(t, ro)}</span>
          </Prop>
          <Prop label={t("detail.retention")}>
            {detail.retentionWhenDeleted !== null && detail.retentionWhenScaled !== null ? (
              t("detail.retention.value", { whenDeleted: detail.retentionWhenDeleted, whenScaled: detail.retentionWhenScaled })
            ) : (
              <span className="faint" data-testid="retention-absent">{t("detail.retention.absent")}</span>
            )}
          </Prop>
          <Prop label={t("detail.pdb")}>
            {detail.pdb ? (
              <span>
                <span className="mono">{detail.pdb.name}</span> ·{" "}
                {detail.pdb.maxUnavailable !== null
                  ? t("detail.pdb.maxUnavailable", { max: detail.pdb.maxUnavailable, total: detail.pdb.expectedPods })
                  : t("detail.pdb.minAvailable", { min: detail.pdb.minAvailable ?? "?", total: detail.pdb.expectedPods })}{" "}
                <span className="faint">· {t("detail.pdb.allowed", { count: detail.pdb.disruptionsAllowed })}</span>
              </span>
            ) : status.features?.pdbApi === null ? (
              <span className="faint" data-testid="pdb-unsupported">{t("detail.pdb.unsupported")}</span>
            ) : (
              t("detail.pdb.none")
            )}
            {status.features?.pdbApi === null ? null : <PdbEditor detail={detail} status={status} />}
          </Prop>
          {detail.claimTemplates.length > 0 ? (
            <Prop label={t("detail.claimTemplates")}>
              {detail.claimTemplates.map((c) => (
                <div key={c.name} className="mono">
                  {c.name} · {c.size ?? "?"} · {c.storageClass ?? t("common.none")} · {c.accessModes.join(",")}
                </div>
              ))}
            </Prop>
          ) : null}
        </dl>
      </section>

      {detail.conditions.length > 0 ? (
        <section className="panel">
          <h2 className="panel__title">{t("detail.conditions")}</h2>
          <table className="table table--compact">
            <tbody>
              {detail.conditions.map((c) => (
                <tr key={c.type}>
                  <td className="mono">{c.type}</td>
                  <td>{c.status}</td>
                  <td>{c.reason ?? ""}</td>
                  <td>{c.message ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}
    </div>
  );
}

// ---- events ----------------------------------------------------------------------------------

function EventsTab({ detail }: { detail: StatefulSetDetail }) {
  const t = useT();
  if (detail.events.length === 0) {
    return (
      <EmptyState icon="empty" title={t("events.none.title")}>
        <p>{t("events.none.body")}</p>
      </EmptyState>
    );
  }
  const events = [...detail.events].sort((a, b) => b.lastSeen - a.lastSeen);
  return (
    <div className="table-wrap">
      <table className="table table--events">
        <thead>
          <tr>
            <th>{t("events.col.type")}</th>
            <th>{t("events.col.reason")}</th>
            <th>{t("events.col.object")}</th>
            <th>{t("events.col.message")}</th>
            <th className="num">{t("events.col.count")}</th>
            <th>{t("events.col.lastSeen")}</th>
          </tr>
        </thead>
        <tbody>
          {events.map((e) => {
            const warn = e.type === "Warning";
            return (
              <tr key={e.uid} data-testid="event-row" data-type={e.type} className={warn ? "is-warning" : undefined}>
                <td>
                  <span className={`status status--${warn ? "warning" : "neutral"}`}>
                    <ToneIcon tone={warn ? "warning" : "neutral"} />
                    {warn ? t("events.warning") : t("events.normal")}
                  </span>
                </td>
                <td>{e.reason}</td>
                <td className="mono">{e.object}</td>
                <td className="events__message">{e.message}</td>
                <td className="num">{e.count}</td>
                <td><Age at={e.lastSeen} /></td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

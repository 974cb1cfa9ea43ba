// The Storage tab: per claim template its size, class and whether it can grow, then one row per
// ordinal's claim (phase, requested / actual capacity, used space, volume, resize conditions);
// orphaned claims below. Watched while the tab is open (`watchStorage`, closed on unmount).
import { watchStorage, type ClaimStorage, type ClusterStatus, type StatefulSetDetail, type TemplateStorage, type Usage } from "../../api";
import { Icon } from "../../components/Icon";
import { EmptyState, ErrorState, LoadingState } from "../../components/States";
import { ToneIcon } from "../../components/Status";
import { useT } from "../../i18n";
import { useObjectWatch } from "../../state/objectWatch";
import { ClaimCells, ClaimHead } from "./ClaimCells";
import { OrphanClaims } from "./OrphanClaims";
import { RetentionEditor } from "./RetentionEditor";

export function useStorage(context: string, namespace: string, name: string) {
  const { value: view, error, retry } = useObjectWatch(watchStorage, context, namespace, name);
  return { view, error, retry };
}

export function StorageTab({
  status,
  detail,
  growBlocked,
  onGrow,
}: {
  status: ClusterStatus;
  detail: StatefulSetDetail;
  /** Why growing is not possible (read-only context), or null. */
  growBlocked: string | null;
  onGrow: (template: string) => void;
}) {
  const t = useT();
  const { view, error, retry } = useStorage(status.context, detail.namespace, detail.name);
  const retention = <RetentionEditor status={status} detail={detail} />;

  if (error && !view) {
    return (
      <div className="storage" data-testid="storage-tab">
        <StreamState state="failed" title={error.message} />
        <ErrorState error={error} onRetry={retry} />
      </div>
    );
  }
  if (!view) return <LoadingState />;
  const live = status.state === "connected";
  return (
    <div className="storage" data-testid="storage-tab">
      <div className="storage__bar">
        {retention}
        <StreamState state={live ? "live" : "reconnecting"} title={live ? undefined : status.message ?? undefined} detail={live ? undefined : status.state} />
      </div>
      {view.usage.state === "notReported" ? (
        <p className="notice" data-testid="storage-usage-note">
          <Icon name="info" />
          <span>
            {t("storage.notReported")}: {view.usage.reason}
          </span>
        </p>
      ) : null}
      {view.templates.length === 0 ? (
        <EmptyState icon="empty" title={t("storage.none.title")}>
          <p>{t("storage.none.body")}</p>
        </EmptyState>
      ) : (
        view.templates.map((tpl) => (
          <section key={tpl.name} className="panel storage__template" data-testid="storage-template" data-template={tpl.name}>
            <TemplateHeader tpl={tpl} growBlocked={growBlocked} onGrow={() => onGrow(tpl.name)} />
            <ClaimTable claims={view.claims.filter((c) => c.template === tpl.name)} usage={view.usage} />
          </section>
        ))
      )}
      <OrphanClaims context={status.context} namespace={detail.namespace} protection={status.protection} orphans={view.orphans} usage={view.usage} />
    </div>
  );
}

function StreamState({ state, title, detail }: { state: "live" | "reconnecting" | "failed"; title?: string; detail?: string }) {
  const t = useT();
  const tone = state === "live" ? "ok" : state === "reconnecting" ? "warning" : "failed";
  return (
    <span className={`status status--${tone}`} data-testid="storage-state" data-state={state} title={title}>
      <Icon name={state === "live" ? "current" : state === "reconnecting" ? "warning" : "error"} className="status__icon" />
      {state === "live" ? t("storage.state.live") : state === "reconnecting" ? t("storage.state.reconnecting", { state: detail ?? "" }) : t("storage.state.failed")}
    </span>
  );
}

function TemplateHeader({ tpl, growBlocked, onGrow }: { tpl: TemplateStorage; growBlocked: string | null; onGrow: () => void }) {
  const t = useT();
  const cls = tpl.storageClass ?? t("storage.template.noClass");
  return (
    <header className="storage__head">
      <h3 className="storage__title">
        <span className="faint">{t("grow.template")}</span> <span className="mono">{tpl.name}</span>
      </h3>
      <span className="num">{t("storage.template.size", { size: tpl.size ?? "?" })}</span>
      <span className="mono">{cls}</span>
      <span className={`status status--${tpl.classExpandable === true ? "ok" : tpl.classExpandable === false ? "warning" : "neutral"}`} data-testid="storage-expandable" data-expandable={String(tpl.classExpandable)}>
        <ToneIcon tone={tpl.classExpandable === true ? "ok" : tpl.classExpandable === false ? "warning" : "neutral"} />
        {tpl.classExpandable === true ? t("storage.grows.yes") : tpl.classExpandable === false ? t("storage.grows.no", { class: cls }) : t("storage.grows.unknown")}
      </span>
      <span className="mono faint">{tpl.accessModes.join(", ")}</span>
      <span className="storage__spacer" />
      <button type="button" className="btn btn--small" disabled={growBlocked !== null} title={growBlocked ?? undefined} onClick={onGrow} data-testid="grow-open" data-template={tpl.name}>
        <Icon name="plus" />
        {t("storage.grow")}
      </button>
    </header>
  );
}

function ClaimTable({ claims, usage }: { claims: ClaimStorage[]; usage: Usage }) {
  return (
    <div className="table-wrap">
      <table className="table table--storage">
        <ClaimHead />
        <tbody>
          {claims.map((c) => (
            <tr key={`${c.ordinal}/${c.name}`} data-testid="storage-claim" data-name={c.name} data-ordinal={c.ordinal} data-phase={c.phase} data-capacity={c.capacity ?? ""} className={c.phase === "Missing" ? "is-missing" : undefined}>
              <ClaimCells c={c} usage={usage} />
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

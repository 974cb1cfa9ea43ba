import type { Action, BatchItemState } from "../../api";
import { Icon, type IconName } from "../../components/Icon";
import { useT, useTx } from "../../i18n";
import type { Batch } from "../../state/batch";

const STATE_ICON: Record<BatchItemState["state"], { icon: IconName; tone: string }> = {
  queued: { icon: "neutral", tone: "neutral" },
  running: { icon: "progressing", tone: "progressing" },
  done: { icon: "ok", tone: "ok" },
  unchanged: { icon: "info", tone: "neutral" },
  failed: { icon: "error", tone: "failed" },
};

export function actionLabelKey(action: Action): `action.${Action["type"]}` {
  return `action.${action.type}`;
}

export function BatchProgress({
  batch,
  onRetryFailed,
  onUndo,
  onDismiss,
  readOnly,
}: {
  batch: Batch;
  onRetryFailed: () => void;
  onUndo: () => void;
  onDismiss: () => void;
  readOnly: boolean;
}) {
  const t = useT();
  const tx = useTx();
  const f = batch.finished;
  const failedCount = batch.items.filter((i) => i.state.state === "failed").length;

  return (
    <section className="panel batch" data-testid="batch-progress" aria-live="polite" aria-label={t("batch.title", { action: t(actionLabelKey(batch.action)) })}>
      <header className="batch__head">
        <span className="batch__title">{t("batch.title", { action: t(actionLabelKey(batch.action)) })}</span>
        {f ? (
          <span className="batch__summary num" data-testid="batch-summary">
            {f.unchanged > 0
              ? t("batch.summaryUnchanged", { succeeded: f.succeeded, unchanged: f.unchanged, failed: f.failed })
              : t("batch.summary", { succeeded: f.succeeded, failed: f.failed })}
          </span>
        ) : batch.error ? null : (
          <span className="batch__summary faint">
            <span className="spinner spinner--small" aria-hidden="true" /> {t("batch.running")}
          </span>
        )}
        <span className="batch__spacer" />
        {f && failedCount > 0 ? (
          <button type="button" className="btn" onClick={onRetryFailed} disabled={readOnly} data-testid="batch-retry">
            <Icon name="reload" />
            {t("batch.retryFailed", { count: failedCount })}
          </button>
        ) : null}
        {f?.undo && !batch.undone ? (
          <button type="button" className="btn" onClick={onUndo} disabled={readOnly} data-testid="batch-undo">
            <Icon name="undo" />
            {t("batch.undo")}
          </button>
        ) : null}
        {batch.undone ? <span className="faint">{t("batch.undone")}</span> : null}
        <button type="button" className="btn btn--icon" onClick={onDismiss} aria-label={t("common.close")} data-testid="batch-dismiss">
          <Icon name="close" />
        </button>
      </header>
      {batch.error ? <p className="batch__error" role="alert"><code>{batch.error.code}</code> {batch.error.message}</p> : null}
      {batch.undoError ? <p className="batch__error" role="alert"><code>{batch.undoError.code}</code> {batch.undoError.message}</p> : null}
      <ul className="batch__items">
        {batch.items.map((item, i) => {
          const s = STATE_ICON[item.state.state];
          return (
            <li key={i} className={`batch__item status--${s.tone}`} data-testid="batch-item" data-state={item.state.state} data-name={item.target.name}>
              <Icon name={s.icon} className="status__icon" />
              <span className="mono batch__name">
                {item.target.namespace ? <span className="faint">{item.target.namespace}/</span> : null}
                {item.target.name}
              </span>
              <span className="batch__state">{stateText(item.state)}</span>
            </li>
          );
        })}
      </ul>
    </section>
  );

  function stateText(state: BatchItemState): string {
    switch (state.state) {
      case "queued":
        return t("batch.state.queued");
      case "running":
        return t("batch.state.running");
      case "done":
        return state.from !== null && state.to !== null ? t("batch.state.doneReplicas", { from: state.from, to: state.to }) : t("batch.state.done");
      case "unchanged":
        return state.reasonKey ? t("batch.state.unchangedWhy", { reason: tx(state.reasonKey) }) : t("batch.state.unchanged");
      case "failed":
        return t("batch.state.failed", { code: state.error.code, message: state.error.message });
    }
  }
}

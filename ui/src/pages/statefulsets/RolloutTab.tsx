// The Rollout tab: what the controller does next and why. Every ordinal as a box (updated,
// pending in the order the controller takes them, held below the partition, missing), the
// revisions, and the controls of a staged rollout: a partition slider, "pause after the next
// ordinal", and "resume".
import { useEffect, useState } from "react";
import type { ClusterStatus, StatefulSetDetail } from "../../api";
import { replicaCounts } from "./counts";
import { Icon } from "../../components/Icon";
import { Status } from "../../components/Status";
import { useT } from "../../i18n";
import { useBatch } from "../../state/batch";
import { BatchProgress } from "./BatchProgress";

type OrdinalState = "updated" | "pending" | "held" | "missing" | "current";

export function ordinalStates(d: StatefulSetDetail): { ordinal: number; state: OrdinalState; next: boolean }[] {
  const r = d.rollout;
  return d.ordinals
    .filter((o) => o.desired)
    .map((o) => {
      let state: OrdinalState;
      if (!o.pod) state = "missing";
      else if (o.pod.updated) state = "updated";
      else if (r.heldOrdinals.includes(o.ordinal)) state = "held";
      else if (r.pendingOrdinals.includes(o.ordinal)) state = "pending";
      else state = "current";
      return { ordinal: o.ordinal, state, next: r.pendingOrdinals[0] === o.ordinal };
    });
}

export function RolloutTab({ detail, status }: { detail: StatefulSetDetail; status: ClusterStatus }) {
  const t = useT();
  const r = detail.rollout;
  const rolling = r.strategy === "RollingUpdate";
  const batch = useBatch(status.context, "statefulsets");
  const [partition, setPartition] = useState(r.partition);
  useEffect(() => setPartition(r.partition), [r.partition]);
  const readOnly = status.protection === "readOnly";
  const running = batch.batch !== null && !batch.batch.finished && !batch.batch.error;
  const target = [{ namespace: detail.namespace, name: detail.name }];
  const setTo = (p: number) => batch.run({ type: "partition", partition: p }, target);
  const max = Math.max(r.replicas, r.partition);
  const next = r.pendingOrdinals[0];
  const inRollout = r.currentRevision !== r.updateRevision;

  return (
    <div className="rollout" data-testid="rollout-tab">
      <div className="rollout__summary">
        <Status status={r.status} />
        <span className="faint">
          {r.podManagementPolicy} · {r.strategy}
          {rolling ? ` · ${t("detail.partition", { partition: r.partition })}` : ""}
        </span>
      </div>
      <dl className="props">
        <dt>{t("rollout.currentRevision")}</dt>
        <dd className="mono">{r.currentRevision ?? t("common.none")}</dd>
        <dt>{t("rollout.updateRevision")}</dt>
        <dd className="mono">
          {r.updateRevision ?? t("common.none")}
          {inRollout ? <span className="badge badge--warn">{t("rollout.inProgress")}</span> : null}
        </dd>
        <dt>{t("detail.replicaCounts")}</dt>
        <dd>{replicaCounts(t, r)}</dd>
      </dl>

      <ol className="ordinal-strip" data-testid="ordinal-strip" aria-label={t("rollout.ordinals")}>
        {ordinalStates(detail).map((o) => (
          <li key={o.ordinal} className={`ordinal-box ordinal-box--${o.state}${o.next ? " is-next" : ""}`} data-testid="ordinal-box" data-ordinal={o.ordinal} data-state={o.state} title={t(`rollout.state.${o.state}`)}>
            <span className="ordinal-box__n num">{o.ordinal}</span>
            <span className="ordinal-box__label">{t(`rollout.state.${o.state}`)}</span>
            {o.state === "held" ? <Icon name="lock" size={11} /> : null}
          </li>
        ))}
      </ol>
      <p className="faint" data-testid="rollout-explain">
        {r.strategy === "OnDelete"
          ? t("rollout.explain.onDelete")
          : r.podManagementPolicy === "Parallel"
            ? t("rollout.explain.parallel")
            : t("rollout.explain.ordered")}
        {r.heldOrdinals.length > 0 ? ` ${t("rollout.explain.held", { partition: r.partition, ordinals: r.heldOrdinals.join(", ") })}` : ""}
      </p>

      {rolling ? (
        <div className="rollout__controls">
          <label className="form-row form-row--inline">
            <span>{t("rollout.partition")}</span>
            <input
              type="range"
              min={0}
              max={max}
              step={1}
              value={partition}
              disabled={readOnly || running}
              onChange={(e) => setPartition(Number(e.target.value))}
              data-testid="partition-slider"
              aria-valuetext={t("rollout.partitionValue", { partition, updated: Math.max(0, r.replicas - partition), held: Math.min(partition, r.replicas) })}
            />
            <span className="num rollout__value" data-testid="partition-value">
              {t("rollout.partitionValue", { partition, updated: Math.max(0, r.replicas - partition), held: Math.min(partition, r.replicas) })}
            </span>
            <button type="button" className="btn btn--primary" disabled={readOnly || running || partition === r.partition} onClick={() => setTo(partition)} data-testid="partition-apply">
              {t("rollout.setPartition")}
            </button>
          </label>
          <div className="rollout__buttons">
            <button
              type="button"
              className="btn"
              disabled={readOnly || running || next === undefined || next === r.partition}
              title={next !== undefined ? t("rollout.pauseNextHelp", { ordinal: next }) : undefined}
              onClick={() => next !== undefined && setTo(next)}
              data-testid="rollout-pause-next"
            >
              {t("rollout.pauseNext")}
            </button>
            <button type="button" className="btn" disabled={readOnly || running || r.partition === 0} onClick={() => setTo(0)} data-testid="rollout-resume">
              <Icon name="play" />
              {t("rollout.resume")}
            </button>
          </div>
        </div>
      ) : null}
      {batch.batch ? <BatchProgress batch={batch.batch} onRetryFailed={batch.retryFailed} onUndo={() => void batch.undo()} onDismiss={batch.dismiss} readOnly={readOnly} /> : null}
    </div>
  );
}

import type { RolloutView } from "../../api";
import type { Translate } from "../../i18n";

/** "3 ready · 3 updated · …"; a server that does not report available replicas (before 1.23) gets no "available" figure rather than a 0. */
export function replicaCounts(t: Translate, r: RolloutView): string {
  return r.available === null
    ? t("detail.replicaCounts.valueNoAvailable", { ready: r.ready, updated: r.updated, current: r.current, replicas: r.replicas })
    : t("detail.replicaCounts.value", { ready: r.ready, updated: r.updated, current: r.current, available: r.available, replicas: r.replicas });
}

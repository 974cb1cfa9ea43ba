import type { ClusterStatus } from "../api";
import { useClusters } from "../state/clusters";
import { Icon, type IconName } from "../components/Icon";
import { useT } from "../i18n";
import { limitations } from "../lib/features";

const LOOK: Record<ClusterStatus["state"], { tone: string; icon: IconName }> = {
  disconnected: { tone: "neutral", icon: "neutral" },
  connecting: { tone: "progressing", icon: "progressing" },
  connected: { tone: "ok", icon: "ok" },
  unauthorized: { tone: "failed", icon: "lock" },
  forbidden: { tone: "failed", icon: "lock" },
  unreachable: { tone: "failed", icon: "error" },
};

/** The selected context's connection, in the top bar. */
export function ConnectionChip({ status }: { status: ClusterStatus | undefined }) {
  const t = useT();
  const state = status?.state ?? "disconnected";
  const look = LOOK[state];
  const { disconnect } = useClusters();
  const text =
    state === "connected" && status
      ? status.latencyMs !== null
        ? t("conn.connectedVersionLatency", { version: status.serverVersion ?? "?", ms: status.latencyMs })
        : t("conn.connectedVersion", { version: status.serverVersion ?? "?" })
      : status?.message && (state === "unauthorized" || state === "forbidden" || state === "unreachable")
        ? t("conn.withMessage", { state: t(`conn.${state}`), message: status.message })
        : t(`conn.${state}`);
  const limits = state === "connected" ? limitations(status?.features) : [];
  return (
    <span
      className={`conn-chip status status--${look.tone}`}
      data-testid="connection-status"
      data-state={state}
      title={status?.message ?? undefined}
      role="status"
    >
      <Icon name={look.icon} className="status__icon" />
      <span className="conn-chip__text">{text}</span>
      {limits.length > 0 ? (
        <span className="badge badge--warn" data-testid="server-limits" title={[t("conn.limits.title", { version: status?.serverVersion ?? "?" }), ...limits.map((k) => t(k))].join("\n")}>
          {t("conn.limits.badge")}
        </span>
      ) : null}
      {status?.protection === "readOnly" ? <span className="badge">{t("protection.readOnly")}</span> : null}
      {status?.protection === "production" ? <span className="badge badge--danger">{t("protection.production")}</span> : null}
      {status && state !== "connecting" && state !== "disconnected" ? (
        <button
          type="button"
          className="btn btn--icon btn--tiny conn-chip__disconnect"
          title={t("conn.disconnect")}
          aria-label={t("conn.disconnect")}
          onClick={() => void disconnect(status.context)}
          data-testid="disconnect-button"
        >
          <Icon name="close" size={10} />
        </button>
      ) : null}
    </span>
  );
}

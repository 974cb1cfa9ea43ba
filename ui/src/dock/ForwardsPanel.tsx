// The Forwards tab: every active port-forward (watch_forwards), with its state and why, traffic,
// how often it re-attached to a new pod of its ordinal, the connection hint, and Stop.
import { useEffect, useState } from "react";
import { stopForward, watchForwards, type ForwardState, type ForwardView, type IpcError, type Unsubscribe } from "../api";
import { Icon, type IconName } from "../components/Icon";
import { EmptyState, ErrorState, LoadingState } from "../components/States";
import { useT } from "../i18n";
import { ordinalColor } from "../lib/ordinalColors";
import { formatBytes, localPort } from "./command";
import { setTabHealth, type ForwardsTab } from "./dockState";

const TONE: Record<ForwardState, { tone: string; icon: IconName }> = {
  active: { tone: "ok", icon: "ok" },
  waitingForPod: { tone: "warning", icon: "progressing" },
  reconnecting: { tone: "warning", icon: "progressing" },
  clusterDisconnected: { tone: "warning", icon: "warning" },
  failed: { tone: "failed", icon: "error" },
};

export function CopyText({ text, label, testId }: { text: string; label: string; testId?: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="btn btn--icon btn--tiny"
      aria-label={copied ? t("common.copied") : label}
      title={copied ? t("common.copied") : label}
      data-testid={testId}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => setCopied(true), () => {});
      }}
    >
      <Icon name={copied ? "ok" : "copy"} size={14} />
    </button>
  );
}

/** The hint with `{local}` replaced by the local port. */
export const hintFor = (f: Pick<ForwardView, "hint" | "localAddress">) => (f.hint ? f.hint.split("{local}").join(localPort(f.localAddress)) : null);

export function ForwardsPanel({ tab }: { tab: ForwardsTab }) {
  const t = useT();
  const [list, setList] = useState<ForwardView[] | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [stopErrors, setStopErrors] = useState<Record<string, IpcError>>({});
  const [stopping, setStopping] = useState<ReadonlySet<string>>(new Set());

  useEffect(() => {
    let cancelled = false;
    let unsubscribe: Unsubscribe | null = null;
    watchForwards((l) => {
      if (!cancelled) setList(l);
    }).then(
      (u) => {
        if (cancelled) void u();
        else unsubscribe = u;
      },
      (e: IpcError) => {
        if (!cancelled) setError(e);
      },
    );
    return () => {
      cancelled = true;
      if (unsubscribe) void unsubscribe();
    };
  }, []);

  useEffect(() => {
    const h = error ? "failed" : !list ? "connecting" : list.some((f) => f.state === "failed") ? "failed" : list.some((f) => f.state !== "active") ? "reconnecting" : "live";
    setTabHealth(tab.id, h);
  }, [tab.id, error, list]);

  const stop = (id: string) => {
    setStopping((s) => new Set(s).add(id));
    stopForward(id).then(
      () =>
        setStopErrors((m) => {
          const n = { ...m };
          delete n[id];
          return n;
        }),
      (e: IpcError) => {
        setStopErrors((m) => ({ ...m, [id]: e }));
        setStopping((s) => {
          const n = new Set(s);
          n.delete(id);
          return n;
        });
      },
    );
  };

  if (error) {
    return (
      <div className="dock-panel" data-testid="forwards-panel">
        <ErrorState error={error} inline />
      </div>
    );
  }
  if (!list) return <LoadingState compact />;
  if (list.length === 0) {
    return (
      <div className="dock-panel" data-testid="forwards-panel">
        <EmptyState icon="empty" title={t("forwards.none.title")}>
          <p>{t("forwards.none.body")}</p>
        </EmptyState>
      </div>
    );
  }
  return (
    <div className="dock-panel forwards" data-testid="forwards-panel">
      <div className="table-wrap">
        <table className="table table--compact forwards__table">
          <thead>
            <tr>
              <th>{t("forwards.col.cluster")}</th>
              <th>{t("forwards.col.target")}</th>
              <th>{t("forwards.col.local")}</th>
              <th>{t("forwards.col.state")}</th>
              <th className="num">{t("forwards.col.connections")}</th>
              <th className="num">{t("forwards.col.traffic")}</th>
              <th className="num">{t("forwards.col.reattached")}</th>
              <th>{t("forwards.col.hint")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {list.map((f) => {
              const tone = TONE[f.state];
              const hint = hintFor(f);
              const stopError = stopErrors[f.id];
              return (
                <tr key={f.id} data-testid="forward-row" data-id={f.id} data-state={f.state} data-local-address={f.localAddress} data-reattached={f.reattached}>
                  <td className="mono">
                    {f.context}
                    <span className="faint"> · {f.namespace}</span>
                  </td>
                  <td className="mono">
                    <span className="chip__dot" style={{ background: ordinalColor(f.ordinal) }} aria-hidden="true" /> {`${f.statefulset}-${f.ordinal}:${f.remotePort}`}
                    {f.portName ? <span className="faint"> ({f.portName})</span> : null}
                  </td>
                  <td>
                    <span className="cell-flex">
                      <span className="mono" data-testid="forward-address">{f.localAddress}</span>
                      <CopyText text={f.localAddress} label={t("forwards.copyAddress")} testId="forward-copy" />
                    </span>
                  </td>
                  <td>
                    <span className={`status status--${tone.tone}`} data-testid="forward-state" title={f.reason ?? undefined}>
                      <Icon name={tone.icon} className="status__icon" size={14} />
                      {t(`forwards.state.${f.state}`)}
                    </span>
                    {f.reason ? <div className="faint forwards__reason">{f.reason}</div> : null}
                  </td>
                  <td className="num" title={t("forwards.connections.title")}>
                    {f.activeConnections}/{f.totalConnections}
                  </td>
                  <td className="num">
                    ↓ {formatBytes(f.bytesIn)} · ↑ {formatBytes(f.bytesOut)}
                  </td>
                  <td className="num">{f.reattached}</td>
                  <td>
                    {hint ? (
                      <span className="cell-flex">
                        <code className="mono forwards__hint" data-testid="forward-hint">{hint}</code>
                        <CopyText text={hint} label={t("forwards.copyHint")} />
                      </span>
                    ) : null}
                  </td>
                  <td>
                    <button type="button" className="btn btn--small" disabled={stopping.has(f.id)} onClick={() => stop(f.id)} data-testid="forward-stop">
                      <Icon name="stopped" size={14} />
                      {t("forwards.stop")}
                    </button>
                    {stopError ? (
                      <div className="field-error" role="alert">
                        {stopError.code}: {stopError.message}
                      </div>
                    ) : null}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </div>
  );
}

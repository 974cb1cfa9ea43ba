// The Pods tab: one row per ordinal (pod, status, revision, DNS name, claims and their storage)
// and its operations (logs, shell, port-forward; keys l, s, f on a focused row), which open in
// the dock; disabled with the reason when RBAC or a read-only context forbids them.
import { useEffect, useState, type KeyboardEvent } from "react";
import { podTargets, type ClusterStatus, type IpcError, type OrdinalView, type PodTargets } from "../../api";
import { Icon } from "../../components/Icon";
import { Menu } from "../../components/Menu";
import { openLogs, openRun, openShell, podName, type StsTarget } from "../../dock/dockState";
import { ForwardDialog } from "../../dock/ForwardDialog";
import { EmptyState } from "../../components/States";
import { Status, ToneIcon } from "../../components/Status";
import { useT } from "../../i18n";

// ---- pods ------------------------------------------------------------------------------------

function CopyButton({ text }: { text: string }) {
  const t = useT();
  const [copied, setCopied] = useState(false);
  return (
    <button
      type="button"
      className="btn btn--icon btn--tiny"
      aria-label={copied ? t("common.copied") : t("common.copy")}
      title={copied ? t("common.copied") : t("common.copy")}
      onClick={() => {
        void navigator.clipboard?.writeText(text).then(() => setCopied(true), () => {});
      }}
    >
      <Icon name={copied ? "ok" : "copy"} size={14} />
    </button>
  );
}

/** The reason an operation is not possible, or null; `undefined` while asking. */
type Gate = { logs: string | null; exec: string | null; forward: string | null } | undefined;

function gates(t: ReturnType<typeof useT>, targets: PodTargets | null, error: IpcError | null, readOnly: boolean): Gate {
  if (error) return { logs: null, exec: readOnly ? t("batch.disabled.readOnly") : null, forward: readOnly ? t("batch.disabled.readOnly") : null };
  if (!targets) return undefined;
  const why = (a: { allowed: boolean; reason: string | null }) => (a.allowed ? null : (a.reason ?? t("batch.disabled.forbidden")));
  // A read-only context says so in the user's language (the core's reason is English).
  const ro = readOnly ? t("batch.disabled.readOnly") : null;
  return { logs: why(targets.access.logs), exec: ro ?? why(targets.access.exec), forward: ro ?? why(targets.access.forward) };
}

/** The set's containers and what the user may do with its pods, asked once per Pods tab. */
function usePodTargets(context: string, namespace: string, name: string) {
  const [targets, setTargets] = useState<PodTargets | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  useEffect(() => {
    let cancelled = false;
    setTargets(null);
    setError(null);
    podTargets(context, namespace, name).then(
      (p) => !cancelled && setTargets(p),
      (e: IpcError) => !cancelled && setError(e),
    );
    return () => {
      cancelled = true;
    };
  }, [context, namespace, name]);
  return { targets, error };
}

function PodOps({ o, target, gate, status, onForward, allOrdinals }: { o: OrdinalView; target: StsTarget; gate: Gate; status: ClusterStatus; onForward: () => void; allOrdinals: number[] }) {
  const t = useT();
  const pod = podName(target.statefulset, o.ordinal);
  const checking = t("pods.op.checking");
  const logsWhy = gate === undefined ? checking : gate.logs;
  const shellWhy = gate === undefined ? checking : (gate.exec ?? (o.pod ? null : t("pods.op.noPod", { pod })));
  const forwardWhy = gate === undefined ? checking : gate.forward;
  const runWhy = gate === undefined ? checking : gate.exec;
  const logs = () => openLogs(target, o.ordinal, allOrdinals);
  const shell = () => openShell(target, o.ordinal, status.protection);
  const button = (id: string, icon: "logs" | "terminal" | "forward", label: string, why: string | null, onClick: () => void) => (
    <button type="button" className="btn btn--small btn--icon" disabled={why !== null} title={why ?? label} aria-label={label} data-testid={`pod-${id}-${o.ordinal}`} data-disabled-reason={why ?? undefined} onClick={onClick}>
      <Icon name={icon} size={14} />
      <span className="sr-only">{label}</span>
    </button>
  );
  return (
    <span className="pod-ops">
      {button("logs", "logs", t("pods.op.logs"), logsWhy, logs)}
      {button("shell", "terminal", t("pods.op.shell"), shellWhy, shell)}
      {button("forward", "forward", t("pods.op.forward"), forwardWhy, onForward)}
      <Menu
        label={t("pods.op.menu", { pod })}
        testId={`pod-menu-${o.ordinal}`}
        items={[
          { id: "logs", label: t("pods.op.logs"), icon: "logs", onSelect: logs, disabled: logsWhy !== null, title: logsWhy ?? undefined },
          { id: "shell", label: t("pods.op.shell"), icon: "terminal", onSelect: shell, disabled: shellWhy !== null, title: shellWhy ?? undefined },
          { id: "forward", label: t("pods.op.forward"), icon: "forward", onSelect: onForward, disabled: forwardWhy !== null, title: forwardWhy ?? undefined },
          { id: "logsAll", label: t("pods.op.logsAll"), icon: "logs", testId: "pod-logs-all", onSelect: () => openLogs(target, null, allOrdinals), disabled: logsWhy !== null, title: logsWhy ?? undefined },
          { id: "run", label: t("pods.op.run"), icon: "play", testId: "pod-run", onSelect: () => openRun(target, allOrdinals), disabled: runWhy !== null, title: runWhy ?? undefined },
        ]}
      />
    </span>
  );
}

export function PodsTab({ ordinals, status, namespace, name }: { ordinals: OrdinalView[]; status: ClusterStatus; namespace: string; name: string }) {
  const t = useT();
  const { targets, error } = usePodTargets(status.context, namespace, name);
  const gate = gates(t, targets, error, status.protection === "readOnly");
  const [forwarding, setForwarding] = useState<number | null>(null);
  const target: StsTarget = { context: status.context, namespace, statefulset: name };
  const present = ordinals.filter((o) => o.pod).map((o) => o.ordinal).sort((a, b) => a - b);
  const onRowKey = (e: KeyboardEvent<HTMLTableRowElement>, o: OrdinalView) => {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey || gate === undefined) return;
    if (e.key === "l" && gate.logs === null) openLogs(target, o.ordinal, present);
    else if (e.key === "s" && gate.exec === null && o.pod) openShell(target, o.ordinal, status.protection);
    else if (e.key === "f" && gate.forward === null) setForwarding(o.ordinal);
    else return;
    e.preventDefault();
  };
  if (ordinals.length === 0) {
    return (
      <EmptyState icon="statefulset" title={t("pods.none.title")}>
        <p>{t("pods.none.body")}</p>
      </EmptyState>
    );
  }
  const sorted = [...ordinals].sort((a, b) => a.ordinal - b.ordinal);
  return (
    <div className="table-wrap">
      <table className="table table--pods">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>{t("pods.col.name")}</th>
            <th>{t("pods.col.status")}</th>
            <th className="num">{t("pods.col.restarts")}</th>
            <th>{t("pods.col.node")}</th>
            <th>{t("pods.col.ip")}</th>
            <th>{t("pods.col.revision")}</th>
            <th>{t("pods.col.dns")}</th>
            <th>{t("pods.col.claims")}</th>
            <th>{t("pods.col.storage")}</th>
            <th className="pod-ops-cell" title={t("pods.op.keys")}>{t("pods.col.actions")}</th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((o) => {
            const p = o.pod;
            return (
              <tr key={o.ordinal} data-testid="ordinal-row" data-ordinal={o.ordinal} data-missing={p ? undefined : "true"} className={p ? undefined : "is-missing"} tabIndex={0} onKeyDown={(e) => onRowKey(e, o)}>
                <td className="num">{o.ordinal}</td>
                <td className="mono">{p ? p.name : <span className="faint">{t("pods.missing.name")}</span>}</td>
                <td>
                  {p ? (
                    <Status status={p.status} />
                  ) : (
                    <span className={`status status--${o.desired ? "warning" : "neutral"}`}>
                      <ToneIcon tone={o.desired ? "warning" : "neutral"} />
                      {o.desired ? t("pods.missing") : t("pods.notDesired")}
                    </span>
                  )}
                </td>
                <td className="num">{p ? p.restarts : ""}</td>
                <td className="mono">{p?.node ?? ""}</td>
                <td className="mono">{p?.ip ?? ""}</td>
                <td>
                  {p ? (
                    <span className="cell-flex">
                      <span className="mono">{p.revision}</span>
                      <span className={`badge${p.updated ? " badge--ok" : ""}`}>{p.updated ? t("pods.updated") : t("pods.current")}</span>
                    </span>
                  ) : null}
                </td>
                <td>
                  <span className="cell-flex">
                    <span className="mono dns" data-testid="dns-name" title={o.dnsName}>{o.dnsName}</span>
                    <CopyButton text={o.dnsName} />
                  </span>
                </td>
                <td>
                  {o.claims.length === 0
                    ? ""
                    : o.claims.map((c) => (
                        <div key={c.name} className="claim" data-testid="claim">
                          <span className="mono">{c.name}</span>{" "}
                          <span className={`status status--${c.phase === "Bound" ? "ok" : c.phase === "Pending" ? "progressing" : "warning"}`}>
                            <ToneIcon tone={c.phase === "Bound" ? "ok" : c.phase === "Pending" ? "progressing" : "warning"} />
                            {c.phase}
                          </span>{" "}
                          <span className="faint mono" title={c.volume ?? undefined}>
                            {c.storageClass ?? ""}
                          </span>
                        </div>
                      ))}
                </td>
                <td className="num" data-testid="pods-storage" data-ordinal={o.ordinal}>
                  {o.claims.map((c) => (
                    <div key={c.name} className="pods-storage" data-claim={c.name} data-capacity={c.capacity ?? ""} data-phase={c.phase}>
                      {c.capacity ?? <span className="faint">{t("common.none")}</span>}
                      {c.phase !== "Bound" ? (
                        <span className={`status status--${c.phase === "Pending" ? "progressing" : "warning"}`}>
                          {" "}
                          <ToneIcon tone={c.phase === "Pending" ? "progressing" : "warning"} />
                          {c.phase}
                        </span>
                      ) : null}
                    </div>
                  ))}
                </td>
                <td className="pod-ops-cell">
                  <PodOps o={o} target={target} gate={gate} status={status} onForward={() => setForwarding(o.ordinal)} allOrdinals={present} />
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {forwarding !== null ? <ForwardDialog target={target} ordinal={forwarding} containers={targets?.containers ?? []} onClose={() => setForwarding(null)} /> : null}
    </div>
  );
}

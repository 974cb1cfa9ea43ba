// The Pods tab: one row per ordinal (pod, status, revision, DNS name, claims and their storage).
import { useState } from "react";
import type { OrdinalView } from "../../api";
import { Icon } from "../../components/Icon";
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

export function PodsTab({ ordinals }: { ordinals: OrdinalView[] }) {
  const t = useT();
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
          </tr>
        </thead>
        <tbody>
          {sorted.map((o) => {
            const p = o.pod;
            return (
              <tr key={o.ordinal} data-testid="ordinal-row" data-ordinal={o.ordinal} data-missing={p ? undefined : "true"} className={p ? undefined : "is-missing"}>
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
                          <span className="faint mono">
                            {[c.capacity, c.storageClass, c.volume].filter(Boolean).join(" · ")}
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
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

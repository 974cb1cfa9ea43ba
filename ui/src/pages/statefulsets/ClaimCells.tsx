// The cells of one claim row, shared by the Storage tab's claims and its orphaned claims.
import type { ReactNode } from "react";
import type { ClaimStorage, Tone, Usage } from "../../api";
import { Age, ToneIcon } from "../../components/Status";
import { useT } from "../../i18n";
import { formatBytes } from "../../lib/metricsHistory";
import { usagePercent, usageTone } from "../../lib/quantity";

export function phaseTone(phase: string): Tone {
  return phase === "Bound" ? "ok" : phase === "Pending" ? "progressing" : phase === "Lost" ? "failed" : "warning";
}

/** The header cells of a claims table (an orphans table adds its checkbox column first). */
export function ClaimHead({ first }: { first?: ReactNode }) {
  const t = useT();
  return (
    <thead>
      <tr>
        {first ?? null}
        <th className="num">{t("storage.col.ordinal")}</th>
        <th>{t("storage.col.claim")}</th>
        <th>{t("storage.col.phase")}</th>
        <th className="num">{t("storage.col.capacity")}</th>
        <th>{t("storage.col.usage")}</th>
        <th>{t("storage.col.class")}</th>
        <th>{t("storage.col.volume")}</th>
        <th>{t("storage.col.conditions")}</th>
        <th>{t("storage.col.age")}</th>
      </tr>
    </thead>
  );
}

/** One claim's cells, from the ordinal to the age. */
export function ClaimCells({ c, usage }: { c: ClaimStorage; usage: Usage }) {
  const t = useT();
  const tone = phaseTone(c.phase);
  const missing = c.phase === "Missing";
  return (
    <>
      <td className="num">{c.ordinal}</td>
      <td className="mono">{c.name}</td>
      <td>
        <span className={`status status--${tone}`}>
          <ToneIcon tone={tone} />
          {missing ? t("storage.missing") : c.phase}
        </span>
      </td>
      <td className="num mono">
        {missing ? "" : `${c.requested ?? "?"} / ${c.capacity ?? "—"}`}
      </td>
      <td>{missing ? null : <UsageBar c={c} usage={usage} />}</td>
      <td className="mono">{c.storageClass ?? ""}</td>
      <td>
        {c.volume ? (
          <span className="storage__volume">
            <span className="mono">{c.volume.name}</span>
            <span className="faint mono">{[c.volume.reclaimPolicy, c.volume.source].filter(Boolean).join(" · ")}</span>
          </span>
        ) : missing ? null : (
          <span className="faint">{t("storage.volume.none")}</span>
        )}
      </td>
      <td>
        {c.conditions.map((cond) => (
          <span key={cond} className="storage__cond" data-testid="storage-condition" data-condition={cond}>
            <span className="chip">{cond}</span>
            {cond === "FileSystemResizePending" ? (
              <span className="faint"> {t("storage.cond.fsPending")}</span>
            ) : cond === "Resizing" ? (
              <span className="faint"> {t("storage.cond.resizing")}</span>
            ) : null}
          </span>
        ))}
      </td>
      <td>{c.created !== null ? <Age at={c.created} /> : null}</td>
    </>
  );
}

function UsageBar({ c, usage }: { c: ClaimStorage; usage: Usage }) {
  const t = useT();
  const percent = usagePercent(c.usedBytes, c.capacityBytes);
  if (percent === null || c.usedBytes === null || c.capacityBytes === null) {
    const pending = usage.state === "pending";
    const reason = usage.state === "notReported" ? usage.reason : undefined;
    return (
      <span className="faint" data-testid="storage-usage" data-state={pending ? "pending" : "notReported"} title={reason}>
        {pending ? t("storage.usage.pending") : t("storage.notReported")}
      </span>
    );
  }
  const tone = usageTone(percent);
  const text = t("storage.usage.of", { used: formatBytes(c.usedBytes), capacity: formatBytes(c.capacityBytes), percent });
  return (
    <span className={`usage usage--${tone}`} data-testid="storage-usage" data-percent={percent} data-tone={tone} title={text}>
      <span className="usage__bar" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={percent} aria-label={text}>
        <span style={{ width: `${percent}%` }} />
      </span>
      <span className="num">{percent}%</span>
      {tone !== "ok" ? <ToneIcon tone={tone} /> : null}
    </span>
  );
}

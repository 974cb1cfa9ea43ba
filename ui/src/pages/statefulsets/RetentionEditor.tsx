// The set's claim retention policy (`persistentVolumeClaimRetentionPolicy`): shown, and editable
// where the server has the field (Kubernetes 1.27+; before, the claims are always kept and the
// control is not offered). Saving patches the set; the live detail shows the result.
import { useState } from "react";
import { setRetention, type ClusterStatus, type IpcError, type StatefulSetDetail } from "../../api";
import { ErrorState } from "../../components/States";
import { useT } from "../../i18n";

const POLICIES = ["Retain", "Delete"] as const;

export function RetentionEditor({ status, detail }: { status: ClusterStatus; detail: StatefulSetDetail }) {
  const t = useT();
  const [editing, setEditing] = useState(false);
  const [whenDeleted, setWhenDeleted] = useState(detail.retentionWhenDeleted ?? "Retain");
  const [whenScaled, setWhenScaled] = useState(detail.retentionWhenScaled ?? "Retain");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const offered = detail.retentionWhenDeleted !== null && detail.retentionWhenScaled !== null;
  const readOnly = status.protection === "readOnly";

  if (!offered) {
    return (
      <p className="storage__retention" data-testid="storage-retention" data-offered="false">
        <span className="faint">{t("storage.retention")}:</span> <span className="faint">{t("detail.retention.absent")}</span>
      </p>
    );
  }
  if (!editing) {
    return (
      <p className="storage__retention" data-testid="storage-retention" data-offered="true">
        <span className="faint">{t("storage.retention")}:</span>{" "}
        <span className="mono">{t("detail.retention.value", { whenDeleted: detail.retentionWhenDeleted!, whenScaled: detail.retentionWhenScaled! })}</span>{" "}
        <button
          type="button"
          className="btn btn--small"
          disabled={readOnly}
          title={readOnly ? t("batch.disabled.readOnly") : undefined}
          onClick={() => {
            setWhenDeleted(detail.retentionWhenDeleted!);
            setWhenScaled(detail.retentionWhenScaled!);
            setError(null);
            setEditing(true);
          }}
          data-testid="retention-edit"
        >
          {t("storage.retention.edit")}
        </button>
      </p>
    );
  }
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await setRetention(status.context, detail.namespace, detail.name, whenDeleted, whenScaled);
      setEditing(false);
    } catch (e) {
      setError(e as IpcError);
    } finally {
      setBusy(false);
    }
  };
  const select = (label: string, value: string, onChange: (v: string) => void, testId: string) => (
    <label className="storage__retention-field">
      <span className="faint">{label}</span>
      <select value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} disabled={busy}>
        {POLICIES.map((p) => (
          <option key={p} value={p}>
            {t(p === "Retain" ? "storage.retention.retain" : "storage.retention.delete")}
          </option>
        ))}
      </select>
    </label>
  );
  return (
    <div className="storage__retention storage__retention--editing" data-testid="storage-retention" data-offered="true">
      <span className="faint">{t("storage.retention")}:</span>
      {select(t("storage.retention.whenDeleted"), whenDeleted, setWhenDeleted, "retention-when-deleted")}
      {select(t("storage.retention.whenScaled"), whenScaled, setWhenScaled, "retention-when-scaled")}
      <button type="button" className="btn btn--small btn--primary" disabled={busy} onClick={() => void save()} data-testid="retention-save">
        {t("storage.retention.save")}
      </button>
      <button type="button" className="btn btn--small" disabled={busy} onClick={() => setEditing(false)} data-testid="retention-cancel">
        {t("storage.retention.cancel")}
      </button>
      {error ? <ErrorState error={error} inline /> : null}
    </div>
  );
}

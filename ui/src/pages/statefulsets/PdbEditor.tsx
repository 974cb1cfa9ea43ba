// The disruption budget next to its summary in the Details tab: add one (`<sts>-pdb`, selecting
// the set's pods), change minAvailable / maxUnavailable, or delete it after a confirmation. Each
// change is a dry run with its diff first, then Apply.
import { useState } from "react";
import { applyPdb, deletePdb, planPdb, type ApplyOutcome, type ClusterStatus, type IpcError, type PdbRequest, type StatefulSetDetail } from "../../api";
import { Dialog } from "../../components/Dialog";
import { Icon } from "../../components/Icon";
import { ErrorState } from "../../components/States";
import { useT } from "../../i18n";
import { contextLabel } from "../../lib/context";
import { ApplyTarget, EditOutcome as Outcome } from "../../components/EditOutcome";

type Field = "minAvailable" | "maxUnavailable";

/** A count of pods (0 or more) or a whole percentage up to 100%. */
export function pdbValueOk(v: string): boolean {
  const m = /^(\d+)(%?)$/.exec(v.trim());
  if (!m) return false;
  return m[2] === "" || Number(m[1]) <= 100;
}

export function PdbEditor({ detail, status }: { detail: StatefulSetDetail; status: ClusterStatus }) {
  const t = useT();
  const pdb = detail.pdb;
  const readOnly = status.protection === "readOnly";
  const [form, setForm] = useState<{ field: Field; value: string } | null>(null);
  const [outcome, setOutcome] = useState<ApplyOutcome | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<"applied" | "deleted" | null>(null);

  const request = (): PdbRequest => ({
    context: status.context,
    namespace: detail.namespace,
    statefulset: detail.name,
    existing: pdb?.name ?? null,
    field: form!.field,
    value: form!.value.trim(),
  });
  const guard = async (f: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await f();
    } catch (e) {
      setError(e as IpcError);
    } finally {
      setBusy(false);
    }
  };
  const open = () => {
    setDone(null);
    setOutcome(null);
    setForm(pdb?.minAvailable !== null && pdb?.minAvailable !== undefined ? { field: "minAvailable", value: pdb.minAvailable } : { field: "maxUnavailable", value: pdb?.maxUnavailable ?? "1" });
  };
  const valid = form ? pdbValueOk(form.value) : false;

  return (
    <div className="pdb-editor" data-testid="pdb-editor">
      {!form ? (
        <span className="cell-flex">
          <button type="button" className="btn btn--small" disabled={readOnly} title={readOnly ? t("batch.disabled.readOnly") : undefined} onClick={open} data-testid="pdb-edit">
            {pdb ? t("pdb.edit") : t("pdb.add")}
          </button>
          {pdb ? (
            <button type="button" className="btn btn--small btn--danger-outline" disabled={readOnly || busy} title={readOnly ? t("batch.disabled.readOnly") : undefined} onClick={() => setConfirmDelete(true)} data-testid="pdb-delete">
              <Icon name="trash" size={14} /> {t("pdb.delete")}
            </button>
          ) : null}
        </span>
      ) : (
        <form
          className="form-row form-row--inline"
          data-testid="pdb-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (valid) void guard(async () => setOutcome(await planPdb(request())));
          }}
        >
          <select className="control" value={form.field} aria-label={t("pdb.field")} onChange={(e) => { setForm({ ...form, field: e.target.value as Field }); setOutcome(null); }} data-testid="pdb-field">
            <option value="minAvailable">{t("pdb.minAvailable")}</option>
            <option value="maxUnavailable">{t("pdb.maxUnavailable")}</option>
          </select>
          <input className={`control mono${valid ? "" : " control--invalid"}`} aria-label={t("pdb.value")} value={form.value} onChange={(e) => { setForm({ ...form, value: e.target.value }); setOutcome(null); }} data-testid="pdb-value" />
          <button type="button" className="btn" onClick={() => { setForm(null); setOutcome(null); }}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy || !valid} data-testid="pdb-review">
            {t("yaml.review")}
          </button>
          {!valid ? (
            <span className="field__error" role="alert" data-testid="pdb-value-error">
              <Icon name="error" size={12} />
              {t("pdb.valueError")}
            </span>
          ) : null}
        </form>
      )}
      {error ? <ErrorState error={error} inline /> : null}
      {done ? (
        <p className="notice notice--ok" role="status" data-testid="pdb-done">
          <Icon name="ok" />
          <span>{done === "applied" ? t("env.applied") : t("pdb.deleted")}</span>
        </p>
      ) : null}
      {outcome && form ? (
        <Outcome
          outcome={outcome}
          applyTo={<ApplyTarget status={status} />}
          busy={busy}
          readOnly={readOnly}
          onApply={() =>
            void guard(async () => {
              const o = await applyPdb(request());
              if (o.outcome === "changes" || o.outcome === "noChange") {
                setOutcome(null);
                setForm(null);
                setDone("applied");
              } else setOutcome(o);
            })
          }
          onReload={() => setOutcome(null)}
          onClose={() => setOutcome(null)}
        />
      ) : null}
      {confirmDelete && pdb ? (
        <Dialog
          title={t("pdb.deleteTitle", { name: pdb.name })}
          role="alertdialog"
          onCancel={() => setConfirmDelete(false)}
          testId="pdb-delete-dialog"
          actions={
            <>
              <button type="button" className="btn" onClick={() => setConfirmDelete(false)} data-autofocus>
                {t("common.cancel")}
              </button>
              <button
                type="button"
                className="btn btn--danger"
                disabled={busy}
                onClick={() =>
                  void guard(async () => {
                    await deletePdb(status.context, detail.namespace, pdb.name);
                    setConfirmDelete(false);
                    setDone("deleted");
                  })
                }
                data-testid="pdb-delete-confirm"
              >
                {t("pdb.delete")}
              </button>
            </>
          }
        >
          <p>{t("pdb.deleteBody", { name: pdb.name, context: contextLabel(status.context, t) })}</p>
        </Dialog>
      ) : null}
    </div>
  );
}

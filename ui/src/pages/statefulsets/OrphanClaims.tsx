// Orphaned claims of a StatefulSet (named like its claims, for no current ordinal): selectable,
// deleted after the typed word `confirmed`, with each claim's outcome shown.
import { useState } from "react";
import { deleteClaims, type ClaimDeletion, type ClaimStorage, type IpcError, type Protection, type Usage } from "../../api";
import { Dialog } from "../../components/Dialog";
import { Icon } from "../../components/Icon";
import { ErrorState } from "../../components/States";
import { useT } from "../../i18n";
import { contextLabel } from "../../lib/context";
import { CONFIRM_WORD } from "./DeleteDialog";
import { ClaimCells, ClaimHead } from "./ClaimCells";

export function OrphanClaims({
  context,
  namespace,
  protection,
  orphans,
  usage,
}: {
  context: string;
  namespace: string;
  protection: Protection;
  orphans: ClaimStorage[];
  usage: Usage;
}) {
  const t = useT();
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [deleting, setDeleting] = useState<string[] | null>(null);
  const readOnly = protection === "readOnly";
  // A claim that went away (deleted, or adopted again) is no longer selected.
  const chosen = orphans.filter((o) => selected.has(o.name)).map((o) => o.name);
  const toggle = (name: string) =>
    setSelected((s) => {
      const next = new Set(s);
      if (next.has(name)) next.delete(name);
      else next.add(name);
      return next;
    });

  return (
    <section className="panel storage__orphans" data-testid="storage-orphans">
      <header className="storage__head">
        <h3 className="storage__title">{t("storage.orphans")}</h3>
        <span className="faint num">{orphans.length}</span>
        <span className="storage__spacer" />
        <button
          type="button"
          className="btn btn--small btn--danger-outline"
          disabled={readOnly || chosen.length === 0}
          title={readOnly ? t("batch.disabled.readOnly") : undefined}
          onClick={() => setDeleting(chosen)}
          data-testid="orphans-delete"
        >
          <Icon name="trash" />
          {t("storage.orphans.delete")}
        </button>
      </header>
      <p className="faint storage__note">{t("storage.orphans.note")}</p>
      {orphans.length === 0 ? (
        <p className="faint">{t("storage.orphans.none")}</p>
      ) : (
        <div className="table-wrap">
          <table className="table table--storage table--orphans">
            <ClaimHead first={<th className="storage__select" aria-hidden="true" />} />
            <tbody>
              {orphans.map((c) => (
                <tr key={c.name} data-testid="storage-orphan" data-name={c.name} data-ordinal={c.ordinal} data-phase={c.phase} data-capacity={c.capacity ?? ""} className={selected.has(c.name) ? "is-selected" : undefined}>
                  <td className="storage__select">
                    <input type="checkbox" checked={selected.has(c.name)} onChange={() => toggle(c.name)} aria-label={t("storage.orphans.select", { name: c.name })} data-testid="orphan-select" />
                  </td>
                  <ClaimCells c={c} usage={usage} />
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {deleting ? (
        <DeleteClaimsDialog
          context={context}
          namespace={namespace}
          protection={protection}
          names={deleting}
          onClose={(deleted) => {
            setDeleting(null);
            if (deleted.length > 0) setSelected((s) => new Set([...s].filter((n) => !deleted.includes(n))));
          }}
        />
      ) : null}
    </section>
  );
}

function DeleteClaimsDialog({
  context,
  namespace,
  protection,
  names,
  onClose,
}: {
  context: string;
  namespace: string;
  protection: Protection;
  names: string[];
  onClose: (deleted: string[]) => void;
}) {
  const t = useT();
  const [typed, setTyped] = useState("");
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<ClaimDeletion[] | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const matches = typed === CONFIRM_WORD;
  const close = () => onClose(results?.filter((r) => r.error === null).map((r) => r.name) ?? []);

  const run = () => {
    if (!matches || busy) return;
    setBusy(true);
    setError(null);
    deleteClaims(context, namespace, names, CONFIRM_WORD).then(
      (r) => {
        setResults(r);
        setBusy(false);
      },
      (e: IpcError) => {
        setError(e);
        setBusy(false);
      },
    );
  };

  return (
    <Dialog
      role="alertdialog"
      wide
      testId="orphans-dialog"
      title={
        <>
          <Icon name="trash" className="danger" />
          {t("orphans.title", { count: names.length })}
        </>
      }
      onCancel={() => (busy ? undefined : close())}
      actions={
        results ? (
          <button type="button" className="btn btn--primary" onClick={close} data-testid="orphans-close" data-autofocus>
            {t("common.close")}
          </button>
        ) : (
          <>
            <button type="button" className="btn btn--primary" onClick={close} disabled={busy} data-testid="orphans-cancel" data-autofocus>
              {t("common.cancel")}
            </button>
            <button type="button" className="btn btn--danger" disabled={!matches || busy} onClick={run} data-testid="orphans-confirm-delete">
              {busy ? t("orphans.deleting") : t("orphans.confirm", { count: names.length })}
            </button>
          </>
        )
      }
    >
      <div className={`delete__context${protection === "production" ? " delete__context--production" : ""}`} data-protection={protection}>
        <span className="delete__context-label">{t("delete.context")}</span>
        <span className="mono">{contextLabel(context, t)}</span>
        {protection === "production" ? <span className="badge badge--danger">{t("protection.production")}</span> : null}
      </div>
      <ul className="delete__list" data-testid="orphans-targets">
        {names.map((n) => {
          const r = results?.find((x) => x.name === n);
          return (
            <li key={n}>
              <span className="badge">PVC</span>
              <span className="mono">{n}</span>
              <span className="faint mono">{t("delete.inNamespace", { namespace })}</span>
              {r ? (
                <span className={`status status--${r.error ? "failed" : "ok"}`} data-testid="orphan-result" data-name={n} data-ok={String(r.error === null)} title={r.error?.detail}>
                  <Icon name={r.error ? "error" : "ok"} className="status__icon" />
                  {r.error ? t("orphans.result.failed", { message: r.error.message }) : t("orphans.result.ok")}
                </span>
              ) : null}
            </li>
          );
        })}
      </ul>
      {error ? <ErrorState error={error} inline /> : null}
      {results ? null : (
        <>
          <p className="notice notice--warn">
            <Icon name="warning" />
            <span>{t("orphans.body")}</span>
          </p>
          <label className="delete__confirm">
            <span>{t("delete.typeToConfirm", { word: CONFIRM_WORD })}</span>
            <input
              className="control mono"
              data-testid="orphans-confirm"
              value={typed}
              spellCheck={false}
              autoComplete="off"
              autoCapitalize="off"
              disabled={busy}
              onChange={(e) => setTyped(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === "Enter") {
                  e.preventDefault();
                  run();
                }
              }}
            />
          </label>
        </>
      )}
    </Dialog>
  );
}

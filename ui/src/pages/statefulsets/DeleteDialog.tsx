import { useEffect, useId, useRef, useState } from "react";
import type { ObjectRef, Propagation, Protection } from "../../api";
import { Icon } from "../../components/Icon";
import { useT } from "../../i18n";
import { contextLabel } from "../../lib/context";

export const CONFIRM_WORD = "confirmed";
const PROPAGATIONS: Propagation[] = ["Background", "Foreground", "Orphan"];

export function DeleteDialog({
  targets,
  facts,
  context,
  protection,
  retentionPolicy = true,
  onCancel,
  onConfirm,
}: {
  targets: ObjectRef[];
  /** Each target's row facts (`claims`, `claimsDeletedWithSet`), by `namespace/name`. */
  facts?: Record<string, Record<string, number>>;
  context: string;
  protection: Protection;
  /** The server has StatefulSets' PVC retention policy (Kubernetes 1.27+); without it claims are always kept. */
  retentionPolicy?: boolean;
  onCancel: () => void;
  onConfirm: (propagation: Propagation) => void;
}) {
  const t = useT();
  const titleId = useId();
  const cancelRef = useRef<HTMLButtonElement>(null);
  const [typed, setTyped] = useState("");
  const [propagation, setPropagation] = useState<Propagation>("Background");
  const matches = typed === CONFIRM_WORD;

  useEffect(() => {
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    cancelRef.current?.focus();
    return () => previous?.focus();
  }, []);

  return (
    <div className="overlay" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <div
        className="dialog dialog--wide"
        role="alertdialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid="delete-dialog"
        onKeyDown={(e) => {
          if (e.key === "Escape") {
            e.preventDefault();
            e.stopPropagation();
            onCancel();
          } else if (e.key === "Tab") {
            // Keep focus inside the dialog.
            const focusable = [...e.currentTarget.querySelectorAll<HTMLElement>("input:not(:disabled), button:not(:disabled)")];
            const first = focusable[0];
            const last = focusable[focusable.length - 1];
            if (e.shiftKey && document.activeElement === first) {
              e.preventDefault();
              last?.focus();
            } else if (!e.shiftKey && document.activeElement === last) {
              e.preventDefault();
              first?.focus();
            }
          }
        }}
      >
        <div className="dialog__head">
          <h2 id={titleId} className="dialog__title">
            <Icon name="trash" className="danger" />
            {targets.length === 1 ? t("delete.titleOne", { name: targets[0]?.name ?? "" }) : t("delete.title", { count: targets.length })}
          </h2>
        </div>
        <div className={`delete__context${protection === "production" ? " delete__context--production" : ""}`} data-testid="delete-context" data-protection={protection}>
          <span className="delete__context-label">{t("delete.context")}</span>
          <span className="mono">{contextLabel(context, t)}</span>
          {protection === "production" ? <span className="badge badge--danger">{t("protection.production")}</span> : null}
        </div>
        <ul className="delete__list" data-testid="delete-targets">
          {targets.map((o) => (
            <li key={`${o.namespace ?? ""}/${o.name}`}>
              <span className="badge">SS</span>
              <span className="mono">{o.name}</span>
              {o.namespace ? <span className="faint mono">{t("delete.inNamespace", { namespace: o.namespace })}</span> : null}
              <ClaimFate f={facts?.[`${o.namespace ?? ""}/${o.name}`]} retentionPolicy={retentionPolicy} />
            </li>
          ))}
        </ul>
        <p className="notice notice--warn">
          <Icon name="info" />
          <span data-testid="delete-pvc-note">{retentionPolicy ? t("delete.pvcNote") : t("delete.pvcNote.noRetention")}</span>
        </p>
        {/* A radiogroup rather than a fieldset: WebKitGTK laid the fieldset's legend out taller
            (Chinese: 17 px) until the first pointer event, moving the buttons under the pointer. */}
        <div className="delete__propagation" role="radiogroup" aria-labelledby={`${titleId}-propagation`}>
          <span id={`${titleId}-propagation`} className="delete__propagation-title">
            {t("delete.propagation")}
          </span>
          {PROPAGATIONS.map((p) => (
            <label key={p} className="radio">
              <input type="radio" name="propagation" value={p} checked={propagation === p} onChange={() => setPropagation(p)} data-testid={`propagation-${p}`} />
              <span>{t(`delete.propagation.${p}`)}</span>
            </label>
          ))}
        </div>
        <label className="delete__confirm">
          <span>{t("delete.typeToConfirm", { word: CONFIRM_WORD })}</span>
          <input
            className="control mono"
            data-testid="delete-confirm-input"
            value={typed}
            spellCheck={false}
            autoComplete="off"
            autoCapitalize="off"
            onChange={(e) => setTyped(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === "Enter") e.preventDefault();
            }}
          />
        </label>
        <div className="dialog__actions">
          <button ref={cancelRef} type="button" className="btn btn--primary" onClick={onCancel} data-testid="delete-cancel">
            {t("common.cancel")}
          </button>
          <button
            type="button"
            className="btn btn--danger"
            disabled={!matches}
            onClick={() => matches && onConfirm(propagation)}
            data-testid="delete-confirm-button"
          >
            {t("delete.confirm", { count: targets.length })}
          </button>
        </div>
      </div>
    </div>
  );
}

/** What deleting does to one StatefulSet's PVCs, from its retention policy. */
function ClaimFate({ f, retentionPolicy }: { f: Record<string, number> | undefined; retentionPolicy: boolean }) {
  const t = useT();
  if (!f) return null;
  const claims = f.claims ?? 0;
  if (claims === 0) return <span className="faint" data-testid="delete-claims" data-fate="none">{t("delete.claims.none")}</span>;
  return f.claimsDeletedWithSet ? (
    <span className="badge badge--danger" data-testid="delete-claims" data-fate="deleted">
      {t("delete.claims.deleted", { count: claims })}
    </span>
  ) : (
    <span className="badge" data-testid="delete-claims" data-fate="kept">
      {retentionPolicy ? t("delete.claims.kept", { count: claims }) : t("delete.claims.keptAlways", { count: claims })}
    </span>
  );
}

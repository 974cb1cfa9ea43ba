// The Grow storage dialog: pick a claim template and a new size, run the preflight (every check
// with ✓/✗), confirm (typed `<name> <size>` on production contexts), then follow the procedure.
// A resumed grow (interrupted by an exit) opens straight on its progress.
import { useEffect, useId, useState } from "react";
import { growStorage, planGrow, resumeGrow, type ClaimTemplateView, type ClusterStatus, type GrowPlan, type GrowRecord, type IpcError } from "../../api";
import { Dialog } from "../../components/Dialog";
import { Icon } from "../../components/Icon";
import { ErrorState } from "../../components/States";
import { isMessageKey, useT, useTx } from "../../i18n";
import { QUANTITY, quantityBytes } from "../../lib/quantity";
import { GrowProgress, setIsGone, useGrowRun } from "./GrowProgress";

export function GrowDialog({
  status,
  namespace,
  name,
  templates,
  template: initialTemplate,
  resume,
  onClose,
}: {
  status: ClusterStatus;
  namespace: string;
  name: string;
  /** The set's claim templates (the dialog is not offered without one). */
  templates: ClaimTemplateView[];
  template?: string;
  /** An interrupted grow to continue (the dialog then shows only its progress). */
  resume?: GrowRecord;
  onClose: () => void;
}) {
  const t = useT();
  const tx = useTx();
  const ids = useId();
  const [template, setTemplate] = useState(resume?.request.template ?? initialTemplate ?? templates[0]?.name ?? "");
  const [size, setSize] = useState(resume?.request.size ?? "");
  const [plan, setPlan] = useState<{ key: string; plan: GrowPlan } | null>(null);
  const [planError, setPlanError] = useState<IpcError | null>(null);
  const [checking, setChecking] = useState(false);
  const [typed, setTyped] = useState("");
  const { run, start } = useGrowRun();
  const production = status.protection === "production";

  useEffect(() => {
    if (resume) start([], (onEvent) => resumeGrow(status.context, resume.id, onEvent));
    // A resume starts once, when the dialog opens.
  }, []);

  const current = templates.find((x) => x.name === template)?.size ?? null;
  const trimmed = size.trim();
  const valid = QUANTITY.test(trimmed);
  const wanted = valid ? quantityBytes(trimmed) : null;
  const now = quantityBytes(current);
  const notLarger = wanted !== null && now !== null && wanted <= now;
  const key = `${template}|${trimmed}`;
  const livePlan = plan?.key === key ? plan.plan : null;
  const expected = `${name} ${trimmed}`;
  const canGrow = livePlan !== null && livePlan.ready && (!production || typed === expected);
  const request = { context: status.context, namespace, name, template, size: trimmed };

  const check = () => {
    if (!valid || notLarger || checking) return;
    setChecking(true);
    setPlanError(null);
    planGrow(request).then(
      (p) => {
        setPlan({ key, plan: p });
        setChecking(false);
      },
      (e: IpcError) => {
        setPlanError(e);
        setChecking(false);
      },
    );
  };

  const running = run !== null && run.finished === null;
  const locked = run !== null && setIsGone(run);
  const shownSize = resume?.request.size ?? trimmed;

  return (
    <Dialog
      wide
      testId="grow-dialog"
      title={
        <>
          <Icon name="plus" />
          {t("grow.title", { name })}
        </>
      }
      // Escape or a click outside never ends a running grow's view by accident.
      onCancel={() => (running ? undefined : onClose())}
      actions={
        <>
          <button type="button" className="btn" onClick={onClose} disabled={locked} title={locked ? t("grow.keepOpen") : undefined} data-testid="grow-close">
            {run ? t("common.close") : t("common.cancel")}
          </button>
          {run ? null : (
            <button
              type="button"
              className="btn btn--primary"
              disabled={!canGrow}
              title={livePlan === null ? t("grow.checkFirst") : !livePlan.ready ? t("grow.notReady") : undefined}
              onClick={() => {
                if (!canGrow || !livePlan) return;
                start(livePlan.claims, (onEvent) => growStorage(request, production ? typed : null, onEvent));
              }}
              data-testid="grow-start"
            >
              {t("grow.start")}
            </button>
          )}
        </>
      }
    >
      {run ? (
        <>
          <p>
            {t("grow.running", { template, name, size: shownSize })}
          </p>
          <GrowProgress run={run} name={name} size={shownSize} />
        </>
      ) : (
        <div className="grow__form">
          <label className="field" htmlFor={`${ids}-template`}>
            <span className="field__label">{t("grow.template")}</span>
            {templates.length > 1 ? (
              <select id={`${ids}-template`} className="control mono" value={template} onChange={(e) => setTemplate(e.target.value)} data-testid="grow-template">
                {templates.map((x) => (
                  <option key={x.name} value={x.name}>
                    {x.name}
                  </option>
                ))}
              </select>
            ) : (
              <span id={`${ids}-template`} className="mono" data-testid="grow-template">
                {template}
              </span>
            )}
          </label>
          <p className="faint" data-testid="grow-current">
            {t("grow.current", { size: current ?? "?" })}
            {templates.find((x) => x.name === template)?.storageClass ? <span className="mono"> · {templates.find((x) => x.name === template)?.storageClass}</span> : null}
          </p>
          <label className="field" htmlFor={`${ids}-size`}>
            <span className="field__label">{t("grow.size")}</span>
            <span className="grow__size">
              <input
                id={`${ids}-size`}
                className={`control mono${trimmed && (!valid || notLarger) ? " control--invalid" : ""}`}
                value={size}
                placeholder="20Gi"
                spellCheck={false}
                autoComplete="off"
                aria-invalid={trimmed !== "" && (!valid || notLarger)}
                aria-describedby={`${ids}-size-msg`}
                onChange={(e) => setSize(e.target.value)}
                onKeyDown={(e) => {
                  if (e.key === "Enter") {
                    e.preventDefault();
                    check();
                  }
                }}
                data-testid="grow-size"
              />
              <button type="button" className="btn" disabled={!valid || notLarger || checking} onClick={check} data-testid="grow-check-run">
                {checking ? <span className="spinner spinner--small" aria-hidden="true" /> : <Icon name="ok" />}
                {checking ? t("grow.checking") : t("grow.check")}
              </button>
            </span>
          </label>
          <span id={`${ids}-size-msg`}>
            {trimmed && !valid ? (
              <span className="field__error" role="alert" data-testid="grow-size-error" data-reason="invalid">
                <Icon name="error" />
                {t("grow.size.invalid")}
              </span>
            ) : notLarger ? (
              <span className="field__error" role="alert" data-testid="grow-size-error" data-reason="notLarger">
                <Icon name="error" />
                {t("grow.size.notLarger", { size: trimmed, current: current ?? "?" })}
              </span>
            ) : (
              <span className="faint">{t("grow.size.hint")}</span>
            )}
          </span>
          {planError ? <ErrorState error={planError} inline /> : null}
          {livePlan ? (
            <section className="grow__checks" data-testid="grow-checks" data-ready={String(livePlan.ready)}>
              <h3 className="grow__subtitle">{t("grow.checks")}</h3>
              <ul className="grow__check-list">
                {livePlan.checks.map((c, i) => {
                  const text = `${c.key}.${c.ok ? "ok" : "failed"}`;
                  return (
                    <li key={i} className={`status status--${c.ok ? "ok" : "failed"}`} data-testid="grow-check" data-key={c.key} data-ok={String(c.ok)}>
                      <span aria-hidden="true" className="grow__mark">{c.ok ? "✓" : "✗"}</span>
                      <span className="status__text">{isMessageKey(text) ? tx(text, c.params) : tx(c.key, c.params)}</span>
                    </li>
                  );
                })}
              </ul>
              <p className={livePlan.ready ? "faint" : "field__error"}>{livePlan.ready ? t("grow.ready") : t("grow.notReady")}</p>
              {livePlan.ready ? <p className="faint">{t("grow.procedure")}</p> : null}
              <p className="faint" data-testid="grow-path" data-offered={String(livePlan.updatePolicyOffered)}>
                {livePlan.updatePolicyOffered === true ? t("grow.path.policyOffered") : livePlan.updatePolicyOffered === false ? t("grow.path.policyAbsent") : t("grow.path.unknown")}
              </p>
            </section>
          ) : null}
          {production && livePlan?.ready ? (
            <label className="delete__confirm delete__context--production">
              <span>{t("grow.confirm", { text: expected })}</span>
              <input className="control mono" value={typed} spellCheck={false} autoComplete="off" autoCapitalize="off" onChange={(e) => setTyped(e.target.value)} data-testid="grow-confirm" />
            </label>
          ) : null}
        </div>
      )}
    </Dialog>
  );
}

// The flow every edit form shares: read the live object → the form (validated locally, messages at
// the fields) → "Preview": read the live object again, apply the form to it, server-side apply dry
// run (plan_edit) → the diff (or conflicts / changed / invalid, as in the YAML tab) → "Apply"
// (apply_edit). Server problems are shown at the field they name when the form has it.
import { useEffect, useState, type ReactNode } from "react";
import { readObject, type ApplyOutcome, type ClusterStatus, type EditTarget, type IpcError } from "../../../api";
import { Dialog } from "../../../components/Dialog";
import { ApplyTarget, EditOutcome } from "../../../components/EditOutcome";
import { Icon } from "../../../components/Icon";
import { ErrorState, LoadingState } from "../../../components/States";
import { useT } from "../../../i18n";
import { contextLabel } from "../../../lib/context";
import { useReviewedEdit } from "../../../state/review";
import { blocking, fieldOfPath, parseObject, type Issue, type Issues, type Obj } from "./model";

export type FormSpec<V> = {
  title: string;
  testId: string;
  from: (obj: Obj) => V;
  validate: (values: V, obj: Obj) => Issues;
  /** The new YAML text: `values` applied to `yaml` (the live object, `obj` parsed). */
  apply: (yaml: string, values: V, obj: Obj, initial: V) => string;
  Fields: (props: { values: V; set: (v: V) => void; issues: Issues; obj: Obj }) => ReactNode;
  /** A note shown above the fields. */
  note?: (values: V) => ReactNode;
};

export function EditFormDialog<V>({ spec, target, status, onClose }: { spec: FormSpec<V>; target: EditTarget; status: ClusterStatus; onClose: () => void }) {
  const t = useT();
  const [loaded, setLoaded] = useState<{ obj: Obj; initial: V } | null>(null);
  const [values, setValues] = useState<V | null>(null);
  const [loadError, setLoadError] = useState<IpcError | null>(null);
  const [server, setServer] = useState<Issues>({});
  // The server's 422 causes, mapped to the form's fields.
  const outcomeProblems = (o: ApplyOutcome) => {
    const mapped: Issues = {};
    if (o.outcome === "invalid") {
      for (const p of o.problems) {
        const f = fieldOfPath(p.field);
        if (f && !mapped[f]) mapped[f] = { key: "form.serverProblem", params: { message: p.message } };
      }
    }
    setServer(mapped);
  };
  const { review: plan, busy, error, applied, preview: dryRun, apply, dismiss } = useReviewedEdit(target, { onOutcome: outcomeProblems });
  const readOnly = status.protection === "readOnly";

  useEffect(() => {
    let cancelled = false;
    readObject(target).then(
      (o) => {
        if (cancelled) return;
        const obj = parseObject(o.yaml);
        const initial = spec.from(obj);
        setLoaded({ obj, initial });
        setValues(initial);
      },
      (e: IpcError) => {
        if (!cancelled) setLoadError(e);
      },
    );
    return () => {
      cancelled = true;
    };
  }, [target.context, target.namespace, target.name]);

  const local = loaded && values ? spec.validate(values, loaded.obj) : {};
  const issues: Issues = { ...server, ...local };
  const blocked = blocking(local);

  const preview = async () => {
    if (!values || !loaded) return;
    await dryRun(async () => {
      const live = await readObject(target);
      return { base: live.yaml, yaml: spec.apply(live.yaml, values, parseObject(live.yaml), loaded.initial) };
    });
  };

  let body: ReactNode;
  if (loadError) body = <ErrorState error={loadError} inline />;
  else if (!loaded || !values) body = <LoadingState />;
  else if (applied !== null)
    body = (
      <p className="notice notice--ok" role="status" data-testid="form-applied">
        <Icon name="ok" />
        <span>{t("form.applied", { version: applied })}</span>
      </p>
    );
  else if (plan)
    body = (
      <>
        {Object.keys(server).length > 0 ? <FieldsSummary issues={server} /> : null}
        <EditOutcome
          outcome={plan.outcome}
          applyTo={<ApplyTarget status={status} />}
          busy={busy}
          readOnly={readOnly}
          onApply={(force) => void apply(force)}
          onReload={() => void preview()}
          onClose={dismiss}
        />
      </>
    );
  else
    body = (
      <>
        {spec.note ? spec.note(values) : null}
        <div className="form" data-testid="form-fields">
          <spec.Fields values={values} set={(v) => { setValues(v); setServer({}); }} issues={issues} obj={loaded.obj} />
        </div>
      </>
    );

  const actions =
    applied !== null ? (
      <button type="button" className="btn btn--primary" onClick={onClose} data-testid="form-close">
        {t("common.close")}
      </button>
    ) : plan ? (
      <button type="button" className="btn" onClick={dismiss} data-testid="form-back">
        {t("form.back")}
      </button>
    ) : (
      <>
        <button type="button" className="btn" onClick={onClose} data-testid="form-cancel">
          {t("common.cancel")}
        </button>
        <button
          type="button"
          className="btn btn--primary"
          disabled={busy || !values || blocked || readOnly}
          title={readOnly ? t("batch.disabled.readOnly") : blocked ? t("form.fixFields") : undefined}
          onClick={() => void preview()}
          data-testid="form-preview"
        >
          {busy ? <span className="spinner spinner--small" aria-hidden="true" /> : null}
          {t("form.preview")}
        </button>
      </>
    );

  return (
    <Dialog title={spec.title} onCancel={onClose} actions={actions} testId={spec.testId} wide>
      <div className="form-target faint mono">
        {target.namespace}/{target.name} · {contextLabel(status.context, t)}
      </div>
      {error ? <ErrorState error={error} inline /> : null}
      {body}
    </Dialog>
  );
}

function FieldsSummary({ issues }: { issues: Issues }) {
  const tx = useIssueText();
  return (
    <ul className="form-server-problems" data-testid="form-server-problems">
      {Object.entries(issues).map(([f, i]) => (
        <li key={f}>
          <code>{f}</code> {tx(i)}
        </li>
      ))}
    </ul>
  );
}

export function useIssueText() {
  const t = useT();
  return (i: Issue): string => {
    if (i.key === "form.serverProblem") return `${t("form.serverProblem")}: ${String(i.params?.message ?? "")}`;
    // Keys with params are typed per key; the model only uses matching params.
    return (t as unknown as (k: string, p?: Record<string, string | number>) => string)(i.key, i.params);
  };
}

/** One labelled control with its message underneath. */
export function Field({ id, label, issues, children, wide }: { id: string; label: string; issues: Issues; children: (props: FieldProps) => ReactNode; wide?: boolean }) {
  const tx = useIssueText();
  const issue = issues[id];
  const domId = `f-${id.replace(/[^A-Za-z0-9_-]/g, "-")}`;
  const props: FieldProps = {
    id: domId,
    "aria-invalid": issue && !issue.warn ? true : undefined,
    "aria-describedby": issue ? `${domId}-msg` : undefined,
    "data-testid": `field-${id}`,
    className: `control${issue && !issue.warn ? " control--invalid" : ""}`,
  };
  return (
    <div className={`form-row${wide ? " form-row--wide" : ""}`}>
      <label htmlFor={domId}>{label}</label>
      {children(props)}
      {issue ? (
        <span id={`${domId}-msg`} className={issue.warn ? "field__warn" : "field__error"} role={issue.warn ? "status" : "alert"} data-testid={`issue-${id}`}>
          <Icon name={issue.warn ? "warning" : "error"} size={12} />
          {tx(issue)}
        </span>
      ) : null}
    </div>
  );
}

export type FieldProps = {
  id: string;
  "aria-invalid": true | undefined;
  "aria-describedby": string | undefined;
  "data-testid": string;
  className: string;
};

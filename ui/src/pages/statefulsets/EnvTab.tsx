// The Environment tab: each container's env vars and envFrom sources. Secret values are never in
// the detail; "Reveal" asks for one key on click (and "Hide" forgets it). ConfigMap values are
// read on click too, so the value shown is current and no ConfigMap watch runs for this tab.
// Literal vars are added, changed and removed with a small form: the object is read, the change
// made to its YAML here, and the usual dry run (diff) → apply flow of the YAML tab runs.
import { useState } from "react";
import { parse, stringify } from "yaml";
import {
  configMapValue,
  readObject,
  revealSecretValue,
  type ClusterStatus,
  type ContainerEnvView,
  type EditTarget,
  type EnvVarView,
  type IpcError,
} from "../../api";
import { Icon } from "../../components/Icon";
import { EmptyState, ErrorState } from "../../components/States";
import { useT } from "../../i18n";
import { ApplyTarget, EditOutcome as Outcome } from "../../components/EditOutcome";
import { useReviewedEdit } from "../../state/review";

export type EnvEdit = { op: "set"; name: string; value: string; previousName?: string } | { op: "remove"; name: string };

type Json = Record<string, unknown>;

/** The object's YAML with one literal env var of one container set or removed. */
export function withEnvEdit(yaml: string, container: { init: boolean; index: number; name: string }, edit: EnvEdit): string {
  const obj = parse(yaml) as Json;
  const podSpec = ((obj.spec as Json)?.template as Json)?.spec as Json | undefined;
  const list = podSpec?.[container.init ? "initContainers" : "containers"] as Json[] | undefined;
  const c = list?.[container.index];
  if (!c || c.name !== container.name) throw new Error(`container ${container.name} is no longer in the object`);
  const env = ((c.env as Json[] | undefined) ?? []).slice();
  if (edit.op === "remove") {
    c.env = env.filter((e) => e.name !== edit.name);
  } else {
    const at = env.findIndex((e) => e.name === (edit.previousName ?? edit.name));
    const entry = { name: edit.name, value: edit.value };
    if (at >= 0) env[at] = entry;
    else env.push(entry);
    c.env = env;
  }
  if ((c.env as Json[]).length === 0) delete c.env;
  return stringify(obj);
}

/** Kubernetes accepts any printable ASCII except `=` (a C identifier is the portable choice). */
export function envNameError(name: string, taken: string[]): "empty" | "invalid" | "taken" | null {
  if (name === "") return "empty";
  if (!/^[\x21-\x3c\x3e-\x7e]+$/.test(name)) return "invalid";
  if (taken.includes(name)) return "taken";
  return null;
}

export function EnvTab({ status, target, containers, onOpenYaml }: { status: ClusterStatus; target: EditTarget; containers: ContainerEnvView[]; onOpenYaml: () => void }) {
  const t = useT();
  if (containers.length === 0) {
    return (
      <EmptyState icon="empty" title={t("env.none")}>
        <p />
      </EmptyState>
    );
  }
  return (
    <div className="env-tab" data-testid="env-tab">
      <div className="yaml-tab__bar">
        <span className="faint">{t("env.note")}</span>
        <span className="yaml-tab__spacer" />
        <button type="button" className="btn" onClick={onOpenYaml} data-testid="env-open-yaml">
          {t("env.editYaml")}
        </button>
      </div>
      {containers.map((c) => (
        <ContainerEnv key={`${c.init ? "init" : "app"}-${c.index}`} status={status} target={target} container={c} />
      ))}
    </div>
  );
}

type Form = { name: string; value: string; previousName?: string };

function ContainerEnv({ status, target, container }: { status: ClusterStatus; target: EditTarget; container: ContainerEnvView }) {
  const t = useT();
  const readOnly = status.protection === "readOnly";
  const [form, setForm] = useState<Form | null>(null);
  const { review, busy, error, applied, preview, apply, dismiss } = useReviewedEdit(target);
  const names = container.env.map((e) => e.name);
  const nameError = form ? envNameError(form.name, names.filter((n) => n !== form.previousName)) : null;

  const plan = async (edit: EnvEdit) => {
    const reviewed = await preview(async () => {
      const base = await readObject(target);
      return { base: base.yaml, yaml: withEnvEdit(base.yaml, container, edit) };
    });
    if (reviewed) setForm(null);
  };

  return (
    <section className="panel" data-testid="env-container" data-container={container.name} data-init={container.init ? "true" : undefined}>
      <h2 className="panel__title">
        <span className="mono">{container.name}</span> {container.init ? <span className="badge">{t("env.init")}</span> : null}
      </h2>
      {container.env.length === 0 && container.envFrom.length === 0 ? <p className="faint">{t("env.empty")}</p> : null}
      {container.env.length > 0 ? (
        <table className="table table--compact env-table">
          <thead>
            <tr>
              <th>{t("env.col.name")}</th>
              <th>{t("env.col.value")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {container.env.map((v) => (
              <tr key={v.name} data-testid="env-var" data-name={v.name}>
                <td className="mono">{v.name}</td>
                <td>
                  <EnvValue v={v} context={target.context} namespace={target.namespace} />
                </td>
                <td className="cell-flex">
                  {v.source.type === "literal" ? (
                    <>
                      <button type="button" className="btn btn--small" disabled={readOnly || busy} title={readOnly ? t("batch.disabled.readOnly") : undefined} onClick={() => setForm({ name: v.name, value: v.source.type === "literal" ? v.source.value : "", previousName: v.name })} data-testid="env-edit">
                        {t("env.edit")}
                      </button>
                      <button type="button" className="btn btn--small" disabled={readOnly || busy} title={readOnly ? t("batch.disabled.readOnly") : undefined} onClick={() => void plan({ op: "remove", name: v.name })} data-testid="env-remove" aria-label={t("env.remove", { name: v.name })}>
                        <Icon name="trash" size={14} />
                      </button>
                    </>
                  ) : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
      {container.envFrom.length > 0 ? (
        <ul className="kv" data-testid="env-from">
          {container.envFrom.map((f, i) => (
            <li key={i}>
              {f.kind === "secret" ? t("env.fromSecret", { name: f.name }) : t("env.fromConfigMap", { name: f.name })}
              {f.prefix ? <span className="faint"> · {t("env.prefix", { prefix: f.prefix })}</span> : null}
              {f.optional ? <span className="faint"> · {t("env.optional")}</span> : null}
            </li>
          ))}
        </ul>
      ) : null}

      {form ? (
        <form
          className="form-row form-row--inline"
          data-testid="env-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (!nameError) void plan({ op: "set", name: form.name, value: form.value, ...(form.previousName ? { previousName: form.previousName } : {}) });
          }}
        >
          <input className="control mono" aria-label={t("env.col.name")} placeholder={t("env.col.name")} value={form.name} spellCheck={false} onChange={(e) => setForm({ ...form, name: e.target.value })} data-testid="env-form-name" />
          <input className="control mono" aria-label={t("env.col.value")} placeholder={t("env.col.value")} value={form.value} spellCheck={false} onChange={(e) => setForm({ ...form, value: e.target.value })} data-testid="env-form-value" />
          <button type="button" className="btn" onClick={() => setForm(null)}>
            {t("common.cancel")}
          </button>
          <button type="submit" className="btn btn--primary" disabled={busy || nameError !== null} data-testid="env-form-review">
            {t("yaml.review")}
          </button>
          {nameError && form.name !== "" ? (
            <p className="field__error" role="alert" data-testid="env-form-error">
              <Icon name="error" size={12} />
              {t(`env.nameError.${nameError}`)}
            </p>
          ) : null}
        </form>
      ) : (
        <button type="button" className="btn btn--small" disabled={readOnly || busy} title={readOnly ? t("batch.disabled.readOnly") : undefined} onClick={() => setForm({ name: "", value: "" })} data-testid="env-add">
          <Icon name="plus" size={14} /> {t("env.add")}
        </button>
      )}

      {error ? <ErrorState error={error} inline /> : null}
      {applied !== null ? (
        <p className="notice notice--ok" role="status" data-testid="env-applied">
          <Icon name="ok" />
          <span>{t("env.applied")}</span>
        </p>
      ) : null}
      {review ? (
        <Outcome outcome={review.outcome} applyTo={<ApplyTarget status={status} />} busy={busy} readOnly={readOnly} onApply={(force) => void apply(force)} onReload={dismiss} onClose={dismiss} />
      ) : null}
    </section>
  );
}

/** A value as written, or its reference; secret and ConfigMap values only on click. */
function EnvValue({ v, context, namespace }: { v: EnvVarView; context: string; namespace: string }) {
  const t = useT();
  const [shown, setShown] = useState<string | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [busy, setBusy] = useState(false);
  const s = v.source;
  const fetch = async (get: () => Promise<string>) => {
    setBusy(true);
    setError(null);
    try {
      setShown(await get());
    } catch (e) {
      setError(e as IpcError);
    } finally {
      setBusy(false);
    }
  };
  switch (s.type) {
    case "literal":
      return s.value === "" ? <span className="faint">{t("env.emptyValue")}</span> : <span className="mono" data-testid="env-literal">{s.value}</span>;
    case "field":
      return <span data-testid="env-ref">{t("env.ref.field", { path: s.fieldPath })}</span>;
    case "resourceField":
      return (
        <span data-testid="env-ref">
          {t("env.ref.resource", { resource: s.resource })}
          {s.containerName ? <span className="faint"> · {s.containerName}</span> : null}
          {s.divisor ? <span className="faint"> · {t("env.divisor", { divisor: s.divisor })}</span> : null}
        </span>
      );
    case "configMapKey":
    case "secretKey": {
      const secret = s.type === "secretKey";
      return (
        <span className="cell-flex" data-testid="env-ref">
          <span>{secret ? t("env.ref.secret", { name: s.name, key: s.key }) : t("env.ref.configMap", { name: s.name, key: s.key })}</span>
          {s.optional ? <span className="faint">{t("env.optional")}</span> : null}
          {shown !== null ? (
            <>
              <span className="mono" data-testid={secret ? "env-secret-value" : "env-config-value"}>{shown}</span>
              <button type="button" className="btn btn--small" onClick={() => setShown(null)} data-testid="env-hide">
                {t("env.hide")}
              </button>
            </>
          ) : (
            <button
              type="button"
              className="btn btn--small"
              disabled={busy}
              onClick={() => void fetch(() => (secret ? revealSecretValue(context, namespace, s.name, s.key) : configMapValue(context, namespace, s.name, s.key)))}
              data-testid={secret ? "env-reveal" : "env-show"}
            >
              {secret ? t("env.reveal") : t("env.show")}
            </button>
          )}
          {error ? <span className="field__error" role="alert" data-testid="env-value-error">{error.message}</span> : null}
        </span>
      );
    }
  }
}

// The edit forms: each a FormSpec (title, object → values, validation, values → YAML, fields).
import { useState } from "react";
import { Icon } from "../../../components/Icon";
import type { Translate } from "../../../i18n";
import { Field, type FormSpec } from "./EditFormDialog";
import * as m from "./model";

export type FormId = "replicas" | "strategy" | "resources" | "health" | "storage" | "labels";

// One set of specs per translator (one per language): the same spec, and so the same `Fields`
// component, on every render. A spec made anew per render would remount the form's fields each
// time the detail updates, replacing the inputs under the user's cursor.
const SPECS = new WeakMap<Translate, Record<FormId, unknown>>();

export function formSpec(id: FormId, t: Translate): FormSpec<unknown> {
  let specs = SPECS.get(t);
  if (!specs) {
    specs = {
      replicas: replicasSpec(t),
      strategy: strategySpec(t),
      resources: resourcesSpec(t),
      health: healthSpec(t),
      storage: storageSpec(t),
      labels: labelsSpec(t),
    };
    SPECS.set(t, specs);
  }
  return specs[id] as FormSpec<unknown>;
}

function replicasSpec(t: Translate): FormSpec<m.ReplicasForm> {
  return {
    title: t("form.replicas.title"),
    testId: "form-replicas",
    from: m.replicasFrom,
    validate: m.validateReplicas,
    apply: (yaml, v) => m.applyReplicas(yaml, v),
    Fields: ({ values, set, issues }) => (
      <Field id="replicas" label={t("form.replicas.label")} issues={issues}>
        {(p) => <input {...p} className={`${p.className} num`} inputMode="numeric" value={values.replicas} onChange={(e) => set({ replicas: e.target.value })} />}
      </Field>
    ),
  };
}

function strategySpec(t: Translate): FormSpec<m.StrategyForm> {
  return {
    title: t("form.strategy.title"),
    testId: "form-strategy",
    from: m.strategyFrom,
    validate: m.validateStrategy,
    apply: (yaml, v) => m.applyStrategy(yaml, v),
    Fields: ({ values, set, issues }) => (
      <>
        <fieldset className="form-fieldset">
          <legend>{t("form.strategy.type")}</legend>
          {(["RollingUpdate", "OnDelete"] as const).map((type) => (
            <label key={type} className="radio">
              <input type="radio" name="strategy" checked={values.type === type} onChange={() => set({ ...values, type })} data-testid={`strategy-${type}`} />
              <span>{type === "RollingUpdate" ? t("form.strategy.rolling") : t("form.strategy.onDelete")}</span>
            </label>
          ))}
        </fieldset>
        {values.type === "RollingUpdate" ? (
          <div className="form-cols">
            <Field id="partition" label={t("form.strategy.partition")} issues={issues}>
              {(p) => <input {...p} inputMode="numeric" value={values.partition} onChange={(e) => set({ ...values, partition: e.target.value })} />}
            </Field>
            <Field id="maxUnavailable" label={t("form.strategy.maxUnavailable")} issues={issues}>
              {(p) => <input {...p} value={values.maxUnavailable} onChange={(e) => set({ ...values, maxUnavailable: e.target.value })} />}
            </Field>
          </div>
        ) : null}
      </>
    ),
  };
}

function resourcesSpec(t: Translate): FormSpec<m.ResourcesForm> {
  const cols = ["cpuRequest", "cpuLimit", "memoryRequest", "memoryLimit"] as const;
  return {
    title: t("form.resources.title"),
    testId: "form-resources",
    from: m.resourcesFrom,
    validate: (v) => m.validateResources(v),
    apply: (yaml, v) => m.applyResources(yaml, v),
    Fields: ({ values, set, issues }) => {
      const qos = m.qosClass(values);
      return (
        <>
          {values.containers.map((c, i) => (
            <fieldset key={i} className="form-fieldset">
              <legend className="mono">{t("form.resources.container", { name: c.name })}</legend>
              <div className="form-cols form-cols--4">
                {cols.map((f) => (
                  <Field key={f} id={`c.${i}.${f}`} label={t(`form.resources.${f}`)} issues={issues}>
                    {(p) => (
                      <input
                        {...p}
                        className={`${p.className} mono`}
                        value={c[f]}
                        placeholder={f.startsWith("cpu") ? "500m" : "1Gi"}
                        spellCheck={false}
                        onChange={(e) => set({ containers: values.containers.map((x, j) => (j === i ? { ...x, [f]: e.target.value } : x)) })}
                      />
                    )}
                  </Field>
                ))}
              </div>
            </fieldset>
          ))}
          <p className="form-qos" data-testid="qos" data-qos={qos}>
            <Icon name="info" size={14} />
            {t("form.resources.qos", { qos: t(`form.resources.qos.${qos}`) })}
          </p>
        </>
      );
    },
  };
}

function healthSpec(t: Translate): FormSpec<m.HealthForm> {
  return {
    title: t("form.health.title"),
    testId: "form-health",
    from: m.healthFrom,
    validate: (v) => m.validateHealth(v),
    apply: (yaml, v, _obj, initial) => m.applyHealth(yaml, v, initial),
    Fields: (props) => <HealthFields t={t} {...props} />,
  };
}

function HealthFields({ t, values, set, issues }: { t: Translate; values: m.HealthForm; set: (v: m.HealthForm) => void; issues: m.Issues }) {
  const [ci, setCi] = useState(0);
  const c = values.containers[ci];
  if (!c) return null;
  const setProbe = (kind: m.ProbeKind, p: m.ProbeForm) =>
    set({ containers: values.containers.map((x, j) => (j === ci ? { ...x, probes: { ...x.probes, [kind]: p } } : x)) });
  return (
    <>
      {values.containers.length > 1 ? (
        <div className="form-row form-row--inline">
          <label htmlFor="health-container">{t("form.health.container")}</label>
          <select id="health-container" className="control mono" value={ci} onChange={(e) => setCi(Number(e.target.value))} data-testid="health-container">
            {values.containers.map((x, j) => (
              <option key={j} value={j}>{x.name}</option>
            ))}
          </select>
        </div>
      ) : null}
      {m.PROBES.map((kind) => {
        const p = c.probes[kind];
        const at = `c.${ci}.${kind}.`;
        const upd = (patch: Partial<m.ProbeForm>) => setProbe(kind, { ...p, ...patch });
        return (
          <fieldset key={kind} className="form-fieldset" data-testid={`probe-${kind}`}>
            <legend>{t(`form.health.${kind}`)}</legend>
            {!p.enabled ? (
              <div className="form-probe-off">
                <span className="faint">{t("form.health.none")}</span>
                <button type="button" className="btn btn--small" onClick={() => upd({ enabled: true })} data-testid={`probe-add-${kind}`}>
                  <Icon name="plus" size={12} />
                  {t("form.health.add")}
                </button>
              </div>
            ) : (
              <>
                <div className="form-cols">
                  <div className="form-row">
                    <label htmlFor={`h-${kind}`}>{t("form.health.handler")}</label>
                    <select id={`h-${kind}`} className="control" value={p.handler} onChange={(e) => upd({ handler: e.target.value as m.Handler })} data-testid={`probe-handler-${kind}`}>
                      {(["httpGet", "tcpSocket", "exec", "grpc"] as const).map((h) => (
                        <option key={h} value={h}>{t(`form.health.${h}`)}</option>
                      ))}
                    </select>
                  </div>
                  <div className="form-row form-row--end">
                    <button type="button" className="btn btn--small btn--danger-outline" onClick={() => upd({ enabled: false })} data-testid={`probe-remove-${kind}`}>
                      <Icon name="trash" size={12} />
                      {t("form.health.remove")}
                    </button>
                  </div>
                </div>
                {p.handler === "exec" ? (
                  <Field id={`${at}command`} label={t("form.health.command")} issues={issues}>
                    {(fp) => <textarea {...fp} className={`${fp.className} mono`} rows={3} value={p.command} spellCheck={false} onChange={(e) => upd({ command: e.target.value })} />}
                  </Field>
                ) : (
                  <div className="form-cols form-cols--3">
                    {p.handler === "httpGet" ? (
                      <Field id={`${at}path`} label={t("form.health.path")} issues={issues}>
                        {(fp) => <input {...fp} className={`${fp.className} mono`} value={p.path} spellCheck={false} onChange={(e) => upd({ path: e.target.value })} />}
                      </Field>
                    ) : null}
                    <Field id={`${at}port`} label={t("form.health.port")} issues={issues}>
                      {(fp) => <input {...fp} className={`${fp.className} mono`} value={p.port} spellCheck={false} onChange={(e) => upd({ port: e.target.value })} />}
                    </Field>
                    {p.handler === "httpGet" ? (
                      <div className="form-row">
                        <label htmlFor={`scheme-${kind}`}>{t("form.health.scheme")}</label>
                        <select id={`scheme-${kind}`} className="control" value={p.scheme} onChange={(e) => upd({ scheme: e.target.value as "HTTP" | "HTTPS" })}>
                          <option value="HTTP">HTTP</option>
                          <option value="HTTPS">HTTPS</option>
                        </select>
                      </div>
                    ) : null}
                  </div>
                )}
                <div className="form-cols form-cols--5">
                  {(["initialDelaySeconds", "periodSeconds", "timeoutSeconds", "successThreshold", "failureThreshold"] as const).map((k) => (
                    <Field key={k} id={`${at}${k}`} label={t(`form.health.${k}`)} issues={issues}>
                      {(fp) => <input {...fp} className={`${fp.className} num`} inputMode="numeric" value={p[k]} onChange={(e) => upd({ [k]: e.target.value })} />}
                    </Field>
                  ))}
                </div>
              </>
            )}
          </fieldset>
        );
      })}
    </>
  );
}

function storageSpec(t: Translate): FormSpec<m.StorageForm> {
  return {
    title: t("form.storage.title"),
    testId: "form-storage",
    from: m.storageFrom,
    validate: m.validateStorage,
    apply: (yaml, v, obj) => m.applyStorage(yaml, v, obj),
    note: (v) =>
      v.mode === "template" ? (
        <p className="notice notice--warn" role="note" data-testid="storage-template-note">
          <Icon name="warning" />
          <span>{t("form.storage.templateNote")}</span>
        </p>
      ) : null,
    Fields: ({ values, set, issues, obj }) => {
      const upd = (patch: Partial<m.StorageForm>) => set({ ...values, ...patch });
      const text = (id: keyof m.StorageForm & string, label: string, placeholder?: string) => (
        <Field id={id} label={label} issues={issues}>
          {(p) => <input {...p} className={`${p.className} mono`} value={String(values[id])} placeholder={placeholder} spellCheck={false} onChange={(e) => upd({ [id]: e.target.value })} />}
        </Field>
      );
      return (
        <>
          <fieldset className="form-fieldset">
            <legend>{t("form.storage.mode")}</legend>
            {(["claim", "template"] as const).map((mode) => (
              <label key={mode} className="radio">
                <input type="radio" name="storage-mode" checked={values.mode === mode} onChange={() => upd({ mode })} data-testid={`storage-mode-${mode}`} />
                <span>{t(`form.storage.mode.${mode}`)}</span>
              </label>
            ))}
          </fieldset>
          <div className="form-cols">
            {text("name", t("form.storage.name"), "data")}
            {values.mode === "claim" ? text("claimName", t("form.storage.claimName"), "shared-data") : text("size", t("form.storage.size"), "10Gi")}
          </div>
          {values.mode === "template" ? (
            <div className="form-cols">
              {text("storageClass", t("form.storage.storageClass"))}
              <div className="form-row">
                <label htmlFor="storage-access">{t("form.storage.accessMode")}</label>
                <select id="storage-access" className="control mono" value={values.accessMode} onChange={(e) => upd({ accessMode: e.target.value as m.StorageForm["accessMode"] })}>
                  {(["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"] as const).map((a) => (
                    <option key={a} value={a}>{a}</option>
                  ))}
                </select>
              </div>
            </div>
          ) : null}
          <div className="form-cols form-cols--3">
            <Field id="container" label={t("form.storage.container")} issues={issues}>
              {(p) => (
                <select {...p} className={`${p.className} mono`} value={values.container} onChange={(e) => upd({ container: e.target.value })}>
                  {m.containersOf(obj).map((c) => (
                    <option key={String(c.name)} value={String(c.name)}>{String(c.name)}</option>
                  ))}
                </select>
              )}
            </Field>
            {text("mountPath", t("form.storage.mountPath"), "/var/lib/data")}
            {text("subPath", t("form.storage.subPath"))}
          </div>
          <label className="radio">
            <input type="checkbox" checked={values.readOnly} onChange={(e) => upd({ readOnly: e.target.checked })} data-testid="storage-readonly" />
            <span>{t("form.storage.readOnly")}</span>
          </label>
        </>
      );
    },
  };
}

function labelsSpec(t: Translate): FormSpec<m.LabelsForm> {
  return {
    title: t("form.labels.title"),
    testId: "form-labels",
    from: m.labelsFrom,
    validate: (v) => m.validateLabels(v),
    apply: (yaml, v) => m.applyLabels(yaml, v),
    Fields: (props) => <LabelChips t={t} {...props} />,
  };
}

/** Labels as chips: × removes one, clicking one moves it into the key/value inputs to edit. */
function LabelChips({ t, values, set, issues }: { t: Translate; values: m.LabelsForm; set: (v: m.LabelsForm) => void; issues: m.Issues }) {
  const draftKey = values.draftKey ?? "";
  const draftValue = values.draftValue ?? "";
  const canAdd = draftKey.trim() !== "" && !issues.draftKey && !issues.draftValue;
  const add = () => {
    if (!canAdd) return;
    set({ labels: m.labelsWithDraft(values), draftKey: "", draftValue: "" });
    document.getElementById("f-draftKey")?.focus();
  };
  const onEnter = (e: React.KeyboardEvent) => {
    if (e.key === "Enter") {
      e.preventDefault();
      add();
    }
  };
  const server = issues.labels;
  return (
    <>
      <div className="label-edit" data-testid="label-chips">
        {values.labels.length === 0 ? <span className="faint">{t("form.labels.none")}</span> : null}
        {values.labels.map((l, i) => (
          <span key={l.key} className="chip chip--edit" data-testid="label-chip" data-key={l.key}>
            <button
              type="button"
              className="link mono"
              title={t("form.labels.edit")}
              onClick={() => set({ labels: values.labels.filter((_, j) => j !== i), draftKey: l.key, draftValue: l.value })}
              data-testid={`label-edit-${l.key}`}
            >
              {l.value === "" ? l.key : `${l.key}=${l.value}`}
            </button>
            <button
              type="button"
              className="chip__remove"
              aria-label={t("form.labels.remove", { key: l.key })}
              title={t("form.labels.remove", { key: l.key })}
              onClick={() => set({ ...values, labels: values.labels.filter((_, j) => j !== i) })}
              data-testid={`label-remove-${l.key}`}
            >
              <Icon name="close" size={10} />
            </button>
          </span>
        ))}
      </div>
      {server ? (
        <span className="field__error" role="alert" data-testid="issue-labels">
          <Icon name="error" size={12} />
          {t("form.serverProblem")}: {String(server.params?.message ?? "")}
        </span>
      ) : null}
      <div className="form-cols form-cols--label">
        <Field id="draftKey" label={t("form.labels.key")} issues={issues}>
          {(p) => <input {...p} className={`${p.className} mono`} value={draftKey} placeholder="app.kubernetes.io/part-of" spellCheck={false} autoComplete="off" onKeyDown={onEnter} onChange={(e) => set({ ...values, draftKey: e.target.value })} />}
        </Field>
        <Field id="draftValue" label={t("form.labels.value")} issues={issues}>
          {(p) => <input {...p} className={`${p.className} mono`} value={draftValue} spellCheck={false} autoComplete="off" onKeyDown={onEnter} onChange={(e) => set({ ...values, draftValue: e.target.value })} />}
        </Field>
        <div className="form-row form-row--end">
          <button type="button" className="btn" disabled={!canAdd} onClick={add} data-testid="label-add">
            <Icon name="plus" size={12} />
            {t("form.labels.add")}
          </button>
        </div>
      </div>
    </>
  );
}

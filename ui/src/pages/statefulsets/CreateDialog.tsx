// Create StatefulSet: a form, then a preview of both objects (the server's dry run must accept
// them), then Create. The backend validates each field and creates the headless Service first;
// problems come back per form field (`name`, `ports[0].port`, `storage.size`, ...).
import { useState, type ReactNode } from "react";
import { createStatefulSet, planCreate, type CreatePlan, type CreateResult, type CreateSpec, type EditProblem, type IpcError } from "../../api";
import { Dialog } from "../../components/Dialog";
import { Icon } from "../../components/Icon";
import { ErrorState } from "../../components/States";
import { useT } from "../../i18n";
import { contextLabel } from "../../lib/context";

type Port = { name: string; port: string; protocol: string };
type Env = { name: string; value: string };
export type CreateForm = {
  namespace: string;
  name: string;
  image: string;
  replicas: string;
  ports: Port[];
  env: Env[];
  storage: boolean;
  claimName: string;
  storageClass: string;
  accessMode: string;
  size: string;
  mountPath: string;
  requestsCpu: string;
  requestsMemory: string;
  limitsCpu: string;
  limitsMemory: string;
  probe: "none" | "httpGet" | "tcp";
  probePath: string;
  probePort: string;
  existingService: string;
  useExisting: boolean;
};

export function emptyForm(namespace: string): CreateForm {
  return {
    namespace: namespace || "default",
    name: "",
    image: "",
    replicas: "1",
    ports: [{ name: "", port: "", protocol: "TCP" }],
    env: [],
    storage: false,
    claimName: "data",
    storageClass: "",
    accessMode: "ReadWriteOnce",
    size: "1Gi",
    mountPath: "/data",
    requestsCpu: "",
    requestsMemory: "",
    limitsCpu: "",
    limitsMemory: "",
    probe: "none",
    probePath: "/",
    probePort: "",
    existingService: "",
    useExisting: false,
  };
}

/** A number field as an integer, or NaN (the backend then names the field). */
const int = (s: string) => (/^-?\d+$/.test(s.trim()) ? Number(s.trim()) : Number.NaN);

/** The form as the backend's spec. Non-numbers become -1 so the backend reports the field. */
export function toSpec(context: string, f: CreateForm): CreateSpec {
  const n = (s: string) => {
    const v = int(s);
    return Number.isNaN(v) ? -1 : v;
  };
  return {
    context,
    namespace: f.namespace.trim(),
    name: f.name.trim(),
    image: f.image.trim(),
    replicas: n(f.replicas),
    ports: f.ports.filter((p) => p.port.trim() !== "" || p.name.trim() !== "").map((p) => ({ name: p.name.trim(), port: n(p.port), protocol: p.protocol })),
    env: f.env.filter((e) => e.name !== "" || e.value !== "").map((e) => ({ name: e.name, value: e.value })),
    storage: f.storage ? { claimName: f.claimName.trim(), storageClass: f.storageClass.trim(), accessMode: f.accessMode, size: f.size.trim(), mountPath: f.mountPath.trim() } : null,
    requests: { cpu: f.requestsCpu.trim(), memory: f.requestsMemory.trim() },
    limits: { cpu: f.limitsCpu.trim(), memory: f.limitsMemory.trim() },
    readiness: f.probe === "httpGet" ? { type: "httpGet", path: f.probePath.trim(), port: n(f.probePort) } : f.probe === "tcp" ? { type: "tcp", port: n(f.probePort) } : null,
    existingService: f.useExisting ? f.existingService.trim() : null,
  };
}

export function CreateDialog({ context, namespace, onClose, onCreated }: { context: string; namespace: string; onClose: () => void; onCreated: (r: CreateResult) => void }) {
  const t = useT();
  const [form, setForm] = useState<CreateForm>(() => emptyForm(namespace));
  const [plan, setPlan] = useState<CreatePlan | null>(null);
  const [step, setStep] = useState<"form" | "preview">("form");
  const [error, setError] = useState<IpcError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (patch: Partial<CreateForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setPlan(null);
  };
  const problems: EditProblem[] = plan?.problems ?? [];
  const fieldError = (field: string) => problems.filter((p) => p.field === field).map((p) => p.message).join("; ") || null;
  const FORM_FIELDS = /^(namespace|name|image|replicas|existingService|ports\[\d+\]\.\w+|env\[\d+\]\.\w+|storage\.\w+|requests\.\w+|limits\.\w+|readiness\.\w+)$/;
  // A problem at a field the form shows is shown there; every other one (server fields, a clash
  // with an existing Service while "create one" is chosen) in the list below the form.
  const shownAt = (f: string) => FORM_FIELDS.test(f) && (f !== "existingService" || form.useExisting) && (!f.startsWith("storage.") || form.storage) && (!f.startsWith("readiness.") || form.probe !== "none");
  const general = problems.filter((p) => !p.field || !shownAt(p.field));

  const review = async () => {
    setBusy(true);
    setError(null);
    try {
      const p = await planCreate(toSpec(context, form));
      setPlan(p);
      if (p.problems.length === 0) setStep("preview");
    } catch (e) {
      setError(e as IpcError);
    } finally {
      setBusy(false);
    }
  };
  const create = async () => {
    setBusy(true);
    setError(null);
    try {
      onCreated(await createStatefulSet(toSpec(context, form)));
    } catch (e) {
      setError(e as IpcError);
    } finally {
      setBusy(false);
    }
  };

  const text = (label: string, field: string, value: string, onChange: (v: string) => void, testId: string, placeholder?: string): ReactNode => {
    const err = fieldError(field);
    return (
      <label className="field">
        <span className="field__label">{label}</span>
        <input className={`control mono${err ? " control--invalid" : ""}`} value={value} placeholder={placeholder} spellCheck={false} aria-invalid={err ? true : undefined} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
        {err ? (
          <span className="field__error" role="alert" data-testid={`${testId}-error`}>
            <Icon name="error" size={12} />
            {err}
          </span>
        ) : null}
      </label>
    );
  };

  const actions =
    step === "form" ? (
      <>
        <button type="button" className="btn" onClick={onClose}>
          {t("common.cancel")}
        </button>
        <button type="button" className="btn btn--primary" disabled={busy} onClick={() => void review()} data-testid="create-review">
          {t("create.review")}
        </button>
      </>
    ) : (
      <>
        <button type="button" className="btn" onClick={() => setStep("form")} data-testid="create-back">
          {t("create.back")}
        </button>
        <button type="button" className="btn btn--primary" disabled={busy} onClick={() => void create()} data-testid="create-submit">
          {t("create.submit")}
        </button>
      </>
    );

  return (
    <Dialog title={t("create.title")} onCancel={onClose} actions={actions} testId="create-dialog" wide>
      <p className="faint">{t("create.target", { context: contextLabel(context, t) })}</p>
      {error ? <ErrorState error={error} inline /> : null}
      {step === "form" ? (
        <div className="create-form" data-testid="create-form">
          {text(t("create.namespace"), "namespace", form.namespace, (v) => set({ namespace: v }), "create-namespace")}
          {text(t("create.name"), "name", form.name, (v) => set({ name: v }), "create-name", "web")}
          {text(t("create.image"), "image", form.image, (v) => set({ image: v }), "create-image", "nginx:1.27")}
          {text(t("create.replicas"), "replicas", form.replicas, (v) => set({ replicas: v }), "create-replicas")}

          <fieldset className="create-form__group">
            <legend>{t("create.ports")}</legend>
            {form.ports.map((p, i) => (
              <div key={i} className="form-row form-row--inline" data-testid="create-port">
                {text(t("create.portName"), `ports[${i}].name`, p.name, (v) => set({ ports: form.ports.map((q, j) => (j === i ? { ...q, name: v } : q)) }), `create-port-name-${i}`, "http")}
                {text(t("create.port"), `ports[${i}].port`, p.port, (v) => set({ ports: form.ports.map((q, j) => (j === i ? { ...q, port: v } : q)) }), `create-port-${i}`, "80")}
                <label className="field">
                  <span className="field__label">{t("create.protocol")}</span>
                  <select className="control" value={p.protocol} onChange={(e) => set({ ports: form.ports.map((q, j) => (j === i ? { ...q, protocol: e.target.value } : q)) })}>
                    {["TCP", "UDP", "SCTP"].map((x) => (
                      <option key={x}>{x}</option>
                    ))}
                  </select>
                </label>
                <button type="button" className="btn btn--icon btn--small" aria-label={t("create.removeRow")} onClick={() => set({ ports: form.ports.filter((_, j) => j !== i) })}>
                  <Icon name="trash" size={14} />
                </button>
              </div>
            ))}
            <button type="button" className="btn btn--small" onClick={() => set({ ports: [...form.ports, { name: "", port: "", protocol: "TCP" }] })} data-testid="create-add-port">
              <Icon name="plus" size={14} /> {t("create.addPort")}
            </button>
          </fieldset>

          <fieldset className="create-form__group">
            <legend>{t("create.env")}</legend>
            {form.env.map((e, i) => (
              <div key={i} className="form-row form-row--inline">
                {text(t("env.col.name"), `env[${i}].name`, e.name, (v) => set({ env: form.env.map((q, j) => (j === i ? { ...q, name: v } : q)) }), `create-env-name-${i}`)}
                {text(t("env.col.value"), `env[${i}].value`, e.value, (v) => set({ env: form.env.map((q, j) => (j === i ? { ...q, value: v } : q)) }), `create-env-value-${i}`)}
                <button type="button" className="btn btn--icon btn--small" aria-label={t("create.removeRow")} onClick={() => set({ env: form.env.filter((_, j) => j !== i) })}>
                  <Icon name="trash" size={14} />
                </button>
              </div>
            ))}
            <button type="button" className="btn btn--small" onClick={() => set({ env: [...form.env, { name: "", value: "" }] })} data-testid="create-add-env">
              <Icon name="plus" size={14} /> {t("env.add")}
            </button>
          </fieldset>

          <fieldset className="create-form__group">
            <legend>{t("create.resources")}</legend>
            <div className="form-row form-row--inline">
              {text(t("create.requestsCpu"), "requests.cpu", form.requestsCpu, (v) => set({ requestsCpu: v }), "create-requests-cpu", "100m")}
              {text(t("create.requestsMemory"), "requests.memory", form.requestsMemory, (v) => set({ requestsMemory: v }), "create-requests-memory", "128Mi")}
              {text(t("create.limitsCpu"), "limits.cpu", form.limitsCpu, (v) => set({ limitsCpu: v }), "create-limits-cpu", "500m")}
              {text(t("create.limitsMemory"), "limits.memory", form.limitsMemory, (v) => set({ limitsMemory: v }), "create-limits-memory", "256Mi")}
            </div>
          </fieldset>

          <fieldset className="create-form__group">
            <legend>
              <label>
                <input type="checkbox" checked={form.storage} onChange={(e) => set({ storage: e.target.checked })} data-testid="create-storage" /> {t("create.storage")}
              </label>
            </legend>
            {form.storage ? (
              <div className="form-row form-row--inline">
                {text(t("create.claimName"), "storage.claimName", form.claimName, (v) => set({ claimName: v }), "create-claim-name")}
                {text(t("create.storageClass"), "storage.storageClass", form.storageClass, (v) => set({ storageClass: v }), "create-storage-class", t("create.defaultClass"))}
                <label className="field">
                  <span className="field__label">{t("create.accessMode")}</span>
                  <select className="control" value={form.accessMode} onChange={(e) => set({ accessMode: e.target.value })}>
                    {["ReadWriteOnce", "ReadOnlyMany", "ReadWriteMany", "ReadWriteOncePod"].map((x) => (
                      <option key={x}>{x}</option>
                    ))}
                  </select>
                </label>
                {text(t("create.size"), "storage.size", form.size, (v) => set({ size: v }), "create-size")}
                {text(t("create.mountPath"), "storage.mountPath", form.mountPath, (v) => set({ mountPath: v }), "create-mount-path")}
              </div>
            ) : null}
          </fieldset>

          <fieldset className="create-form__group">
            <legend>{t("create.readiness")}</legend>
            <div className="form-row form-row--inline">
              <select className="control" value={form.probe} onChange={(e) => set({ probe: e.target.value as CreateForm["probe"] })} aria-label={t("create.readiness")} data-testid="create-probe">
                <option value="none">{t("create.probe.none")}</option>
                <option value="httpGet">{t("create.probe.httpGet")}</option>
                <option value="tcp">{t("create.probe.tcp")}</option>
              </select>
              {form.probe === "httpGet" ? text(t("create.probePath"), "readiness.path", form.probePath, (v) => set({ probePath: v }), "create-probe-path") : null}
              {form.probe !== "none" ? text(t("create.port"), "readiness.port", form.probePort, (v) => set({ probePort: v }), "create-probe-port") : null}
            </div>
          </fieldset>

          <fieldset className="create-form__group">
            <legend>{t("create.service")}</legend>
            <label>
              <input type="radio" checked={!form.useExisting} onChange={() => set({ useExisting: false })} data-testid="create-service-new" /> {t("create.service.new")}
            </label>
            <label>
              <input type="radio" checked={form.useExisting} onChange={() => set({ useExisting: true })} data-testid="create-service-existing" /> {t("create.service.existing")}
            </label>
            {form.useExisting ? text(t("create.service.name"), "existingService", form.existingService, (v) => set({ existingService: v }), "create-existing-service") : null}
          </fieldset>

          {general.length > 0 ? (
            <ul className="field__error" role="alert" data-testid="create-problems">
              {general.map((p, i) => (
                <li key={i}>
                  {p.field ? <code>{p.field}</code> : null} {p.message}
                </li>
              ))}
            </ul>
          ) : null}
        </div>
      ) : plan ? (
        <div className="create-preview" data-testid="create-preview">
          <p>{plan.serviceYaml ? t("create.preview.both") : t("create.preview.existing", { service: form.existingService })}</p>
          {plan.serviceYaml ? (
            <>
              <h3 className="panel__title">Service</h3>
              <pre className="diff mono" data-testid="create-service-yaml">{plan.serviceYaml}</pre>
            </>
          ) : null}
          <h3 className="panel__title">StatefulSet</h3>
          <pre className="diff mono" data-testid="create-sts-yaml">{plan.statefulsetYaml}</pre>
        </div>
      ) : null}
    </Dialog>
  );
}

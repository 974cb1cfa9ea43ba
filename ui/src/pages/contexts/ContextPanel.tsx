// One context's details and every offline action on it: use as current, namespace, rename,
// duplicate, secure/unsecure, export, delete; its protection level and exec-plugin PATH/env
// override (Ordinal's settings); and "Test connection".
import { useEffect, useState } from "react";
import { DEMO_CONTEXT, exportContexts, testConnection, type ConnectionTest, type ContextSummary, type IpcError, type Protection } from "../../api";
import { AuthBadge } from "../../components/AuthBadge";
import { Icon } from "../../components/Icon";
import { ErrorState } from "../../components/States";
import { useT } from "../../i18n";
import { contextLabel } from "../../lib/context";
import { useSettings } from "../../state/settings";
import { ConfirmDialog, PromptDialog } from "./PromptDialog";
import type { ContextEdits } from "./useContextEdits";

type Prompt = "rename" | "duplicate" | "export" | "delete" | null;
const PROTECTIONS: Protection[] = ["normal", "production", "readOnly"];

/** `KEY=value` lines to a map (blank lines and lines without `=` are ignored). */
export function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const i = line.indexOf("=");
    if (i <= 0) continue;
    const k = line.slice(0, i).trim();
    if (k) env[k] = line.slice(i + 1);
  }
  return env;
}

export function formatEnv(env: Record<string, string>): string {
  return Object.entries(env)
    .map(([k, v]) => `${k}=${v}`)
    .join("\n");
}

export function ContextPanel({
  context,
  edits,
  onOpen,
  onFocus,
}: {
  context: ContextSummary;
  edits: ContextEdits;
  onOpen: (name: string) => void;
  /** Show another context (after a rename or duplicate). */
  onFocus: (name: string) => void;
}) {
  const t = useT();
  const { settings, update, saveError } = useSettings();
  const [prompt, setPrompt] = useState<Prompt>(null);
  const [namespace, setNamespace] = useState(context.namespace ?? "");
  const override = settings.execOverrides[context.name];
  const [pathOverride, setPathOverride] = useState(override?.path ?? "");
  const [envOverride, setEnvOverride] = useState(formatEnv(override?.env ?? {}));
  const [test, setTest] = useState<ConnectionTest | null>(null);
  const [testError, setTestError] = useState<IpcError | null>(null);
  const [testing, setTesting] = useState(false);
  const demo = context.name === DEMO_CONTEXT;
  const protection = settings.protection[context.name] ?? "normal";
  const busy = edits.busy !== null;

  useEffect(() => {
    setNamespace(context.namespace ?? "");
  }, [context.namespace, context.name]);
  useEffect(() => {
    setPathOverride(override?.path ?? "");
    setEnvOverride(formatEnv(override?.env ?? {}));
    setTest(null);
    setTestError(null);
    // Only when another context is shown; edits to the fields stay while typing.
  }, [context.name]);

  const setProtection = (p: Protection) => {
    const next = { ...settings.protection };
    if (p === "normal") delete next[context.name];
    else next[context.name] = p;
    void update({ protection: next });
  };

  const saveOverride = () => {
    const next = { ...settings.execOverrides };
    const env = parseEnv(envOverride);
    if (!pathOverride.trim() && Object.keys(env).length === 0) delete next[context.name];
    else next[context.name] = { path: pathOverride.trim(), env };
    void update({ execOverrides: next });
  };

  const runTest = async () => {
    setTesting(true);
    setTest(null);
    setTestError(null);
    try {
      setTest(await testConnection(context.name));
    } catch (e) {
      setTestError(e as IpcError);
    } finally {
      setTesting(false);
    }
  };

  const exec = context.exec;
  return (
    <section className="panel ctx-panel" data-testid="context-panel" data-context={context.name} data-protection={protection}>
      <div className="ctx-panel__head">
        <h2 className="panel__title mono">
          {contextLabel(context.name, t)}
          {context.current ? <span className="badge badge--current">{t("contexts.current")}</span> : null}
          {protection !== "normal" ? <span className="badge badge--danger">{t(`protection.${protection}`)}</span> : null}
        </h2>
        <div className="ctx-panel__actions">
          <button type="button" className="btn" onClick={() => onOpen(context.name)} data-testid="ctx-open">
            <Icon name="statefulset" />
            {t("ctx.open")}
          </button>
          <button type="button" className="btn" onClick={() => void runTest()} disabled={testing} data-testid="ctx-test">
            <Icon name={testing ? "reload" : "play"} className={testing ? "spin" : undefined} />
            {t("ctx.test")}
          </button>
          {!demo ? (
            <button type="button" className="btn" disabled={busy || context.current} onClick={() => void edits.edit({ op: "setCurrent", context: context.name })} data-testid="ctx-use">
              <Icon name="current" />
              {t("ctx.use")}
            </button>
          ) : null}
        </div>
      </div>

      <div className="ctx-panel__grid">
        <dl className="props">
          <dt>{t("contexts.col.cluster")}</dt>
          <dd className="mono">{context.cluster}</dd>
          <dt>{t("contexts.col.server")}</dt>
          <dd className="mono">{context.server ?? t("common.none")}</dd>
          <dt>{t("contexts.col.user")}</dt>
          <dd className="mono">{context.user}</dd>
          <dt>{t("contexts.col.auth")}</dt>
          <dd>
            <AuthBadge kind={context.authKind} /> <span className="faint">{t(`auth.title.${context.authKind}`)}</span>
          </dd>
          <dt>{t("contexts.col.secret")}</dt>
          <dd data-testid="ctx-secret" data-secret={context.secretLocation}>
            {context.secretLocation === "keyring" ? <Icon name="lock" /> : null} {t(`secret.title.${context.secretLocation}`)}
          </dd>
          {!demo ? (
            <>
              <dt>{t("contexts.col.source")}</dt>
              <dd className="mono truncate" title={context.sourceFile}>
                {context.sourceFile}
              </dd>
            </>
          ) : null}
        </dl>

        <div className="ctx-panel__forms">
          {!demo ? (
            <label className="form-row form-row--inline">
              <span>{t("contexts.col.namespace")}</span>
              <input className="control mono" value={namespace} placeholder="default" spellCheck={false} onChange={(e) => setNamespace(e.target.value)} data-testid="ctx-namespace" />
              <button
                type="button"
                className="btn"
                disabled={busy || namespace.trim() === (context.namespace ?? "")}
                onClick={() => void edits.edit({ op: "setNamespace", context: context.name, namespace: namespace.trim() || null })}
                data-testid="ctx-namespace-save"
              >
                {t("common.save")}
              </button>
            </label>
          ) : null}

          <fieldset className="segmented" data-testid="ctx-protection">
            <legend>{t("ctx.protection")}</legend>
            {PROTECTIONS.map((p) => (
              <label key={p} className={protection === p ? "segmented__item is-active" : "segmented__item"} title={t(`ctx.protection.help.${p}`)} data-testid={`ctx-protection-${p}`}>
                <input type="radio" name={`protection-${context.name}`} checked={protection === p} onChange={() => setProtection(p)} />
                {t(`protection.${p}`)}
              </label>
            ))}
          </fieldset>
          {saveError ? <ErrorState error={saveError} inline /> : null}
        </div>
      </div>

      {exec && !exec.ordinal ? (
        <div className="ctx-panel__exec" data-testid="ctx-exec">
          <h3 className="ctx-panel__sub">{t("ctx.exec.title")}</h3>
          <dl className="props">
            <dt>{t("ctx.exec.command")}</dt>
            <dd className="mono">{exec.command}</dd>
            <dt>{t("ctx.exec.resolved")}</dt>
            <dd className={exec.resolved ? "mono" : "text-warn"} data-testid="ctx-exec-resolved">
              {exec.resolved ?? t("ctx.exec.notFound")}
            </dd>
          </dl>
          {exec.interactiveMode === "Always" ? (
            <p className="notice notice--warn">
              <Icon name="warning" />
              <span>{t("ctx.exec.interactive")}</span>
            </p>
          ) : null}
          <label className="form-row">
            <span>{t("ctx.exec.path")}</span>
            <input className="control mono" value={pathOverride} placeholder="/opt/homebrew/bin:/usr/local/bin" spellCheck={false} onChange={(e) => setPathOverride(e.target.value)} data-testid="ctx-exec-path" />
          </label>
          <label className="form-row">
            <span>{t("ctx.exec.env")}</span>
            <textarea className="control mono" rows={2} value={envOverride} placeholder="AWS_PROFILE=ops" spellCheck={false} onChange={(e) => setEnvOverride(e.target.value)} data-testid="ctx-exec-env" />
          </label>
          <button type="button" className="btn" onClick={saveOverride} data-testid="ctx-exec-save">
            {t("common.save")}
          </button>
        </div>
      ) : null}

      {testError ? <ErrorState error={testError} inline /> : null}
      {test ? <TestResult test={test} /> : null}

      {!demo ? (
        <div className="ctx-panel__manage">
          {context.secretLocation === "file" ? (
            <button type="button" className="btn" disabled={busy} onClick={() => void edits.edit({ op: "secure", context: context.name })} data-testid="ctx-secure">
              <Icon name="lock" />
              {t("ctx.secure")}
            </button>
          ) : null}
          {context.secretLocation === "keyring" ? (
            <button type="button" className="btn" disabled={busy} onClick={() => void edits.edit({ op: "unsecure", context: context.name })} data-testid="ctx-unsecure">
              {t("ctx.unsecure")}
            </button>
          ) : null}
          <button type="button" className="btn" disabled={busy} onClick={() => setPrompt("rename")} data-testid="ctx-rename">
            {t("ctx.rename")}
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => setPrompt("duplicate")} data-testid="ctx-duplicate">
            <Icon name="copy" />
            {t("ctx.duplicate")}
          </button>
          <button type="button" className="btn" disabled={busy} onClick={() => setPrompt("export")} data-testid="ctx-export">
            {t("ctx.export")}
          </button>
          <button type="button" className="btn btn--danger-outline" disabled={busy} onClick={() => setPrompt("delete")} data-testid="ctx-delete">
            <Icon name="trash" />
            {t("ctx.delete")}
          </button>
        </div>
      ) : (
        <p className="faint">{t("ctx.demoNote")}</p>
      )}

      {prompt === "rename" ? (
        <PromptDialog
          testId="ctx-rename-dialog"
          title={t("ctx.rename.title", { name: context.name })}
          label={t("ctx.newName")}
          initial={context.name}
          submit={t("ctx.rename")}
          onCancel={() => setPrompt(null)}
          onSubmit={(v) => {
            setPrompt(null);
            void edits.edit({ op: "rename", context: context.name, newName: v }).then((r) => r && onFocus(v));
          }}
        />
      ) : null}
      {prompt === "duplicate" ? (
        <PromptDialog
          testId="ctx-duplicate-dialog"
          title={t("ctx.duplicate.title", { name: context.name })}
          label={t("ctx.newName")}
          initial={`${context.name}-copy`}
          submit={t("ctx.duplicate")}
          onCancel={() => setPrompt(null)}
          onSubmit={(v) => {
            setPrompt(null);
            void edits.edit({ op: "duplicate", context: context.name, newName: v }).then((r) => r && onFocus(v));
          }}
        />
      ) : null}
      {prompt === "export" ? (
        <PromptDialog
          testId="ctx-export-dialog"
          title={t("ctx.export.title", { name: context.name })}
          label={t("ctx.export.path")}
          initial={`~/${context.name.replace(/[^A-Za-z0-9_.-]/g, "-")}.kubeconfig.yaml`}
          submit={t("ctx.export")}
          onCancel={() => setPrompt(null)}
          onSubmit={(v) => {
            setPrompt(null);
            void edits.run("export", () => exportContexts([context.name], v), false, (p) => t("ctx.export.done", { path: p }));
          }}
        />
      ) : null}
      {prompt === "delete" ? (
        <ConfirmDialog
          testId="ctx-delete-dialog"
          title={t("ctx.delete.title", { name: context.name })}
          confirm={t("ctx.delete")}
          onCancel={() => setPrompt(null)}
          onConfirm={() => {
            setPrompt(null);
            void edits.edit({ op: "delete", context: context.name });
          }}
        >
          <p>{t("ctx.delete.body", { file: context.sourceFile, cluster: context.cluster, user: context.user })}</p>
          {context.secretLocation === "keyring" ? <p className="faint">{t("ctx.delete.keyring")}</p> : null}
        </ConfirmDialog>
      ) : null}
    </section>
  );
}

function TestResult({ test }: { test: ConnectionTest }) {
  const t = useT();
  const s = test.status;
  const p = test.plugin;
  return (
    <div className="ctx-test" data-testid="ctx-test-result" data-state={s.state} data-plugin-ok={p ? String(p.ok) : undefined}>
      {p ? (
        <div className={p.ok ? "ctx-test__block" : "ctx-test__block ctx-test__block--bad"}>
          <h3 className="ctx-panel__sub">{t("ctx.test.plugin")}</h3>
          <p>{p.message}</p>
          <p className="faint mono">
            {t("ctx.test.pluginFacts", { binary: p.resolved ?? p.command, code: p.exitCode ?? "—", ms: p.durationMs })}
          </p>
          {p.stderr ? <pre className="ctx-test__stderr" data-testid="ctx-test-stderr">{p.stderr}</pre> : null}
        </div>
      ) : null}
      <div className={s.state === "connected" ? "ctx-test__block" : "ctx-test__block ctx-test__block--bad"}>
        <h3 className="ctx-panel__sub">{t("ctx.test.server")}</h3>
        <p>
          {s.state === "connected"
            ? t("ctx.test.connected", { version: s.serverVersion ?? "?", ms: s.latencyMs ?? 0 })
            : `${t(`conn.${s.state}`)}${s.message ? `: ${s.message}` : ""}`}
        </p>
      </div>
    </div>
  );
}

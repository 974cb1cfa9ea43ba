import { useEffect, useState } from "react";
import type { Language, Theme } from "../api";
import { joinCommand, splitCommand } from "../dock/command";
import { Icon } from "../components/Icon";
import { ErrorState, LoadingState } from "../components/States";
import { useT } from "../i18n";
import { useAppInfo } from "../state/appInfo";
import { useSettings } from "../state/settings";
import { PageHeader } from "./PageHeader";

const LANGUAGES: readonly Language[] = ["system", "en", "zh-CN"];
const THEMES: readonly Theme[] = ["system", "light", "dark"];

function isLanguage(v: string): v is Language {
  return (LANGUAGES as readonly string[]).includes(v);
}
function isTheme(v: string): v is Theme {
  return (THEMES as readonly string[]).includes(v);
}

export function SettingsPage() {
  const t = useT();
  const { settings, loading, loadError, saving, saveError, update } = useSettings();

  return (
    <section className="page__section" data-page="settings">
      <PageHeader title={t("settings.title")} />
      <div className="page__body page__body--stack page__body--narrow">
        <section className="panel" aria-labelledby="prefs-title">
          <h2 className="panel__title" id="prefs-title">
            {t("settings.preferences")}
            {loading ? (
              <span className="panel__status" role="status">
                <span className="spinner spinner--small" aria-hidden="true" />
                {t("common.loading")}
              </span>
            ) : saving ? (
              <span className="panel__status" role="status">
                <span className="spinner spinner--small" aria-hidden="true" />
                {t("settings.saving")}
              </span>
            ) : null}
          </h2>
          {loadError ? (
            <p className="notice notice--warn" role="status">
              <Icon name="warning" />
              <span>
                {t("settings.loadFailed")} <code>{loadError.code}</code> {loadError.message}
              </span>
            </p>
          ) : null}
          <div className="form-grid">
            <label className="form-grid__label" htmlFor="settings-language">
              {t("settings.language")}
            </label>
            <select
              id="settings-language"
              className="control"
              data-testid="settings-language"
              value={settings.language}
              aria-busy={loading}
              onChange={(e) => {
                if (isLanguage(e.target.value)) void update({ language: e.target.value });
              }}
            >
              {LANGUAGES.map((l) => (
                <option key={l} value={l}>
                  {t(`settings.language.${l}`)}
                </option>
              ))}
            </select>

            <label className="form-grid__label" htmlFor="settings-theme">
              {t("settings.theme")}
            </label>
            <select
              id="settings-theme"
              className="control"
              data-testid="settings-theme"
              value={settings.theme}
              aria-busy={loading}
              onChange={(e) => {
                if (isTheme(e.target.value)) void update({ theme: e.target.value });
              }}
            >
              {THEMES.map((th) => (
                <option key={th} value={th}>
                  {t(`settings.theme.${th}`)}
                </option>
              ))}
            </select>
            <PodOpsSettings />
          </div>
          {saveError ? <ErrorState error={saveError} title={t("settings.saveFailed")} inline /> : null}
        </section>

        <About />
      </div>
    </section>
  );
}

/** The shell a Shell tab runs (empty: bash, then sh) and how many lines a Logs tab keeps. */
function PodOpsSettings() {
  const t = useT();
  const { settings, update } = useSettings();
  const saved = settings.shellCommand ? joinCommand(settings.shellCommand) : "";
  const [shell, setShell] = useState(saved);
  const [shellError, setShellError] = useState<string | null>(null);
  const [lines, setLines] = useState(String(settings.logBufferLines));
  const linesOk = /^\d+$/.test(lines.trim()) && Number(lines) >= 1000 && Number(lines) <= 1000000;
  useEffect(() => setShell(saved), [saved]);
  useEffect(() => setLines(String(settings.logBufferLines)), [settings.logBufferLines]);

  const saveShell = () => {
    const r = splitCommand(shell);
    if (!r.ok) {
      setShellError(r.error === "unterminatedQuote" ? t("shell.command.unterminated") : t("shell.command.backslash"));
      return;
    }
    setShellError(null);
    const next = r.argv.length ? r.argv : null;
    if (JSON.stringify(next) !== JSON.stringify(settings.shellCommand)) void update({ shellCommand: next });
  };
  const saveLines = () => {
    if (linesOk && Number(lines) !== settings.logBufferLines) void update({ logBufferLines: Number(lines) });
  };
  return (
    <>
      <label className="form-grid__label" htmlFor="settings-shell">
        {t("settings.shellCommand")}
      </label>
      <span>
        <input
          id="settings-shell"
          className="control mono"
          data-testid="settings-shell-command"
          value={shell}
          placeholder={t("settings.shellCommand.placeholder")}
          aria-invalid={shellError ? true : undefined}
          onChange={(e) => setShell(e.target.value)}
          onBlur={saveShell}
          onKeyDown={(e) => e.key === "Enter" && saveShell()}
        />
        {shellError ? <span className="field-error" role="alert">{shellError}</span> : null}
      </span>
      <label className="form-grid__label" htmlFor="settings-log-lines">
        {t("settings.logBufferLines")}
      </label>
      <span>
        <input
          id="settings-log-lines"
          className="control num"
          inputMode="numeric"
          data-testid="settings-log-buffer"
          value={lines}
          aria-invalid={linesOk ? undefined : true}
          onChange={(e) => setLines(e.target.value)}
          onBlur={saveLines}
          onKeyDown={(e) => e.key === "Enter" && saveLines()}
        />
        {linesOk ? null : <span className="field-error" role="alert">{t("settings.logBufferLines.invalid")}</span>}
      </span>
    </>
  );
}

function About() {
  const t = useT();
  const info = useAppInfo();
  return (
    <section className="panel" aria-labelledby="about-title">
      <h2 className="panel__title" id="about-title">
        {t("settings.about")}
      </h2>
      {info.status === "loading" ? (
        <LoadingState compact />
      ) : info.status === "error" ? (
        <ErrorState error={info.error} onRetry={info.retry} inline />
      ) : (
        <dl className="props">
          <dt>{t("settings.version")}</dt>
          <dd className="mono num" data-testid="app-version" data-version={info.info.version}>
            {info.info.version}
          </dd>
          <dt>{t("settings.platform")}</dt>
          <dd className="mono">{info.info.platform}</dd>
          <dt>{t("settings.dataDir")}</dt>
          <dd className="mono selectable" title={info.info.dataDir}>
            {info.info.dataDir}
          </dd>
          <dt>{t("settings.logDir")}</dt>
          <dd className="mono selectable" title={info.info.logDir}>
            {info.info.logDir}
          </dd>
        </dl>
      )}
    </section>
  );
}

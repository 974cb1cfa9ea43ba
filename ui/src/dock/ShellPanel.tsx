// A Shell tab: a terminal in one ordinal's pod. On a production context the first shell of the
// session asks once. The status bar shows the session's state, the command it runs (default:
// the setting, i.e. bash then sh) and Reconnect, which opens a new session.
import { lazy, Suspense, useEffect, useState } from "react";
import { podTargets, type ContainerTarget } from "../api";
import { Icon } from "../components/Icon";
import { LoadingState } from "../components/States";
import { useT } from "../i18n";
import { useSettings } from "../state/settings";
import { joinCommand, splitCommand } from "./command";
import { closeTab, confirmShell, setTabHealth, shellConfirmed, type ShellTab } from "./dockState";
import type { ShellState } from "./term/ShellTerminal";

const ShellTerminal = lazy(() => import("./term/ShellTerminal"));

export function ShellPanel({ tab }: { tab: ShellTab }) {
  const t = useT();
  const { settings } = useSettings();
  const { context, namespace } = tab.target;
  const [confirmed, setConfirmed] = useState(() => tab.protection !== "production" || shellConfirmed(context));
  const [text, setText] = useState("");
  const [command, setCommand] = useState<string[] | null>(null);
  const [commandError, setCommandError] = useState<string | null>(null);
  const [container, setContainer] = useState<string | null>(tab.container);
  const [containers, setContainers] = useState<ContainerTarget[]>([]);
  const [session, setSession] = useState(0);
  const [state, setState] = useState<ShellState>({ state: "connecting" });

  useEffect(() => {
    let cancelled = false;
    podTargets(context, namespace, tab.target.statefulset).then(
      (p) => !cancelled && setContainers(p.containers.filter((c) => !c.init)),
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [context, namespace, tab.target.statefulset]);

  useEffect(() => {
    setTabHealth(tab.id, state.state === "running" ? "live" : state.state === "connecting" ? "connecting" : state.state === "exited" ? "ended" : "failed");
  }, [tab.id, state.state]);

  const defaultLabel = settings.shellCommand?.length ? t("shell.command.setting", { command: joinCommand(settings.shellCommand) }) : t("shell.command.default");

  /** Parses the field; false when it cannot be split. */
  const takeCommand = (): boolean => {
    const r = splitCommand(text);
    if (!r.ok) {
      setCommandError(r.error === "unterminatedQuote" ? t("shell.command.unterminated") : t("shell.command.backslash"));
      return false;
    }
    setCommandError(null);
    setCommand(r.argv.length ? r.argv : null);
    return true;
  };

  const commandField = (
    <label className="shell__command">
      <span className="faint">{t("shell.command")}</span>
      <input
        className={`control control--small mono${commandError ? " is-invalid" : ""}`}
        value={text}
        placeholder={defaultLabel}
        aria-label={t("shell.command")}
        aria-invalid={commandError ? true : undefined}
        data-testid="shell-command"
        onChange={(e) => setText(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === "Enter" && confirmed && takeCommand()) setSession((s) => s + 1);
        }}
      />
      {commandError ? <span className="field-error" role="alert">{commandError}</span> : null}
    </label>
  );
  const containerField =
    containers.length > 1 ? (
      <select className="control control--small" aria-label={t("logs.container")} value={container ?? ""} onChange={(e) => setContainer(e.target.value || null)} data-testid="shell-container">
        <option value="">{t("logs.mainContainer")}</option>
        {containers.map((c) => (
          <option key={c.name} value={c.name}>{c.name}</option>
        ))}
      </select>
    ) : null;

  if (!confirmed) {
    return (
      <div className="dock-panel shell shell--confirm" data-testid="shell-confirm">
        <div className="shell__confirm panel">
          <h3 className="panel__title">
            <Icon name="warning" className="status--warning" />
            {t("shell.production.title")}
          </h3>
          <p>{t("shell.production.body", { context, pod: tab.pod })}</p>
          <div className="shell__confirm-fields">
            {commandField}
            {containerField}
          </div>
          <div className="dialog__actions">
            <button type="button" className="btn" onClick={() => closeTab(tab.id)} data-testid="shell-confirm-cancel">
              {t("common.cancel")}
            </button>
            <button
              type="button"
              className="btn btn--danger"
              data-testid="shell-confirm-open"
              onClick={() => {
                if (!takeCommand()) return;
                confirmShell(context);
                setConfirmed(true);
              }}
            >
              {t("shell.production.open")}
            </button>
          </div>
        </div>
      </div>
    );
  }

  const ended = state.state === "exited" || state.state === "failed";
  return (
    <div className="dock-panel shell" data-testid="shell-panel" data-pod={tab.pod}>
      <Suspense fallback={<LoadingState compact />}>
        <ShellTerminal
          tabId={tab.id}
          context={context}
          namespace={namespace}
          pod={tab.pod}
          container={container}
          command={command}
          session={session}
          onState={setState}
        />
      </Suspense>
      <div className="dock-toolbar shell__status" data-testid="shell-status" data-state={state.state} data-exit-code={state.state === "exited" ? (state.code ?? "") : undefined}>
        <span className={`status status--${state.state === "running" ? "ok" : state.state === "connecting" ? "progressing" : state.state === "failed" || (state.state === "exited" && state.code !== 0) ? "failed" : "neutral"}`}>
          <Icon name={state.state === "running" ? "ok" : state.state === "connecting" ? "progressing" : state.state === "failed" ? "error" : "stopped"} className="status__icon" size={14} />
          {state.state === "running"
            ? t("shell.state.running", { command: joinCommand(state.command) })
            : state.state === "connecting"
              ? t("shell.state.connecting", { pod: tab.pod })
              : state.state === "exited"
                ? state.code === null
                  ? t("shell.exitedUnknown")
                  : t("shell.exited", { code: state.code })
                : t("stream.failed", { code: state.error.code, message: state.error.message })}
        </span>
        <span className="dock-toolbar__end">
          {commandField}
          {containerField}
          <button
            type="button"
            className={`btn btn--small${ended ? " btn--primary" : ""}`}
            data-testid="shell-reconnect"
            onClick={() => {
              if (takeCommand()) setSession((s) => s + 1);
            }}
          >
            <Icon name="restart" size={14} />
            {ended ? t("shell.reconnect") : t("shell.restart")}
          </button>
        </span>
      </div>
    </div>
  );
}

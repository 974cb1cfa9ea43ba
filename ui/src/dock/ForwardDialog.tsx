// Start a port-forward to one ordinal: a declared container port (by name) or any port, a
// local port (empty = automatic). Start waits until it listens, then shows the address.
import { useState } from "react";
import { startForward, type ContainerTarget, type ForwardView, type IpcError } from "../api";
import { Dialog } from "../components/Dialog";
import { Icon } from "../components/Icon";
import { ErrorState } from "../components/States";
import { useT } from "../i18n";
import { openForwards, podName, type StsTarget } from "./dockState";
import { CopyText, hintFor } from "./ForwardsPanel";
import "../styles/dock.css";

const validPort = (s: string) => /^\d+$/.test(s) && Number(s) >= 1 && Number(s) <= 65535;

export function ForwardDialog({ target, ordinal, containers, onClose }: { target: StsTarget; ordinal: number; containers: ContainerTarget[]; onClose: () => void }) {
  const t = useT();
  const ports = containers.filter((c) => !c.init).flatMap((c) => c.ports.filter((p) => p.protocol.toUpperCase() === "TCP").map((p) => ({ ...p, container: c.name })));
  const [choice, setChoice] = useState<string>(ports[0] ? String(ports[0].port) : "other");
  const [other, setOther] = useState("");
  const [local, setLocal] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  const [started, setStarted] = useState<ForwardView | null>(null);

  const remote = choice === "other" ? other.trim() : choice;
  const remoteOk = validPort(remote);
  const localOk = local.trim() === "" || validPort(local.trim());

  const start = () => {
    if (!remoteOk || !localOk) return;
    setBusy(true);
    setError(null);
    startForward({ ...target, ordinal, port: Number(remote), localPort: local.trim() === "" ? null : Number(local.trim()) }).then(
      (f) => {
        setBusy(false);
        setStarted(f);
        openForwards();
      },
      (e: IpcError) => {
        setBusy(false);
        setError(e);
      },
    );
  };

  const pod = podName(target.statefulset, ordinal);
  if (started) {
    const hint = hintFor(started);
    return (
      <Dialog
        title={t("forward.started.title", { pod })}
        onCancel={onClose}
        testId="forward-dialog"
        actions={
          <button type="button" className="btn btn--primary" onClick={onClose} data-testid="forward-done">
            {t("common.close")}
          </button>
        }
      >
        <p className="forward__started" data-testid="forward-started" data-local-address={started.localAddress}>
          <Icon name="ok" className="status--ok" />
          {t("forward.started.body", { target: `${pod}:${started.remotePort}` })}{" "}
          <span className="mono">{started.localAddress}</span> <CopyText text={started.localAddress} label={t("forwards.copyAddress")} />
        </p>
        {hint ? (
          <p>
            <span className="faint">{t("forwards.col.hint")}: </span>
            <code className="mono">{hint}</code> <CopyText text={hint} label={t("forwards.copyHint")} />
          </p>
        ) : null}
      </Dialog>
    );
  }

  return (
    <Dialog
      title={t("forward.title", { pod })}
      onCancel={onClose}
      testId="forward-dialog"
      actions={
        <>
          <button type="button" className="btn" onClick={onClose}>
            {t("common.cancel")}
          </button>
          <button type="button" className="btn btn--primary" disabled={busy || !remoteOk || !localOk} onClick={start} data-testid="forward-start">
            {busy ? t("forward.starting") : t("forward.start")}
          </button>
        </>
      }
    >
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          start();
        }}
      >
        <span className="form-grid__label">{t("forward.remote")}</span>
        <div className="forward__ports" role="radiogroup" aria-label={t("forward.remote")}>
          {ports.map((p) => (
            <label key={`${p.container}/${p.port}`} className="checkbox">
              <input type="radio" name="forward-port" value={String(p.port)} checked={choice === String(p.port)} onChange={() => setChoice(String(p.port))} data-testid={`forward-port-${p.port}`} />
              <span className="mono">
                {p.port}
                {p.name ? ` (${p.name})` : ""}
              </span>
              {containers.length > 1 ? <span className="faint">{p.container}</span> : null}
            </label>
          ))}
          <label className="checkbox">
            <input type="radio" name="forward-port" value="other" checked={choice === "other"} onChange={() => setChoice("other")} data-testid="forward-port-other" />
            <span>{t("forward.otherPort")}</span>
            <input
              className="control control--small num"
              inputMode="numeric"
              value={other}
              aria-label={t("forward.otherPort")}
              onFocus={() => setChoice("other")}
              onChange={(e) => setOther(e.target.value)}
              data-testid="forward-remote-port"
            />
          </label>
          {choice === "other" && other !== "" && !remoteOk ? <span className="field-error">{t("forward.port.invalid")}</span> : null}
        </div>
        <label className="form-grid__label" htmlFor="forward-local">
          {t("forward.local")}
        </label>
        <div>
          <input id="forward-local" className="control control--small num" inputMode="numeric" value={local} placeholder={t("forward.local.auto")} onChange={(e) => setLocal(e.target.value)} data-testid="forward-local-port" />
          {!localOk ? <span className="field-error">{t("forward.port.invalid")}</span> : null}
        </div>
        <button type="submit" hidden />
      </form>
      {error ? <ErrorState error={error} inline /> : null}
    </Dialog>
  );
}

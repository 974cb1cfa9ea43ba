// "Run on every ordinal": one command in each chosen ordinal's pod, a card per ordinal with its
// exit code (green 0, red otherwise, or the error), stdout, stderr and duration.
import { useEffect, useRef, useState } from "react";
import { podTargets, runOnOrdinals, type ContainerTarget, type IpcError, type RunEvent, type Unsubscribe } from "../api";
import { Icon } from "../components/Icon";
import { ErrorState } from "../components/States";
import { useT } from "../i18n";
import { ordinalColor } from "../lib/ordinalColors";
import { splitCommand } from "./command";
import { podName, setTabHealth, type RunTab } from "./dockState";

type Result = Extract<RunEvent, { type: "result" }>;
type Card = { ordinal: number; pod: string; state: "pending" | "running" | "done"; result?: Result };

export function RunPanel({ tab }: { tab: RunTab }) {
  const t = useT();
  const { context, namespace, statefulset } = tab.target;
  const [text, setText] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set(tab.ordinals));
  const [container, setContainer] = useState<string | null>(null);
  const [containers, setContainers] = useState<ContainerTarget[]>([]);
  const [cards, setCards] = useState<Card[]>([]);
  const [running, setRunning] = useState(false);
  const [failure, setFailure] = useState<IpcError | null>(null);
  const stop = useRef<Unsubscribe | null>(null);
  const alive = useRef(true);

  useEffect(() => {
    alive.current = true;
    let cancelled = false;
    podTargets(context, namespace, statefulset).then(
      (p) => !cancelled && setContainers(p.containers.filter((c) => !c.init)),
      () => {},
    );
    return () => {
      cancelled = true;
      alive.current = false;
      void stop.current?.();
    };
  }, [context, namespace, statefulset]);

  useEffect(() => setTabHealth(tab.id, running ? "live" : failure ? "failed" : "ended"), [tab.id, running, failure]);

  const run = () => {
    const r = splitCommand(text);
    if (!r.ok || r.argv.length === 0) {
      setError(!r.ok ? (r.error === "unterminatedQuote" ? t("shell.command.unterminated") : t("shell.command.backslash")) : t("run.command.required"));
      return;
    }
    const ordinals = [...chosen].sort((a, b) => a - b);
    if (ordinals.length === 0) {
      setError(t("run.ordinals.required"));
      return;
    }
    setError(null);
    setFailure(null);
    void stop.current?.();
    setCards(ordinals.map((o) => ({ ordinal: o, pod: podName(statefulset, o), state: "pending" })));
    setRunning(true);
    const onEvent = (e: RunEvent) => {
      if (!alive.current) return;
      if (e.type === "done") setRunning(false);
      else if (e.type === "started") setCards((cs) => cs.map((c) => (c.ordinal === e.ordinal ? { ...c, pod: e.pod, state: "running" } : c)));
      else setCards((cs) => cs.map((c) => (c.ordinal === e.ordinal ? { ...c, pod: e.pod, state: "done", result: e } : c)));
    };
    runOnOrdinals({ context, namespace, statefulset, ordinals, container, command: r.argv }, onEvent).then(
      (u) => {
        if (alive.current) stop.current = u;
        else void u();
      },
      (e: IpcError) => {
        if (!alive.current) return;
        setFailure(e);
        setRunning(false);
      },
    );
  };

  return (
    <div className="dock-panel run" data-testid="run-panel">
      <form
        className="dock-toolbar run__form"
        onSubmit={(e) => {
          e.preventDefault();
          run();
        }}
      >
        <label className="shell__command run__command">
          <span className="faint">{t("run.command")}</span>
          <input className="control control--small mono" value={text} onChange={(e) => setText(e.target.value)} placeholder={t("run.command.placeholder")} aria-label={t("run.command")} data-testid="run-command" />
        </label>
        {containers.length > 1 ? (
          <select className="control control--small" aria-label={t("logs.container")} value={container ?? ""} onChange={(e) => setContainer(e.target.value || null)}>
            <option value="">{t("logs.mainContainer")}</option>
            {containers.map((c) => (
              <option key={c.name} value={c.name}>{c.name}</option>
            ))}
          </select>
        ) : null}
        <fieldset className="run__ordinals">
          <legend className="sr-only">{t("run.ordinals")}</legend>
          {tab.ordinals.map((o) => (
            <label key={o} className="check">
              <input
                type="checkbox"
                checked={chosen.has(o)}
                data-testid={`run-ordinal-${o}`}
                onChange={(e) =>
                  setChosen((s) => {
                    const n = new Set(s);
                    if (e.target.checked) n.add(o);
                    else n.delete(o);
                    return n;
                  })
                }
              />
              <span className="mono">{podName(statefulset, o)}</span>
            </label>
          ))}
        </fieldset>
        <button type="submit" className="btn btn--small btn--primary" disabled={running} data-testid="run-start">
          <Icon name="play" size={14} />
          {running ? t("run.running") : t("run.run")}
        </button>
        {error ? <span className="field-error" role="alert">{error}</span> : null}
      </form>
      {failure ? (
        <ErrorState error={failure} inline />
      ) : null}
      {cards.length === 0 ? (
        <p className="dock-empty faint">{t("run.hint")}</p>
      ) : (
        <div className="run__grid">
          {cards.map((c) => (
            <RunCard key={c.ordinal} card={c} />
          ))}
        </div>
      )}
    </div>
  );
}

function RunCard({ card }: { card: Card }) {
  const t = useT();
  const r = card.result;
  const tone = !r ? "progressing" : r.error ? "failed" : r.exitCode === 0 ? "ok" : "failed";
  return (
    <section className="panel run__card" data-testid={`run-result-${card.ordinal}`} data-state={card.state} data-exit-code={r ? (r.exitCode ?? "") : undefined}>
      <header className="run__head">
        <span className="chip__dot" style={{ background: ordinalColor(card.ordinal) }} aria-hidden="true" />
        <span className="mono">{card.pod}</span>
        <span className={`status status--${tone}`}>
          <Icon name={tone === "ok" ? "ok" : tone === "failed" ? "error" : "progressing"} className="status__icon" size={14} />
          {!r
            ? card.state === "running"
              ? t("run.state.running")
              : t("run.state.pending")
            : r.error
              ? `${r.error.code}: ${r.error.message}`
              : r.exitCode === null
                ? t("run.exit.unknown")
                : t("run.exit", { code: r.exitCode })}
        </span>
        {r ? <span className="num faint run__duration">{t("run.duration", { seconds: (r.durationMs / 1000).toFixed(2) })}</span> : null}
      </header>
      {r && r.stdout ? <pre className="run__out mono" data-testid="run-stdout">{r.stdout}</pre> : null}
      {r && r.stderr ? (
        <pre className="run__out run__out--err mono" data-testid="run-stderr" aria-label={t("run.stderr")}>
          {r.stderr}
        </pre>
      ) : null}
      {r && !r.stdout && !r.stderr && !r.error ? <p className="faint">{t("run.noOutput")}</p> : null}
    </section>
  );
}

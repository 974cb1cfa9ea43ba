// A running grow (started by the Grow storage dialog, or resumed from an interrupted one): the
// five steps with their state, one row per ordinal's claim, and the outcome.
import { useCallback, useEffect, useRef, useState } from "react";
import type { GrowClaim, GrowClaimState, GrowEvent, GrowStep, IpcError, Unsubscribe } from "../../api";
import { Icon, type IconName } from "../../components/Icon";
import { ErrorState } from "../../components/States";
import { useT } from "../../i18n";

export const GROW_STEPS: GrowStep[] = ["patchClaims", "waitResize", "deleteOrphan", "recreate", "verify"];

export type StepState = "pending" | "running" | "done" | "failed";
export type ClaimProgress = { name: string; ordinal: number; state: GrowClaimState | "pending"; capacity: string | null };
export type GrowOutcome = { ok: boolean; error: IpcError | null; fileSystemPending: number };
export type GrowRun = {
  steps: Record<GrowStep, StepState>;
  claims: ClaimProgress[];
  finished: GrowOutcome | null;
};

const PENDING_STEPS = Object.fromEntries(GROW_STEPS.map((s) => [s, "pending"])) as Record<GrowStep, StepState>;

/** Folds one event into the run. */
export function applyGrowEvent(run: GrowRun, e: GrowEvent): GrowRun {
  if (e.type === "step") {
    const at = GROW_STEPS.indexOf(e.step);
    const steps = { ...run.steps };
    // A step that starts means the earlier ones are behind (done now, or before a resume).
    GROW_STEPS.forEach((s, i) => {
      if (i < at && steps[s] !== "failed") steps[s] = "done";
    });
    steps[e.step] = e.done ? "done" : "running";
    return { ...run, steps };
  }
  if (e.type === "claim") {
    const others = run.claims.filter((c) => c.ordinal !== e.ordinal || c.name !== e.name);
    const claims = [...others, { name: e.name, ordinal: e.ordinal, state: e.state, capacity: e.capacity }].sort((a, b) => a.ordinal - b.ordinal);
    return { ...run, claims };
  }
  const steps = { ...run.steps };
  if (e.error) {
    for (const s of GROW_STEPS) if (steps[s] === "running") steps[s] = "failed";
  }
  return { ...run, steps, finished: { ok: e.error === null, error: e.error, fileSystemPending: e.fileSystemPending } };
}

/** True while the StatefulSet may not exist: from the orphaning delete until it is re-created. */
export function setIsGone(run: GrowRun): boolean {
  return run.finished === null && run.steps.deleteOrphan !== "pending" && run.steps.recreate !== "done";
}

/** Runs a grow stream (`start` is `growStorage` or `resumeGrow` with its arguments bound). */
export function useGrowRun() {
  const [run, setRun] = useState<GrowRun | null>(null);
  const unsubscribe = useRef<Unsubscribe | null>(null);
  const alive = useRef(true);

  useEffect(() => {
    alive.current = true;
    return () => {
      alive.current = false;
      if (unsubscribe.current) void unsubscribe.current();
    };
  }, []);

  const start = useCallback((claims: GrowClaim[], begin: (onEvent: (e: GrowEvent) => void) => Promise<Unsubscribe>) => {
    setRun({ steps: PENDING_STEPS, claims: claims.map((c) => ({ name: c.name, ordinal: c.ordinal, state: "pending", capacity: c.capacity })), finished: null });
    begin((e) => {
      if (alive.current) setRun((r) => (r ? applyGrowEvent(r, e) : r));
    }).then(
      (u) => {
        if (alive.current) unsubscribe.current = u;
        else void u();
      },
      (error: IpcError) => {
        if (alive.current) setRun((r) => (r ? { ...r, finished: { ok: false, error, fileSystemPending: 0 } } : r));
      },
    );
  }, []);

  return { run, start };
}

const STEP_ICON: Record<StepState, { icon: IconName; tone: string }> = {
  pending: { icon: "neutral", tone: "neutral" },
  running: { icon: "progressing", tone: "progressing" },
  done: { icon: "ok", tone: "ok" },
  failed: { icon: "error", tone: "failed" },
};

export function GrowProgress({ run, name, size }: { run: GrowRun; name: string; size: string }) {
  const t = useT();
  const f = run.finished;
  return (
    <div className="grow__progress" aria-live="polite">
      <h3 className="grow__subtitle">{t("grow.steps")}</h3>
      <ol className="grow__steps">
        {GROW_STEPS.map((s) => {
          const st = run.steps[s];
          return (
            <li key={s} className={`grow__step status--${STEP_ICON[st].tone}`} data-testid="grow-step" data-step={s} data-state={st}>
              {st === "running" ? <span className="spinner spinner--small" aria-hidden="true" /> : <Icon name={STEP_ICON[st].icon} className="status__icon" />}
              <span className="grow__step-label">{t(`grow.step.${s}`)}</span>
              <span className="faint">{t(`grow.state.${st}`)}</span>
            </li>
          );
        })}
      </ol>
      {run.claims.length > 0 ? (
        <>
          <h3 className="grow__subtitle">{t("grow.claims")}</h3>
          <table className="table table--compact grow__claims">
            <tbody>
              {run.claims.map((c) => (
                <tr key={`${c.ordinal}/${c.name}`} data-testid="grow-claim" data-ordinal={c.ordinal} data-name={c.name} data-state={c.state} data-capacity={c.capacity ?? ""}>
                  <td className="num">{c.ordinal}</td>
                  <td className="mono">{c.name}</td>
                  <td>
                    <span className={`status status--${c.state === "done" ? "ok" : c.state === "pending" ? "neutral" : c.state === "fileSystemResizePending" ? "warning" : "progressing"}`}>
                      <Icon name={c.state === "done" ? "ok" : c.state === "pending" ? "neutral" : c.state === "fileSystemResizePending" ? "warning" : "progressing"} className="status__icon" />
                      {t(`grow.claim.${c.state}`)}
                    </span>
                  </td>
                  <td className="num mono">{c.capacity ?? ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
      {setIsGone(run) ? (
        <p className="notice notice--warn" role="status" data-testid="grow-keep-open">
          <Icon name="warning" />
          <span>{t("grow.keepOpen")}</span>
        </p>
      ) : null}
      {f ? (
        <div data-testid="grow-finished" data-ok={String(f.ok)} data-fs-pending={f.fileSystemPending}>
          {f.ok ? (
            <p className="notice notice--ok" role="status">
              <Icon name="ok" />
              <span>
                {t("grow.finished.ok", { name, size })}
                {f.fileSystemPending > 0 ? <> {t("grow.finished.fsPending", { count: f.fileSystemPending })}</> : null}
              </span>
            </p>
          ) : f.error ? (
            <ErrorState error={f.error} title={t("grow.finished.failed", { name })} inline />
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

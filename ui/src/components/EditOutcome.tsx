// The outcome of a dry run or an apply (server-side apply): the diff, conflicting field managers
// with a force option, "changed since you opened it", or the server's validation problems.
// Shared by the YAML tab, the edit forms, the Environment tab and the budget editor; `ApplyTarget`
// names the context a write goes to.
import { useEffect, useState, type ReactNode } from "react";
import type { ApplyOutcome, ClusterStatus, DiffLine } from "../api";
import { useT } from "../i18n";
import { contextLabel } from "../lib/context";

export function EditOutcome({
  outcome,
  applyTo,
  busy,
  readOnly,
  onApply,
  onReload,
  onClose,
}: {
  outcome: ApplyOutcome;
  applyTo: ReactNode;
  busy: boolean;
  readOnly: boolean;
  onApply: (force: boolean) => void;
  onReload: () => void;
  onClose: () => void;
}) {
  const t = useT();
  switch (outcome.outcome) {
    case "noChange":
      return (
        <div className="yaml-outcome" data-testid="yaml-outcome" data-outcome="noChange">
          <p>{t("yaml.noChange")}</p>
        </div>
      );
    case "changes":
      return (
        <div className="yaml-outcome" data-testid="yaml-outcome" data-outcome="changes">
          <p>
            <strong>{t("yaml.willChange", { added: outcome.added, removed: outcome.removed })}</strong> {applyTo}
          </p>
          <Diff lines={outcome.diff} />
          <div className="yaml-outcome__actions">
            <button type="button" className="btn" onClick={onClose}>
              {t("common.cancel")}
            </button>
            <button type="button" className="btn btn--primary" disabled={busy || readOnly} onClick={() => onApply(false)} data-testid="yaml-apply">
              {t("yaml.apply")}
            </button>
          </div>
        </div>
      );
    case "conflicts":
      return (
        <div className="yaml-outcome yaml-outcome--warn" data-testid="yaml-outcome" data-outcome="conflicts">
          <p>
            <strong>{t("yaml.conflicts")}</strong>
          </p>
          <ul className="yaml-conflicts" data-testid="yaml-conflicts">
            {outcome.conflicts.map((c) => (
              <li key={`${c.manager}/${c.field}`}>
                <code>{c.field}</code> {t("yaml.ownedBy")} <code>{c.manager}</code>
              </li>
            ))}
          </ul>
          <p className="faint">{t("yaml.forceExplain")}</p>
          {outcome.forced.length ? <Diff lines={outcome.forced} /> : null}
          <div className="yaml-outcome__actions">
            {applyTo}
            <button type="button" className="btn" onClick={onReload} data-testid="yaml-reload">
              {t("yaml.reload")}
            </button>
            <button type="button" className="btn btn--danger" disabled={busy || readOnly} onClick={() => onApply(true)} data-testid="yaml-force">
              {t("yaml.force")}
            </button>
          </div>
        </div>
      );
    case "changed":
      return (
        <div className="yaml-outcome yaml-outcome--warn" data-testid="yaml-outcome" data-outcome="changed">
          <p>
            <strong>{t("yaml.changed", { version: outcome.latest.resourceVersion })}</strong>
          </p>
          <p className="faint">{t("yaml.changedDiff")}</p>
          <Diff lines={outcome.diff} />
          <div className="yaml-outcome__actions">
            <button type="button" className="btn btn--primary" onClick={onReload} data-testid="yaml-load-latest">
              {t("yaml.loadLatest")}
            </button>
          </div>
        </div>
      );
    case "invalid":
      return (
        <div className="yaml-outcome yaml-outcome--bad" data-testid="yaml-outcome" data-outcome="invalid">
          <p>
            <strong>{t("yaml.invalid")}</strong>
          </p>
          <ul data-testid="yaml-problems">
            {outcome.problems.map((p, i) => (
              <li key={i}>
                {p.field ? <code>{p.field}</code> : null}
                {p.line !== null ? <code>{t("yaml.at", { line: p.line, column: p.column ?? 1 })}</code> : null} {p.message}
              </li>
            ))}
          </ul>
        </div>
      );
  }
}

type Span = { text: string; className: string };

/** The lines' YAML highlighting, once the highlighter's chunk is there (plain text until then). */
function useHighlighted(texts: string[]): Span[][] | null {
  const [spans, setSpans] = useState<{ for: string; lines: Span[][] } | null>(null);
  const key = texts.join("\n");
  useEffect(() => {
    let live = true;
    void import("./yaml/highlightDiff").then((m) => live && setSpans({ for: key, lines: m.highlightLines(texts) }));
    return () => {
      live = false;
    };
  }, [key]);
  return spans?.for === key ? spans.lines : null;
}

export function Diff({ lines }: { lines: DiffLine[] }) {
  const texts = lines.filter((l) => l.kind !== "gap").map((l) => l.text);
  const spans = useHighlighted(texts);
  let n = 0;
  return (
    <pre className="diff" data-testid="yaml-diff" data-highlighted={spans ? "true" : undefined}>
      {lines.map((l, i) => {
        const line = l.kind === "gap" ? null : spans?.[n++];
        return (
          <div key={i} className={`diff__line diff__line--${l.kind}`} data-kind={l.kind}>
            <span className="diff__sign" aria-hidden="true">
              {l.kind === "add" ? "+" : l.kind === "remove" ? "−" : l.kind === "gap" ? "⋯" : " "}
            </span>
            {l.kind === "gap" ? "" : line ? line.map((s, j) => (s.className ? <span key={j} className={s.className}>{s.text}</span> : s.text)) : l.text}
          </div>
        );
      })}
    </pre>
  );
}

/** "Applies to <context>", in red with a badge on a production context. */
export function ApplyTarget({ status }: { status: ClusterStatus }) {
  const t = useT();
  const production = status.protection === "production";
  return (
    <span className={production ? "yaml-target yaml-target--production" : "yaml-target"} data-testid="yaml-target">
      {t("yaml.applyTo", { context: contextLabel(status.context, t) })}
      {production ? <span className="badge badge--danger">{t("protection.production")}</span> : null}
    </span>
  );
}

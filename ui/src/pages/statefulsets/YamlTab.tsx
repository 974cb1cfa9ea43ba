// The YAML tab: the live object in an editor; "Review changes" runs a server-side apply dry run
// and shows exactly what would change (or the conflicting fields and their managers, or that the
// object changed meanwhile, or the server's validation); only then can the user apply.
import { useCallback, useEffect, useState } from "react";
import { applyEdit, planEdit, readObject, type ApplyOutcome, type ClusterStatus, type DiffLine, type EditTarget, type IpcError, type ObjectText } from "../../api";
import { Icon } from "../../components/Icon";
import { ErrorState, LoadingState } from "../../components/States";
import { YamlEditor, yamlError } from "../../components/YamlEditor";
import { useT } from "../../i18n";
import { contextLabel } from "../../lib/context";

/** The text without the lines every write changes (resourceVersion, generation). */
function editable(yaml: string): string {
  return yaml
    .split("\n")
    .filter((l) => !/^  (resourceVersion|generation): /.test(l))
    .join("\n");
}

export function YamlTab({ status, target, liveVersion }: { status: ClusterStatus; target: EditTarget; liveVersion: string }) {
  const t = useT();
  const [base, setBase] = useState<ObjectText | null>(null);
  const [text, setText] = useState("");
  const [loadError, setLoadError] = useState<IpcError | null>(null);
  const [outcome, setOutcome] = useState<ApplyOutcome | null>(null);
  const [applied, setApplied] = useState<string | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [busy, setBusy] = useState(false);
  const readOnly = status.protection === "readOnly";
  const dirty = base !== null && text !== base.yaml;
  const syntax = base ? yamlError(text) : null;

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const o = await readObject(target);
      setBase(o);
      setText(o.yaml);
      setOutcome(null);
      setStale(false);
    } catch (e) {
      setLoadError(e as IpcError);
    }
  }, [target.context, target.namespace, target.name, target.kind]);

  useEffect(() => {
    void load();
  }, [load]);

  // The object changed on the server. Without edits, follow along. With edits, look at what
  // changed: status churn (ready counts) keeps the user's base; a change to what they edit is
  // announced (and Review shows it; nothing is applied over it).
  const [stale, setStale] = useState(false);
  const behind = base !== null && liveVersion !== "" && liveVersion !== base.resourceVersion;
  useEffect(() => {
    if (!behind || busy) return;
    if (!dirty) {
      void load();
      return;
    }
    let cancelled = false;
    readObject(target).then(
      (latest) => {
        if (cancelled || !base) return;
        if (editable(latest.yaml) === editable(base.yaml)) setBase(latest);
        else setStale(true);
      },
      () => {},
    );
    return () => {
      cancelled = true;
    };
  }, [behind, dirty, busy, load]);
  useEffect(() => {
    if (!dirty) setStale(false);
  }, [dirty]);

  const review = async () => {
    setBusy(true);
    setError(null);
    setApplied(null);
    try {
      setOutcome(await planEdit(target, base!.yaml, text));
    } catch (e) {
      setError(e as IpcError);
    } finally {
      setBusy(false);
    }
  };

  const save = async (force: boolean) => {
    setBusy(true);
    setError(null);
    try {
      const o = await applyEdit(target, base!.yaml, text, force);
      if (o.outcome === "changes") {
        setApplied(o.resourceVersion ?? "");
        setOutcome(null);
        await load();
      } else {
        setOutcome(o);
      }
    } catch (e) {
      setError(e as IpcError);
    } finally {
      setBusy(false);
    }
  };

  if (loadError) return <ErrorState error={loadError} onRetry={() => void load()} />;
  if (!base) return <LoadingState />;

  const applyTo = (
    <span className={status.protection === "production" ? "yaml-target yaml-target--production" : "yaml-target"} data-testid="yaml-target">
      {t("yaml.applyTo", { context: contextLabel(status.context, t) })}
      {status.protection === "production" ? <span className="badge badge--danger">{t("protection.production")}</span> : null}
    </span>
  );

  return (
    <div className="yaml-tab" data-testid="yaml-tab" data-dirty={dirty ? "true" : undefined}>
      <div className="yaml-tab__bar">
        <span className="faint mono" data-testid="yaml-version">
          {t("yaml.version", { version: base.resourceVersion })}
        </span>
        <span className="yaml-tab__spacer" />
        <button type="button" className="btn" disabled={busy || !dirty} onClick={() => setText(base.yaml)} data-testid="yaml-discard">
          {t("yaml.discard")}
        </button>
        <button
          type="button"
          className="btn btn--primary"
          disabled={busy || !dirty || syntax !== null || readOnly}
          title={readOnly ? t("batch.disabled.readOnly") : undefined}
          onClick={() => void review()}
          data-testid="yaml-review"
        >
          {t("yaml.review")}
        </button>
      </div>
      {stale && dirty ? (
        <p className="notice notice--warn" role="status" data-testid="yaml-stale">
          <Icon name="warning" />
          <span>{t("yaml.stale")}</span>
          <button type="button" className="btn btn--small" onClick={() => void load()} data-testid="yaml-load-latest">
            {t("yaml.loadLatest")}
          </button>
        </p>
      ) : null}
      {applied !== null ? (
        <p className="notice notice--ok" role="status" data-testid="yaml-applied">
          <Icon name="ok" />
          <span>{t("yaml.applied", { version: applied })}</span>
        </p>
      ) : null}
      {syntax ? (
        <p className="field__error" role="alert" data-testid="yaml-syntax-error">
          <Icon name="error" size={12} />
          {t("yaml.syntax", { line: syntax.line, column: syntax.column, message: syntax.message })}
        </p>
      ) : null}
      {error ? <ErrorState error={error} inline /> : null}

      {outcome ? (
        <Outcome outcome={outcome} applyTo={applyTo} busy={busy} readOnly={readOnly} onApply={(force) => void save(force)} onReload={() => void load()} onClose={() => setOutcome(null)} />
      ) : null}

      <YamlEditor value={text} onChange={(v) => { setText(v); setOutcome(null); setApplied(null); }} error={syntax} readOnly={readOnly} testId="yaml-editor" label={t("yaml.editor")} />
    </div>
  );
}

export function Outcome({
  outcome,
  applyTo,
  busy,
  readOnly,
  onApply,
  onReload,
  onClose,
}: {
  outcome: ApplyOutcome;
  applyTo: React.ReactNode;
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

export function Diff({ lines }: { lines: DiffLine[] }) {
  return (
    <pre className="diff" data-testid="yaml-diff">
      {lines.map((l, i) => (
        <div key={i} className={`diff__line diff__line--${l.kind}`} data-kind={l.kind}>
          <span className="diff__sign" aria-hidden="true">
            {l.kind === "add" ? "+" : l.kind === "remove" ? "−" : l.kind === "gap" ? "⋯" : " "}
          </span>
          {l.kind === "gap" ? "" : l.text}
        </div>
      ))}
    </pre>
  );
}

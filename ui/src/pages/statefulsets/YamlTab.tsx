// The YAML tab: the live object in an editor; "Review changes" runs a server-side apply dry run
// and shows exactly what would change (or the conflicting fields and their managers, or that the
// object changed meanwhile, or the server's validation); only then can the user apply.
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { readObject, type ClusterStatus, type EditTarget, type IpcError, type ObjectText } from "../../api";
import { ApplyTarget, EditOutcome as Outcome } from "../../components/EditOutcome";
import { Icon } from "../../components/Icon";
import { ErrorState, LoadingState } from "../../components/States";
import { YamlEditor } from "../../components/YamlEditor";
import { useT } from "../../i18n";
import { schemaProblems } from "../../lib/schema/lint";
import { yamlError } from "../../lib/yamlSyntax";
import { useReviewedEdit } from "../../state/review";
import { useObjectSchema } from "../../state/schemas";

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
  const { review: pending, busy, error, applied, preview, apply, dismiss, setApplied } = useReviewedEdit(target);
  const readOnly = status.protection === "readOnly";
  const dirty = base !== null && text !== base.yaml;
  const syntax = useMemo(() => (base ? yamlError(text) : null), [base, text]);
  const schema = useObjectSchema(target.context, target.kind);
  // Counted, not enforced: Review stays open, the server's dry run has the last word.
  const problems = useMemo(() => (schema.status === "loaded" && !syntax ? schemaProblems(text, schema.schema).length : 0), [schema, syntax, text]);

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      const o = await readObject(target);
      setBase(o);
      setText(o.yaml);
      dismiss();
      setStale(false);
    } catch (e) {
      setLoadError(e as IpcError);
    }
  }, [target.context, target.namespace, target.name, target.kind, dismiss]);

  useEffect(() => {
    void load();
  }, [load]);

  // The text now, for a reload that finishes after the user started typing.
  const textNow = useRef(text);
  textNow.current = text;
  /** Follow the server without edits: the newer text, unless the user began editing meanwhile. */
  const follow = useCallback(
    async (from: ObjectText) => {
      try {
        const o = await readObject(target);
        if (textNow.current === from.yaml) {
          setBase(o);
          setText(o.yaml);
        } else if (editable(o.yaml) === editable(from.yaml)) {
          // Edits began while reading: keep them; only status moved.
          setBase((b) => (b === from ? o : b));
        } else {
          setStale(true);
        }
      } catch (e) {
        setLoadError(e as IpcError);
      }
    },
    [target.context, target.namespace, target.name, target.kind],
  );

  // The object changed on the server. Without edits, follow along. With edits, look at what
  // changed: status churn (ready counts) keeps the user's base; a change to what they edit is
  // announced (and Review shows it; nothing is applied over it).
  const [stale, setStale] = useState(false);
  const behind = base !== null && liveVersion !== "" && liveVersion !== base.resourceVersion;
  useEffect(() => {
    if (!behind || busy) return;
    if (!dirty) {
      if (base) void follow(base);
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
  }, [behind, dirty, busy, follow]);
  useEffect(() => {
    if (!dirty) setStale(false);
  }, [dirty]);

  const save = async (force: boolean) => {
    if ((await apply(force))?.outcome === "changes") await load();
  };

  if (loadError) return <ErrorState error={loadError} onRetry={() => void load()} />;
  if (!base) return <LoadingState />;

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
          onClick={() => void preview(() => ({ base: base.yaml, yaml: text }))}
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
      {problems > 0 ? (
        <p className="yaml-tab__schema" data-testid="yaml-schema-problems">
          <Icon name="warning" size={12} />
          {t("yaml.schema.problems", { count: problems })}
        </p>
      ) : null}
      {schema.status === "unavailable" ? (
        <p className="faint yaml-tab__schema" data-testid="yaml-schema-unavailable">
          {t("yaml.schema.unavailable", { message: schema.error.message })}
        </p>
      ) : null}
      {error ? <ErrorState error={error} inline /> : null}

      {pending ? (
        <Outcome outcome={pending.outcome} applyTo={<ApplyTarget status={status} />} busy={busy} readOnly={readOnly} onApply={(force) => void save(force)} onReload={() => void load()} onClose={dismiss} />
      ) : null}

      <YamlEditor value={text} onChange={(v) => { setText(v); dismiss(); setApplied(null); }} readOnly={readOnly} schema={schema} testId="yaml-editor" label={t("yaml.editor")} />
    </div>
  );
}

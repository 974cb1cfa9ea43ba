import { useState } from "react";
import type { ContextSummary, ImportResult, KubeconfigProblem } from "../api";
import { AuthBadge } from "../components/AuthBadge";
import { Icon } from "../components/Icon";
import { EmptyState, ErrorState, LoadingState } from "../components/States";
import { useT } from "../i18n";
import { contextLabel } from "../lib/context";
import { useContexts } from "../state/contexts";
import { PageHeader } from "./PageHeader";
import { ContextPanel } from "./contexts/ContextPanel";
import { ImportDialog } from "./contexts/ImportDialog";
import { useContextEdits } from "./contexts/useContextEdits";

type Props = {
  query: string;
  selected: ContextSummary | null;
  onSelectContext: (name: string) => void;
};

/** `file:line:col`, leaving out what the backend did not know. */
export function problemLocation(p: KubeconfigProblem): string {
  let loc = p.file;
  if (p.line !== null) {
    loc += `:${p.line}`;
    if (p.column !== null) loc += `:${p.column}`;
  }
  return loc;
}

/** A path split so the file name stays visible when the directory is truncated. */
function PathText({ path, split = path.length }: { path: string; split?: number }) {
  // `split`: where the file path ends (a `:line:col` suffix may follow and stays visible too).
  const file = path.slice(0, split);
  const cut = Math.max(file.lastIndexOf("/"), file.lastIndexOf("\\")) + 1;
  return (
    <span className="path">
      {cut > 0 ? <span className="path__dir">{path.slice(0, cut)}</span> : null}
      <span className="path__base">{path.slice(cut)}</span>
    </span>
  );
}

function matches(c: ContextSummary, q: string): boolean {
  if (!q) return true;
  const needle = q.toLowerCase();
  return [c.name, c.cluster, c.server ?? "", c.user, c.namespace ?? "", c.sourceFile].some((v) =>
    v.toLowerCase().includes(needle),
  );
}

export function ContextsPage({ query, selected, onSelectContext }: Props) {
  const t = useT();
  const { list, loading, error, liveError, reload, reloading } = useContexts();
  const none = t("common.none");
  const edits = useContextEdits();
  const [focused, setFocused] = useState<string | null>(null);
  const [importing, setImporting] = useState(false);

  const onImported = (r: ImportResult) => {
    setImporting(false);
    void reload();
    if (r.contexts[0]) setFocused(r.contexts[0]);
    edits.clear();
    void edits.run(
      "import",
      async () => r,
      r.secured.length === 0,
      () =>
        t("import.done", { contexts: r.contexts.join(", "), secured: r.secured.length ? r.secured.join(", ") : none }) +
        r.notSecured.map((n) => ` ${n.context}: ${n.reason}`).join(""),
    );
  };

  const reloadButton = (
    <>
      <button type="button" className="btn" onClick={() => setImporting(true)} data-testid="contexts-import">
        <Icon name="plus" />
        {t("contexts.import")}
      </button>
      <button type="button" className="btn" onClick={() => void edits.undo()} disabled={edits.busy !== null} data-testid="contexts-undo">
        <Icon name="undo" />
        {t("contexts.undo")}
      </button>
      <button type="button" className="btn" onClick={() => void reload()} disabled={reloading} data-testid="contexts-reload">
        <Icon name="reload" className={reloading ? "spin" : undefined} />
        {t("common.reload")}
      </button>
    </>
  );

  const header = (
    <PageHeader
      title={t("contexts.title")}
      subtitle={
        list ? (
          <span className="num">{t("contexts.summary", { count: list.contexts.length, files: list.sources.length })}</span>
        ) : null
      }
      actions={reloadButton}
    />
  );

  if (!list) {
    return (
      <section className="page__section" data-page="contexts">
        {header}
        <div className="page__body">
          {error && !loading ? (
            <ErrorState error={error} onRetry={() => void reload()} retrying={reloading} />
          ) : (
            <LoadingState />
          )}
        </div>
      </section>
    );
  }

  const q = query.trim();
  const rows = list.contexts.filter((c) => matches(c, q));
  const panelContext = list.contexts.find((c) => c.name === focused) ?? null;
  const noFiles = list.sources.length === 0 && list.contexts.length === 0 && list.problems.length === 0;
  const noContexts = !noFiles && list.contexts.length === 0;

  return (
    <section className="page__section" data-page="contexts">
      {header}
      <div className="page__body page__body--stack">
        {error ? <ErrorState error={error} inline /> : null}
        {liveError ? (
          <p className="notice notice--warn" role="status" data-testid="live-unavailable">
            <Icon name="warning" />
            <span>
              {t("contexts.live.unavailable", { message: `${liveError.code}: ${liveError.message}` })}
            </span>
          </p>
        ) : null}

        {edits.notice ? (
          <p className="notice notice--ok" role="status" data-testid="contexts-notice">
            <Icon name="ok" />
            <span>{edits.notice.message}</span>
            {edits.notice.undoable ? (
              <button type="button" className="btn btn--small" onClick={() => void edits.undo()} data-testid="contexts-notice-undo">
                <Icon name="undo" />
                {t("contexts.undo")}
              </button>
            ) : null}
          </p>
        ) : null}
        {edits.error ? (
          <div data-testid="contexts-edit-error">
            <ErrorState error={edits.error} inline />
          </div>
        ) : null}

        {noFiles ? (
          <EmptyState icon="file" title={t("contexts.empty.title")}>
            <p>{t("contexts.empty.body")}</p>
          </EmptyState>
        ) : null}
        {noContexts ? <EmptyState icon="contexts" title={t("sidebar.empty")} /> : null}

        {list.contexts.length > 0 ? (
          <div className="table-wrap">
            <table className="table" data-testid="contexts-table">
              <thead>
                <tr>
                  <th scope="col">{t("contexts.col.name")}</th>
                  <th scope="col">{t("contexts.col.cluster")}</th>
                  <th scope="col">{t("contexts.col.server")}</th>
                  <th scope="col">{t("contexts.col.user")}</th>
                  <th scope="col">{t("contexts.col.namespace")}</th>
                  <th scope="col">{t("contexts.col.auth")}</th>
                  <th scope="col">{t("contexts.col.secret")}</th>
                  <th scope="col">{t("contexts.col.source")}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((c) => (
                  <tr
                    key={c.name}
                    data-testid="contexts-row"
                    data-context={c.name}
                    className={[selected?.name === c.name ? "is-selected" : "", focused === c.name ? "is-focused" : ""].join(" ").trim() || undefined}
                    aria-selected={focused === c.name}
                    onClick={() => setFocused(c.name)}
                    onDoubleClick={() => onSelectContext(c.name)}
                  >
                    <td className="mono cell--name">
                      <span className="cell-flex">
                        <span title={c.name} className="truncate">{contextLabel(c.name, t)}</span>
                        {c.current ? (
                          <span className="badge badge--current">
                            <Icon name="current" size={8} />
                            {t("contexts.current")}
                          </span>
                        ) : null}
                      </span>
                    </td>
                    <td className="mono truncate" title={c.cluster}>{c.cluster}</td>
                    <td className="mono truncate" title={c.server ?? undefined}>{c.server ?? none}</td>
                    <td className="mono truncate" title={c.user}>{c.user}</td>
                    <td className="mono truncate">{c.namespace ?? none}</td>
                    <td>
                      <AuthBadge kind={c.authKind} />
                    </td>
                    <td className="truncate" title={t(`secret.title.${c.secretLocation}`)}>{t(`secret.${c.secretLocation}`)}</td>
                    <td className="mono" title={c.sourceFile}>
                      <PathText path={c.sourceFile} />
                    </td>
                  </tr>
                ))}
                {rows.length === 0 ? (
                  <tr>
                    <td colSpan={8} className="table__empty">
                      {t("contexts.noMatch", { query: q })}
                    </td>
                  </tr>
                ) : null}
              </tbody>
            </table>
          </div>
        ) : null}

        {panelContext ? (
          <ContextPanel key={panelContext.name} context={panelContext} edits={edits} onOpen={onSelectContext} onFocus={setFocused} />
        ) : list.contexts.length > 0 ? (
          <p className="faint">{t("contexts.pick")}</p>
        ) : null}

        {importing ? <ImportDialog onClose={() => setImporting(false)} onImported={onImported} /> : null}

        {list.problems.length > 0 ? (
          <section className="panel" aria-labelledby="problems-title">
            <h2 className="panel__title" id="problems-title">
              <Icon name="warning" className="text-warn" />
              {t("contexts.problems.title")}
              <span className="badge badge--warn num">{list.problems.length}</span>
            </h2>
            <ul className="problems" data-testid="kubeconfig-problems">
              {list.problems.map((p, i) => (
                <li key={`${problemLocation(p)}-${i}`} className="problems__item" data-testid="kubeconfig-problem">
                  <Icon name="warning" className="text-warn" />
                  <code className="problems__loc" title={problemLocation(p)}>
                    <PathText path={problemLocation(p)} split={p.file.length} />
                  </code>
                  <span className="problems__msg">{p.message}</span>
                  {p.context ? (
                    <span className="problems__ctx mono" title={p.context}>
                      {t("contexts.problems.context", { context: p.context })}
                    </span>
                  ) : null}
                </li>
              ))}
            </ul>
          </section>
        ) : null}

        {list.sources.length > 0 ? (
          <section className="panel" aria-labelledby="sources-title">
            <h2 className="panel__title" id="sources-title">
              <Icon name="file" />
              {t("contexts.sources.title")}
            </h2>
            <ul className="sources">
              {list.sources.map((s) => (
                <li key={s} className="mono">
                  {s}
                </li>
              ))}
            </ul>
          </section>
        ) : null}
      </div>
    </section>
  );
}

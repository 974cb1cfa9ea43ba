import type { ContextSummary, KubeconfigProblem } from "../api";
import { AuthBadge } from "../components/AuthBadge";
import { Icon } from "../components/Icon";
import { EmptyState, ErrorState, LoadingState } from "../components/States";
import { useT } from "../i18n";
import { useContexts } from "../state/contexts";
import { PageHeader } from "./PageHeader";

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

  const reloadButton = (
    <button type="button" className="btn" onClick={() => void reload()} disabled={reloading} data-testid="contexts-reload">
      <Icon name="reload" className={reloading ? "spin" : undefined} />
      {t("common.reload")}
    </button>
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
                    className={selected?.name === c.name ? "is-selected" : undefined}
                    onDoubleClick={() => onSelectContext(c.name)}
                  >
                    <td className="mono cell--name">
                      <span className="cell-flex">
                        <span title={c.name} className="truncate">{c.name}</span>
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

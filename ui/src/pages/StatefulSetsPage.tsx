import type { ContextSummary } from "../api";
import { EmptyState, ErrorState, LoadingState } from "../components/States";
import { useT } from "../i18n";
import { useContexts } from "../state/contexts";
import { PageHeader } from "./PageHeader";

export function StatefulSetsPage({ context, namespace }: { context: ContextSummary | null; namespace: string }) {
  const t = useT();
  const { list, loading, error, reload, reloading } = useContexts();

  const scope = context
    ? namespace
      ? t("sts.scope.namespace", { context: context.name, namespace })
      : t("sts.scope.all", { context: context.name })
    : null;

  let body;
  if (loading && !list) {
    body = <LoadingState />;
  } else if (error && !list) {
    body = <ErrorState error={error} onRetry={() => void reload()} retrying={reloading} />;
  } else if (!context) {
    body = (
      <EmptyState icon="cluster" title={t("sts.noContext.title")}>
        <p>{t("sts.noContext.body")}</p>
      </EmptyState>
    );
  } else {
    body = (
      <EmptyState icon="statefulset" title={t("sts.empty.title")}>
        <p>{t("sts.empty.body", { context: context.name })}</p>
      </EmptyState>
    );
  }

  return (
    <section className="page__section" data-page="statefulsets">
      <PageHeader title={t("sts.title")} subtitle={scope ? <span className="mono">{scope}</span> : null} />
      <div className="page__body">{body}</div>
    </section>
  );
}

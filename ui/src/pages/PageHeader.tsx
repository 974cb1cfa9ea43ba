import type { ReactNode } from "react";

export function PageHeader({
  title,
  subtitle,
  actions,
  breadcrumb,
  badge,
}: {
  title: string;
  subtitle?: ReactNode;
  actions?: ReactNode;
  breadcrumb?: ReactNode;
  badge?: string;
}) {
  return (
    <div className="page__header">
      <div className="page__heading">
        {breadcrumb ? <nav className="breadcrumb">{breadcrumb}</nav> : null}
        <h1 className="page__title" data-testid="page-title">
          {badge ? <span className="badge badge--kind" aria-hidden="true">{badge}</span> : null}
          <span className={badge ? "mono" : undefined}>{title}</span>
        </h1>
        {subtitle ? <div className="page__subtitle">{subtitle}</div> : null}
      </div>
      {actions ? <div className="page__actions">{actions}</div> : null}
    </div>
  );
}

import type { ReactNode } from "react";

export function PageHeader({ title, subtitle, actions }: { title: string; subtitle?: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page__header">
      <div className="page__heading">
        <h1 className="page__title" data-testid="page-title">
          {title}
        </h1>
        {subtitle ? <div className="page__subtitle">{subtitle}</div> : null}
      </div>
      {actions ? <div className="page__actions">{actions}</div> : null}
    </div>
  );
}

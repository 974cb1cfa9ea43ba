// The designed loading, empty and error states every view uses.
import type { ReactNode } from "react";
import type { IpcError } from "../api";
import { useT } from "../i18n";
import { Icon, type IconName } from "./Icon";

export function LoadingState({ label, compact }: { label?: string; compact?: boolean }) {
  const t = useT();
  return (
    <div className={compact ? "state state--compact" : "state"} role="status" aria-live="polite" data-state="loading">
      <span className="spinner" aria-hidden="true" />
      <span className="state__label">{label ?? t("common.loading")}</span>
    </div>
  );
}

export function EmptyState({
  icon = "empty",
  title,
  children,
  action,
}: {
  icon?: IconName;
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="state" data-state="empty">
      <Icon name={icon} size={28} className="state__icon" />
      <p className="state__title">{title}</p>
      {children ? <div className="state__body">{children}</div> : null}
      {action ? <div className="state__action">{action}</div> : null}
    </div>
  );
}

/** Shows an IpcError: its code, a hint for the code, the message, and the detail if any. */
export function ErrorState({
  error,
  title,
  onRetry,
  retrying,
  inline,
}: {
  error: IpcError;
  title?: string;
  onRetry?: () => void;
  retrying?: boolean;
  inline?: boolean;
}) {
  const t = useT();
  return (
    <div className={inline ? "error-box error-box--inline" : "error-box"} role="alert" data-state="error" data-error-code={error.code}>
      <div className="error-box__head">
        <Icon name="error" className="error-box__icon" />
        <span className="error-box__title">{title ?? t("error.title")}</span>
        <code className="error-box__code">{error.code}</code>
      </div>
      <p className="error-box__message">{error.message}</p>
      <p className="error-box__hint">{t(`error.hint.${error.code}`)}</p>
      {error.detail ? (
        <details className="error-box__detail">
          <summary>{t("common.details")}</summary>
          <pre>{error.detail}</pre>
        </details>
      ) : null}
      {onRetry ? (
        <button type="button" className="btn" onClick={onRetry} disabled={retrying}>
          <Icon name="reload" />
          {t("common.retry")}
        </button>
      ) : null}
    </div>
  );
}

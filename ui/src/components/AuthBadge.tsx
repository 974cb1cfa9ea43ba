import type { AuthKind } from "../api";
import { useT } from "../i18n";

export function AuthBadge({ kind }: { kind: AuthKind }) {
  const t = useT();
  return (
    <span className={`badge badge--auth badge--${kind}`} title={t(`auth.title.${kind}`)} data-auth={kind}>
      {t(`auth.${kind}`)}
    </span>
  );
}

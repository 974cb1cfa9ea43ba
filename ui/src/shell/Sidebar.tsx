import type { KeyboardEvent } from "react";
import type { ContextSummary } from "../api";
import { AuthBadge } from "../components/AuthBadge";
import { Icon } from "../components/Icon";
import { useT } from "../i18n";
import { contextLabel } from "../lib/context";
import { useAppInfo } from "../state/appInfo";
import { useContexts } from "../state/contexts";
import type { Route } from "./types";

type Props = {
  route: Route;
  selected: ContextSummary | null;
  onNavigate: (route: Route) => void;
  onSelectContext: (name: string) => void;
};

export function Sidebar({ route, selected, onNavigate, onSelectContext }: Props) {
  const t = useT();
  const { list, loading, error } = useContexts();
  const contexts = list?.contexts ?? [];
  const problems = list?.problems ?? [];

  const problemsFor = (name: string) => problems.filter((p) => p.context === name).length;

  const statefulSetsNav = (
    <NavButton
      testId="nav-statefulsets"
      icon="statefulset"
      label={t("nav.statefulsets")}
      active={route === "statefulsets"}
      onClick={() => onNavigate("statefulsets")}
    />
  );

  return (
    <aside className="sidebar">
      <div className="brand">
        <span role="img" aria-label={t("app.logo")} className="brand__mark">
          <Icon name="logo" size={18} />
        </span>
        <span className="brand__name">{t("app.name")}</span>
      </div>

      <nav className="sidebar__nav" aria-label={t("nav.primary")}>
        <div className="sidebar__heading">
          <span>{t("sidebar.clusters")}</span>
          {problems.length > 0 ? (
            <button
              type="button"
              className="badge badge--warn badge--button"
              title={t("sidebar.problems", { count: problems.length })}
              aria-label={t("sidebar.problems", { count: problems.length })}
              onClick={() => onNavigate("contexts")}
              data-testid="problems-count"
            >
              <Icon name="warning" size={12} />
              <span className="num">{problems.length}</span>
            </button>
          ) : null}
        </div>

        <ul className="ctx-list" data-testid="context-list" aria-busy={loading} onKeyDown={moveFocus}>
          {contexts.map((c) => {
            const isSelected = selected?.name === c.name;
            const count = problemsFor(c.name);
            return (
              <li
                key={c.name}
                className="ctx-list__item"
                data-testid="context-item"
                data-context={c.name}
                data-current={c.current ? "true" : undefined}
                data-selected={isSelected ? "true" : undefined}
              >
                <button
                  type="button"
                  className={isSelected ? "ctx-item ctx-item--selected" : "ctx-item"}
                  onClick={() => onSelectContext(c.name)}
                  aria-pressed={isSelected}
                  title={c.name}
                >
                  <span className="ctx-item__marker">
                    {c.current ? (
                      <span title={t("sidebar.current")}>
                        <Icon name="current" size={10} />
                      </span>
                    ) : null}
                  </span>
                  <span className="ctx-item__name mono">{contextLabel(c.name, t)}</span>
                  {c.current ? <span className="sr-only">{t("sidebar.current")}</span> : null}
                  {count > 0 ? (
                    <span className="badge badge--warn" title={t("sidebar.problems", { count })}>
                      <Icon name="warning" size={11} />
                      <span className="num">{count}</span>
                    </span>
                  ) : null}
                  <AuthBadge kind={c.authKind} />
                </button>
                {isSelected ? <div className="ctx-list__sub">{statefulSetsNav}</div> : null}
              </li>
            );
          })}
        </ul>

        {loading && !list ? (
          <p className="sidebar__note" role="status">
            <span className="spinner spinner--small" aria-hidden="true" />
            {t("sidebar.loading")}
          </p>
        ) : null}
        {!loading && error && !list ? (
          <p className="sidebar__note sidebar__note--error" title={`${error.code}: ${error.message}`}>
            <Icon name="error" size={12} />
            {t("sidebar.error")}
          </p>
        ) : null}
        {list && contexts.length === 0 ? (
          <p className="sidebar__note">
            <Icon name="empty" size={12} />
            {t("sidebar.empty")}
          </p>
        ) : null}
        {!selected ? <div className="sidebar__standalone">{statefulSetsNav}</div> : null}
      </nav>

      <div className="sidebar__bottom">
        <NavButton
          testId="nav-contexts"
          icon="contexts"
          label={t("nav.contexts")}
          active={route === "contexts"}
          onClick={() => onNavigate("contexts")}
        />
        <NavButton
          testId="nav-settings"
          icon="settings"
          label={t("nav.settings")}
          active={route === "settings"}
          onClick={() => onNavigate("settings")}
        />
        <VersionFooter />
      </div>
    </aside>
  );
}

/** Up/Down (and Home/End) move between the context buttons of the list. */
function moveFocus(e: KeyboardEvent<HTMLUListElement>) {
  if (!["ArrowDown", "ArrowUp", "Home", "End"].includes(e.key)) return;
  const buttons = [...e.currentTarget.querySelectorAll<HTMLButtonElement>("button.ctx-item")];
  if (buttons.length === 0) return;
  const at = buttons.indexOf(document.activeElement as HTMLButtonElement);
  const next =
    e.key === "Home"
      ? 0
      : e.key === "End"
        ? buttons.length - 1
        : at < 0
          ? 0
          : Math.min(buttons.length - 1, Math.max(0, at + (e.key === "ArrowDown" ? 1 : -1)));
  e.preventDefault();
  buttons[next]?.focus();
}

function NavButton({
  testId,
  icon,
  label,
  active,
  onClick,
}: {
  testId: string;
  icon: "statefulset" | "contexts" | "settings";
  label: string;
  active: boolean;
  onClick: () => void;
}) {
  return (
    <button
      type="button"
      className={active ? "nav-item nav-item--active" : "nav-item"}
      data-testid={testId}
      aria-current={active ? "page" : undefined}
      onClick={onClick}
    >
      <Icon name={icon} />
      <span>{label}</span>
    </button>
  );
}

function VersionFooter() {
  const t = useT();
  const info = useAppInfo();
  return (
    <div className="sidebar__footer">
      {info.status === "ready" ? (
        <span className="mono num" data-testid="app-version" data-version={info.info.version}>
          {t("sidebar.version", { version: info.info.version })}
        </span>
      ) : info.status === "error" ? (
        <span className="sidebar__footer-error" title={`${info.error.code}: ${info.error.message}`}>
          <Icon name="error" size={12} />
          <code>{info.error.code}</code>
        </span>
      ) : (
        <span className="spinner spinner--small" role="status" aria-label={t("common.loading")} />
      )}
    </div>
  );
}

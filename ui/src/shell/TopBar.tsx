import { forwardRef } from "react";
import type { ClusterStatus, ContextSummary } from "../api";
import { Icon } from "../components/Icon";
import { useT } from "../i18n";
import { contextLabel } from "../lib/context";
import { ConnectionChip } from "./ConnectionChip";
import { NamespacePicker } from "./NamespacePicker";

type Props = {
  contexts: ContextSummary[];
  selected: ContextSummary | null;
  onSelectContext: (name: string) => void;
  namespace: string;
  onNamespace: (ns: string) => void;
  query: string;
  onQuery: (q: string) => void;
  onShowShortcuts: () => void;
  /** The selected context's connection status, if known. */
  status?: ClusterStatus;
  /** Namespaces seen in the selected context's rows (offered by the namespace picker). */
  knownNamespaces?: string[];
};

export const TopBar = forwardRef<HTMLInputElement, Props>(function TopBar(
  { contexts, selected, onSelectContext, namespace, onNamespace, query, onQuery, onShowShortcuts, status, knownNamespaces = [] },
  searchRef,
) {
  const t = useT();
  const namespaceOptions = selected?.namespace ? [selected.namespace] : [];

  return (
    <header className="topbar">
      <label className="field field--cluster">
        <span className="field__label">{t("topbar.cluster")}</span>
        <select
          className="control mono"
          data-testid="cluster-switcher"
          value={selected?.name ?? ""}
          disabled={contexts.length === 0}
          onChange={(e) => onSelectContext(e.target.value)}
        >
          {contexts.length === 0 ? <option value="">{t("topbar.noClusters")}</option> : null}
          {contexts.map((c) => (
            <option key={c.name} value={c.name}>
              {contextLabel(c.name, t)}
            </option>
          ))}
        </select>
      </label>

      <label className="field field--namespace">
        <span className="field__label">{t("topbar.namespace")}</span>
        <input
          className="control mono"
          data-testid="namespace-select"
          type="text"
          list="namespace-options"
          value={namespace}
          placeholder={t("topbar.allNamespaces")}
          spellCheck={false}
          autoCapitalize="off"
          autoCorrect="off"
          autoComplete="off"
          onChange={(e) => onNamespace(e.target.value.trim())}
          onKeyDown={(e) => {
            if (e.key === "Escape" && namespace) {
              e.preventDefault();
              onNamespace("");
            }
          }}
        />
        <datalist id="namespace-options">
          {namespaceOptions.map((ns) => (
            <option key={ns} value={ns} />
          ))}
        </datalist>
      </label>
      <NamespacePicker value={namespace} known={[...new Set([...namespaceOptions, ...knownNamespaces])]} onChange={onNamespace} />

      {selected ? <ConnectionChip status={status} /> : null}

      <div className="search">
        <Icon name="search" className="search__icon" />
        <input
          ref={searchRef}
          className="control search__input"
          data-testid="search-input"
          type="search"
          aria-label={t("topbar.search")}
          placeholder={t("topbar.searchPlaceholder")}
          value={query}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => onQuery(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === "Escape") {
              e.preventDefault();
              if (query) onQuery("");
              else e.currentTarget.blur();
            }
          }}
        />
        <kbd className="search__kbd" aria-hidden="true">
          /
        </kbd>
      </div>

      <button
        type="button"
        className="btn btn--icon"
        onClick={onShowShortcuts}
        title={t("topbar.shortcuts")}
        aria-label={t("topbar.shortcuts")}
        data-testid="shortcuts-button"
      >
        <Icon name="keyboard" />
      </button>
    </header>
  );
});

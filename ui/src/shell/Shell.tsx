import { lazy, Suspense, useCallback, useRef, useState } from "react";
import { LoadingState } from "../components/States";
import { useDock } from "../dock/dockState";
import { StatefulSetsPage } from "../pages/StatefulSetsPage";
import { useClusters } from "../state/clusters";
import { useContexts } from "../state/contexts";
import { selectedContext } from "../state/selection";
import { useGlobalShortcuts } from "./keyboard";
import { ShortcutsOverlay } from "./ShortcutsOverlay";
import { Sidebar } from "./Sidebar";
import { TopBar } from "./TopBar";
import type { Route } from "./types";

// Loaded when first visited, not with the start-up script.
const ContextsPage = lazy(() => import("../pages/ContextsPage").then((m) => ({ default: m.ContextsPage })));
const SettingsPage = lazy(() => import("../pages/SettingsPage").then((m) => ({ default: m.SettingsPage })));
// The dock (logs, shells, forwards) loads with its first tab; its tabs outlive pages and clusters.
const Dock = lazy(() => import("../dock/Dock"));

export function Shell() {
  const { list } = useContexts();
  const { statuses } = useClusters();
  const [route, setRoute] = useState<Route>("statefulsets");
  const [chosen, setChosen] = useState<string | null>(null);
  // The namespace filter, per context ("" = all namespaces).
  const [namespaces, setNamespaces] = useState<Record<string, string>>({});
  const [query, setQuery] = useState("");
  // Namespaces seen in each context's rows, for the namespace picker.
  const [seen, setSeen] = useState<Record<string, string[]>>({});
  const onNamespacesSeen = useCallback((context: string, list: string[]) => {
    setSeen((m) => {
      const merged = [...new Set([...(m[context] ?? []), ...list])].sort();
      return merged.length === (m[context]?.length ?? 0) ? m : { ...m, [context]: merged };
    });
  }, []);
  const [helpOpen, setHelpOpen] = useState(false);
  const dock = useDock();
  const searchRef = useRef<HTMLInputElement>(null);

  const contexts = list?.contexts ?? [];
  const selected = selectedContext(list, chosen);
  // Like kubectl: the context's own namespace until the user picks another (or all).
  const namespace = selected ? (namespaces[selected.name] ?? selected.namespace ?? "") : "";

  const selectContext = useCallback((name: string) => {
    setChosen(name);
    setRoute("statefulsets");
  }, []);

  const setNamespace = useCallback(
    (ns: string) => {
      if (selected) setNamespaces((m) => ({ ...m, [selected.name]: ns }));
    },
    [selected],
  );

  useGlobalShortcuts({
    focusSearch: () => {
      if (helpOpen) return;
      searchRef.current?.focus();
      searchRef.current?.select();
    },
    openHelp: () => setHelpOpen(true),
    escape: () => {
      if (!helpOpen) return false;
      setHelpOpen(false);
      return true;
    },
  });

  return (
    <div className="app-shell" data-testid="app-shell" data-route={route}>
      <Sidebar route={route} selected={selected} onNavigate={setRoute} onSelectContext={selectContext} />
      <div className="main" data-protection={selected ? statuses[selected.name]?.protection : undefined} data-testid="main">
        <TopBar
          ref={searchRef}
          contexts={contexts}
          selected={selected}
          onSelectContext={(name) => setChosen(name)}
          namespace={namespace}
          onNamespace={setNamespace}
          query={query}
          onQuery={setQuery}
          onShowShortcuts={() => setHelpOpen(true)}
          status={selected ? statuses[selected.name] : undefined}
          knownNamespaces={selected ? seen[selected.name] : undefined}
        />
        <main className="page" id="main">
          {route === "statefulsets" ? (
            <StatefulSetsPage context={selected} namespace={namespace} query={query} onNamespacesSeen={onNamespacesSeen} />
          ) : (
            <Suspense fallback={<LoadingState />}>
              {route === "contexts" ? <ContextsPage query={query} selected={selected} onSelectContext={selectContext} /> : <SettingsPage />}
            </Suspense>
          )}
        </main>
        {dock.tabs.length > 0 ? (
          <Suspense fallback={null}>
            <Dock />
          </Suspense>
        ) : null}
      </div>
      {helpOpen ? <ShortcutsOverlay onClose={() => setHelpOpen(false)} /> : null}
    </div>
  );
}

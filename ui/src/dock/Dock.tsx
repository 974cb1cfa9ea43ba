// The dock: a bottom panel of the Shell with one tab per pod operation (logs, shell, run,
// forwards). Resized by dragging its top edge (the height is remembered), minimised to its tab
// strip. Every tab's panel stays mounted while the tab exists (a hidden tab keeps its stream and
// its buffer); closing a tab unmounts its panel, which ends its stream.
import { useEffect, useRef, useState, type KeyboardEvent, type PointerEvent } from "react";
import { Icon, type IconName } from "../components/Icon";
import { ErrorBoundary } from "../components/ErrorBoundary";
import { useT, type Translate } from "../i18n";
import { activate, closeTab, DOCK_MIN, podName, saveDockHeight, savedDockHeight, setMinimised, useDock, type DockTab, type TabHealth } from "./dockState";
import { ForwardsPanel } from "./ForwardsPanel";
import { LogsPanel } from "./LogsPanel";
import { RunPanel } from "./RunPanel";
import { ShellPanel } from "./ShellPanel";
import "../styles/dock.css";

const ICON: Record<DockTab["kind"], IconName> = { logs: "logs", shell: "terminal", run: "play", forwards: "forward" };

export function tabTitle(t: Translate, tab: DockTab): string {
  switch (tab.kind) {
    case "logs":
      return tab.ordinal === null ? t("dock.title.logsAll", { name: tab.target.statefulset }) : t("dock.title.logs", { pod: podName(tab.target.statefulset, tab.ordinal) });
    case "shell":
      return t("dock.title.shell", { pod: tab.pod });
    case "run":
      return t("dock.title.run", { name: tab.target.statefulset });
    case "forwards":
      return t("dock.title.forwards");
  }
}

const HEALTH_TONE: Record<TabHealth, string> = { live: "ok", connecting: "progressing", waiting: "warning", reconnecting: "warning", ended: "neutral", paused: "neutral", failed: "failed" };

function Panel({ tab }: { tab: DockTab }) {
  switch (tab.kind) {
    case "logs":
      return <LogsPanel tab={tab} />;
    case "shell":
      return <ShellPanel tab={tab} />;
    case "run":
      return <RunPanel tab={tab} />;
    case "forwards":
      return <ForwardsPanel tab={tab} />;
  }
}

export function Dock() {
  const t = useT();
  const { tabs, active, minimised, health } = useDock();
  const [height, setHeight] = useState(savedDockHeight);
  const drag = useRef<{ y: number; h: number } | null>(null);
  const heightRef = useRef(height);
  heightRef.current = height;

  useEffect(() => {
    const onUp = () => {
      if (drag.current) saveDockHeight(heightRef.current);
      drag.current = null;
    };
    window.addEventListener("pointerup", onUp);
    return () => window.removeEventListener("pointerup", onUp);
  }, []);

  const clamp = (h: number) => Math.max(DOCK_MIN, Math.min(h, Math.max(DOCK_MIN, window.innerHeight - 160)));
  const onDown = (e: PointerEvent<HTMLDivElement>) => {
    drag.current = { y: e.clientY, h: height };
    e.currentTarget.setPointerCapture?.(e.pointerId);
  };
  const onMove = (e: PointerEvent<HTMLDivElement>) => {
    if (drag.current) setHeight(clamp(drag.current.h + drag.current.y - e.clientY));
  };
  const onResizeKey = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.key !== "ArrowUp" && e.key !== "ArrowDown") return;
    e.preventDefault();
    const h = clamp(height + (e.key === "ArrowUp" ? 24 : -24));
    setHeight(h);
    saveDockHeight(h);
  };

  if (tabs.length === 0) return null;
  return (
    <section className={`dock${minimised ? " is-minimised" : ""}`} data-testid="dock" data-minimised={minimised} aria-label={t("dock.label")} style={minimised ? undefined : { height }}>
      {minimised ? null : (
        <div
          className="dock__resize"
          role="separator"
          aria-orientation="horizontal"
          aria-label={t("dock.resize")}
          aria-valuenow={Math.round(height)}
          tabIndex={0}
          onPointerDown={onDown}
          onPointerMove={onMove}
          onKeyDown={onResizeKey}
          data-testid="dock-resize"
        />
      )}
      <div className="dock__bar">
        <div className="dock__tabs" role="tablist" aria-label={t("dock.label")}>
          {tabs.map((tab, i) => {
            const title = tabTitle(t, tab);
            const h = health[tab.id];
            const selected = tab.id === active;
            return (
              <div key={tab.id} className={`dock__tab${selected ? " is-active" : ""}`} data-testid={`dock-tab-${i}`} data-tab-id={tab.id} data-kind={tab.kind} data-health={h ?? ""}>
                <button
                  type="button"
                  role="tab"
                  id={`dock-tab-${tab.id}`}
                  aria-selected={selected}
                  aria-controls={`dock-panel-${tab.id}`}
                  className="dock__tab-main"
                  title={title}
                  onClick={() => (selected && !minimised ? setMinimised(true) : activate(tab.id))}
                >
                  <Icon name={ICON[tab.kind]} size={14} />
                  <span className="dock__tab-title">{title}</span>
                  {h ? <span className={`dock__dot dock__dot--${HEALTH_TONE[h]}`} title={t(`dock.health.${h}`)} aria-label={t(`dock.health.${h}`)} /> : null}
                </button>
                <button type="button" className="btn btn--icon btn--tiny dock__close" aria-label={t("dock.close", { title })} title={t("dock.close", { title })} onClick={() => closeTab(tab.id)} data-testid={`dock-close-${i}`}>
                  <Icon name="close" size={12} />
                </button>
              </div>
            );
          })}
        </div>
        <button
          type="button"
          className="btn btn--icon btn--tiny dock__toggle"
          aria-label={minimised ? t("dock.restore") : t("dock.minimise")}
          title={minimised ? t("dock.restore") : t("dock.minimise")}
          aria-expanded={!minimised}
          onClick={() => setMinimised(!minimised)}
          data-testid="dock-minimise"
        >
          <Icon name={minimised ? "sortAsc" : "sortDesc"} size={14} />
        </button>
      </div>
      <div className="dock__body" hidden={minimised}>
        {tabs.map((tab) => (
          <div key={tab.id} role="tabpanel" id={`dock-panel-${tab.id}`} aria-labelledby={`dock-tab-${tab.id}`} className="dock__panel" hidden={tab.id !== active} data-testid="dock-panel" data-tab-id={tab.id}>
            <ErrorBoundary resetKey={tab.id}>
              <Panel tab={tab} />
            </ErrorBoundary>
          </div>
        ))}
      </div>
    </section>
  );
}

export default Dock;

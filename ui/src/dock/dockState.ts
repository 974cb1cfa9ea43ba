// The dock's tabs, outside any page component: they survive page changes and cluster switches.
// A tiny external store (useSyncExternalStore); no heavy imports, because the start-up chunk
// imports it (the list's row menu opens a Logs tab). The panels themselves load with the Dock.
import { useSyncExternalStore } from "react";
import type { Protection } from "../api";

/** The StatefulSet a pod operation is about. */
export type StsTarget = { context: string; namespace: string; statefulset: string };

export type LogsTab = { id: string; kind: "logs"; target: StsTarget; ordinal: number | null; ordinals: number[] };
export type ShellTab = { id: string; kind: "shell"; target: StsTarget; ordinal: number; pod: string; protection: Protection; container: string | null };
export type RunTab = { id: string; kind: "run"; target: StsTarget; ordinals: number[] };
export type ForwardsTab = { id: string; kind: "forwards" };
export type DockTab = LogsTab | ShellTab | RunTab | ForwardsTab;

/** A tab's stream, summarised for its header. */
export type TabHealth = "connecting" | "live" | "waiting" | "reconnecting" | "ended" | "failed" | "paused";

export type DockState = {
  tabs: DockTab[];
  active: string | null;
  minimised: boolean;
  health: Readonly<Record<string, TabHealth>>;
};

let state: DockState = { tabs: [], active: null, minimised: false, health: {} };
const listeners = new Set<() => void>();
let nextId = 1;

function set(next: DockState) {
  state = next;
  for (const l of listeners) l();
}

function subscribe(l: () => void) {
  listeners.add(l);
  return () => listeners.delete(l);
}

export function dockState(): DockState {
  return state;
}

export function useDock(): DockState {
  return useSyncExternalStore(subscribe, dockState, dockState);
}

/** The pod name of an ordinal. */
export const podName = (statefulset: string, ordinal: number) => `${statefulset}-${ordinal}`;

function open(tab: DockTab) {
  set({ ...state, tabs: [...state.tabs, tab], active: tab.id, minimised: false });
  return tab.id;
}

const sameSts = (a: StsTarget, b: StsTarget) => a.context === b.context && a.namespace === b.namespace && a.statefulset === b.statefulset;

/** Opens a Logs tab (one ordinal, or all with `ordinal` null); an identical tab is shown instead. */
export function openLogs(target: StsTarget, ordinal: number | null, ordinals: number[] = []): string {
  const existing = state.tabs.find((t) => t.kind === "logs" && sameSts(t.target, target) && t.ordinal === ordinal);
  if (existing) {
    activate(existing.id);
    return existing.id;
  }
  return open({ id: `t${nextId++}`, kind: "logs", target, ordinal, ordinals });
}

/** Opens a new Shell tab (always a new session). */
export function openShell(target: StsTarget, ordinal: number, protection: Protection, container: string | null = null): string {
  return open({ id: `t${nextId++}`, kind: "shell", target, ordinal, pod: podName(target.statefulset, ordinal), protection, container });
}

export function openRun(target: StsTarget, ordinals: number[]): string {
  return open({ id: `t${nextId++}`, kind: "run", target, ordinals });
}

/** The one Forwards tab. */
export function openForwards(): string {
  const existing = state.tabs.find((t) => t.kind === "forwards");
  if (existing) {
    activate(existing.id);
    return existing.id;
  }
  return open({ id: "forwards", kind: "forwards" });
}

/** Closes a tab; its panel unmounts and ends its stream. */
export function closeTab(id: string) {
  const i = state.tabs.findIndex((t) => t.id === id);
  if (i === -1) return;
  const tabs = state.tabs.filter((t) => t.id !== id);
  const active = state.active === id ? (tabs[Math.min(i, tabs.length - 1)]?.id ?? null) : state.active;
  const health = { ...state.health };
  delete health[id];
  set({ ...state, tabs, active, health });
}

export function activate(id: string) {
  set({ ...state, active: id, minimised: false });
}

export function setMinimised(minimised: boolean) {
  if (state.minimised !== minimised) set({ ...state, minimised });
}

/** Changes what a Logs tab shows (its header follows). */
export function updateLogsTab(id: string, patch: Partial<Pick<LogsTab, "ordinal">>) {
  set({ ...state, tabs: state.tabs.map((t) => (t.id === id && t.kind === "logs" ? { ...t, ...patch } : t)) });
}

export function setTabHealth(id: string, health: TabHealth) {
  if (state.health[id] === health || !state.tabs.some((t) => t.id === id)) return;
  set({ ...state, health: { ...state.health, [id]: health } });
}

// ---- production: one confirmation per context per session, before the first shell --------

const confirmedContexts = new Set<string>();

export function shellConfirmed(context: string): boolean {
  return confirmedContexts.has(context);
}

export function confirmShell(context: string) {
  confirmedContexts.add(context);
}

/** Tests only: back to no tabs. */
export function resetDock() {
  confirmedContexts.clear();
  set({ tabs: [], active: null, minimised: false, health: {} });
}

// ---- the dock's height (dragged by its top edge) -----------------------------------------

const HEIGHT_KEY = "ordinal.dockHeight";
export const DOCK_MIN = 120;
export const DOCK_DEFAULT = 280;

export function savedDockHeight(): number {
  try {
    const v = Number(window.localStorage.getItem(HEIGHT_KEY));
    return Number.isFinite(v) && v >= DOCK_MIN ? v : DOCK_DEFAULT;
  } catch {
    return DOCK_DEFAULT;
  }
}

export function saveDockHeight(h: number) {
  try {
    window.localStorage.setItem(HEIGHT_KEY, String(Math.round(h)));
  } catch {
    // storage unavailable: the height lasts for this run only
  }
}

import { reportStartup, type Milestone as Reported } from "../api";

/**
 * Start-up milestones as User Timing marks (`performance.mark`), each recorded once. When the
 * first rows are in, the page's navigation, the end of its script and every milestone so far go to
 * the app's log (`report_startup`), which writes them relative to the process start: how a slow
 * start is explained, and where the window benchmark reads its cold-start figure.
 */
export type Milestone =
  | "script" // the start-up script has been evaluated
  | "mounted" // the shell's first render is committed (and usually painted)
  | "contexts" // the context list arrived
  | "connect" // the window asked to connect (absent when the demo connected at start)
  | "connected" // a cluster is connected
  | "rows-received" // the first rows arrived from the backend
  | "first-rows"; // the first rows are painted in the list

const PREFIX = "ordinal:";

export function milestone(name: Milestone): void {
  if (typeof performance === "undefined" || typeof performance.mark !== "function") return;
  const mark = PREFIX + name;
  if (performance.getEntriesByName(mark, "mark").length > 0) return;
  performance.mark(mark);
  if (name === "first-rows") void reportStartup(startupMarks()).catch(() => {});
}

/** Every milestone so far, as epoch milliseconds, with the page's own navigation and script end. */
export function startupMarks(): Reported[] {
  const origin = performance.timeOrigin;
  const out: Reported[] = [{ name: "navigation", atMs: origin }];
  const nav = performance.getEntriesByType("navigation")[0] as PerformanceNavigationTiming | undefined;
  if (nav && nav.domInteractive > 0) out.push({ name: "dom-interactive", atMs: origin + nav.domInteractive });
  for (const p of performance.getEntriesByType("paint")) out.push({ name: p.name, atMs: origin + p.startTime });
  for (const m of performance.getEntriesByType("mark")) {
    if (m.name.startsWith(PREFIX)) out.push({ name: m.name.slice(PREFIX.length), atMs: origin + m.startTime });
  }
  return out;
}

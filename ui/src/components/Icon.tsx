// A small hand-drawn icon set (16px grid, stroke = currentColor). Icons are decorative:
// every use sits next to text or carries an aria-label on its parent.

import type { ReactNode } from "react";

export type IconName =
  | "logo"
  | "statefulset"
  | "contexts"
  | "settings"
  | "search"
  | "keyboard"
  | "reload"
  | "current"
  | "warning"
  | "error"
  | "empty"
  | "file"
  | "close"
  | "cluster"
  | "ok"
  | "progressing"
  | "stopped"
  | "terminating"
  | "neutral"
  | "play"
  | "restart"
  | "trash"
  | "copy"
  | "plus"
  | "minus"
  | "lock"
  | "info"
  | "chevron"
  | "sortAsc"
  | "sortDesc"
  | "undo"
  | "more"
  | "edit"
  | "logs"
  | "terminal"
  | "forward";

const paths: Record<IconName, ReactNode> = {
  ok: (
    <>
      <circle cx="8" cy="8" r="6" />
      <path d="m5.3 8.2 1.9 1.9 3.6-3.9" />
    </>
  ),
  progressing: (
    <>
      <path d="M8 2a6 6 0 1 1-6 6" />
      <path d="M8 5v3l2 1.5" />
    </>
  ),
  stopped: (
    <>
      <circle cx="8" cy="8" r="6" />
      <rect x="5.8" y="5.8" width="4.4" height="4.4" rx=".6" />
    </>
  ),
  terminating: (
    <>
      <circle cx="8" cy="8" r="6" strokeDasharray="2.4 1.8" />
      <path d="m6 6 4 4M10 6l-4 4" />
    </>
  ),
  neutral: <circle cx="8" cy="8" r="2.6" />,
  play: <path d="M5 3.2v9.6L12.5 8Z" />,
  restart: (
    <>
      <path d="M3 8a5 5 0 1 0 1.5-3.6" />
      <path d="M3 2.5v3h3" />
    </>
  ),
  trash: (
    <>
      <path d="M2.8 4.2h10.4M6.2 4.2V2.6h3.6v1.6M4.2 4.2l.7 9.2h6.2l.7-9.2" />
      <path d="M6.8 6.8v4.2M9.2 6.8v4.2" />
    </>
  ),
  copy: (
    <>
      <rect x="5.2" y="5.2" width="8" height="8.6" rx="1.2" />
      <path d="M3 10.8V3.2A1 1 0 0 1 4 2.2h6" />
    </>
  ),
  plus: <path d="M8 3v10M3 8h10" />,
  minus: <path d="M3 8h10" />,
  lock: (
    <>
      <rect x="3" y="7" width="10" height="7" rx="1.2" />
      <path d="M5.2 7V5a2.8 2.8 0 0 1 5.6 0v2" />
    </>
  ),
  info: (
    <>
      <circle cx="8" cy="8" r="6" />
      <path d="M8 7.2v3.8M8 5h.01" />
    </>
  ),
  chevron: <path d="m6 3.5 4.5 4.5L6 12.5" />,
  sortAsc: <path d="M4.5 10 8 6l3.5 4" />,
  sortDesc: <path d="M4.5 6 8 10l3.5-4" />,
  undo: (
    <>
      <path d="M3.5 6.5h6.2a3.3 3.3 0 0 1 0 6.6H6" />
      <path d="M6 3.8 3.3 6.5 6 9.2" />
    </>
  ),
  logo: (
    <>
      <rect x="1.5" y="1.5" width="13" height="13" rx="3" fill="var(--accent)" stroke="none" />
      <path d="M5 5.5h6M5 8h6M5 10.5h3.5" stroke="var(--accent-contrast)" strokeWidth="1.5" />
    </>
  ),
  statefulset: (
    <>
      <rect x="2.5" y="2" width="11" height="3.2" rx="1" />
      <rect x="2.5" y="6.4" width="11" height="3.2" rx="1" />
      <rect x="2.5" y="10.8" width="11" height="3.2" rx="1" />
      <path d="M5 3.6h.01M5 8h.01M5 12.4h.01" strokeWidth="1.6" />
    </>
  ),
  contexts: (
    <>
      <path d="M8 2 14 5 8 8 2 5Z" />
      <path d="M2 8l6 3 6-3M2 11l6 3 6-3" />
    </>
  ),
  settings: (
    <>
      <circle cx="8" cy="8" r="2.2" />
      <path d="M8 1.8v1.7M8 12.5v1.7M1.8 8h1.7M12.5 8h1.7M3.6 3.6l1.2 1.2M11.2 11.2l1.2 1.2M3.6 12.4l1.2-1.2M11.2 4.8l1.2-1.2" />
    </>
  ),
  search: (
    <>
      <circle cx="7" cy="7" r="4.3" />
      <path d="m10.2 10.2 3.8 3.8" />
    </>
  ),
  keyboard: (
    <>
      <rect x="1.5" y="4" width="13" height="8.5" rx="1.5" />
      <path d="M4 6.8h.01M6.5 6.8h.01M9 6.8h.01M11.5 6.8h.01M5 9.8h6" />
    </>
  ),
  reload: (
    <>
      <path d="M13 8a5 5 0 1 1-1.5-3.6" />
      <path d="M13 2.5v3h-3" />
    </>
  ),
  current: <circle cx="8" cy="8" r="3.2" fill="currentColor" />,
  warning: (
    <>
      <path d="M8 2 14.5 13.5h-13Z" />
      <path d="M8 6.5v3.2M8 11.6h.01" />
    </>
  ),
  error: (
    <>
      <circle cx="8" cy="8" r="6" />
      <path d="M8 4.8v3.7M8 10.9h.01" />
    </>
  ),
  empty: (
    <>
      <path d="M2 9.5 4 3.5h8l2 6v3.5H2Z" />
      <path d="M2 9.5h3.5l1 1.5h3l1-1.5H14" />
    </>
  ),
  file: (
    <>
      <path d="M4 1.8h5l3 3v9.4H4Z" />
      <path d="M9 1.8v3h3" />
    </>
  ),
  close: <path d="m4 4 8 8M12 4l-8 8" />,
  more: (
    <>
      <circle cx="8" cy="3.5" r="0.9" fill="currentColor" />
      <circle cx="8" cy="8" r="0.9" fill="currentColor" />
      <circle cx="8" cy="12.5" r="0.9" fill="currentColor" />
    </>
  ),
  edit: <path d="M10.5 2.5 13.5 5.5 6 13H3v-3Z M9 4l3 3" />,
  logs: <path d="M3 3.5h10M3 6.5h7M3 9.5h10M3 12.5h5" />,
  terminal: (
    <>
      <rect x="2" y="3" width="12" height="10" rx="1.2" />
      <path d="m4.8 6.5 2 1.7-2 1.7M8.5 10.2h2.7" />
    </>
  ),
  forward: <path d="M2.5 8h9M8.5 4.5 12 8l-3.5 3.5M13.5 3v10" />,
  cluster: (
    <>
      <circle cx="8" cy="8" r="2" />
      <circle cx="8" cy="2.8" r="1.2" />
      <circle cx="12.5" cy="10.6" r="1.2" />
      <circle cx="3.5" cy="10.6" r="1.2" />
      <path d="M8 4v2M11.4 10 9.7 9M4.6 10l1.7-1" />
    </>
  ),
};

export function Icon({ name, size = 16, className }: { name: IconName; size?: number; className?: string }) {
  return (
    <svg
      className={className ? `icon ${className}` : "icon"}
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth="1.3"
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      focusable="false"
    >
      {paths[name]}
    </svg>
  );
}

import type { Cell, Finding, Row, Severity, StatusView, Tone } from "../api";
import { useT, useTx } from "../i18n";
import { useNow } from "../state/clock";
import { Icon, type IconName } from "./Icon";

const TONE_ICON: Record<Tone, IconName> = {
  ok: "ok",
  progressing: "progressing",
  warning: "warning",
  failed: "error",
  stopped: "stopped",
  terminating: "terminating",
  neutral: "neutral",
};

/** A status: tone colour + icon + translated text (never colour alone). */
export function Status({ status, testId }: { status: StatusView; testId?: string }) {
  const tx = useTx();
  return (
    <span className={`status status--${status.tone}`} data-tone={status.tone} data-testid={testId}>
      <Icon name={TONE_ICON[status.tone]} className="status__icon" />
      <span className="status__text">{tx(status.key, status.params)}</span>
    </span>
  );
}

export function ToneIcon({ tone }: { tone: Tone }) {
  return <Icon name={TONE_ICON[tone]} className={`status__icon status--${tone}`} />;
}

/** "5s", "3m", "2h", "4d" — in the current language. */
export function useFormatAge() {
  const t = useT();
  return (seconds: number) => {
    const s = Math.max(0, Math.floor(seconds));
    if (s < 60) return t("age.s", { n: s });
    if (s < 3600) return t("age.m", { n: Math.floor(s / 60) });
    if (s < 86400 * 2) return t("age.h", { n: Math.floor(s / 3600) });
    return t("age.d", { n: Math.floor(s / 86400) });
  };
}

// One formatter for every Age cell: `toLocaleString()` builds a new one per call, which WebKit
// makes expensive (it showed as most of the first table render, and again on every clock tick).
let dateTime: Intl.DateTimeFormat | null = null;
function formatDateTime(ms: number): string {
  dateTime ??= new Intl.DateTimeFormat(undefined, { year: "numeric", month: "numeric", day: "numeric", hour: "numeric", minute: "numeric", second: "numeric" });
  return dateTime.format(ms);
}

export function Age({ at }: { at: number }) {
  const now = useNow();
  const format = useFormatAge();
  return (
    <span className="num" title={formatDateTime(at * 1000)}>
      {format(now - at)}
    </span>
  );
}

export function Chips({ chips, max = 2 }: { chips: readonly string[]; max?: number }) {
  const t = useT();
  const shown = chips.slice(0, max);
  const rest = chips.length - shown.length;
  return (
    <span className="chips" title={chips.join("\n")}>
      {shown.map((c) => (
        <span key={c} className="chip mono">
          {c}
        </span>
      ))}
      {rest > 0 ? <span className="chip chip--more">{t("common.more", { count: rest })}</span> : null}
    </span>
  );
}

/** Renders one table cell from its tagged union. */
export function CellView({ cell, testId }: { cell: Cell | undefined; testId?: string }) {
  const t = useT();
  const tx = useTx();
  if (!cell) return <span className="faint">{t("common.none")}</span>;
  switch (cell.t) {
    case "text":
      return <span className="cell-text">{cell.v}</span>;
    case "mono":
      return <span className="mono cell-text">{cell.v}</span>;
    case "status":
      return <Status status={cell} testId={testId} />;
    case "count":
      return <span className="num">{cell.v}</span>;
    case "chips":
      return <Chips chips={cell.v} />;
    case "age":
      return <Age at={cell.v} />;
    case "progress":
      return (
        <span className="progress" title={cell.key ? tx(cell.key, { done: cell.done, total: cell.total }) : undefined}>
          <span className="progress__bar" aria-hidden="true">
            <span style={{ width: `${cell.total > 0 ? (100 * cell.done) / cell.total : 0}%` }} />
          </span>
          <span className="num">
            {cell.key ? tx(cell.key, { done: cell.done, total: cell.total }) : t("common.ratio", { done: cell.done, total: cell.total })}
          </span>
        </span>
      );
    case "findings":
      return <FindingsBadge findings={cell.v} />;
    case "empty":
      return <span className="faint">{t("common.none")}</span>;
  }
}

const SEVERITY_TONE: Record<Severity, Tone> = { error: "failed", warning: "warning", info: "neutral" };
const SEVERITY_ICON: Record<Severity, IconName> = { error: "error", warning: "warning", info: "info" };

/** The Doctor's badge: how many findings, coloured and iconed by the worst; each in the tooltip. */
export function FindingsBadge({ findings }: { findings: readonly Finding[] }) {
  const t = useT();
  const tx = useTx();
  const first = findings[0];
  if (!first) {
    return (
      <span className="doctor-badge doctor-badge--none" title={t("doctor.none")} aria-label={t("doctor.none")} data-testid="doctor-badge" data-count={0}>
        <Icon name="ok" size={12} />
      </span>
    );
  }
  // findings arrive worst first
  const worst = first.severity;
  const lines = findings.map((f) => tx(f.key, f.params));
  return (
    <span
      className={`doctor-badge status--${SEVERITY_TONE[worst]}`}
      data-severity={worst}
      data-testid="doctor-badge"
      data-count={findings.length}
      title={lines.join("\n")}
      aria-label={`${t("doctor.count", { count: findings.length })}: ${lines.join(" ")}`}
    >
      <Icon name={SEVERITY_ICON[worst]} size={12} />
      <span className="num">{findings.length}</span>
    </span>
  );
}

/**
 * The cell of the `name` or `namespace` column, made from the row's own fields: the core does not
 * repeat them in `cells` (two cells per row, 13 MB over the 60,000 rows of a large cluster).
 */
export function identityCell(row: Row, column: string): Cell | undefined {
  if (column === "name") return { t: "mono", v: row.name };
  if (column === "namespace" && row.namespace != null) return { t: "mono", v: row.namespace };
  return undefined;
}

/** The text a cell sorts and filters by when the row carries no sort value. */
export function cellText(cell: Cell | undefined): string {
  if (!cell) return "";
  switch (cell.t) {
    case "text":
    case "mono":
      return cell.v;
    case "status":
      return cell.key + JSON.stringify(cell.params);
    case "count":
    case "age":
      return String(cell.v);
    case "chips":
      return cell.v.join(",");
    case "progress":
      return `${cell.done}/${cell.total}`;
    case "findings":
      return String(cell.v.length);
    case "empty":
      return "";
  }
}

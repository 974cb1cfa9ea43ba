// A generic, virtualised table driven by a kind's column definitions. Only the rows inside the
// viewport (plus a little overscan) are in the DOM; rows have a fixed height. Selection and the
// focused row are held by key, so live updates never move them, and the scroll container is
// never re-created, so they never move the scroll position either.
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from "react";
import type { Cell, ColumnDef, Row } from "../api";
import { useT, useTx } from "../i18n";
import type { JoinedColumn } from "../lib/rows";
import { Icon } from "./Icon";
import { CellView, identityCell } from "./Status";

export const ROW_HEIGHT = 28;
const OVERSCAN = 8;
/** Used before layout (and in jsdom, which has no layout). */
const FALLBACK_VIEWPORT = 600;

export type SortState = { column: string; dir: "asc" | "desc" } | null;

type Props = {
  columns: ColumnDef[];
  /** The rows, or (a windowed list) the rows from `offset` on that the core sent. */
  rows: Row[];
  /** A windowed list: the index of `rows[0]` in the whole order (default 0). */
  offset?: number;
  /** A windowed list: how many rows the whole order has (default `rows.length`). */
  total?: number;
  /** A windowed list: the rows the table draws now (first inclusive, last exclusive, with overscan). */
  onRange?: (first: number, last: number) => void;
  /** A windowed list: the header checkbox's state and action (the table knows only its window). */
  selectAll?: { all: boolean; some: boolean; toggle: () => void };
  /** A column whose cells are looked up by row key rather than read from the row (the Doctor's). */
  joined?: JoinedColumn | null;
  selected: ReadonlySet<string>;
  onSelectedChange: (next: Set<string>) => void;
  focusedKey: string | null;
  onFocusKey: (key: string) => void;
  sort: SortState;
  onSort: (column: string) => void;
  onOpen: (row: Row) => void;
  /** The column whose cell opens the row (rendered as a link). */
  nameColumn?: string;
  testId?: string;
  rowTestId?: string;
  label: string;
  /** A kind badge shown before the name (e.g. `SS`). */
  badge?: string;
  /** A per-row actions menu (a kebab) in a trailing column; the context-menu key (or Shift+F10) opens the focused row's. */
  rowMenu?: (row: Row) => ReactNode;
};

export function DataTable({
  columns,
  rows,
  offset = 0,
  total: totalProp,
  onRange,
  selectAll,
  joined = null,
  selected,
  onSelectedChange,
  focusedKey,
  onFocusKey,
  sort,
  onSort,
  onOpen,
  nameColumn = "name",
  testId,
  rowTestId,
  label,
  badge,
  rowMenu,
}: Props) {
  const t = useT();
  const tx = useTx();
  const scrollRef = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(FALLBACK_VIEWPORT);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    const measure = () => setViewport(el.clientHeight > 0 ? el.clientHeight : FALLBACK_VIEWPORT);
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const total = totalProp ?? rows.length;
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + viewport) / ROW_HEIGHT) + OVERSCAN);
  /** The row at `index` of the whole order, if this table has it. */
  const rowAt = (index: number): Row | undefined => rows[index - offset];
  // A windowed list's focused row may be outside the window: its last known index stands in.
  const lastFocus = useRef<{ key: string; index: number } | null>(null);
  const found = focusedKey === null ? -1 : rows.findIndex((r) => r.key === focusedKey);
  /** The focused row, when the table has it (what Space, Enter and the menu act on). */
  const focusedRow = found >= 0 ? rows[found] : undefined;
  // Where the arrow keys start from (the focused row's last known place when it left the window).
  const focusedIndex = found >= 0 ? found + offset : focusedKey !== null && lastFocus.current?.key === focusedKey ? lastFocus.current.index : -1;
  if (found >= 0 && focusedKey !== null) lastFocus.current = { key: focusedKey, index: found + offset };
  // Keyboard moves to a row the window does not have yet: focused once it arrives.
  const pendingFocus = useRef<number | null>(null);
  useEffect(() => {
    const i = pendingFocus.current;
    if (i === null) return;
    const row = rowAt(i);
    if (row) {
      pendingFocus.current = null;
      onFocusKey(row.key);
    }
  });
  useEffect(() => {
    onRange?.(first, last);
  }, [first, last, onRange]);

  const template = `32px ${columns.map((c, i) => (i === columns.length - 1 ? `minmax(${c.width}px, 1fr)` : `${c.width}px`)).join(" ")}${rowMenu ? " 36px" : ""}`;
  const allSelected = selectAll ? selectAll.all : total > 0 && rows.every((r) => selected.has(r.key));
  const someSelected = selectAll ? selectAll.some : !allSelected && rows.some((r) => selected.has(r.key));
  const headerBox = useRef<HTMLInputElement>(null);
  useEffect(() => {
    if (headerBox.current) headerBox.current.indeterminate = someSelected;
  }, [someSelected]);

  const toggle = (key: string) => {
    const next = new Set(selected);
    if (next.has(key)) next.delete(key);
    else next.add(key);
    onSelectedChange(next);
  };

  const toggleAll = () => {
    if (selectAll) return selectAll.toggle();
    const next = new Set(selected);
    if (allSelected) rows.forEach((r) => next.delete(r.key));
    else rows.forEach((r) => next.add(r.key));
    onSelectedChange(next);
  };

  // A row focused by the pointer ends a keyboard move still waiting for its row.
  const focusByPointer = useCallback(
    (key: string) => {
      pendingFocus.current = null;
      onFocusKey(key);
    },
    [onFocusKey],
  );

  const visible: { row: Row | undefined; index: number }[] = [];
  for (let i = first; i < last; i++) visible.push({ row: rowAt(i), index: i });

  const reveal = (index: number) => {
    const el = scrollRef.current;
    if (!el) return;
    const header = ROW_HEIGHT;
    const top = index * ROW_HEIGHT;
    const view = (el.clientHeight || viewport) - header;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + view) el.scrollTop = top + ROW_HEIGHT - view;
    setScrollTop(el.scrollTop);
  };

  const moveTo = (index: number) => {
    if (total === 0) return;
    const i = Math.max(0, Math.min(total - 1, index));
    const row = rowAt(i);
    if (row) onFocusKey(row.key);
    else pendingFocus.current = i;
    reveal(i);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLDivElement>) => {
    if (e.target !== e.currentTarget || e.ctrlKey || e.metaKey || e.altKey) return;
    const page = Math.max(1, Math.floor(viewport / ROW_HEIGHT) - 1);
    switch (e.key) {
      case "ArrowDown":
      case "j":
        moveTo(focusedIndex + 1);
        break;
      case "ArrowUp":
      case "k":
        moveTo(focusedIndex < 0 ? 0 : focusedIndex - 1);
        break;
      case "PageDown":
        moveTo(focusedIndex + page);
        break;
      case "PageUp":
        moveTo(focusedIndex - page);
        break;
      case "Home":
        moveTo(0);
        break;
      case "End":
        moveTo(total - 1);
        break;
      case " ":
        if (focusedRow) toggle(focusedRow.key);
        break;
      case "Enter":
        if (focusedRow) onOpen(focusedRow);
        break;
      case "ContextMenu":
      case "F10":
        if (e.key === "F10" && !e.shiftKey) return;
        if (!focusedRow || !rowMenu) return;
        document.getElementById(rowDomId(focusedRow.key))?.querySelector<HTMLButtonElement>("[data-row-menu] button")?.click();
        break;
      default:
        return;
    }
    e.preventDefault();
  };

  return (
    <div
      ref={scrollRef}
      className="vtable"
      role="grid"
      aria-label={label}
      aria-rowcount={total + 1}
      aria-multiselectable="true"
      aria-activedescendant={focusedRow ? rowDomId(focusedRow.key) : undefined}
      tabIndex={0}
      data-testid={testId}
      data-total={total}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      onKeyDown={onKeyDown}
    >
      <div className="vtable__head" role="row" aria-rowindex={1} style={{ gridTemplateColumns: template }}>
        <span className="vtable__cell vtable__check" role="columnheader">
          <input
            ref={headerBox}
            type="checkbox"
            checked={allSelected}
            onChange={toggleAll}
            aria-label={t("table.selectAll")}
            data-testid="select-all"
          />
        </span>
        {columns.map((c) => {
          const active = sort?.column === c.id;
          return (
            <span
              key={c.id}
              role="columnheader"
              className={`vtable__cell${c.align === "end" ? " vtable__cell--end" : ""}`}
              aria-sort={active ? (sort.dir === "asc" ? "ascending" : "descending") : "none"}
            >
              <button type="button" className="vtable__sort" onClick={() => onSort(c.id)} data-testid={`sort-${c.id}`}>
                <span className="vtable__title">{tx(c.titleKey)}</span>
                {active ? <Icon name={sort.dir === "asc" ? "sortAsc" : "sortDesc"} size={12} /> : null}
              </button>
            </span>
          );
        })}
        {rowMenu ? <span className="vtable__cell" role="columnheader" aria-label={t("menu.actions")} /> : null}
      </div>
      <div className="vtable__body" role="rowgroup" style={{ height: total * ROW_HEIGHT }}>
        {visible.map(({ row, index }) =>
          row === undefined ? (
            // a windowed list's row still on its way: its place, empty
            <div key={`pending-${index}`} role="row" aria-rowindex={index + 2} aria-busy="true" className="vtable__row vtable__row--pending" style={{ top: index * ROW_HEIGHT, gridTemplateColumns: template }} data-testid="row-pending" />
          ) : (
          <TableRow
            key={row.key}
            row={row}
            index={index}
            columns={columns}
            joinedId={joined?.id}
            joinedCell={joined?.cell(row.key)}
            template={template}
            selected={selected.has(row.key)}
            focused={row.key === focusedKey}
            nameColumn={nameColumn}
            testId={rowTestId}
            onToggle={toggle}
            onOpen={onOpen}
            onFocusKey={focusByPointer}
            selectLabel={t("table.selectRow", { name: row.name })}
            badge={badge}
            menu={rowMenu}
          />
          ),
        )}
      </div>
    </div>
  );
}

/** A row's cell in a column: the joined column's from it, the others from the row. */
function cellOf(r: { row: Row; joinedId?: string; joinedCell?: Cell }, id: string): Cell | undefined {
  return id === r.joinedId ? r.joinedCell : (r.row.cells[id] ?? identityCell(r.row, id));
}

function rowDomId(key: string) {
  return `row-${key.replace(/[^a-zA-Z0-9_-]/g, "_")}`;
}

const TableRow = memo(function TableRow({
  row,
  index,
  columns,
  joinedId,
  joinedCell,
  template,
  selected,
  focused,
  nameColumn,
  testId,
  onToggle,
  onOpen,
  onFocusKey,
  selectLabel,
  badge,
  menu,
}: {
  badge?: string;
  menu?: (row: Row) => ReactNode;
  row: Row;
  index: number;
  columns: ColumnDef[];
  /** The joined column's id and this row's cell in it (it replaces the row's own). */
  joinedId?: string;
  joinedCell?: Cell;
  template: string;
  selected: boolean;
  focused: boolean;
  nameColumn: string;
  testId?: string;
  onToggle: (key: string) => void;
  onOpen: (row: Row) => void;
  onFocusKey: (key: string) => void;
  selectLabel: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const shown = { row, joinedId, joinedCell };
  const previous = useRef(shown);
  // Changed cells flash briefly (CSS animation; nothing moves, nothing re-mounts).
  useLayoutEffect(() => {
    const before = previous.current;
    previous.current = shown;
    if ((before.row === row && before.joinedCell === joinedCell) || !ref.current) return;
    for (const c of columns) {
      if (JSON.stringify(cellOf(before, c.id)) === JSON.stringify(cellOf(shown, c.id))) continue;
      const el = [...ref.current.querySelectorAll<HTMLElement>("[data-col]")].find((e) => e.dataset.col === c.id);
      if (!el) continue;
      el.classList.remove("is-changed");
      void el.offsetWidth;
      el.classList.add("is-changed");
    }
  }, [row, joinedId, joinedCell, columns]);
  return (
    <div
      ref={ref}
      id={rowDomId(row.key)}
      role="row"
      aria-rowindex={index + 2}
      aria-selected={selected}
      className={`vtable__row${selected ? " is-selected" : ""}${focused ? " is-focused" : ""}`}
      style={{ top: index * ROW_HEIGHT, gridTemplateColumns: template }}
      data-testid={testId}
      data-key={row.key}
      data-selected={selected ? "true" : "false"}
      onMouseDown={() => onFocusKey(row.key)}
    >
      <span className="vtable__cell vtable__check" role="gridcell">
        <input type="checkbox" tabIndex={-1} checked={selected} onChange={() => onToggle(row.key)} aria-label={selectLabel} />
      </span>
      {columns.map((c) => (
        <span key={c.id} role="gridcell" className={`vtable__cell${c.align === "end" ? " vtable__cell--end" : ""}`} data-col={c.id}>
          {c.id === nameColumn ? (
            <>
              {badge ? <span className="badge badge--kind" aria-hidden="true">{badge}</span> : null}
              <button type="button" tabIndex={-1} className="link mono cell-text" onClick={() => onOpen(row)} data-testid="row-name">
                {row.name}
              </button>
            </>
          ) : (
            <CellView cell={cellOf(shown, c.id)} testId={c.id === "status" ? "row-status" : undefined} />
          )}
        </span>
      ))}
      {menu ? (
        <span role="gridcell" className="vtable__cell vtable__menu" data-row-menu="">
          {menu(row)}
        </span>
      ) : null}
    </div>
  );
});

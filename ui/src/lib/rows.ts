import type { Cell, Row, SortKey } from "../api";
import type { SortState } from "../components/DataTable";
import { cellText } from "../components/Status";
import { naturalCompare } from "./naturalCompare";
import { labelsFromChips, matches, type Requirement } from "./selector";

/**
 * A column whose cells are not in the rows: the table and the sort look them up by row key when
 * they need one (the Doctor's, from its own stream), so no row is copied to carry it. `cell`
 * returns the same object while a row's value is unchanged (the table re-renders a row when its
 * row or this cell changes, and flashes the cell when its content does).
 */
export type JoinedColumn = {
  id: string;
  cell: (key: string) => Cell | undefined;
  sort: (key: string) => SortKey;
};

function sortValue(row: Row, column: string, joined: JoinedColumn | null): SortKey {
  if (joined && column === joined.id) return joined.sort(row.key);
  const v = row.sort[column];
  if (v !== undefined) return v;
  if (column === "name") return row.name;
  if (column === "namespace") return row.namespace ?? "";
  return cellText(row.cells[column]);
}

function compareKeys(a: SortKey, b: SortKey): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return naturalCompare(a, b);
}

/**
 * Sorts by the column's sort value (the joined column's, or the row's, falling back to the cell
 * text), then by key for stability: the result does not depend on the input's order.
 */
export function sortRows(rows: readonly Row[], sort: SortState, joined: JoinedColumn | null = null): Row[] {
  const out = [...rows];
  if (!sort) return out.sort((a, b) => naturalCompare(a.key, b.key));
  const dir = sort.dir === "asc" ? 1 : -1;
  return out.sort((a, b) => dir * compareKeys(sortValue(a, sort.column, joined), sortValue(b, sort.column, joined)) || naturalCompare(a.key, b.key));
}

export function rowLabels(row: Row): Record<string, string> {
  const cell = row.cells.labels;
  return cell && cell.t === "chips" ? labelsFromChips(cell.v) : {};
}

export function filterRows(rows: readonly Row[], query: string, requirements: Requirement[]): Row[] {
  const q = query.trim().toLowerCase();
  if (!q && requirements.length === 0) return rows as Row[];
  return rows.filter((r) => (!q || r.name.toLowerCase().includes(q)) && (requirements.length === 0 || matches(requirements, rowLabels(r))));
}

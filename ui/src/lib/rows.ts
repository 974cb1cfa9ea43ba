import type { Row, SortKey } from "../api";
import type { SortState } from "../components/DataTable";
import { cellText } from "../components/Status";
import { labelsFromChips, matches, type Requirement } from "./selector";

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: "base" });

function sortValue(row: Row, column: string): SortKey {
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
  return collator.compare(a, b);
}

/** Sorts by the column's sort value (falling back to the cell text), then by key for stability. */
export function sortRows(rows: readonly Row[], sort: SortState): Row[] {
  const out = [...rows];
  if (!sort) return out.sort((a, b) => collator.compare(a.key, b.key));
  const dir = sort.dir === "asc" ? 1 : -1;
  return out.sort((a, b) => dir * compareKeys(sortValue(a, sort.column), sortValue(b, sort.column)) || collator.compare(a.key, b.key));
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

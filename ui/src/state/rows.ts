// The live rows of one watch_rows stream, applied by key: a delta replaces or removes only the
// rows it names, so selection, focus and scroll (all held by key elsewhere) survive updates. The
// cross-cluster view keeps each cluster's rows in one (state/multiRows.ts); a single cluster's
// list is kept by the core and arrives as a window (state/list.ts).
import type { Row, RowsEvent } from "../api";

/**
 * The rows of one stream by key, and their list. The list is kept up to date in place (a delta
 * costs what it names, not the whole list); `list()` hands out an array that is never changed
 * afterwards (the next change copies it first), a new one only after a change.
 *
 * Order: a reset's (a preview's) order; a new key goes last; an update keeps its place; a delete
 * moves the last row into the gap. Every view sorts the list (lib/rows.ts sortRows), so the
 * order is only ever an input order.
 */
export class RowStore {
  private index = new Map<string, number>();
  private rows: Row[] = [];
  /** True once `rows` has been handed out by list(): it must be copied before a change. */
  private shared = false;
  loaded = false;

  apply(event: RowsEvent): boolean {
    // A preview (the first rows of a long first list) shows at once; its reset replaces it.
    if (event.type === "reset" || event.type === "preview") {
      this.index = new Map(event.rows.map((r, i) => [r.key, i]));
      // the event's own array (never changed: it counts as handed out), unless a key repeats
      this.rows = event.rows;
      this.shared = true;
      if (this.index.size !== event.rows.length) {
        this.index.clear();
        this.rows = [];
        this.shared = false;
        for (const row of event.rows) this.upsert(row);
      }
      this.loaded = true;
      return true;
    }
    if (event.type === "delta") {
      for (const key of event.deletes) this.delete(key);
      for (const row of event.upserts) this.upsert(row);
      return true;
    }
    return false;
  }

  list(): Row[] {
    this.shared = true;
    return this.rows;
  }

  get(key: string): Row | undefined {
    const i = this.index.get(key);
    return i === undefined ? undefined : this.rows[i];
  }

  private writable(): Row[] {
    if (this.shared) {
      this.rows = this.rows.slice();
      this.shared = false;
    }
    return this.rows;
  }

  private upsert(row: Row) {
    const i = this.index.get(row.key);
    const rows = this.writable();
    if (i === undefined) {
      this.index.set(row.key, rows.length);
      rows.push(row);
    } else rows[i] = row;
  }

  private delete(key: string) {
    const i = this.index.get(key);
    if (i === undefined) return;
    const rows = this.writable();
    const last = rows.pop()!;
    this.index.delete(key);
    if (i < rows.length) {
      rows[i] = last;
      this.index.set(last.key, i);
    }
  }
}

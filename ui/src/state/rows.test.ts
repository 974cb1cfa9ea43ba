import { describe, expect, it } from "vitest";
import type { Row, RowsEvent } from "../api";
import { row } from "../test/sts";
import { RowStore } from "./rows";

const keys = (rows: Row[]) => rows.map((r) => r.key);

describe("RowStore", () => {
  it("lists a reset in its order; an update keeps its place, a new key goes last, a delete takes the last row into its gap", () => {
    const store = new RowStore();
    expect(store.apply({ type: "reset", rows: [row("a"), row("b"), row("c"), row("d")] })).toBe(true);
    expect(store.loaded).toBe(true);
    expect(keys(store.list())).toEqual(["db/a", "db/b", "db/c", "db/d"]);
    const b2 = row("b", { ready: 1 });
    store.apply({ type: "delta", upserts: [b2, row("e")], deletes: ["db/a"] });
    expect(keys(store.list())).toEqual(["db/d", "db/b", "db/c", "db/e"]);
    expect(store.list()[1]).toBe(b2);
    expect(store.get("db/b")).toBe(b2);
    expect(store.get("db/a")).toBeUndefined();
    // deleting the last row, and a key that is not there
    store.apply({ type: "delta", upserts: [], deletes: ["db/e", "db/zz"] });
    expect(keys(store.list())).toEqual(["db/d", "db/b", "db/c"]);
    expect(store.get("db/c")?.key).toBe("db/c");
  });

  it("deletes before it upserts within a delta, like before (a key in both stays, with its new row)", () => {
    const store = new RowStore();
    store.apply({ type: "reset", rows: [row("a"), row("b")] });
    const a2 = row("a", { ready: 2 });
    store.apply({ type: "delta", upserts: [a2], deletes: ["db/a"] });
    expect(keys(store.list())).toEqual(["db/b", "db/a"]);
    expect(store.get("db/a")).toBe(a2);
  });

  it("hands out a new list only after a change, and never changes one it handed out", () => {
    const store = new RowStore();
    const first = [row("a"), row("b"), row("c")];
    store.apply({ type: "reset", rows: first });
    const l1 = store.list();
    expect(store.list()).toBe(l1);
    store.apply({ type: "delta", upserts: [row("b", { ready: 0 })], deletes: ["db/a"] });
    const l2 = store.list();
    expect(l2).not.toBe(l1);
    expect(keys(l1)).toEqual(["db/a", "db/b", "db/c"]);
    expect(l1[1]!.cells.status).toEqual(row("b").cells.status);
    expect(first.map((r) => r.key)).toEqual(["db/a", "db/b", "db/c"]);
    // a delta that changes nothing keeps the list
    store.apply({ type: "delta", upserts: [], deletes: ["db/zz"] });
    expect(store.list()).toBe(l2);
    // state events are not rows
    expect(store.apply({ type: "state", state: { state: "live" } })).toBe(false);
    expect(store.list()).toBe(l2);
  });

  it("lets a reset replace a preview, and keeps the last row of a key a reset repeats at its first place", () => {
    const store = new RowStore();
    store.apply({ type: "preview", rows: [row("a"), row("b")] });
    expect(keys(store.list())).toEqual(["db/a", "db/b"]);
    const a2 = row("a", { ready: 1 });
    store.apply({ type: "reset", rows: [row("c"), row("a"), row("b"), a2] });
    expect(keys(store.list())).toEqual(["db/c", "db/a", "db/b"]);
    expect(store.get("db/a")).toBe(a2);
    // deletes come first: b fills c's place, then d goes last
    store.apply({ type: "delta", upserts: [row("d")], deletes: ["db/c"] });
    expect(keys(store.list())).toEqual(["db/b", "db/a", "db/d"]);
  });

  it("holds what a map by key would, through random deltas", () => {
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const store = new RowStore();
    const model = new Map<string, Row>();
    const reset: RowsEvent = { type: "reset", rows: Array.from({ length: 50 }, (_, i) => row(`s${i}`)) };
    store.apply(reset);
    for (const r of reset.rows) model.set(r.key, r);
    for (let e = 0; e < 300; e++) {
      const deletes = Array.from({ length: rand(4) }, () => `db/s${rand(80)}`);
      const upserts = Array.from({ length: rand(6) }, () => row(`s${rand(80)}`, { ready: rand(4) }));
      store.apply({ type: "delta", upserts, deletes });
      for (const k of deletes) model.delete(k);
      for (const r of upserts) model.set(r.key, r);
      const list = store.list();
      expect(list.length).toBe(model.size);
      for (const r of list) expect(model.get(r.key)).toBe(r);
      for (const [k, r] of model) expect(store.get(k)).toBe(r);
    }
  });
});

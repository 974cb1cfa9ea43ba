// The core sends a row's name and namespace once, as the row's own fields; the table's `name` and
// `namespace` columns are made from them.
import { describe, expect, it } from "vitest";
import { row } from "../test/sts";
import { cellText, identityCell } from "./Status";

describe("identityCell", () => {
  it("makes the name and namespace columns from the row's fields", () => {
    const r = row("pg", { namespace: "db" });
    expect(r.cells.name).toBeUndefined();
    expect(identityCell(r, "name")).toEqual({ t: "mono", v: "pg" });
    expect(identityCell(r, "namespace")).toEqual({ t: "mono", v: "db" });
    expect(cellText(identityCell(r, "namespace"))).toBe("db");
  });

  it("has nothing for other columns or a cluster-scoped row's namespace", () => {
    const r = { ...row("pv-1"), namespace: null };
    expect(identityCell(r, "namespace")).toBeUndefined();
    expect(identityCell(r, "status")).toBeUndefined();
  });
});

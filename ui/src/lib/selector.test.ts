import { describe, expect, it } from "vitest";
import { matches, parseSelector } from "./selector";

function ok(input: string) {
  const r = parseSelector(input);
  if (!r.ok) throw new Error(`did not parse: ${input}`);
  return r.requirements;
}

describe("label selector", () => {
  it("parses every operator", () => {
    expect(ok("a=b,c!=d,e in (x, y),!f,g,h notin (z),i==j")).toEqual([
      { op: "eq", key: "a", value: "b" },
      { op: "neq", key: "c", value: "d" },
      { op: "in", key: "e", values: ["x", "y"] },
      { op: "notexists", key: "f" },
      { op: "exists", key: "g" },
      { op: "notin", key: "h", values: ["z"] },
      { op: "eq", key: "i", value: "j" },
    ]);
    expect(ok("app.kubernetes.io/name=kafka")).toEqual([{ op: "eq", key: "app.kubernetes.io/name", value: "kafka" }]);
    expect(ok("  ")).toEqual([]);
  });

  it("reports errors", () => {
    for (const bad of ["a=b,", "e in (x", "=b", "a b", "e in ()", "a=b=c", "-a=b"]) {
      expect(parseSelector(bad).ok, bad).toBe(false);
    }
  });

  it("matches labels like the API server", () => {
    const labels = { app: "pg", tier: "db" };
    expect(matches(ok("app=pg,tier in (db,cache)"), labels)).toBe(true);
    expect(matches(ok("app!=pg"), labels)).toBe(false);
    expect(matches(ok("!tier"), labels)).toBe(false);
    expect(matches(ok("zone notin (a)"), labels)).toBe(true);
    expect(matches(ok("zone in (a)"), labels)).toBe(false);
    expect(matches(ok("app!=redis,env"), labels)).toBe(false);
  });
});

import { describe, expect, it } from "vitest";
import { formatNamespaces, parseNamespaces, toggleNamespace } from "./namespaces";

describe("namespace filter", () => {
  it("parses none, one and several, ignoring blanks and duplicates", () => {
    expect(parseNamespaces("")).toEqual([]);
    expect(parseNamespaces(" db ")).toEqual(["db"]);
    expect(parseNamespaces("db, stream,,db ,cache")).toEqual(["db", "stream", "cache"]);
  });
  it("toggles a namespace in and out", () => {
    expect(toggleNamespace("", "db")).toBe("db");
    expect(toggleNamespace("db", "stream")).toBe("db, stream");
    expect(toggleNamespace("db, stream", "db")).toBe("stream");
    expect(formatNamespaces([])).toBe("");
  });
});

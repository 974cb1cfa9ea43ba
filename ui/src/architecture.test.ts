// Guards for the conventions the rest of the code relies on.
import { describe, expect, it } from "vitest";

const sources = import.meta.glob<string>(["./**/*.{ts,tsx}", "!./**/*.test.{ts,tsx}", "!./test/**"], {
  query: "?raw",
  import: "default",
  eager: true,
});

describe("architecture", () => {
  it("finds the sources", () => {
    expect(Object.keys(sources)).toContain("./api/index.ts");
    expect(Object.keys(sources).length).toBeGreaterThan(15);
  });

  it("only src/api talks to Tauri", () => {
    const offenders = Object.entries(sources)
      .filter(([path]) => !path.startsWith("./api/"))
      .filter(([, text]) => /@tauri-apps\/api/.test(text))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });

  it("components never import the catalogues directly (they use useT)", () => {
    const offenders = Object.entries(sources)
      .filter(([path]) => !path.startsWith("./i18n/"))
      .filter(([, text]) => /from "\.\.?\/(?:\.\.\/)*i18n\/(?:en|zh-CN)"/.test(text))
      .map(([path]) => path);
    expect(offenders).toEqual([]);
  });
});

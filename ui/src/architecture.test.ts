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

  it("CodeMirror stays out of the start-up chunk: only components/yaml/ imports it, and only through import()", () => {
    const editorCode = Object.entries(sources)
      .filter(([path]) => !path.startsWith("./components/yaml/"))
      .filter(([, text]) => /from "@(?:codemirror|lezer)\//.test(text))
      .map(([path]) => path);
    expect(editorCode).toEqual([]);
    const staticImports = Object.entries(sources)
      .filter(([path]) => !path.startsWith("./components/yaml/"))
      .filter(([, text]) => /from "(?:\.\.?\/)+(?:components\/)?yaml\//.test(text))
      .map(([path]) => path);
    expect(staticImports).toEqual([]);
  });

  it("xterm stays out of the start-up chunk: only dock/term/ imports it, and only through import()", () => {
    const termCode = Object.entries(sources)
      .filter(([path]) => !path.startsWith("./dock/term/"))
      .filter(([, text]) => /from "@xterm\//.test(text) || /import\s+"@xterm\//.test(text))
      .map(([path]) => path);
    expect(termCode).toEqual([]);
    const staticImports = Object.entries(sources)
      .filter(([path]) => !path.startsWith("./dock/term/"))
      .filter(([, text]) => /^import(?!\s+type)[^;]*from "(?:\.\.?\/)+(?:dock\/)?term\//m.test(text))
      .map(([path]) => path);
    expect(staticImports).toEqual([]);
  });

  it("the dock's panels load with the dock: start-up code imports only its store", () => {
    const startup = ["./shell/Shell.tsx", "./pages/statefulsets/StsActions.tsx", "./pages/statefulsets/ListView.tsx", "./pages/StatefulSetsPage.tsx"];
    for (const path of startup) {
      const text = sources[path] ?? "";
      expect(text, path).not.toMatch(/from "\.\.?\/(?:\.\.\/)*dock\/(?!dockState")/);
    }
    expect(sources["./shell/Shell.tsx"]).toMatch(/lazy\(\(\) => import\("\.\.\/dock\/Dock"\)\)/);
  });
});

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

  it("the Chinese catalogue stays out of the start-up chunk: only i18n/index.tsx loads it, through import()", () => {
    // Every static import or re-export (type-only ones are erased and allowed), resolved against
    // the importing file, so "./zh-CN", "../i18n/zh-CN" and "./i18n/zh-CN.dock" are all caught.
    const resolve = (from: string, spec: string) => {
      const parts = from.split("/").slice(0, -1);
      for (const seg of spec.split("/")) {
        if (seg === "..") parts.pop();
        else if (seg !== ".") parts.push(seg);
      }
      return parts.join("/").replace(/\.tsx?$/, "");
    };
    const staticImports = (text: string) =>
      [
        ...text.matchAll(/^\s*(?:import|export)(?!\s+type\b)(?:[^;"']*?\bfrom)?\s*["']([^"']+)["']/gm),
      ].map((m) => m[1]!);
    const offenders = Object.entries(sources).flatMap(([path, text]) =>
      staticImports(text)
        .filter((spec) => spec.startsWith("."))
        .map((spec) => resolve(path, spec))
        .filter((target) => /^\.\/i18n\/zh-CN(?:\.|$)/.test(target))
        // The catalogue merges its own dock strings; that file is in the same chunk.
        .filter((target) => !(path === "./i18n/zh-CN.ts" && target === "./i18n/zh-CN.dock"))
        .map((target) => `${path} -> ${target}`),
    );
    expect(offenders).toEqual([]);
    expect(sources["./i18n/index.tsx"]).toMatch(/import\("\.\/zh-CN"\)/);
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

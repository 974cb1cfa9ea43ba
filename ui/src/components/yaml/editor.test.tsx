import { currentCompletions, startCompletion } from "@codemirror/autocomplete";
import { foldable } from "@codemirror/language";
import { diagnosticCount, forceLinting } from "@codemirror/lint";
import { openSearchPanel } from "@codemirror/search";
import { EditorSelection, EditorState } from "@codemirror/state";
import { act, fireEvent, render, waitFor } from "@testing-library/react";
import { describe, expect, it, vi } from "vitest";
import { makeT } from "../../i18n";
import { stsSchema } from "../../test/schemaFixture";
import CodeEditor, { viewOf } from "./CodeEditor";
import { diagnostics } from "./extensions";

const YAML = "apiVersion: apps/v1\nkind: StatefulSet\nspec:\n  replicas: 3\n";
const loaded = { status: "loaded", schema: stsSchema } as const;
const t = makeT("en");

function editor(props: Partial<Parameters<typeof CodeEditor>[0]> = {}) {
  const onChange = vi.fn();
  const r = render(<CodeEditor value={YAML} onChange={onChange} label="YAML" testId="ed" schema={loaded} {...props} />);
  const wrapper = r.getByTestId("ed") as HTMLElement & { value: string };
  return { ...r, onChange, wrapper, view: viewOf(wrapper)! };
}

describe("editor diagnostics", () => {
  it("reports the syntax error alone, as an error", () => {
    const d = diagnostics("a: [1\n", stsSchema, t);
    expect(d).toHaveLength(1);
    expect(d[0]).toMatchObject({ severity: "error", message: expect.stringMatching(/^Line \d+, column \d+:/) });
  });

  it("reports schema problems as warnings in the user's language", () => {
    const text = YAML.replace("replicas: 3", 'replicas: "3"\n  replica: 1\n  podManagementPolicy: Never');
    expect(diagnostics(text, stsSchema, t).map((d) => d.message)).toEqual([
      "spec.replicas: expected integer, got string",
      "Unknown field spec.replica",
      "spec.podManagementPolicy: must be one of OrderedReady, Parallel, got Never",
    ]);
    expect(diagnostics(text, stsSchema, makeT("zh-CN"))[1]!.message).toBe("未知字段 spec.replica");
    expect(diagnostics(text, null, t)).toEqual([]);
  });
});

describe("CodeMirror YAML editor", () => {
  it("shows problems in the lint gutter", async () => {
    const { view } = editor({ value: YAML.replace("replicas", "replica") });
    act(() => forceLinting(view));
    await waitFor(() => expect(diagnosticCount(view.state)).toBe(1));
    await waitFor(() => expect(view.dom.querySelector(".cm-gutter-lint .cm-lint-marker-error")).not.toBeNull());
    expect(view.dom.querySelector(".cm-lintRange-error")?.textContent).toBe("replica");
  });

  it("completes the fields of spec from the schema", async () => {
    const { view } = editor();
    // Typing at spec's child indentation opens the list by itself.
    const end = view.state.doc.length;
    act(() => view.dispatch({ changes: { from: end, insert: "  s" }, selection: { anchor: end + 3 }, userEvent: "input.type" }));
    await waitFor(() => expect(currentCompletions(view.state).map((c) => c.label)).toContain("serviceName"));
    expect(currentCompletions(view.state).find((c) => c.label === "serviceName")?.detail).toBe("string");
    // On an empty key position it waits for Ctrl-Space.
    act(() => view.dispatch({ changes: { from: end, to: end + 3, insert: "  " }, selection: { anchor: end + 2 } }));
    act(() => {
      startCompletion(view);
    });
    await waitFor(() => expect(currentCompletions(view.state).map((c) => c.label)).toEqual(expect.arrayContaining(["serviceName", "template", "volumeClaimTemplates"])));
    expect(currentCompletions(view.state).map((c) => c.label)).not.toContain("replicas");
  });

  it("reports typing, but not the parent's own value coming back or replacing the text", () => {
    const { view, onChange, rerender, wrapper } = editor();
    act(() => view.dispatch({ changes: { from: 0, insert: "# x\n" }, selection: { anchor: 2 } }));
    expect(onChange).toHaveBeenLastCalledWith(`# x\n${YAML}`);
    onChange.mockClear();
    // The parent echoes the text: nothing changes, the caret stays.
    rerender(<CodeEditor value={`# x\n${YAML}`} onChange={onChange} label="YAML" testId="ed" schema={loaded} />);
    expect(view.state.selection.main.head).toBe(2);
    // A reload replaces the text without reporting it back.
    rerender(<CodeEditor value={YAML} onChange={onChange} label="YAML" testId="ed" schema={loaded} />);
    expect(view.state.doc.toString()).toBe(YAML);
    expect(onChange).not.toHaveBeenCalled();
    // The end-to-end hook: `value` on the wrapper reads and writes the whole text.
    expect(wrapper.value).toBe(YAML);
    act(() => {
      wrapper.value = wrapper.value.replace("replicas: 3", "replicas: 5");
    });
    expect(view.state.doc.toString()).toContain("replicas: 5");
    expect(onChange).toHaveBeenCalledWith(YAML.replace("replicas: 3", "replicas: 5"));
  });

  it("highlights keys and literals with the token colours", async () => {
    const { view } = editor();
    await waitFor(() => expect(view.dom.querySelector(".cm-yaml-literal")?.textContent).toBe("3"));
    // The HighlightStyle's class for keys carries the accent token.
    const key = [...view.contentDOM.querySelectorAll("span")].find((s) => s.textContent === "replicas")!;
    expect(key.className).not.toBe("");
  });

  it("has line numbers, folding, search, multiple cursors, and indents with spaces", () => {
    const { view } = editor();
    expect(view.dom.querySelector(".cm-lineNumbers")).not.toBeNull();
    expect(view.dom.querySelector(".cm-foldGutter")).not.toBeNull();
    expect(foldable(view.state, 0, view.state.doc.line(3).to)).not.toBeNull();
    expect(view.state.facet(EditorState.allowMultipleSelections)).toBe(true);
    act(() => {
      openSearchPanel(view);
    });
    expect(view.dom.querySelector(".cm-search")).not.toBeNull();
    // Enter after `spec:` indents the new line; Tab adds two spaces.
    const end = view.state.doc.line(3).to;
    act(() => view.dispatch({ selection: EditorSelection.cursor(end) }));
    fireEvent.keyDown(view.contentDOM, { key: "Enter", keyCode: 13 });
    expect(view.state.doc.line(4).text).toBe("  ");
    fireEvent.keyDown(view.contentDOM, { key: "Tab", keyCode: 9 });
    expect(view.state.doc.line(4).text).toBe("    ");
  });

  it("is read-only on request, and says whether the schema is there", () => {
    const { view, wrapper, rerender, onChange } = editor({ readOnly: true, schema: { status: "loading" } });
    expect(view.state.readOnly).toBe(true);
    expect(view.contentDOM).toHaveAttribute("contenteditable", "false");
    expect(wrapper).toHaveAttribute("data-schema", "loading");
    rerender(<CodeEditor value={YAML} onChange={onChange} label="YAML" testId="ed" schema={loaded} />);
    expect(view.state.readOnly).toBe(false);
    expect(wrapper).toHaveAttribute("data-schema", "loaded");
  });
});

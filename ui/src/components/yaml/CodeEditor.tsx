// The YAML editor proper (CodeMirror 6), loaded on demand by ../YamlEditor. The document lives in
// CodeMirror; `value` from the parent replaces it only when it differs (reload, discard), so
// the caret survives the parent echoing back what was just typed.
import { Annotation, Compartment, EditorState } from "@codemirror/state";
import { EditorView } from "@codemirror/view";
import { useEffect, useRef } from "react";
import { useT } from "../../i18n";
import { phrases } from "./phrases";
import type { SchemaState } from "../../state/schemas";
import { baseExtensions, readOnlyExtensions, schemaExtensions } from "./extensions";

export type CodeEditorProps = {
  value: string;
  onChange: (v: string) => void;
  readOnly?: boolean;
  label: string;
  testId?: string;
  schema: SchemaState;
};

/** Marks a change that came from `value`, which must not be reported back through onChange. */
const fromProps = Annotation.define<boolean>();

/** The smallest replacement turning `a` into `b` (so a reload keeps the caret where text is unchanged). */
function change(a: string, b: string) {
  let start = 0;
  const max = Math.min(a.length, b.length);
  while (start < max && a.charCodeAt(start) === b.charCodeAt(start)) start++;
  let end = 0;
  while (end < max - start && a.charCodeAt(a.length - 1 - end) === b.charCodeAt(b.length - 1 - end)) end++;
  return { from: start, to: a.length - end, insert: b.slice(start, b.length - end) };
}

export default function CodeEditor({ value, onChange, readOnly = false, label, testId, schema }: CodeEditorProps) {
  const t = useT();
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const onChangeRef = useRef(onChange);
  onChangeRef.current = onChange;
  const compartments = useRef({ readOnly: new Compartment(), schema: new Compartment(), label: new Compartment(), phrases: new Compartment() });
  const loaded = schema.status === "loaded" ? schema.schema : null;

  useEffect(() => {
    const c = compartments.current;
    const v = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          baseExtensions(),
          c.readOnly.of(readOnlyExtensions(readOnly)),
          c.schema.of(schemaExtensions(loaded, t)),
          c.label.of(EditorView.contentAttributes.of({ "aria-label": label })),
          c.phrases.of(phrases(t)),
          EditorView.updateListener.of((u) => {
            if (u.docChanged && !u.transactions.some((tr) => tr.annotation(fromProps))) onChangeRef.current(u.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = v;
    // The end-to-end suite reads and writes the text through the wrapper, as it did the textarea.
    const el = host.current!;
    Object.defineProperty(el, "value", {
      configurable: true,
      get: () => v.state.doc.toString(),
      set: (text: string) => v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: String(text) } }),
    });
    return () => {
      delete (el as { value?: unknown }).value;
      v.destroy();
      view.current = null;
    };
    // The view is made once; the effects below follow the props.
  }, []);

  useEffect(() => {
    const v = view.current;
    if (!v) return;
    const doc = v.state.doc.toString();
    if (doc !== value) v.dispatch({ changes: change(doc, value), annotations: fromProps.of(true) });
  }, [value]);

  useEffect(() => {
    view.current?.dispatch({ effects: compartments.current.readOnly.reconfigure(readOnlyExtensions(readOnly)) });
  }, [readOnly]);

  useEffect(() => {
    view.current?.dispatch({ effects: compartments.current.schema.reconfigure(schemaExtensions(loaded, t)) });
  }, [loaded, t]);

  useEffect(() => {
    view.current?.dispatch({ effects: compartments.current.phrases.reconfigure(phrases(t)) });
  }, [t]);

  useEffect(() => {
    view.current?.dispatch({ effects: compartments.current.label.reconfigure(EditorView.contentAttributes.of({ "aria-label": label })) });
  }, [label]);

  return <div ref={host} className="yaml-editor" data-testid={testId} data-schema={schema.status} data-readonly={readOnly ? "true" : undefined} />;
}

/** The view inside a wrapper made by this component (tests drive the editor through it). */
export function viewOf(wrapper: Element): EditorView | null {
  const dom = wrapper.querySelector(".cm-editor");
  return dom ? EditorView.findFromDOM(dom as HTMLElement) : null;
}

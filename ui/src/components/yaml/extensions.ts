// The CodeMirror set-up of the YAML editor: editing keys, folding, search, multiple cursors, the
// theme (one theme over the design tokens, so it follows light and dark), highlighting, and the
// checks, completion and hover that come from the object's schema when there is one.
import { autocompletion, closeBrackets, closeBracketsKeymap, completionKeymap, type CompletionContext, type CompletionResult } from "@codemirror/autocomplete";
import { defaultKeymap, history, historyKeymap, indentWithTab, insertNewlineAndIndent } from "@codemirror/commands";
import { yaml } from "@codemirror/lang-yaml";
import { bracketMatching, foldGutter, foldKeymap, HighlightStyle, indentOnInput, indentService, indentUnit, syntaxHighlighting, syntaxTree } from "@codemirror/language";
import { linter, lintGutter, lintKeymap, type Diagnostic } from "@codemirror/lint";
import { highlightSelectionMatches, search, searchKeymap } from "@codemirror/search";
import { EditorState, type Extension, type Range } from "@codemirror/state";
import { crosshairCursor, Decoration, drawSelection, dropCursor, EditorView, highlightActiveLine, highlightActiveLineGutter, highlightSpecialChars, hoverTooltip, keymap, lineNumbers, rectangularSelection, ViewPlugin, type DecorationSet, type ViewUpdate } from "@codemirror/view";
import type { ObjectSchema } from "../../api";
import type { Translate } from "../../i18n";
import { fieldAt, suggest } from "../../lib/schema/assist";
import { problemMessage, schemaProblems } from "../../lib/schema/lint";
import { yamlError } from "../../lib/yamlSyntax";
import { PLAIN_LITERAL, yamlTokens } from "./tokens";

const theme = EditorView.theme({
  "&": { height: "100%", color: "var(--text)", backgroundColor: "var(--bg-elevated)", fontSize: "12px" },
  "&.cm-focused": { outline: "none" },
  ".cm-scroller": { fontFamily: "var(--font-mono)", lineHeight: "18px" },
  ".cm-content": { caretColor: "var(--text)", padding: "6px 0" },
  ".cm-cursor, .cm-dropCursor": { borderLeftColor: "var(--text)" },
  "&.cm-focused > .cm-scroller > .cm-selectionLayer .cm-selectionBackground, .cm-selectionBackground, .cm-content ::selection": { backgroundColor: "var(--bg-active)" },
  ".cm-activeLine": { backgroundColor: "var(--bg-hover)" },
  ".cm-gutters": { backgroundColor: "var(--badge-bg)", color: "var(--text-faint)", border: "none" },
  ".cm-activeLineGutter": { backgroundColor: "var(--bg-hover)", color: "var(--text-muted)" },
  ".cm-foldPlaceholder": { backgroundColor: "var(--badge-bg)", border: "1px solid var(--border)", color: "var(--text-muted)" },
  "&.cm-focused .cm-matchingBracket": { backgroundColor: "var(--bg-active)", outline: "1px solid var(--border-strong)" },
  ".cm-searchMatch": { backgroundColor: "var(--warn-bg)", outline: "1px solid var(--warn-border)" },
  ".cm-searchMatch.cm-searchMatch-selected": { backgroundColor: "var(--bg-active)" },
  ".cm-selectionMatch": { backgroundColor: "var(--bg-hover)" },
  ".cm-panels": { backgroundColor: "var(--bg-sunken)", color: "var(--text)" },
  ".cm-panels-bottom": { borderTop: "1px solid var(--border)" },
  ".cm-panel input, .cm-panel button": { fontFamily: "var(--font-ui)", fontSize: "var(--fs-sm)", color: "var(--text)" },
  ".cm-textfield": { backgroundColor: "var(--bg)", border: "1px solid var(--border-strong)", borderRadius: "var(--radius-sm)" },
  ".cm-button": { backgroundImage: "none", backgroundColor: "var(--bg-elevated)", border: "1px solid var(--border-strong)", borderRadius: "var(--radius-sm)" },
  ".cm-tooltip": { backgroundColor: "var(--bg-elevated)", color: "var(--text)", border: "1px solid var(--border-strong)", borderRadius: "var(--radius-sm)", boxShadow: "var(--shadow)" },
  ".cm-tooltip-autocomplete > ul > li[aria-selected]": { backgroundColor: "var(--accent)", color: "var(--accent-contrast)" },
  ".cm-completionDetail": { color: "var(--text-faint)", fontStyle: "normal", marginLeft: "1em" },
  // The diagnostics panel's selected row: CodeMirror's light grey would hide light text on dark.
  ".cm-panel.cm-panel-lint ul [aria-selected]": { backgroundColor: "var(--bg-active)", color: "var(--text)" },
  ".cm-panel.cm-panel-lint ul:focus [aria-selected]": { backgroundColor: "var(--accent)", color: "var(--accent-contrast)" },
  ".cm-diagnostic-error": { borderLeftColor: "var(--danger)" },
  ".cm-diagnostic-warning": { borderLeftColor: "var(--warn)" },
  ".cm-lintRange-error": { backgroundImage: "none", textDecoration: "underline wavy var(--danger)" },
  ".cm-lintRange-warning": { backgroundImage: "none", textDecoration: "underline wavy var(--warn)" },
  ".cm-yaml-literal": { color: "var(--syntax-literal)" },
  ".cm-schema-hover": { maxWidth: "420px", padding: "6px 8px", fontSize: "var(--fs-sm)", fontFamily: "var(--font-ui)", whiteSpace: "pre-wrap" },
  ".cm-schema-hover code": { fontFamily: "var(--font-mono)", color: "var(--accent-text)" },
});

const highlight = HighlightStyle.define(yamlTokens.map(({ tag, color, fontStyle }) => ({ tag, color, fontStyle })));

const literalMark = Decoration.mark({ class: "cm-yaml-literal" });

function literals(view: EditorView): DecorationSet {
  const marks: Range<Decoration>[] = [];
  for (const { from, to } of view.visibleRanges) {
    syntaxTree(view.state).iterate({
      from,
      to,
      enter: (node) => {
        if (node.name === "Key") return false;
        if (node.name === "Literal" && PLAIN_LITERAL.test(view.state.sliceDoc(node.from, node.to))) marks.push(literalMark.range(node.from, node.to));
        return undefined;
      },
    });
  }
  return Decoration.set(marks);
}

/** Numbers, booleans and null in the literal colour (the grammar tags them as plain text). */
const literalColours = ViewPlugin.fromClass(
  class {
    decorations: DecorationSet;
    constructor(view: EditorView) {
      this.decorations = literals(view);
    }
    update(u: ViewUpdate) {
      if (u.docChanged || u.viewportChanged || syntaxTree(u.startState) !== syntaxTree(u.state)) this.decorations = literals(u.view);
    }
  },
  { decorations: (p) => p.decorations },
);

/**
 * A new line after `key:` (nothing after the colon) starts one level deeper than the key, where
 * its fields go; the YAML language alone would keep the key's column.
 */
const indentAfterKey = indentService.of((cx, pos) => {
  const line = cx.lineAt(pos, -1);
  const before = line.text.slice(0, pos - line.from);
  if (!/^[^#]*:\s*(#.*)?$/.test(before) || /:\s*\S/.test(before.replace(/\s*#.*$/, ""))) return undefined;
  const key = /^\s*(?:- +)*/.exec(before)![0].length;
  return key + cx.unit;
});

/** Everything that does not depend on the props. */
export function baseExtensions(): Extension[] {
  return [
    lineNumbers(),
    highlightActiveLineGutter(),
    highlightSpecialChars(),
    history(),
    foldGutter(),
    drawSelection(),
    dropCursor(),
    EditorState.allowMultipleSelections.of(true),
    indentOnInput(),
    indentUnit.of("  "),
    indentAfterKey,
    EditorState.tabSize.of(2),
    bracketMatching(),
    closeBrackets(),
    rectangularSelection(),
    crosshairCursor(),
    highlightActiveLine(),
    highlightSelectionMatches(),
    search({ top: false }),
    lintGutter(),
    yaml(),
    syntaxHighlighting(highlight),
    literalColours,
    theme,
    keymap.of([
      { key: "Enter", run: insertNewlineAndIndent },
      ...closeBracketsKeymap,
      ...defaultKeymap,
      ...searchKeymap,
      ...historyKeymap,
      ...foldKeymap,
      ...completionKeymap,
      ...lintKeymap,
      // Tab indents by two spaces (YAML has no tabs); Escape then Tab leaves the editor.
      indentWithTab,
    ]),
  ];
}

/** Read-only: no edits through the keyboard, and no caret-taking content either. */
export function readOnlyExtensions(readOnly: boolean): Extension[] {
  return readOnly ? [EditorState.readOnly.of(true), EditorView.editable.of(false)] : [];
}

/** The syntax error, and the schema's problems when there is a schema. */
export function diagnostics(text: string, schema: ObjectSchema | null, t: Translate): Diagnostic[] {
  const syntax = yamlError(text);
  if (syntax) {
    const to = Math.max(syntax.end, Math.min(syntax.offset + 1, text.length));
    return [{ from: syntax.offset, to, severity: "error", source: "yaml", message: t("yaml.syntax", { line: syntax.line, column: syntax.column, message: syntax.message }) }];
  }
  if (!schema) return [];
  return schemaProblems(text, schema).map((p) => ({ from: p.from, to: p.to, severity: "error", source: "schema", message: problemMessage(p, t) }));
}

/** Checks, completion and hover; without a schema only the syntax is checked. */
export function schemaExtensions(schema: ObjectSchema | null, t: Translate): Extension[] {
  const lint = linter((view) => diagnostics(view.state.doc.toString(), schema, t), { delay: 250 });
  if (!schema) return [lint];
  const complete = (ctx: CompletionContext): CompletionResult | null => {
    const found = suggest(ctx.state.doc.toString(), ctx.pos, schema);
    if (!found || (!found.options.length)) return null;
    // Offer on typing, or at once on an empty key position when asked (Ctrl-Space).
    if (found.from === ctx.pos && !ctx.explicit && !/:\s$/.test(ctx.state.sliceDoc(ctx.pos - 2, ctx.pos))) return null;
    return {
      from: found.from,
      validFor: /^[\w./-]*$/,
      options: found.options.map((o) => ({ label: o.label, detail: o.type, info: o.description ?? undefined, apply: o.apply, type: "property" })),
    };
  };
  const hover = hoverTooltip((view, pos) => {
    const field = fieldAt(view.state.doc.toString(), pos, schema);
    if (!field) return null;
    return {
      pos: field.from,
      end: field.to,
      above: true,
      create: () => {
        const dom = document.createElement("div");
        dom.className = "cm-schema-hover";
        const head = dom.appendChild(document.createElement("div"));
        head.appendChild(document.createElement("code")).textContent = field.path;
        head.append(` ${field.type}`);
        if (field.description) dom.appendChild(document.createElement("div")).textContent = field.description;
        return { dom };
      },
    };
  });
  return [lint, autocompletion({ override: [complete] }), hover];
}

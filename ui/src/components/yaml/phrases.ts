// CodeMirror's own words (search panel, diagnostics, folding, completion) in the user's language.
import { EditorState, type Extension } from "@codemirror/state";
import type { Translate } from "../../i18n";

const PHRASES = {
  "Find": "editor.find",
  "Replace": "editor.replace",
  "next": "editor.next",
  "previous": "editor.previous",
  "all": "editor.all",
  "match case": "editor.matchCase",
  "regexp": "editor.regexp",
  "by word": "editor.byWord",
  "replace": "editor.replaceOne",
  "replace all": "editor.replaceAll",
  "close": "editor.close",
  "current match": "editor.currentMatch",
  "on line": "editor.onLine",
  "Go to line": "editor.goToLine",
  "go": "editor.go",
  "Diagnostics": "editor.diagnostics",
  "No diagnostics": "editor.noDiagnostics",
  "Folded lines": "editor.foldedLines",
  "Unfolded lines": "editor.unfoldedLines",
  "folded code": "editor.foldedCode",
  "unfold": "editor.unfold",
  "Fold line": "editor.foldLine",
  "Unfold line": "editor.unfoldLine",
  "Completions": "editor.completions",
} as const;

export function phrases(t: Translate): Extension {
  return EditorState.phrases.of(Object.fromEntries(Object.entries(PHRASES).map(([phrase, key]) => [phrase, t(key)])));
}

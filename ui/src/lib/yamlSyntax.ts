// The YAML syntax check the YAML tab runs on every edit. Kept apart from the editor so the tab
// can decide about Review without loading CodeMirror.
import { parseDocument } from "yaml";

export type YamlError = { line: number; column: number; message: string; offset: number; end: number };

/** The first syntax error of `text`, if any (1-based line and column; `offset`/`end` as text positions). */
export function yamlError(text: string): YamlError | null {
  const doc = parseDocument(text);
  const e = doc.errors[0];
  if (!e) return null;
  const pos = e.linePos?.[0];
  return {
    line: pos?.line ?? 1,
    column: pos?.col ?? 1,
    message: e.message.split("\n")[0] ?? e.message,
    offset: Math.min(e.pos[0], text.length),
    end: Math.min(Math.max(e.pos[1], e.pos[0]), text.length),
  };
}

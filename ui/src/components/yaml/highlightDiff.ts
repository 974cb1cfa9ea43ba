// YAML highlighting for the review's diff, with CodeMirror's own YAML grammar but no editor: the
// lines are parsed together (so block scalars and flow collections over several lines read
// right) and cut back into lines of classed spans. Loaded on demand by EditOutcome's Diff.
import { highlightCode, tagHighlighter } from "@lezer/highlight";
import { parser } from "@lezer/yaml";
import { PLAIN_LITERAL, yamlTokens } from "./tokens";

export type Span = { text: string; className: string };

const highlighter = tagHighlighter(yamlTokens.flatMap(({ tag, className }) => (Array.isArray(tag) ? tag : [tag]).map((t) => ({ tag: t, class: className }))));

/** Each line as spans (an unstyled span has an empty class). */
export function highlightLines(lines: readonly string[]): Span[][] {
  const code = lines.join("\n");
  const out: Span[][] = [[]];
  highlightCode(
    code,
    parser.parse(code),
    highlighter,
    (text, className) => out[out.length - 1]!.push(...literal(text, className)),
    () => out.push([]),
  );
  return out;
}

/** An unstyled run that is a number, boolean or null (with the spaces around it) gets its class. */
function literal(text: string, className: string): Span[] {
  const m = className ? null : /^(\s*)(\S+)(\s*)$/.exec(text);
  if (!m || !PLAIN_LITERAL.test(m[2]!)) return [{ text, className }];
  return [{ text: m[1]!, className: "" }, { text: m[2]!, className: "y-literal" }, { text: m[3]!, className: "" }].filter((s) => s.text);
}

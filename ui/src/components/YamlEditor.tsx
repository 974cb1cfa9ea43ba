// A YAML editor: a textarea over a highlighted copy of its text (keys, strings, numbers,
// booleans, comments), with line numbers and the parse error marked at its line.
import { useMemo, useRef, type ReactNode } from "react";
import { parseDocument } from "yaml";

export type YamlError = { line: number; column: number; message: string };

/** The first syntax error of `text`, if any (1-based line and column). */
export function yamlError(text: string): YamlError | null {
  const doc = parseDocument(text);
  const e = doc.errors[0];
  if (!e) return null;
  const pos = e.linePos?.[0];
  return { line: pos?.line ?? 1, column: pos?.col ?? 1, message: e.message.split("\n")[0] ?? e.message };
}

const TOKEN = /(#.*$)|("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')|(\b(?:true|false|null|~)\b)|(-?\b\d+(?:\.\d+)?\b)/g;

/** One line as highlighted spans. */
export function highlightLine(line: string): ReactNode[] {
  const out: ReactNode[] = [];
  let rest = line;
  let offset = 0;
  // The key of a `key: value` line.
  const key = /^(\s*(?:- )?)([^\s#'"][^:#]*?|"[^"]*"|'[^']*')(:)(\s|$)/.exec(line);
  if (key) {
    out.push(key[1]);
    out.push(
      <span key="k" className="y-key">
        {key[2]}
      </span>,
    );
    out.push(key[3]);
    offset = key[1]!.length + key[2]!.length + key[3]!.length;
    rest = line.slice(offset);
  }
  let last = 0;
  let n = 0;
  for (const m of rest.matchAll(TOKEN)) {
    const at = m.index ?? 0;
    if (at > last) out.push(rest.slice(last, at));
    const cls = m[1] ? "y-comment" : m[2] ? "y-string" : m[3] ? "y-bool" : "y-number";
    out.push(
      <span key={`t${n++}`} className={cls}>
        {m[0]}
      </span>,
    );
    last = at + m[0].length;
  }
  if (last < rest.length) out.push(rest.slice(last));
  return out;
}

export function YamlEditor({
  value,
  onChange,
  readOnly,
  error,
  testId,
  label,
}: {
  value: string;
  onChange: (v: string) => void;
  readOnly?: boolean;
  error: YamlError | null;
  testId?: string;
  label: string;
}) {
  const pre = useRef<HTMLPreElement>(null);
  const gutter = useRef<HTMLDivElement>(null);
  const lines = useMemo(() => value.split("\n"), [value]);
  return (
    <div className="yaml-editor" data-invalid={error ? "true" : undefined}>
      <div className="yaml-editor__gutter" ref={gutter} aria-hidden="true">
        {lines.map((_, i) => (
          <div key={i} className={error?.line === i + 1 ? "yaml-editor__ln is-error" : "yaml-editor__ln"}>
            {i + 1}
          </div>
        ))}
      </div>
      <div className="yaml-editor__main">
        <pre className="yaml-editor__hl" ref={pre} aria-hidden="true">
          {lines.map((l, i) => (
            <div key={i} className={error?.line === i + 1 ? "yaml-editor__line is-error" : "yaml-editor__line"}>
              {highlightLine(l)}
              {"\n"}
            </div>
          ))}
        </pre>
        <textarea
          className="yaml-editor__input"
          value={value}
          readOnly={readOnly}
          spellCheck={false}
          autoCapitalize="off"
          autoComplete="off"
          wrap="off"
          aria-label={label}
          aria-invalid={error ? true : undefined}
          data-testid={testId}
          onChange={(e) => onChange(e.target.value)}
          onScroll={(e) => {
            const el = e.currentTarget;
            if (pre.current) {
              pre.current.scrollTop = el.scrollTop;
              pre.current.scrollLeft = el.scrollLeft;
            }
            if (gutter.current) gutter.current.scrollTop = el.scrollTop;
          }}
          onKeyDown={(e) => {
            // Tab inserts two spaces (YAML has no tabs); Shift+Tab leaves the editor.
            if (e.key === "Tab" && !e.shiftKey && !readOnly) {
              e.preventDefault();
              const el = e.currentTarget;
              const { selectionStart: a, selectionEnd: b } = el;
              const next = value.slice(0, a) + "  " + value.slice(b);
              onChange(next);
              requestAnimationFrame(() => el.setSelectionRange(a + 2, a + 2));
            }
          }}
        />
      </div>
    </div>
  );
}

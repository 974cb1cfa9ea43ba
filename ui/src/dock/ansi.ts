// A small ANSI SGR parser for log lines: text → styled spans. Colours 30–37/90–97 (and the
// backgrounds 40–47/100–107) map to theme variables (--ansi-0 … --ansi-15 in tokens.css), so
// they read in light and dark; 38;5;n and 38;2;r;g;b (and 48;…) are honoured; bold, dim,
// italic and underline too. Every other escape sequence (cursor moves, erase, OSC titles) is
// dropped. Pure and allocation-light: a line without ESC is one span.

export type AnsiStyle = {
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
};

export type AnsiSpan = AnsiStyle & { text: string };

const ESC = "\u001b";

/** The colour of a palette index 0–255 as CSS. */
export function paletteColor(n: number): string | undefined {
  if (!Number.isInteger(n) || n < 0 || n > 255) return undefined;
  if (n < 16) return `var(--ansi-${n})`;
  if (n < 232) {
    const i = n - 16;
    const steps = [0, 95, 135, 175, 215, 255];
    const r = steps[Math.floor(i / 36)]!;
    const g = steps[Math.floor(i / 6) % 6]!;
    const b = steps[i % 6]!;
    return `rgb(${r}, ${g}, ${b})`;
  }
  const v = 8 + (n - 232) * 10;
  return `rgb(${v}, ${v}, ${v})`;
}

function extended(params: number[], i: number): { color: string | undefined; next: number } {
  const mode = params[i + 1];
  if (mode === 5) return { color: paletteColor(params[i + 2] ?? -1), next: i + 3 };
  if (mode === 2) {
    const [r, g, b] = [params[i + 2], params[i + 3], params[i + 4]];
    const ok = [r, g, b].every((v) => v !== undefined && v >= 0 && v <= 255);
    return { color: ok ? `rgb(${r}, ${g}, ${b})` : undefined, next: i + 5 };
  }
  return { color: undefined, next: params.length };
}

/** Applies one SGR parameter list (`1;31`) to a style, returning the new style. */
export function applySgr(style: AnsiStyle, params: number[]): AnsiStyle {
  let s: AnsiStyle = { ...style };
  if (params.length === 0) return {};
  let i = 0;
  while (i < params.length) {
    const p = params[i]!;
    if (p === 0) s = {};
    else if (p === 1) s.bold = true;
    else if (p === 2) s.dim = true;
    else if (p === 3) s.italic = true;
    else if (p === 4) s.underline = true;
    else if (p === 22) {
      delete s.bold;
      delete s.dim;
    } else if (p === 23) delete s.italic;
    else if (p === 24) delete s.underline;
    else if (p >= 30 && p <= 37) s.fg = `var(--ansi-${p - 30})`;
    else if (p >= 90 && p <= 97) s.fg = `var(--ansi-${p - 90 + 8})`;
    else if (p === 39) delete s.fg;
    else if (p >= 40 && p <= 47) s.bg = `var(--ansi-${p - 40})`;
    else if (p >= 100 && p <= 107) s.bg = `var(--ansi-${p - 100 + 8})`;
    else if (p === 49) delete s.bg;
    else if (p === 38 || p === 48) {
      const { color, next } = extended(params, i);
      if (color) {
        if (p === 38) s.fg = color;
        else s.bg = color;
      }
      i = next;
      continue;
    }
    i++;
  }
  return s;
}

const isEmpty = (s: AnsiStyle) => !s.fg && !s.bg && !s.bold && !s.dim && !s.italic && !s.underline;

/**
 * Splits a line into styled spans. `initial` is the style in force at the start (a style can
 * carry over from the previous line of the same stream; the log view starts each line plain).
 */
export function parseAnsi(text: string, initial: AnsiStyle = {}): AnsiSpan[] {
  if (!text.includes(ESC)) return text ? [{ ...initial, text }] : [];
  const spans: AnsiSpan[] = [];
  let style = initial;
  let buf = "";
  const flush = () => {
    if (buf) spans.push(isEmpty(style) ? { text: buf } : { ...style, text: buf });
    buf = "";
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c !== ESC) {
      // copy a run of plain text at once
      const next = text.indexOf(ESC, i);
      const end = next === -1 ? text.length : next;
      buf += text.slice(i, end);
      i = end;
      continue;
    }
    const kind = text[i + 1];
    if (kind === "[") {
      // CSI: parameters (0x30–0x3f), intermediates (0x20–0x2f), one final byte (0x40–0x7e)
      let j = i + 2;
      while (j < text.length && text.charCodeAt(j) >= 0x30 && text.charCodeAt(j) <= 0x3f) j++;
      while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
      const final = text[j];
      if (final === undefined) {
        i = text.length; // truncated sequence: drop it
        break;
      }
      if (final === "m") {
        const raw = text.slice(i + 2, j);
        if (!/^[0-9;:]*$/.test(raw)) {
          i = j + 1;
          continue;
        }
        const params = raw === "" ? [] : raw.split(/[;:]/).map((p) => (p === "" ? 0 : Number(p)));
        flush();
        style = applySgr(style, params);
      }
      i = j + 1;
    } else if (kind === "]") {
      // OSC: up to BEL or ESC \
      const bel = text.indexOf("\u0007", i + 2);
      const st = text.indexOf(`${ESC}\\`, i + 2);
      const ends = [bel === -1 ? Infinity : bel + 1, st === -1 ? Infinity : st + 2];
      const end = Math.min(...ends);
      i = end === Infinity ? text.length : end;
    } else {
      // ESC, intermediates (0x20–0x2f, e.g. the charset's "("), one final byte; or a lone ESC
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) >= 0x20 && text.charCodeAt(j) <= 0x2f) j++;
      i = Math.min(text.length, j + 1);
    }
  }
  flush();
  return spans;
}

/** The text without escape sequences (for search, copy and save). */
export function stripAnsi(text: string): string {
  if (!text.includes(ESC)) return text;
  return parseAnsi(text)
    .map((s) => s.text)
    .join("");
}

/** Inline CSS for a span's style. */
export function spanStyle(s: AnsiStyle): Record<string, string> | undefined {
  if (isEmpty(s)) return undefined;
  const css: Record<string, string> = {};
  if (s.fg) css.color = s.fg;
  if (s.bg) css.backgroundColor = s.bg;
  if (s.bold) css.fontWeight = "600";
  if (s.dim) css.opacity = "0.7";
  if (s.italic) css.fontStyle = "italic";
  if (s.underline) css.textDecoration = "underline";
  return css;
}

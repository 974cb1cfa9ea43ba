// Kubernetes label selectors, parsed and matched client-side:
//   a=b, a==b, c!=d, e in (x,y), g notin (z), f (exists), !f (does not exist)

export type Requirement =
  | { op: "eq" | "neq"; key: string; value: string }
  | { op: "in" | "notin"; key: string; values: string[] }
  | { op: "exists" | "notexists"; key: string };

/** Why a selector did not parse: an i18n key and its parameters. */
export type SelectorError = { key: "selector.error.unexpected" | "selector.error.emptyKey" | "selector.error.unclosed" | "selector.error.emptySet" | "selector.error.badKey"; params: { near: string } };

export type ParseResult = { ok: true; requirements: Requirement[] } | { ok: false; error: SelectorError };

const KEY = /^([a-z0-9A-Z]([a-z0-9A-Z.-]*[a-z0-9A-Z])?\/)?[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?$/;
const VALUE = /^([a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?)?$/;

/** Splits on commas that are not inside parentheses. */
function splitTop(input: string): string[] | null {
  const parts: string[] = [];
  let depth = 0;
  let cur = "";
  for (const ch of input) {
    if (ch === "(") depth++;
    if (ch === ")") depth--;
    if (depth < 0) return null;
    if (ch === "," && depth === 0) {
      parts.push(cur);
      cur = "";
    } else cur += ch;
  }
  if (depth !== 0) return null;
  parts.push(cur);
  return parts;
}

function fail(key: SelectorError["key"], near: string): ParseResult {
  return { ok: false, error: { key, params: { near: near.trim() } } };
}

export function parseSelector(input: string): ParseResult {
  const text = input.trim();
  if (text === "") return { ok: true, requirements: [] };
  const parts = splitTop(text);
  if (!parts) return fail("selector.error.unclosed", text);
  const requirements: Requirement[] = [];
  for (const raw of parts) {
    const part = raw.trim();
    if (part === "") return fail("selector.error.unexpected", ",");
    let m: RegExpMatchArray | null;
    if ((m = part.match(/^(\S+?)\s+(in|notin)\s*\((.*)\)$/))) {
      const key = m[1]!;
      if (!KEY.test(key)) return fail("selector.error.badKey", key);
      const values = m[3]!.split(",").map((v) => v.trim());
      if (values.length === 0 || values.every((v) => v === "")) return fail("selector.error.emptySet", part);
      if (values.some((v) => !VALUE.test(v))) return fail("selector.error.unexpected", part);
      requirements.push({ op: m[2] === "in" ? "in" : "notin", key, values });
    } else if ((m = part.match(/^([^=!\s]*)\s*(!=|==|=)\s*(\S*)$/))) {
      const key = m[1]!;
      if (key === "") return fail("selector.error.emptyKey", part);
      if (!KEY.test(key)) return fail("selector.error.badKey", key);
      if (!VALUE.test(m[3]!)) return fail("selector.error.unexpected", m[3]!);
      requirements.push({ op: m[2] === "!=" ? "neq" : "eq", key, value: m[3]! });
    } else if ((m = part.match(/^!\s*(\S+)$/))) {
      if (!KEY.test(m[1]!)) return fail("selector.error.badKey", m[1]!);
      requirements.push({ op: "notexists", key: m[1]! });
    } else if (KEY.test(part)) {
      requirements.push({ op: "exists", key: part });
    } else {
      return fail("selector.error.unexpected", part);
    }
  }
  return { ok: true, requirements };
}

export function matches(requirements: Requirement[], labels: Record<string, string>): boolean {
  for (const r of requirements) {
    const has = Object.prototype.hasOwnProperty.call(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case "eq":
        if (v !== r.value) return false;
        break;
      case "neq":
        if (v === r.value) return false;
        break;
      case "in":
        if (!has || !r.values.includes(v!)) return false;
        break;
      case "notin":
        if (has && r.values.includes(v!)) return false;
        break;
      case "exists":
        if (!has) return false;
        break;
      case "notexists":
        if (has) return false;
        break;
    }
  }
  return true;
}

/** Labels from a `chips` cell whose chips read `key=value`. */
export function labelsFromChips(chips: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const c of chips) {
    const i = c.indexOf("=");
    if (i < 0) out[c] = "";
    else out[c.slice(0, i)] = c.slice(i + 1);
  }
  return out;
}

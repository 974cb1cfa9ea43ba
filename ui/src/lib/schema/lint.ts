// Checks a YAML document against the object's schema: unknown fields (marked at the key), values
// of the wrong type and values outside an enum (marked at the value). Syntax errors are not ours
// (see yamlSyntax); a document that does not parse gets no schema problems.
import { isMap, isPair, isScalar, isSeq, parseDocument, type Node } from "yaml";
import type { ObjectSchema } from "../../api";
import type { Translate } from "../../i18n";
import { accepted, allowsField, child, ITEM, pathText, root, type Resolved } from "./schema";

export type SchemaProblem =
  | { kind: "unknown"; from: number; to: number; path: string }
  | { kind: "type"; from: number; to: number; path: string; expected: string[]; got: string }
  | { kind: "enum"; from: number; to: number; path: string; allowed: string[]; got: string };

/** The type of a YAML node in schema words. */
function typeOf(node: Node): string {
  if (isMap(node)) return "object";
  if (isSeq(node)) return "array";
  if (isScalar(node)) {
    const v = node.value;
    if (v === null || v === undefined) return "null";
    if (typeof v === "boolean") return "boolean";
    if (typeof v === "number" || typeof v === "bigint") return Number.isInteger(Number(v)) && !/[.eE]/.test(node.source ?? "") ? "integer" : "number";
    return "string";
  }
  return "unknown";
}

function fits(types: string[], got: string): boolean {
  if (types.length === 0 || got === "null" || got === "unknown") return true;
  return types.includes(got) || (got === "integer" && types.includes("number"));
}

export function schemaProblems(text: string, schema: ObjectSchema): SchemaProblem[] {
  const doc = parseDocument(text);
  if (doc.errors.length || !doc.contents) return [];
  const out: SchemaProblem[] = [];
  const top = root(schema);
  if (top) check(schema, doc.contents as Node, top, [], out);
  return out;
}

function check(schema: ObjectSchema, node: Node, r: Resolved, path: (string | number)[], out: SchemaProblem[]) {
  const [from, to] = node.range ?? [0, 0];
  const got = typeOf(node);
  if (!fits(accepted(r), got)) {
    out.push({ kind: "type", from, to, path: pathText(path), expected: accepted(r), got });
    return;
  }
  const allowed = r.node.enum;
  if (allowed && isScalar(node) && got !== "null" && !allowed.includes(String(node.value))) {
    out.push({ kind: "enum", from, to, path: pathText(path), allowed, got: String(node.value) });
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      const at = [...path, key];
      if (!allowsField(r, key)) {
        const [kf, kt] = pair.key.range ?? [from, from];
        out.push({ kind: "unknown", from: kf, to: kt, path: pathText(at) });
        continue;
      }
      const sub = child(schema, r, key);
      if (sub && pair.value) check(schema, pair.value as Node, sub, at, out);
    }
  } else if (isSeq(node)) {
    const items = child(schema, r, ITEM);
    if (items) node.items.forEach((item, i) => item && check(schema, item as Node, items, [...path, i], out));
  }
}

/** A problem in the user's language. */
export function problemMessage(p: SchemaProblem, t: Translate): string {
  switch (p.kind) {
    case "unknown":
      return t("yaml.schema.unknown", { path: p.path });
    case "type":
      return t("yaml.schema.type", { path: p.path, expected: p.expected.join(` ${t("yaml.schema.or")} `), got: p.got });
    case "enum":
      return t("yaml.schema.enum", { path: p.path, allowed: p.allowed.join(", "), got: p.got });
  }
}

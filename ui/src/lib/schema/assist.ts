// Completion and hover from the schema. The path of keys around the cursor comes from
// indentation rather than the YAML AST, so it also works mid-edit, when the document does not parse.
import type { ObjectSchema } from "../../api";
import { at, child, isObject, ITEM, pathText, typeLabel, type Resolved, type Segment } from "./schema";

/** A line as far as structure goes: its `- ` markers and its key. */
type Line = { dashes: number[]; keyCol: number; key: string | null; hasValue: boolean };

const KEY = /^([^\s#'"{[\-][^:#]*?|"[^"]*"|'[^']*'):(?:\s+(.*))?$/;

function parseLine(text: string): Line | null {
  const dashes: number[] = [];
  let i = 0;
  for (;;) {
    while (text[i] === " ") i++;
    if (text[i] === "-" && (text[i + 1] === " " || i + 1 === text.length)) dashes.push(i++);
    else break;
  }
  const rest = text.slice(i);
  if (rest === "" && dashes.length === 0) return null;
  if (rest.startsWith("#")) return dashes.length ? { dashes, keyCol: i, key: null, hasValue: true } : null;
  const m = KEY.exec(rest);
  if (!m) return { dashes, keyCol: i, key: null, hasValue: true };
  const value = (m[2] ?? "").replace(/\s*#.*$/, "");
  return { dashes, keyCol: i, key: m[1]!.replace(/^["']|["']$/g, ""), hasValue: value !== "" && !/^[|>]/.test(value) };
}

/**
 * The path of the mapping that holds a key at column `col` on line `row` (0-based), found by
 * walking up through less indented `key:` lines and `- ` list items.
 */
function parentPath(lines: string[], row: number, col: number, ownDashes: number[]): Segment[] | null {
  const path: Segment[] = ownDashes.map(() => ITEM);
  // Looking for the key that holds a list whose items start at `target` (inList), or the key
  // that holds a mapping whose keys start at `target`.
  let inList = ownDashes.length > 0;
  let target = inList ? ownDashes[0]! : col;
  for (let r = row - 1; r >= 0; r--) {
    const l = parseLine(lines[r]!);
    if (!l) continue;
    const outer = l.dashes.length ? l.dashes[0]! : l.keyCol;
    if (inList) {
      if (l.dashes.includes(target) || outer > target) continue;
    } else {
      if (l.keyCol > target) continue;
      if (l.keyCol === target) {
        // A sibling; if it opens a list item, this mapping is that item.
        if (l.dashes.length) {
          path.unshift(...l.dashes.map(() => ITEM));
          inList = true;
          target = l.dashes[0]!;
        }
        continue;
      }
    }
    if (l.key === null || l.hasValue) return null;
    path.unshift(l.key);
    if (l.dashes.length) {
      path.unshift(...l.dashes.map(() => ITEM));
      inList = true;
      target = l.dashes[0]!;
    } else {
      inList = false;
      target = l.keyCol;
    }
    if (target === 0 && !inList) return path;
  }
  return inList ? null : path;
}

/** The keys already present in the mapping around line `row` whose keys start at `col`. */
function siblingKeys(lines: string[], row: number, col: number): Set<string> {
  const keys = new Set<string>();
  const own = parseLine(lines[row]!);
  if (!own?.dashes.length) {
    for (let r = row - 1; r >= 0; r--) {
      const l = parseLine(lines[r]!);
      if (!l || l.keyCol > col) continue;
      if (l.keyCol < col) break;
      if (l.key) keys.add(l.key);
      if (l.dashes.length) break;
    }
  }
  for (let r = row + 1; r < lines.length; r++) {
    const l = parseLine(lines[r]!);
    if (!l || l.keyCol > col) continue;
    if (l.keyCol < col || l.dashes.length) break;
    if (l.key) keys.add(l.key);
  }
  return keys;
}

export type FieldOption = { label: string; type: string; description: string | null; apply: string };
export type Suggestions = { from: number; options: FieldOption[] };

function lineAt(text: string, pos: number) {
  const start = text.lastIndexOf("\n", pos - 1) + 1;
  const lines = text.slice(0, start).split("\n");
  const row = lines.length - 1;
  const end = text.indexOf("\n", pos);
  lines[row] = text.slice(start, end === -1 ? undefined : end);
  return { all: [...lines, ...(end === -1 ? [] : text.slice(end + 1).split("\n"))], row, start, col: pos - start };
}

/** Field names (at a key position) or allowed values (after `key: `) for the cursor at `pos`. */
export function suggest(text: string, pos: number, schema: ObjectSchema): Suggestions | null {
  const { all, row, start, col } = lineAt(text, pos);
  const before = all[row]!.slice(0, col);
  const keyAt = /^((?:\s*- )*\s*)([\w./-]*)$/.exec(before);
  if (keyAt) {
    const dashes = parseLine(before.replace(/[\w./-]*$/, "x"))?.dashes ?? [];
    const keyCol = keyAt[1]!.length;
    const path = parentPath(all, row, keyCol, dashes);
    const parent = path && at(schema, path);
    if (!parent?.node.properties) return null;
    const present = siblingKeys(all, row, keyCol);
    const options: FieldOption[] = [];
    for (const [name, node] of Object.entries(parent.node.properties)) {
      if (present.has(name)) continue;
      const r = child(schema, parent, name);
      options.push({ label: name, type: typeLabel(schema, r), description: node.description ?? r?.node.description ?? null, apply: r && (isObject(r) || r.node.type === "array") ? `${name}:` : `${name}: ` });
    }
    return { from: start + keyCol, options };
  }
  const valueAt = /^((?:\s*- )*\s*)([^\s#'"{[][^:#]*?):\s+([\w.-]*)$/.exec(before);
  if (valueAt) {
    const dashes = parseLine(before)?.dashes ?? [];
    const path = parentPath(all, row, valueAt[1]!.length, dashes);
    const field = path && at(schema, [...path, valueAt[2]!]);
    if (!field) return null;
    const values = field.node.enum ?? (field.node.type === "boolean" ? ["true", "false"] : null);
    if (!values) return null;
    return { from: pos - valueAt[3]!.length, options: values.map((v) => ({ label: v, type: typeLabel(schema, field), description: null, apply: v })) };
  }
  return null;
}

export type FieldInfo = { from: number; to: number; path: string; type: string; description: string | null };

/** The field whose key is under `pos`, with its type and description. */
export function fieldAt(text: string, pos: number, schema: ObjectSchema): FieldInfo | null {
  const { all, row, start, col } = lineAt(text, pos);
  const l = parseLine(all[row]!);
  if (!l?.key || col < l.keyCol || col > l.keyCol + l.key.length) return null;
  const path = parentPath(all, row, l.keyCol, l.dashes);
  if (!path) return null;
  const parent = at(schema, path);
  const r: Resolved | null = parent && child(schema, parent, l.key);
  if (!r || !parent?.node.properties?.[l.key]) return null;
  return { from: start + l.keyCol, to: start + l.keyCol + l.key.length, path: pathText([...path, l.key]), type: typeLabel(schema, r), description: parent.node.properties[l.key]!.description ?? r.node.description };
}

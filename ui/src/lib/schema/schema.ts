// An object's OpenAPI v2 schema (as `object_schema` delivers it), walked by path: what a field
// accepts and how to name its type. Shared by the editor's checks, completion and hover.
import type { ObjectSchema, SchemaNode } from "../../api";

/** One step of a path: a field name, or "[]" for the items of a list. */
export type Segment = string;
export const ITEM = "[]";

const QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
const INT_OR_STRING = "io.k8s.apimachinery.pkg.util.intstr.IntOrString";

/** A node with its references followed; `name` is the last definition reached, if any. */
export type Resolved = { node: SchemaNode; name: string | null };

export function resolve(schema: ObjectSchema, node: SchemaNode | null | undefined): Resolved | null {
  let name: string | null = null;
  // A bounded walk: a definition that refers to itself must not hang the editor.
  for (let i = 0; node && i < 32; i++) {
    if (!node.ref) return { node, name };
    name = node.ref;
    node = schema.definitions[node.ref];
  }
  return null;
}

export function root(schema: ObjectSchema): Resolved | null {
  return resolve(schema, schema.definitions[schema.root]);
}

/** Whether a node is an object with its own fields. */
export function isObject(r: Resolved): boolean {
  return r.node.type === "object" || (r.node.type === null && (r.node.properties !== null || r.node.additionalProperties !== null));
}

/** The schema of a child: a field (or a map value), or the items of a list. Null when unknown or anything goes. */
export function child(schema: ObjectSchema, parent: Resolved, seg: Segment): Resolved | null {
  const n = parent.node;
  if (seg === ITEM) return resolve(schema, n.items);
  return resolve(schema, n.properties?.[seg] ?? n.additionalProperties);
}

/** Whether a field name is allowed below a node (a known field, a map key, or anything goes). */
export function allowsField(parent: Resolved, key: string): boolean {
  const n = parent.node;
  return n.preserveUnknownFields || n.additionalProperties !== null || n.properties === null || key in n.properties;
}

/** The schema at a path from the root, or null when the path leaves the schema. */
export function at(schema: ObjectSchema, path: readonly Segment[]): Resolved | null {
  let cur = root(schema);
  for (const seg of path) {
    if (!cur) return null;
    cur = child(schema, cur, seg);
  }
  return cur;
}

/** The value types a node accepts ("integer", "string", …); empty means anything. */
export function accepted(r: Resolved): string[] {
  const n = r.node;
  // The API server takes numbers for quantities ("replicas-like" 2, or "1Gi") and both forms for IntOrString.
  if (r.name === QUANTITY) return ["number", "string"];
  if (n.intOrString || r.name === INT_OR_STRING || n.format === "int-or-string") return ["integer", "string"];
  if (n.type) return [n.type];
  if (isObject(r)) return ["object"];
  return [];
}

function shortName(name: string): string {
  return name.slice(name.lastIndexOf(".") + 1);
}

/** A type as the editor shows it: "integer", "integer | string", "quantity", "StatefulSetSpec", "[]Container", "map[string]string". */
export function typeLabel(schema: ObjectSchema, r: Resolved | null): string {
  if (!r) return "any";
  if (r.name === QUANTITY) return "quantity";
  const types = accepted(r);
  if (types.length > 1) return types.join(" | ");
  if (r.node.type === "array") return `[]${typeLabel(schema, resolve(schema, r.node.items))}`;
  if (isObject(r)) {
    if (r.node.properties === null && r.node.additionalProperties) return `map[string]${typeLabel(schema, resolve(schema, r.node.additionalProperties))}`;
    return r.name ? shortName(r.name) : "object";
  }
  return types[0] ?? "any";
}

/** A path as people write it: spec.template.spec.containers[0].image. */
export function pathText(path: readonly (string | number)[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (seg === ITEM) out += "[]";
    else out += out ? `.${seg}` : seg;
  }
  return out;
}

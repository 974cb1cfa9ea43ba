// The namespace filter as text: "" = all namespaces, "db" = one, "db, stream" = several.
// The watch takes the list as its scope (the core runs one watcher per namespace).

export function parseNamespaces(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(",")) {
    const ns = part.trim();
    if (ns !== "" && !out.includes(ns)) out.push(ns);
  }
  return out;
}

export function formatNamespaces(list: string[]): string {
  return list.join(", ");
}

/** The filter with `ns` added, or removed when it is in it. */
export function toggleNamespace(text: string, ns: string): string {
  const list = parseNamespaces(text);
  return formatNamespaces(list.includes(ns) ? list.filter((x) => x !== ns) : [...list, ns]);
}

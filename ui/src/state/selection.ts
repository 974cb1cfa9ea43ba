// Which context the window shows and in which namespaces, before the user picks: shared by the
// shell and by the start-up (state/boot.ts), which asks for that list's rows before the first render.
import type { ContextList, ContextSummary } from "../api";
import { formatNamespaces, parseNamespaces } from "../lib/namespaces";

/** The user's choice while it still exists; otherwise kubeconfig's current context; otherwise the first. */
export function selectedContext(list: ContextList | null, chosen: string | null): ContextSummary | null {
  const contexts = list?.contexts ?? [];
  return (
    contexts.find((c) => c.name === chosen) ??
    contexts.find((c) => c.name === list?.currentContext) ??
    contexts.find((c) => c.current) ??
    contexts[0] ??
    null
  );
}

/** The namespace filter text as the watch's scope (what the list asks its rows for). */
export function scopeOf(namespace: string): string[] {
  return parseNamespaces(formatNamespaces(parseNamespaces(namespace)));
}

/** The kind the window opens on (the StatefulSets page). */
export const STATEFULSETS_KIND = "statefulsets";

// What the window knows before its first render. main.tsx asks for the context list and the
// connections' statuses first (waiting a bounded time); when the current cluster is already
// connected (the demo connects while the window starts), it also asks for that list's rows and
// the kinds' columns, so the first render draws the rows: two renders and two paints fewer before
// the first rows than starting empty and waiting for the streams.
import { listContexts, listKinds, watchClusters, type ClusterStatus, type ContextList, type Unsubscribe } from "../api";
import { milestone } from "../lib/marks";
import { watchListEarly } from "./list";
import { scopeOf, selectedContext, STATEFULSETS_KIND } from "./selection";

export type BootSnapshot = { contexts: ContextList | null; statuses: ClusterStatus[] | null };

let snapshot: BootSnapshot = { contexts: null, statuses: null };

/** What `boot` learnt (nothing when it was not called, as in unit tests). The providers start from it. */
export function bootSnapshot(): BootSnapshot {
  return snapshot;
}

/**
 * Asks for the context list and the statuses (then, if connected, the first rows, waiting for
 * them at most `rowsMs`), and resolves when they are in or after `ms`, whichever comes first (a
 * slow kubeconfig never holds the first paint back longer than that; the providers' streams
 * deliver what is late). Never rejects.
 */
export async function boot(ms: number, rowsMs = 100): Promise<BootSnapshot> {
  snapshot = { contexts: null, statuses: null };
  const contexts = listContexts().then(
    (list) => {
      snapshot.contexts = list;
      milestone("contexts");
    },
    () => {},
  );
  // One event is all this needs (the ClustersProvider keeps its own stream): unsubscribe after it,
  // whichever of the event and the subscription's id arrives first.
  const statuses = new Promise<void>((resolve) => {
    let got = false;
    let unsubscribe: Unsubscribe | null = null;
    watchClusters((list) => {
      if (got) return;
      got = true;
      snapshot.statuses = list;
      if (list.some((s) => s.state === "connected")) milestone("connected");
      resolve();
      if (unsubscribe) void unsubscribe();
    }).then(
      (u) => {
        unsubscribe = u;
        if (got) void u();
      },
      () => resolve(),
    );
  });
  // Then the rows of the list the window opens on, when its cluster is connected; not when the
  // first render has already happened (the list asks for its own), and for at most `rowsMs` more
  // (a slow list must not hold back the first paint; the list adopts its stream when it comes).
  let late = false;
  const rows = Promise.all([contexts, statuses]).then(() => {
    const selected = selectedContext(snapshot.contexts, null);
    const connected = snapshot.statuses?.some((s) => s.context === selected?.name && s.state === "connected");
    if (late || !selected || !connected) return;
    const asked = Promise.all([
      watchListEarly(selected.name, STATEFULSETS_KIND, scopeOf(selected.namespace ?? "")),
      listKinds().catch(() => {}),
    ]);
    return Promise.race([asked, new Promise<void>((resolve) => setTimeout(resolve, rowsMs))]);
  });
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, ms);
  });
  await Promise.race([rows, timeout]);
  late = true;
  clearTimeout(timer);
  return snapshot;
}

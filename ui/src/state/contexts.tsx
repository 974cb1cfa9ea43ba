import { createContext, useCallback, useContext, useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { milestone } from "../lib/marks";
import { bootSnapshot } from "./boot";
import { listContexts, watchContexts, type ContextList, type IpcError, type Unsubscribe } from "../api";

export type ContextsState = {
  /** The latest merged context list, from the stream or a reload; null until the first arrives. */
  list: ContextList | null;
  /** True until the first list (or an error) arrives. */
  loading: boolean;
  /** The last failure to obtain the list (cleared by the next list that arrives). */
  error: IpcError | null;
  /** Why live updates are off, if `watch_contexts` could not be started. */
  liveError: IpcError | null;
  reloading: boolean;
  /** Fetches the list once with `list_contexts`, and restarts the stream if it is down. */
  reload: () => Promise<void>;
};

const ContextsContext = createContext<ContextsState | null>(null);

/**
 * Keeps the context list current. The `watch_contexts` stream is the source: the backend sends
 * the list at once and again on every kubeconfig change. If the stream cannot start, the list
 * is fetched once with `list_contexts` and `liveError` says why updates are off.
 */
export function ContextsProvider({ children }: { children: ReactNode }) {
  const [list, setList] = useState<ContextList | null>(() => bootSnapshot().contexts);
  const [loading, setLoading] = useState(() => bootSnapshot().contexts === null);
  const [error, setError] = useState<IpcError | null>(null);
  const [liveError, setLiveError] = useState<IpcError | null>(null);
  const [reloading, setReloading] = useState(false);
  const [watchAttempt, setWatchAttempt] = useState(0);
  // Counts stream events, so a reload that started before an event does not overwrite it.
  const events = useRef(0);
  const mounted = useRef(true);
  const live = useRef(false);

  const inFlight = useRef<Promise<void> | null>(null);

  // One list_contexts call at a time; concurrent callers share it.
  const fetchOnce = useCallback((): Promise<void> => {
    if (inFlight.current) return inFlight.current;
    const seen = events.current;
    const run = (async () => {
      try {
        const fresh = await listContexts();
        if (!mounted.current) return;
        if (events.current === seen) {
          milestone("contexts");
          setList(fresh);
        }
        setError(null);
      } catch (e) {
        if (mounted.current) setError(e as IpcError);
      } finally {
        inFlight.current = null;
        if (mounted.current) setLoading(false);
      }
    })();
    inFlight.current = run;
    return run;
  }, []);

  useEffect(() => {
    mounted.current = true;
    return () => {
      mounted.current = false;
    };
  }, []);

  // A layout effect: the request leaves before the first paint, not after it.
  useLayoutEffect(() => {
    // React StrictMode runs this twice in development: the first subscription is torn down
    // (unwatch) as soon as it resolves, and events it still delivers are ignored.
    let cancelled = false;
    let unsubscribe: Unsubscribe | null = null;
    watchContexts((next) => {
      if (cancelled) return;
      events.current += 1;
      milestone("contexts");
      setList(next);
      setError(null);
      setLoading(false);
    }).then(
      (unsub) => {
        if (cancelled) {
          void unsub();
          return;
        }
        unsubscribe = unsub;
        live.current = true;
        setLiveError(null);
      },
      (e: IpcError) => {
        if (cancelled) return;
        live.current = false;
        setLiveError(e);
        void fetchOnce();
      },
    );
    return () => {
      cancelled = true;
      live.current = false;
      if (unsubscribe) void unsubscribe();
    };
  }, [watchAttempt, fetchOnce]);

  const reload = useCallback(async () => {
    setReloading(true);
    try {
      if (!live.current) setWatchAttempt((n) => n + 1);
      await fetchOnce();
    } finally {
      if (mounted.current) setReloading(false);
    }
  }, [fetchOnce]);

  const value = useMemo(
    () => ({ list, loading, error, liveError, reloading, reload }),
    [list, loading, error, liveError, reloading, reload],
  );
  return <ContextsContext.Provider value={value}>{children}</ContextsContext.Provider>;
}

export function useContexts(): ContextsState {
  const v = useContext(ContextsContext);
  if (!v) throw new Error("useContexts outside ContextsProvider");
  return v;
}

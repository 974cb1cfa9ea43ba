import { createContext, useCallback, useContext, useLayoutEffect, useMemo, useState, type ReactNode } from "react";
import { milestone } from "../lib/marks";
import { bootSnapshot } from "./boot";
import { connect as connectCmd, disconnect as disconnectCmd, watchClusters, type ClusterStatus, type IpcError, type Unsubscribe } from "../api";

export type ClustersState = {
  /** Connection status by context name (absent: never connected). */
  statuses: Record<string, ClusterStatus>;
  /** Why the status stream could not start, if it could not. */
  liveError: IpcError | null;
  /** The last `connect` failure per context (the stream usually reports it too). */
  connectErrors: Record<string, IpcError>;
  connect: (context: string) => Promise<void>;
  /** Closes the connection: its watches stop and its memory is freed. */
  disconnect: (context: string) => Promise<void>;
};

const ClustersContext = createContext<ClustersState | null>(null);

export function ClustersProvider({ children }: { children: ReactNode }) {
  const [statuses, setStatuses] = useState<Record<string, ClusterStatus>>(() => Object.fromEntries((bootSnapshot().statuses ?? []).map((s) => [s.context, s])));
  const [liveError, setLiveError] = useState<IpcError | null>(null);
  const [connectErrors, setConnectErrors] = useState<Record<string, IpcError>>({});

  // A layout effect: the request leaves before the first paint, not after it.
  useLayoutEffect(() => {
    let cancelled = false;
    let unsubscribe: Unsubscribe | null = null;
    watchClusters((list) => {
      if (cancelled) return;
      if (list.some((s) => s.state === "connected")) milestone("connected");
      setStatuses(Object.fromEntries(list.map((s) => [s.context, s])));
    }).then(
      (unsub) => {
        if (cancelled) void unsub();
        else unsubscribe = unsub;
      },
      (e: IpcError) => {
        if (!cancelled) setLiveError(e);
      },
    );
    return () => {
      cancelled = true;
      if (unsubscribe) void unsubscribe();
    };
  }, []);

  const connect = useCallback(async (context: string) => {
    milestone("connect");
    setConnectErrors(({ [context]: _, ...rest }) => rest);
    setStatuses((m) => ({
      ...m,
      [context]: { context, state: "connecting", serverVersion: null, latencyMs: null, message: null, protection: m[context]?.protection ?? "normal", features: null },
    }));
    try {
      const status = await connectCmd(context);
      if (status.state === "connected") milestone("connected");
      setStatuses((m) => ({ ...m, [context]: status }));
    } catch (e) {
      const err = e as IpcError;
      setConnectErrors((m) => ({ ...m, [context]: err }));
      setStatuses((m) => {
        const prev = m[context];
        if (!prev || prev.state !== "connecting") return m;
        const state = err.code === "Unauthorized" ? "unauthorized" : err.code === "Forbidden" ? "forbidden" : err.code === "Unreachable" ? "unreachable" : "disconnected";
        return { ...m, [context]: { ...prev, state, message: err.message } };
      });
    }
  }, []);

  const disconnect = useCallback(async (context: string) => {
    await disconnectCmd(context).catch(() => false);
    setStatuses(({ [context]: _, ...rest }) => rest);
  }, []);

  const value = useMemo(() => ({ statuses, liveError, connectErrors, connect, disconnect }), [statuses, liveError, connectErrors, connect, disconnect]);
  return <ClustersContext.Provider value={value}>{children}</ClustersContext.Provider>;
}

export function useClusters(): ClustersState {
  const v = useContext(ClustersContext);
  if (!v) throw new Error("useClusters outside ClustersProvider");
  return v;
}

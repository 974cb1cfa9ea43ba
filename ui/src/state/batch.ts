// Runs one batch action at a time and keeps its per-item progress for the progress panel.
import { useCallback, useEffect, useRef, useState } from "react";
import { resumeBatch, runAction, undoBatch, type Action, type BatchEvent, type BatchItemState, type IpcError, type ObjectRef, type Unsubscribe } from "../api";

export type BatchItem = { target: ObjectRef; state: BatchItemState };

export type Batch = {
  action: Action;
  items: BatchItem[];
  finished: { batchId: string; succeeded: number; unchanged: number; failed: number; undo: boolean } | null;
  /** `run_action` itself was rejected. */
  error: IpcError | null;
  undone: boolean;
  undoError: IpcError | null;
};

export function useBatch(context: string | null, kind: string) {
  const [batch, setBatch] = useState<Batch | null>(null);
  const unsubRef = useRef<Unsubscribe | null>(null);
  const runId = useRef(0);

  useEffect(
    () => () => {
      runId.current++;
      if (unsubRef.current) void unsubRef.current();
    },
    [],
  );

  // Starts a batch (`start` subscribes to its events) and follows its progress.
  const follow = useCallback(
    (action: Action, targets: ObjectRef[], start: (onEvent: (event: BatchEvent) => void) => Promise<Unsubscribe>) => {
      if (!context || targets.length === 0) return;
      const id = ++runId.current;
      if (unsubRef.current) void unsubRef.current();
      unsubRef.current = null;
      setBatch({
        action,
        items: targets.map((target) => ({ target, state: { state: "queued" } })),
        finished: null,
        error: null,
        undone: false,
        undoError: null,
      });
      start((event) => {
        if (id !== runId.current) return;
        setBatch((b) => {
          if (!b) return b;
          if (event.type === "item") {
            const items = [...b.items];
            items[event.index] = { target: event.target, state: event.state };
            return { ...b, items };
          }
          const { type: _, ...finished } = event;
          return { ...b, finished };
        });
      }).then(
        (unsub) => {
          if (id !== runId.current) void unsub();
          else unsubRef.current = unsub;
        },
        (e: IpcError) => {
          if (id === runId.current) setBatch((b) => (b ? { ...b, error: e } : b));
        },
      );
    },
    [context],
  );

  const run = useCallback(
    (action: Action, targets: ObjectRef[]) => {
      if (!context) return;
      follow(action, targets, (onEvent) => runAction({ context, kind, action, targets }, onEvent));
    },
    [context, kind, follow],
  );

  /** Runs the remaining items of a batch interrupted by a crash. */
  const resume = useCallback(
    (batchId: string, action: Action, remaining: ObjectRef[]) => {
      if (!context) return;
      follow(action, remaining, (onEvent) => resumeBatch(context, batchId, onEvent));
    },
    [context, follow],
  );

  const retryFailed = useCallback(() => {
    if (!batch) return;
    const failed = batch.items.filter((i) => i.state.state === "failed").map((i) => i.target);
    run(batch.action, failed);
  }, [batch, run]);

  const undo = useCallback(async () => {
    if (!context || !batch?.finished) return;
    try {
      await undoBatch(context, batch.finished.batchId);
      setBatch((b) => (b ? { ...b, undone: true, undoError: null } : b));
    } catch (e) {
      setBatch((b) => (b ? { ...b, undoError: e as IpcError } : b));
    }
  }, [context, batch]);

  const dismiss = useCallback(() => {
    runId.current++;
    if (unsubRef.current) void unsubRef.current();
    unsubRef.current = null;
    setBatch(null);
  }, []);

  return { batch, run, resume, retryFailed, undo, dismiss };
}

// Runs one batch action at a time and keeps its per-item progress for the progress panel.
import { useCallback, useEffect, useRef, useState } from "react";
import { runAction, undoBatch, type Action, type BatchItemState, type IpcError, type ObjectRef, type Unsubscribe } from "../api";

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

  const run = useCallback(
    (action: Action, targets: ObjectRef[]) => {
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
      runAction({ context, kind, action, targets }, (event) => {
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
    [context, kind],
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

  return { batch, run, retryFailed, undo, dismiss };
}

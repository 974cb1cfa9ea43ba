// One object's live view (the StatefulSet detail, its Storage tab): subscribed while mounted,
// restarted on retry or when the object changes, the stream closed on unmount; the first error
// (e.g. NotFound) kept for the view to show.
import { useEffect, useState } from "react";
import type { IpcError, Unsubscribe } from "../api";

type Watch<T> = (context: string, namespace: string, name: string, onEvent: (value: T) => void) => Promise<Unsubscribe>;

export function useObjectWatch<T>(watch: Watch<T>, context: string, namespace: string, name: string) {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    setValue(null);
    setError(null);
    let cancelled = false;
    let unsubscribe: Unsubscribe | null = null;
    watch(context, namespace, name, (v) => {
      if (!cancelled) setValue(v);
    }).then(
      (unsub) => {
        if (cancelled) void unsub();
        else unsubscribe = unsub;
      },
      (e: IpcError) => {
        if (!cancelled) setError(e);
      },
    );
    return () => {
      cancelled = true;
      if (unsubscribe) void unsubscribe();
    };
  }, [watch, context, namespace, name, attempt]);
  return { value, error, retry: () => setAttempt((n) => n + 1) };
}

// Runs the Contexts page's writes: each carries the list revision the user saw, so a kubeconfig
// changed on disk meanwhile is refused (Conflict) instead of overwritten; after each write the
// list is fetched again at once so the next edit starts from what is on disk.
import { useCallback, useState } from "react";
import { editContext, undoKubeconfig, type ContextEdit, type IpcError } from "../../api";
import { useContexts } from "../../state/contexts";

export type EditNotice = { message: string; undoable: boolean };

export function useContextEdits() {
  const { list, reload } = useContexts();
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<IpcError | null>(null);
  const [notice, setNotice] = useState<EditNotice | null>(null);

  const run = useCallback(
    async <T,>(label: string, fn: () => Promise<T>, undoable: boolean, describe: (r: T) => string): Promise<T | null> => {
      setBusy(label);
      setError(null);
      setNotice(null);
      try {
        const r = await fn();
        setNotice({ message: describe(r), undoable });
        return r;
      } catch (e) {
        setError(e as IpcError);
        return null;
      } finally {
        await reload();
        setBusy(null);
      }
    },
    [reload],
  );

  const edit = useCallback(
    (e: ContextEdit) =>
      // Securing writes keep no backup (it would hold the secret): their reverse is the other button.
      run(e.op, () => editContext(list?.revision ?? null, e), e.op !== "secure" && e.op !== "unsecure", (o) => o.description),
    [run, list?.revision],
  );

  const undo = useCallback(() => run("undo", undoKubeconfig, false, (o) => o.description), [run]);

  return {
    busy,
    error,
    notice,
    edit,
    undo,
    run,
    clear: () => {
      setError(null);
      setNotice(null);
    },
    fail: setError,
  };
}

export type ContextEdits = ReturnType<typeof useContextEdits>;

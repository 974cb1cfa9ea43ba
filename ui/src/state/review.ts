// A reviewed edit, as the YAML tab, the edit forms and the Environment tab all make one: the
// server's dry run of the change first (plan_edit: the diff, conflicts, "changed since you read
// it", or the server's validation), then the same text applied, optionally forcing conflicts.
import { useCallback, useState } from "react";
import { applyEdit, planEdit, type ApplyOutcome, type EditTarget, type IpcError } from "../api";

/** What is under review: the text the change was made from, the changed text, the dry run. */
export type Review = { base: string; yaml: string; outcome: ApplyOutcome };

/** An exception of a local step (e.g. "this container no longer exists") as an IpcError. */
function toIpcError(e: unknown): IpcError {
  return e instanceof Error ? { code: "Conflict", message: e.message } : (e as IpcError);
}

export function useReviewedEdit(
  target: EditTarget,
  { onOutcome, onApplied }: { onOutcome?: (o: ApplyOutcome) => void; onApplied?: (resourceVersion: string) => void } = {},
) {
  const [review, setReview] = useState<Review | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<IpcError | null>(null);
  /** The resourceVersion written by the last apply, until the next review. */
  const [applied, setApplied] = useState<string | null>(null);

  /** Dry-runs the change `make` produces (it may read the live object first). */
  const preview = async (make: () => Promise<{ base: string; yaml: string }> | { base: string; yaml: string }): Promise<boolean> => {
    setBusy(true);
    setError(null);
    setApplied(null);
    try {
      const { base, yaml } = await make();
      const outcome = await planEdit(target, base, yaml);
      onOutcome?.(outcome);
      setReview({ base, yaml, outcome });
      return true;
    } catch (e) {
      setError(toIpcError(e));
      return false;
    } finally {
      setBusy(false);
    }
  };

  /**
   * Applies the reviewed text; anything but a success stays under review with the new outcome.
   * Resolves with the outcome (null when the call failed: see `error`).
   */
  const apply = async (force: boolean): Promise<ApplyOutcome | null> => {
    if (!review) return null;
    setBusy(true);
    setError(null);
    try {
      const outcome = await applyEdit(target, review.base, review.yaml, force);
      if (outcome.outcome === "changes") {
        const version = outcome.resourceVersion ?? "";
        setApplied(version);
        setReview(null);
        onApplied?.(version);
      } else {
        onOutcome?.(outcome);
        setReview({ ...review, outcome });
      }
      return outcome;
    } catch (e) {
      setError(toIpcError(e));
      return null;
    } finally {
      setBusy(false);
    }
  };

  const dismiss = useCallback(() => setReview(null), []);
  return { review, busy, error, applied, preview, apply, dismiss, setApplied };
}

// Runs a user action (create, revoke, top up…) and keeps its outcome to show where it was taken.
import { useCallback, useState } from 'react';

/** Outcome of the last run: a success sentence or the error. */
export interface Action {
  pending: boolean;
  error: unknown;
  success: string | null;
  /** Runs `task`; its returned sentence becomes the success message. Resolves true on success. */
  run: (task: () => Promise<string | null>) => Promise<boolean>;
  reset: () => void;
}

export function useAction(): Action {
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [success, setSuccess] = useState<string | null>(null);

  const run = useCallback(async (task: () => Promise<string | null>): Promise<boolean> => {
    setPending(true);
    setError(null);
    setSuccess(null);
    try {
      setSuccess(await task());
      return true;
    } catch (failure) {
      setError(failure);
      return false;
    } finally {
      setPending(false);
    }
  }, []);

  const reset = useCallback(() => {
    setError(null);
    setSuccess(null);
  }, []);

  return { pending, error, success, run, reset };
}

// Hooks shared by the screens.

import { useEffect, useRef, useState } from 'preact/hooks';
import { describe } from './api';
import { store } from './store';

/** Re-renders the caller whenever the store changes. */
export function useStore(): number {
  const [version, setVersion] = useState(store.version);
  useEffect(() => store.subscribe(() => setVersion(store.version)), []);
  return version;
}

/** A message's time of day, as the person's locale writes it. */
export function time(seconds: number | undefined): string {
  return seconds ? new Date(seconds * 1000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
}

export interface Action {
  /** A call is running (its controls are disabled meanwhile). */
  busy: boolean;
  /** Fleep's error message of the last refused call, shown as an alert. */
  error: string | null;
  setError: (error: string | null) => void;
  /** Runs one call unless one is running already; answers whether it went through. */
  run: (action: () => Promise<void>) => Promise<boolean>;
}

/** One call at a time from a form or panel: busy while it runs, Fleep's error kept when refused. */
export function useAction(): Action {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const running = useRef(false);
  const run = async (action: () => Promise<void>): Promise<boolean> => {
    if (running.current) {
      return false;
    }
    running.current = true;
    setBusy(true);
    setError(null);
    try {
      await action();
      return true;
    } catch (e) {
      setError(describe(e));
      return false;
    } finally {
      running.current = false;
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

// Hooks shared by the screens.

import { useEffect, useState } from 'preact/hooks';
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

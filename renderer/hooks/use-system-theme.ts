import { useSyncExternalStore } from 'react';

/** The OS's light/dark preference, as CSS reports it. */
const prefersDark = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  const query = window.matchMedia(prefersDark);
  query.addEventListener('change', onChange);
  return () => {
    query.removeEventListener('change', onChange);
  };
}

function snapshot(): 'light' | 'dark' {
  return window.matchMedia(prefersDark).matches ? 'dark' : 'light';
}

/** The OS's colour scheme (`prefers-color-scheme`), kept current when the OS switches. */
export function useSystemTheme(): 'light' | 'dark' {
  return useSyncExternalStore(subscribe, snapshot);
}

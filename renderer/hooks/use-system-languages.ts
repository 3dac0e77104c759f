import { useMemo, useSyncExternalStore } from 'react';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('languagechange', onChange);
  return () => {
    window.removeEventListener('languagechange', onChange);
  };
}

/**
 * A stable snapshot of the list: `navigator.languages` may hand out a fresh array on each read, and
 * useSyncExternalStore needs equal snapshots to compare equal. A newline never occurs in a tag.
 */
function snapshot(): string {
  const languages = navigator.languages.length > 0 ? navigator.languages : [navigator.language];
  return languages.join('\n');
}

/**
 * The OS's preferred languages, most preferred first (`navigator.languages`), kept current when the
 * OS language changes (`languagechange`).
 */
export function useSystemLanguages(): readonly string[] {
  const joined = useSyncExternalStore(subscribe, snapshot);
  return useMemo(() => joined.split('\n').filter((tag) => tag !== ''), [joined]);
}

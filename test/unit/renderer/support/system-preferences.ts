/**
 * The OS preferences jsdom lacks or can't change: `matchMedia('(prefers-color-scheme: dark)')` and
 * `navigator.languages`, both switchable by a test with the events a browser fires.
 */

type ChangeListener = (event: MediaQueryListEvent) => void;

const darkQuery = '(prefers-color-scheme: dark)';
let systemTheme: 'light' | 'dark' = 'light';
const themeListeners = new Set<ChangeListener>();

/** A minimal `MediaQueryList`: only the dark-scheme query ever matches, and only when set to dark. */
function matchMedia(query: string): MediaQueryList {
  const list = {
    media: query,
    get matches() {
      return query === darkQuery && systemTheme === 'dark';
    },
    onchange: null,
    addEventListener: (type: string, listener: ChangeListener) => {
      if (type === 'change' && query === darkQuery) themeListeners.add(listener);
    },
    removeEventListener: (type: string, listener: ChangeListener) => {
      if (type === 'change') themeListeners.delete(listener);
    },
    addListener: (listener: ChangeListener) => themeListeners.add(listener),
    removeListener: (listener: ChangeListener) => themeListeners.delete(listener),
    dispatchEvent: () => true,
  };
  return list as unknown as MediaQueryList;
}

/** Installs `window.matchMedia`; call once from the setup file. */
export function installSystemPreferences(): void {
  Object.defineProperty(window, 'matchMedia', { configurable: true, writable: true, value: matchMedia });
}

/** Switches the OS colour scheme and notifies `change` listeners, as a browser does. */
export function setSystemTheme(theme: 'light' | 'dark'): void {
  if (theme === systemTheme) return;
  systemTheme = theme;
  const event = { matches: theme === 'dark', media: darkQuery } as MediaQueryListEvent;
  for (const listener of [...themeListeners]) listener(event);
}

/** Sets `navigator.languages` (most preferred first) and fires `languagechange`. */
export function setSystemLanguages(languages: readonly string[]): void {
  Object.defineProperty(navigator, 'languages', { configurable: true, get: () => Object.freeze([...languages]) });
  Object.defineProperty(navigator, 'language', { configurable: true, get: () => languages[0] ?? 'en-US' });
  window.dispatchEvent(new Event('languagechange'));
}

/** Back to a light, English-speaking OS (jsdom's own `navigator.languages`). */
export function resetSystemPreferences(): void {
  setSystemTheme('light');
  Reflect.deleteProperty(navigator, 'languages');
  Reflect.deleteProperty(navigator, 'language');
}

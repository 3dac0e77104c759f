import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';
import { installSystemPreferences, resetSystemPreferences } from './support/system-preferences.ts';

installSystemPreferences();

afterEach(() => {
  cleanup();
  resetSystemPreferences();
  window.history.replaceState(null, '', '/');
  document.documentElement.removeAttribute('lang');
  document.documentElement.removeAttribute('data-theme');
});

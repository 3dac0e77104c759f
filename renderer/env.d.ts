/// <reference types="vite/client" />
import type { CertDeskApi } from '../preload/contract.ts';

declare global {
  interface Window {
    /**
     * The preload's bridge to main (`preload/index.ts`; a Playwright binding in the E2E tests).
     * Optional because the page can be opened without it (a plain browser); the store then shows
     * a "can't reach its background service" message instead of failing silently.
     */
    readonly certdesk?: CertDeskApi;
  }
}

export {};

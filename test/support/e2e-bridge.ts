import type { Page } from '@playwright/test';
import { createApiHandlers, dispatch } from '../../main/core/api.ts';
import type { CertDeskService } from '../../main/core/service.ts';
import { createCertDeskApi } from '../../preload/api.ts';
import { eventChannels, type Unsubscribe } from '../../preload/contract.ts';

/** The page-side hook the init script installs for pushing events (runs in the browser). */
interface PageGlobals {
  __certdeskEmit?: (channel: string, payload: unknown) => void;
}

/**
 * Binds `window.certdesk` in `page` to the real core `service` in the test process, standing in for
 * Electron's IPC: invokes go through a Playwright binding into the same validating handler table
 * main uses (`createApiHandlers` + `dispatch`), and every event the service emits is pushed into
 * the page. The API object itself is the preload's own `createCertDeskApi`, injected as source.
 *
 * Call before the first navigation. Returns the function that stops forwarding events.
 */
export async function bindCertDeskApi(page: Page, service: CertDeskService): Promise<Unsubscribe> {
  const handlers = createApiHandlers(service);
  await page.exposeBinding('__certdeskInvoke', (_source, channel: unknown, payload: unknown) =>
    dispatch(handlers, channel, payload),
  );
  await page.addInitScript({
    content: `(() => {
      const listeners = new Map();
      window.__certdeskEmit = (channel, payload) => {
        for (const listener of [...(listeners.get(channel) ?? [])]) listener(payload);
      };
      const transport = {
        invoke: (channel, request) => window.__certdeskInvoke(channel, request),
        subscribe: (channel, listener) => {
          if (!listeners.has(channel)) listeners.set(channel, new Set());
          listeners.get(channel).add(listener);
          return () => listeners.get(channel).delete(listener);
        },
      };
      window.certdesk = Object.freeze((${createCertDeskApi.toString()})(transport));
    })();`,
  });
  const stops = eventChannels.map((channel) =>
    service.on(channel, (payload) => {
      // The page may be navigating or closed; a lost push is what a real renderer would see too.
      page
        .evaluate(([c, p]) => {
          (globalThis as PageGlobals).__certdeskEmit?.(c, p);
        }, [channel, payload] as const)
        .catch(() => undefined);
    }),
  );
  return () => {
    for (const stop of stops) stop();
  };
}

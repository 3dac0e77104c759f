import type { Page } from '@playwright/test';
import { createApiHandlers, dispatch, type ApiDependencies } from '../../main/core/api.ts';
import type { Notifier } from '../../main/core/alerts/notifier.ts';
import { openConfigStore } from '../../main/core/config-store.ts';
import { DesktopEngine, type DesktopEngineOptions } from '../../main/core/desktop.ts';
import type { Logger } from '../../main/core/ports.ts';
import { dataPaths } from '../../main/core/paths.ts';
import { FileSecretBox } from '../../main/core/secrets/file-secret-box.ts';
import { createCertDeskApi } from '../../preload/api.ts';
import { eventChannels, type Unsubscribe } from '../../preload/contract.ts';

/** The page-side hook the init script installs for pushing events (runs in the browser). */
interface PageGlobals {
  __certdeskEmit?: (channel: string, payload: unknown) => void;
}

/**
 * A real {@link DesktopEngine} on `dataDir`, as the app makes one: config.json through conf, secrets
 * in `secrets/` (a key file, no keychain), no notifiers but the engine's own `alert:event` event. Not
 * started: call `start()` for background renewal, and `stop()` when the test is done.
 */
export function openDesktopEngine(
  dataDir: string,
  options: { readonly logger: Logger; readonly notifiers?: ReadonlyArray<Notifier> } & Pick<DesktopEngineOptions, 'schedulerOptions' | 'certificateOptions' | 'clock'>,
): DesktopEngine {
  const paths = dataPaths(dataDir);
  return new DesktopEngine({
    paths,
    conf: openConfigStore(dataDir),
    secrets: new FileSecretBox(paths.secretsDir),
    ...options,
    notifiers: options.notifiers ?? [],
  });
}

/**
 * Binds `window.certdesk` in `page` to the real core `service` and `engine` in the test process,
 * standing in for Electron's IPC: invokes go through a Playwright binding into the same validating
 * handler table main uses (`createApiHandlers` + `dispatch`), and every event the service and the
 * engine emit is pushed into the page. The API object itself is the preload's own
 * `createCertDeskApi`, injected as source.
 *
 * Call before the first navigation. Returns the function that stops forwarding events.
 */
export async function bindCertDeskApi(page: Page, { service, engine }: ApiDependencies): Promise<Unsubscribe> {
  const handlers = createApiHandlers({ service, engine });
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
  // Each source emits its own channels (settings from the service, certificates from the engine).
  const stops = [service, engine].flatMap((source) => eventChannels.map((channel) =>
    source.on(channel, (payload) => {
      // The page may be navigating or closed; a lost push is what a real renderer would see too.
      page
        .evaluate(([c, p]) => {
          (globalThis as PageGlobals).__certdeskEmit?.(c, p);
        }, [channel, payload] as const)
        .catch(() => undefined);
    }),
  ));
  return () => {
    for (const stop of stops) stop();
  };
}

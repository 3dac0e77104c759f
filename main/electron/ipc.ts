import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { eventChannels, invokeChannels, type EventChannel, type EventChannels, type InvokeResult, type Unsubscribe } from '../../preload/contract.ts';
import { dispatch, type ApiHandlers } from '../core/api.ts';
import { toApiError, CertDeskError } from '../core/errors.ts';

/**
 * Registers one `ipcMain.handle` per invoke channel of the contract. Every request is first checked
 * with `isTrusted` (sender check), then dispatched through the core's validating handler table;
 * results and errors cross as an {@link InvokeResult} envelope. Returns the function that removes
 * the handlers.
 */
export function registerIpcHandlers(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  handlers: ApiHandlers,
  isTrusted: (event: IpcMainInvokeEvent) => boolean,
): () => void {
  for (const channel of invokeChannels) {
    ipcMain.handle(channel, async (event, payload: unknown): Promise<InvokeResult<unknown>> => {
      if (!isTrusted(event)) {
        return {
          ok: false,
          error: toApiError(new CertDeskError('forbidden', `Unable to handle ${channel}, the request did not come from CertDesk's window`)),
        };
      }
      return dispatch(handlers, channel, payload);
    });
  }
  return () => {
    for (const channel of invokeChannels) ipcMain.removeHandler(channel);
  };
}

/**
 * Anything that emits the contract's events: the `CertDeskService` (`settings:changed`), the
 * `DesktopEngine` (`cert:changed`, `order:event`, `alert:event`, `renewal:changed`).
 */
export interface EventSourceLike {
  on<E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void): Unsubscribe;
}

/**
 * Forwards every event channel of the contract that `source` emits to the window's renderer
 * (`webContents.send`), while the window exists. Call it once per source. Returns the function that
 * stops forwarding.
 */
export function forwardEvents(source: EventSourceLike, target: () => WebContents | undefined): () => void {
  const stops = eventChannels.map((channel) =>
    source.on(channel, (payload) => {
      const contents = target();
      if (contents !== undefined && !contents.isDestroyed()) contents.send(channel, payload);
    }),
  );
  return () => {
    for (const stop of stops) stop();
  };
}

import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { eventChannels, invokeChannels, type InvokeResult } from '../../preload/contract.ts';
import { dispatch, type ApiHandlers } from '../core/api.ts';
import { toApiError, CertDeskError } from '../core/errors.ts';
import type { CertDeskService } from '../core/service.ts';

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
 * Forwards every core event of the contract to the window's renderer (`webContents.send`), while
 * the window exists. Returns the function that stops forwarding.
 */
export function forwardEvents(service: CertDeskService, target: () => WebContents | undefined): () => void {
  const stops = eventChannels.map((channel) =>
    service.on(channel, (payload) => {
      const contents = target();
      if (contents !== undefined && !contents.isDestroyed()) contents.send(channel, payload);
    }),
  );
  return () => {
    for (const stop of stops) stop();
  };
}

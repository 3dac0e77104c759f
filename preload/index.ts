/**
 * The preload: exposes `window.certdesk` — one method per channel of `contract.ts` — through the
 * context bridge. It holds no logic and never exposes `ipcRenderer` or IPC event objects.
 * Bundled to CommonJS because sandboxed preloads cannot load ES modules.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { createCertDeskApi } from './api.ts';

const api = createCertDeskApi({
  invoke: (channel, request) => ipcRenderer.invoke(channel, request),
  subscribe: (channel, listener) => {
    const handler = (_event: IpcRendererEvent, payload: unknown): void => {
      listener(payload);
    };
    ipcRenderer.on(channel, handler);
    return () => {
      ipcRenderer.removeListener(channel, handler);
    };
  },
});

contextBridge.exposeInMainWorld('certdesk', api);

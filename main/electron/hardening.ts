import { app, session } from 'electron';

/**
 * App-wide guards from Electron's security checklist, applied to every web contents ever created:
 * no navigation away from the app, no new windows, no `<webview>`, and every permission request
 * denied except notifications.
 */
export function hardenApp(isAllowedUrl: (url: string) => boolean): void {
  session.defaultSession.setPermissionRequestHandler((_contents, permission, callback) => {
    callback(permission === 'notifications');
  });
  session.defaultSession.setPermissionCheckHandler((_contents, permission) => permission === 'notifications');
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event, url) => {
      if (!isAllowedUrl(url)) event.preventDefault();
    });
    contents.on('will-redirect', (event, url) => {
      if (!isAllowedUrl(url)) event.preventDefault();
    });
    contents.on('will-attach-webview', (event) => {
      event.preventDefault();
    });
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

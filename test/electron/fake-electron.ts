/**
 * A typed fake of the parts of the `electron` module CertDesk's shell uses, for testing the shell's
 * wiring where no Electron binary exists. It records what the shell did and lets a test play the
 * runtime's part (ready, second-instance, IPC invokes, new web contents, a user closing the window,
 * clicking the tray menu or a notification). Where a fake member mirrors an Electron API, its
 * signature is checked against electron.d.ts with `satisfies`.
 */
import { EventEmitter } from 'node:events';
import type * as Electron from 'electron';

type Listener = (...args: never[]) => unknown;

class Emitter {
  readonly listeners = new Map<string, Listener[]>();
  on(event: string, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  once(event: string, listener: Listener): this {
    return this.on(event, listener);
  }
  emit(event: string, ...args: unknown[]): void {
    for (const listener of this.listeners.get(event) ?? []) (listener as (...a: unknown[]) => unknown)(...args);
  }
}

let nextWebContentsId = 1;

/** A fake WebContents: records sends and the guards the shell installs. */
export class FakeWebContents extends Emitter {
  readonly id = nextWebContentsId++;
  readonly sent: Array<{ channel: string; payload: unknown }> = [];
  readonly mainFrame = { url: 'app://certdesk/index.html' };
  windowOpenHandler: ((details: { url: string }) => { action: string }) | undefined;
  destroyed = false;
  send(channel: string, payload: unknown): void {
    this.sent.push({ channel, payload });
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: string }): void {
    this.windowOpenHandler = handler;
  }
}

/** A preventable event as Electron passes to `close`, `will-navigate`, `will-quit` listeners. */
export function preventable(): { prevented: boolean; preventDefault(): void } {
  return {
    prevented: false,
    preventDefault() {
      this.prevented = true;
    },
  };
}

/** A fake BrowserWindow: records its options, loads, focus, hide and close. */
export class FakeBrowserWindow extends Emitter {
  static readonly instances: FakeBrowserWindow[] = [];
  /** Called after a window really closed, with the windows left open (the fake app's window-all-closed). */
  static onClosed: ((open: ReadonlyArray<FakeBrowserWindow>) => void) | undefined;
  readonly webContents = new FakeWebContents();
  readonly options: Electron.BrowserWindowConstructorOptions;
  loadedUrl: string | undefined;
  readonly loads: string[] = [];
  minimized = false;
  visible = false;
  focused = 0;
  destroyed = false;
  constructor(options: Electron.BrowserWindowConstructorOptions) {
    super();
    this.options = options;
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    this.loads.push(url);
    return Promise.resolve();
  }
  hide(): void {
    this.visible = false;
  }
  /**
   * Plays the user closing the window (or the app closing it on quit): `close` listeners may
   * prevent it; otherwise the window is destroyed and `closed` follows. Returns whether it closed.
   */
  close(): boolean {
    const event = preventable();
    this.emit('close', event);
    if (event.prevented) return false;
    this.destroyed = true;
    this.visible = false;
    this.webContents.destroyed = true;
    this.emit('closed');
    FakeBrowserWindow.onClosed?.(FakeBrowserWindow.instances.filter((w) => !w.destroyed));
    return true;
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  restore(): void {
    this.minimized = false;
  }
  isVisible(): boolean {
    return this.visible;
  }
  show(): void {
    this.visible = true;
  }
  focus(): void {
    this.focused += 1;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** A fake NativeImage: the file it was loaded from and whether it is a macOS template image. */
export class FakeNativeImage {
  readonly path: string;
  template = false;
  constructor(path: string) {
    this.path = path;
  }
  setTemplateImage(option: boolean): void {
    this.template = option;
  }
}

/** A fake Menu: the template it was built from. */
export class FakeMenu {
  readonly items: ReadonlyArray<Electron.MenuItemConstructorOptions>;
  constructor(items: ReadonlyArray<Electron.MenuItemConstructorOptions>) {
    this.items = items;
  }
  /** The item with `id`; throws when there is none. */
  item(id: string): Electron.MenuItemConstructorOptions {
    const found = this.items.find((item) => item.id === id);
    if (found === undefined) throw new Error(`no menu item ${id} in ${this.items.map((i) => i.id ?? i.type).join(', ')}`);
    return found;
  }
  /** Plays a click on the item with `id`. */
  click(id: string): void {
    const item = this.item(id);
    if (item.enabled === false) throw new Error(`menu item ${id} is disabled`);
    (item.click as (() => void) | undefined)?.();
  }
}

/** A fake Tray: its image, tooltip and context menu as last set. */
export class FakeTray extends Emitter {
  static readonly instances: FakeTray[] = [];
  image: FakeNativeImage;
  tooltip = '';
  menu: FakeMenu | undefined;
  destroyed = false;
  constructor(image: FakeNativeImage) {
    super();
    this.image = image;
    FakeTray.instances.push(this);
  }
  setImage(image: FakeNativeImage): void {
    this.image = image;
  }
  setToolTip(toolTip: string): void {
    this.tooltip = toolTip;
  }
  setContextMenu(menu: FakeMenu | null): void {
    this.menu = menu ?? undefined;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

/** A fake Notification: its options, whether it was shown; a test plays the click. */
export class FakeNotification extends Emitter {
  static readonly instances: FakeNotification[] = [];
  static supported = true;
  static isSupported = (() => FakeNotification.supported) satisfies typeof Electron.Notification.isSupported;
  readonly options: Electron.NotificationConstructorOptions;
  shown = false;
  constructor(options: Electron.NotificationConstructorOptions) {
    super();
    this.options = options;
    FakeNotification.instances.push(this);
  }
  show(): void {
    this.shown = true;
  }
  /** Plays the user clicking the notification. */
  click(): void {
    this.emit('click', {});
  }
}

/** The notifications shown so far (created and `show()`n). */
export function shownNotifications(): FakeNotification[] {
  return FakeNotification.instances.filter((n) => n.shown);
}

/** Builds a fresh fake `electron` module; `lockGranted` decides `requestSingleInstanceLock()`. */
export function createFakeElectron(options: { lockGranted: boolean; userData: string; appPath?: string; wasOpenedAtLogin?: boolean; preferredLanguages?: ReadonlyArray<string> }) {
  FakeBrowserWindow.instances.length = 0;
  FakeTray.instances.length = 0;
  FakeNotification.instances.length = 0;
  FakeNotification.supported = true;
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    markReady = resolve;
  });
  const paths = new Map<string, string>([['userData', options.userData]]);
  const app = new (class extends Emitter {
    quitCalls = 0;
    name = 'certdesk';
    readonly isPackaged = true;
    requestSingleInstanceLock = (() => options.lockGranted) satisfies typeof Electron.app.requestSingleInstanceLock;
    quit = (() => {
      this.quitCalls += 1;
    }) satisfies typeof Electron.app.quit;
    setName = ((name: string) => {
      this.name = name;
    }) satisfies typeof Electron.app.setName;
    getPath = ((name: string) => paths.get(name) ?? `/fake/${name}`) satisfies (name: 'userData') => string;
    setPath = ((name: string, value: string) => {
      paths.set(name, value);
    }) satisfies (name: 'userData', path: string) => void;
    getVersion = (() => '0.0.0-test') satisfies typeof Electron.app.getVersion;
    getAppPath = (() => options.appPath ?? '/fake/app') satisfies typeof Electron.app.getAppPath;
    getPreferredSystemLanguages = (() => [...(options.preferredLanguages ?? ['en-US'])]) satisfies typeof Electron.app.getPreferredSystemLanguages;
    readonly loginItemSettings: Electron.Settings[] = [];
    setLoginItemSettings = ((settings: Electron.Settings) => {
      this.loginItemSettings.push(settings);
    }) satisfies typeof Electron.app.setLoginItemSettings;
    getLoginItemSettings = (() => ({ wasOpenedAtLogin: options.wasOpenedAtLogin ?? false })) satisfies () => Pick<Electron.LoginItemSettings, 'wasOpenedAtLogin'>;
    whenReady = (() => ready) satisfies typeof Electron.app.whenReady;
    /** Whether {@link becomeReady} was played. */
    ready = false;
    /** Plays Electron's `ready` and lets the shell's `whenReady().then` run. */
    async becomeReady(): Promise<void> {
      this.ready = true;
      markReady();
      await ready;
      await new Promise((resolve) => setImmediate(resolve));
    }
  })();

  const ipcMain = {
    handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
    listeners: new Map<string, unknown>(),
    handle(channel: string, handler: (event: never, ...args: never[]) => unknown) {
      if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
      this.handlers.set(channel, handler as (event: unknown, ...args: unknown[]) => unknown);
    },
    removeHandler(channel: string) {
      this.handlers.delete(channel);
    },
    on(channel: string, listener: unknown) {
      this.listeners.set(channel, listener);
      return this;
    },
  };

  const protocol = {
    privileged: [] as Electron.CustomScheme[],
    handlers: new Map<string, (request: Request) => Promise<Response> | Response>(),
    registeredBeforeReady: false,
    registerSchemesAsPrivileged(schemes: Electron.CustomScheme[]) {
      this.privileged.push(...schemes);
    },
    handle(scheme: string, handler: (request: Request) => Promise<Response> | Response) {
      this.handlers.set(scheme, handler);
    },
  };

  const net = {
    fetched: [] as string[],
    fetch(url: string): Promise<Response> {
      this.fetched.push(url);
      return Promise.resolve(new Response('<!doctype html>', { status: 200, headers: { 'Content-Type': 'text/html' } }));
    },
  };

  const session = {
    defaultSession: Object.assign(new EventEmitter(), {
      permissionRequestHandler: undefined as ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined,
      permissionCheckHandler: undefined as ((contents: unknown, permission: string) => boolean) | undefined,
      setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void) {
        this.permissionRequestHandler = handler;
      },
      setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean) {
        this.permissionCheckHandler = handler;
      },
    }),
  };

  const nativeTheme = { themeSource: 'system' as Electron.NativeTheme['themeSource'] };
  const shell = {
    opened: [] as string[],
    openPath: () => Promise.resolve(''),
    openExternal(url: string): Promise<void> {
      this.opened.push(url);
      return Promise.resolve();
    },
  };
  const nativeImage = { createFromPath: (path: string) => new FakeNativeImage(path) };
  const Menu = { buildFromTemplate: (template: Electron.MenuItemConstructorOptions[]) => new FakeMenu(template) };
  // Electron emits window-all-closed when the last window closed by itself (not when it was hidden).
  FakeBrowserWindow.onClosed = (open) => {
    if (open.length === 0) app.emit('window-all-closed');
  };

  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain,
    protocol,
    net,
    session,
    nativeTheme,
    shell,
    nativeImage,
    Menu,
    Tray: FakeTray,
    Notification: FakeNotification,
  };
  return { ...module, default: module };
}

/** The fake module's type. */
export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** An IPC invoke event as Electron would pass it, from `contents`' main frame (or a subframe). */
export function invokeEvent(contents: FakeWebContents, options: { frameUrl?: string; subframe?: boolean } = {}) {
  const frame = { url: options.frameUrl ?? contents.mainFrame.url };
  return { sender: { id: contents.id, mainFrame: options.subframe === true ? { url: 'other' } : frame }, senderFrame: frame };
}

/**
 * A typed fake of the parts of the `electron` module CertDesk's shell uses, for testing the shell's
 * wiring where no Electron binary exists. It records what the shell did and lets a test play the
 * runtime's part (ready, second-instance, IPC invokes, new web contents). Where a fake member mirrors
 * an Electron API, its signature is checked against electron.d.ts with `satisfies`.
 */
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

/** A fake BrowserWindow: records its options, loads and focus calls. */
export class FakeBrowserWindow extends Emitter {
  static readonly instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly options: Electron.BrowserWindowConstructorOptions;
  loadedUrl: string | undefined;
  minimized = false;
  visible = false;
  focused = 0;
  constructor(options: Electron.BrowserWindowConstructorOptions) {
    super();
    this.options = options;
    FakeBrowserWindow.instances.push(this);
  }
  loadURL(url: string): Promise<void> {
    this.loadedUrl = url;
    return Promise.resolve();
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
    return false;
  }
}

/** Builds a fresh fake `electron` module; `lockGranted` decides `requestSingleInstanceLock()`. */
export function createFakeElectron(options: { lockGranted: boolean; userData: string }) {
  FakeBrowserWindow.instances.length = 0;
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
    whenReady = (() => ready) satisfies typeof Electron.app.whenReady;
    /** Plays Electron's `ready` and lets the shell's `whenReady().then` run. */
    async becomeReady(): Promise<void> {
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
    defaultSession: {
      permissionRequestHandler: undefined as ((contents: unknown, permission: string, callback: (granted: boolean) => void) => void) | undefined,
      permissionCheckHandler: undefined as ((contents: unknown, permission: string) => boolean) | undefined,
      setPermissionRequestHandler(handler: (contents: unknown, permission: string, callback: (granted: boolean) => void) => void) {
        this.permissionRequestHandler = handler;
      },
      setPermissionCheckHandler(handler: (contents: unknown, permission: string) => boolean) {
        this.permissionCheckHandler = handler;
      },
    },
  };

  const nativeTheme = { themeSource: 'system' as Electron.NativeTheme['themeSource'] };
  const shell = { openPath: () => Promise.resolve('') };

  const module = { app, BrowserWindow: FakeBrowserWindow, ipcMain, protocol, net, session, nativeTheme, shell };
  return { ...module, default: module };
}

/** The fake module's type. */
export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** An IPC invoke event as Electron would pass it, from `contents`' main frame (or a subframe). */
export function invokeEvent(contents: FakeWebContents, options: { frameUrl?: string; subframe?: boolean } = {}) {
  const frame = { url: options.frameUrl ?? contents.mainFrame.url };
  return { sender: { id: contents.id, mainFrame: options.subframe === true ? { url: 'other' } : frame }, senderFrame: frame };
}

import type { AppInfo, EventChannel, EventChannels, Settings, Unsubscribe } from '../../preload/contract.ts';
import { CertDeskError } from './errors.ts';
import { EventHub } from './events.ts';
import type { Logger, SettingsStore } from './ports.ts';
import { parseSettingsPatch, parseStoredSettings } from './settings.ts';

/** What the shell tells the service about where it runs. */
export interface ServiceOptions {
  /** Static facts about the running app; the data dir among them. */
  readonly info: AppInfo;
  readonly settings: SettingsStore;
  readonly logger: Logger;
}

/**
 * The one API that IPC handlers and CLI commands call. It holds no Electron and no argument
 * parsing: the shells validate nothing themselves beyond their transport and pass raw input here
 * (see `api.ts`).
 */
export class CertDeskService {
  readonly #options: ServiceOptions;
  readonly #events: EventHub;
  readonly #stopWatching: Unsubscribe;
  #lastSettings: string;
  /** Problems already logged, so a damaged file is reported once, not on every read. */
  readonly #reported = new Set<string>();

  constructor(options: ServiceOptions) {
    this.#options = options;
    this.#events = new EventHub((error) => {
      options.logger.error('An event listener failed', { error: String(error) });
    });
    // A store reports writes, not changes (an update to the same values, our write seen again by the
    // watcher): push only when the effective settings differ from the last ones seen.
    this.#lastSettings = JSON.stringify(this.#readSettings({ report: false }));
    this.#stopWatching = options.settings.onDidChange(() => {
      const settings = this.getSettings();
      const serialized = JSON.stringify(settings);
      if (serialized === this.#lastSettings) return;
      this.#lastSettings = serialized;
      this.#events.emit('settings:changed', settings);
    });
  }

  /** `app:info`: version, platform, data dir and runtime versions. */
  appInfo(): AppInfo {
    return this.#options.info;
  }

  /**
   * `settings:get`: the stored settings, with defaults for missing or invalid fields (logged). A
   * settings file that cannot be read at all yields the defaults and an error in the log; the file is
   * left as it is for the admin to inspect.
   */
  getSettings(): Settings {
    return this.#readSettings({ report: true });
  }

  #readSettings(options: { report: boolean }): Settings {
    const { logger, settings: store } = this.#options;
    const reportOnce = (problem: string, report: () => void): void => {
      if (!options.report || this.#reported.has(problem)) return;
      this.#reported.add(problem);
      report();
    };
    let stored: unknown;
    try {
      stored = store.read();
    } catch (error) {
      reportOnce(`read:${String(error)}`, () => {
        logger.error('Unable to read settings, using defaults', { path: store.path, error: String(error) });
      });
      stored = undefined;
    }
    const { settings, problems } = parseStoredSettings(stored);
    for (const problem of problems) {
      reportOnce(`invalid:${problem.key}:${JSON.stringify(problem.value)}`, () => {
        logger.warn('Ignoring an invalid stored setting, using its default', { path: store.path, key: problem.key });
      });
    }
    return settings;
  }

  /**
   * `settings:update`: validates `patch` (throws `invalid_input`), merges it into the stored settings
   * and writes them atomically. Refuses (`invalid_data`) to write over a settings file it cannot
   * read, so nothing the admin had is lost. Emits `settings:changed` when something changed.
   */
  updateSettings(patch: unknown): Settings {
    const valid = parseSettingsPatch(patch);
    const store = this.#options.settings;
    let stored: unknown;
    try {
      stored = store.read();
    } catch (error) {
      throw new CertDeskError('invalid_data', `Unable to update settings, ${store.path} cannot be read`, {
        remedy: 'Repair the file or move it aside; CertDesk will not overwrite it.',
        cause: error,
      });
    }
    const next: Settings = { ...parseStoredSettings(stored).settings, ...valid };
    store.write(next);
    return next;
  }

  /** Subscribes to a core event; the shells forward them (IPC push, CLI output). */
  on<E extends EventChannel>(event: E, listener: (payload: EventChannels[E]) => void): Unsubscribe {
    return this.#events.on(event, listener);
  }

  /** Stops watching files. The service must not be used afterwards. */
  close(): void {
    this.#stopWatching();
    this.#options.settings.close();
  }
}

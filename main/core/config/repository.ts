import type { ConfLike } from '../config-store.ts';
import { CertDeskError } from '../errors.ts';
import { sections, type Section, type SectionEntry } from './schema.ts';

const sectionLabels: Readonly<Record<Section, string>> = {
  accounts: 'CA account',
  dnsProviders: 'DNS provider',
  certificates: 'certificate',
  monitors: 'monitored certificate',
};

/**
 * The engine's definitions in config.json (CA accounts, DNS providers, certificates), each section a
 * map from name to entry, validated on every read: an entry that fails its schema is an
 * `invalid_data` error naming it, never silently dropped or "repaired". Writes go through conf
 * (atomic temp file + rename) and keep every other key of the file.
 */
export class ConfigRepository {
  readonly #conf: ConfLike;

  constructor(conf: ConfLike) {
    this.#conf = conf;
  }

  /** Every entry of a section, sorted by name. */
  list<S extends Section>(section: S): ReadonlyArray<readonly [string, SectionEntry<S>]> {
    const raw = this.#raw(section);
    return Object.keys(raw)
      .sort()
      .map((key) => [key, this.#parse(section, key, raw[key])] as const);
  }

  /** One entry, or `undefined` when there is none by that name. */
  find<S extends Section>(section: S, key: string): SectionEntry<S> | undefined {
    const raw = this.#raw(section);
    return Object.hasOwn(raw, key) ? this.#parse(section, key, raw[key]) : undefined;
  }

  /** One entry; throws `not_found` naming what exists when there is none by that name. */
  get<S extends Section>(section: S, key: string): SectionEntry<S> {
    const entry = this.find(section, key);
    if (entry !== undefined) return entry;
    const known = Object.keys(this.#raw(section)).sort();
    throw new CertDeskError('not_found', `Unable to find the ${sectionLabels[section]} ${JSON.stringify(key)}`, {
      remedy: known.length === 0 ? `No ${sectionLabels[section]} exists yet; add one first.` : `Known: ${known.join(', ')}.`,
    });
  }

  /** Removes one entry; nothing happens when there is none by that name. */
  remove(section: Section, key: string): void {
    const raw = this.#raw(section);
    if (!Object.hasOwn(raw, key)) return;
    this.#conf.set(section, Object.fromEntries(Object.entries(raw).filter(([name]) => name !== key)));
  }

  /** Adds or replaces one entry after validating it. */
  put<S extends Section>(section: S, key: string, entry: SectionEntry<S>): void {
    const parsed = sections[section].safeParse(entry);
    if (!parsed.success) throw new Error(`Refusing to store an invalid ${sectionLabels[section]} ${key}: ${parsed.error.message}`);
    this.#conf.set(section, { ...this.#raw(section), [key]: parsed.data });
  }

  #raw(section: Section): Record<string, unknown> {
    const value = this.#conf.get(section);
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      throw new CertDeskError('invalid_data', `Unable to read ${section} from ${this.#conf.path}, it is not an object`, {
        remedy: 'Repair the file (or restore it from a backup); CertDesk will not overwrite it.',
      });
    }
    return value as Record<string, unknown>;
  }

  #parse<S extends Section>(section: S, key: string, value: unknown): SectionEntry<S> {
    const parsed = sections[section].safeParse(value);
    if (parsed.success) return parsed.data as SectionEntry<S>;
    const issue = parsed.error.issues[0];
    const where = issue === undefined || issue.path.length === 0 ? '' : ` (${issue.path.join('.')}: ${issue.message})`;
    throw new CertDeskError('invalid_data', `Unable to read the ${sectionLabels[section]} ${JSON.stringify(key)} from ${this.#conf.path}, it is not valid${where}`, {
      remedy: 'Repair that entry in the file, or remove it and add it again with the CLI.',
    });
  }
}

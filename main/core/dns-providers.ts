import type {
  AddDnsProviderRequest,
  AddedDnsProviderDto,
  CredentialFieldDto,
  DnsCheckResultDto,
  DnsProviderDto,
  DnsProviderKindDto,
  PropagationDto,
} from '../../preload/contract.ts';
import type { DnsProviderSource } from './challenges/factory.ts';
import type { ManualPrompt } from './challenges/dns/manual.ts';
import type { CredentialField, DnsProvider, DnsProviderDefinition, LocalizedText, ProviderContext } from './challenges/dns/provider.ts';
import { dnsProviderDefinitions } from './challenges/dns/registry.ts';
import type { ConfigRepository } from './config/repository.ts';
import { hostPort, type DnsProviderConfig } from './config/schema.ts';
import { CertDeskError } from './errors.ts';
import { validateName } from './names.ts';
import type { Logger, SecretBox } from './ports.ts';

/** What {@link DnsProviderService} needs: the stores the CertificateService already holds. */
export interface DnsProviderServiceOptions {
  readonly config: ConfigRepository;
  readonly secrets: SecretBox;
  readonly logger: Logger;
  /** How the manual kind asks the admin (the CLI's terminal); without one its `present` fails. */
  readonly manualPrompt?: ManualPrompt | undefined;
  /**
   * Defaults for every provider's context: `extraCaPem` (a private API's CA, tests), `requestTimeoutMs`,
   * `sleep`. The caller's context (logger, prompt) wins over them.
   */
  readonly providerContext?: Omit<ProviderContext, 'logger'> | undefined;
  /** The provider kinds offered; default the registry's. Tests pass their own. */
  readonly definitions?: ReadonlyArray<DnsProviderDefinition> | undefined;
}

/** Input of `dns add` (`dns:add`'s request): name, kind, field values by key, propagation settings. */
export type AddDnsProviderInput = AddDnsProviderRequest;

/** What `dns add` returns: the stored provider and, for kinds that set something up, a note for the admin. */
export type AddedDnsProvider = AddedDnsProviderDto;

/** The CLI flag of a field: its kebab-case key (`apiToken` → `--api-token`). */
export function fieldFlag(key: string): string {
  return `--${kebabCase(key)}`;
}

/** `apiToken` → `api-token`. */
export function kebabCase(key: string): string {
  return key.replace(/[A-Z]/g, (letter) => `-${letter.toLowerCase()}`);
}

/**
 * Where a provider's secret field lives in the SecretBox: `dns/<name>/<kebab-case key>` (SecretBox
 * names are lower-case). The RFC 2136 secret keeps the name it had before issue #8,
 * `dns/<name>/tsig-secret`, which is the same rule applied to `tsigSecret`.
 */
export function dnsSecretName(name: string, key: string): string {
  return `dns/${name}/${kebabCase(key)}`;
}

/** The settings (non-secret values) of a stored provider, whatever its storage form. Pure. */
export function storedSettings(config: DnsProviderConfig): Readonly<Record<string, string>> {
  if ('settings' in config) return config.settings;
  switch (config.provider) {
    case 'exec':
      return { command: config.command };
    case 'rfc2136':
      return { server: config.server, tsigName: config.tsigName, tsigAlgorithm: config.tsigAlgorithm };
    default:
      return {};
  }
}

/** Builds the stored form of a provider from validated settings (legacy kinds keep their own fields). */
function toConfig(kind: string, settings: Readonly<Record<string, string>>, propagation: DnsProviderConfig['propagation']): DnsProviderConfig {
  switch (kind) {
    case 'exec':
      return { provider: 'exec', command: settings.command ?? '', propagation };
    case 'rfc2136':
      return {
        provider: 'rfc2136',
        server: settings.server ?? '',
        tsigName: settings.tsigName ?? '',
        tsigAlgorithm: (settings.tsigAlgorithm ?? 'hmac-sha256') as 'hmac-sha256' | 'hmac-sha384' | 'hmac-sha512',
        propagation,
      };
    case 'manual':
      return { provider: 'manual', propagation };
    default:
      return { provider: kind, settings, propagation };
  }
}

function fieldDto(field: CredentialField): CredentialFieldDto {
  return {
    key: field.key,
    label: field.label,
    help: field.help,
    secret: field.secret,
    optional: field.optional === true,
    ...(field.choices === undefined ? {} : { choices: field.choices }),
    ...(field.defaultValue === undefined ? {} : { defaultValue: field.defaultValue }),
    ...(field.example === undefined ? {} : { example: field.example }),
  };
}

function invalid(message: string, remedy: string): CertDeskError {
  return new CertDeskError('invalid_input', message, { remedy });
}

/**
 * Checks `credentials` against `definition` and returns the values to store (empty ones dropped,
 * keys in declaration order). Throws an `invalid_input` {@link CertDeskError} naming the field and
 * its CLI flag for an unknown key, a missing required value, a value outside `choices` or one that
 * `validate` refuses. Secret values are never quoted. Pure apart from a field's own `validate`.
 */
export function validateCredentials(definition: DnsProviderDefinition, credentials: Readonly<Record<string, string>>): Record<string, string> {
  const allowed = definition.fields.map((field) => fieldFlag(field.key));
  const allowedText = allowed.length === 0 ? 'none' : allowed.join(', ');
  for (const key of Object.keys(credentials)) {
    if (!definition.fields.some((field) => field.key === key)) {
      throw invalid(`Unable to use ${fieldFlag(key)} (${key}) with the ${definition.kind} DNS provider, it is not one of its fields`,
        `Fields of ${definition.kind}: ${allowedText}.`);
    }
  }
  const values: Record<string, string> = {};
  for (const field of definition.fields) {
    const raw = credentials[field.key];
    // Trimmed, secrets too: a token pasted with its line break is the token.
    const value = (raw ?? '').trim();
    const what = `${field.label.en} (${fieldFlag(field.key)})`;
    if (value === '') {
      if (field.optional !== true && field.defaultValue === undefined) {
        throw invalid(`Unable to add the ${definition.kind} DNS provider, ${what} is required`,
          `Give ${fieldFlag(field.key)}${field.example === undefined ? ' <value>' : ` ${field.example}`}: ${field.help.en}`);
      }
      continue;
    }
    if (field.choices !== undefined && !field.choices.includes(value)) {
      throw invalid(`Unable to use ${what}, ${JSON.stringify(value)} is not one of ${field.choices.join(', ')}`, `Choose one of ${field.choices.join(', ')}.`);
    }
    const problem = field.validate?.(value);
    if (problem !== undefined) throw invalid(`Unable to use ${what}, ${problem}`, field.help.en);
    values[field.key] = value;
  }
  return values;
}

/** Checks the propagation settings the way config.json stores them; throws `invalid_input`. */
function validatePropagation(propagation: PropagationDto | undefined): DnsProviderConfig['propagation'] {
  const given = propagation ?? { enabled: true };
  if (given.resolver !== undefined && !hostPort.safeParse(given.resolver).success) {
    throw invalid(`Unable to use ${JSON.stringify(given.resolver)} as the propagation-check resolver (--resolver), it is not host:port`, 'Give a DNS server as host:port, e.g. 192.0.2.53:53.');
  }
  const whole = (value: number | undefined, min: number, max: number, flag: string): void => {
    if (value !== undefined && (!Number.isInteger(value) || value < min || value > max)) {
      throw invalid(`Unable to use ${String(value)} as ${flag}, it is not whole seconds ${min}-${max}`, `Give ${flag} between ${min} and ${max}.`);
    }
  };
  whole(given.timeoutSeconds, 1, 3600, '--propagation-timeout');
  whole(given.intervalSeconds, 1, 300, '--propagation-interval');
  return {
    enabled: given.enabled,
    ...(given.resolver === undefined ? {} : { resolver: given.resolver }),
    ...(given.timeoutSeconds === undefined ? {} : { timeoutSeconds: given.timeoutSeconds }),
    ...(given.intervalSeconds === undefined ? {} : { intervalSeconds: given.intervalSeconds }),
  };
}

/**
 * The DNS providers of config.json and their secrets: the one API behind `dns:kinds|list|add|check|remove`
 * and `certdesk dns …`, and the source the DNS-01 solver builds providers from.
 *
 * Storage: non-secret field values in config.json (`exec`, `rfc2136` and `manual` with the fields they
 * had before issue #8, every other kind under `settings`); secret ones in the SecretBox at
 * {@link dnsSecretName}. Secrets are never returned, logged or quoted in errors.
 */
export class DnsProviderService implements DnsProviderSource {
  readonly #o: DnsProviderServiceOptions;
  readonly #definitions: ReadonlyArray<DnsProviderDefinition>;

  constructor(options: DnsProviderServiceOptions) {
    this.#o = options;
    this.#definitions = options.definitions ?? dnsProviderDefinitions;
  }

  /** `dns:kinds`: every provider kind with its fields and propagation defaults, for the wizard and `dns kinds`. */
  kinds(): DnsProviderKindDto[] {
    return this.#definitions.map((definition) => ({
      kind: definition.kind,
      label: definition.label,
      help: definition.help,
      fields: definition.fields.map(fieldDto),
      propagation: definition.propagation,
    }));
  }

  /** The definition of `kind`; throws `invalid_input` listing the known kinds when there is none. */
  definition(kind: string): DnsProviderDefinition {
    const found = this.#definitions.find((definition) => definition.kind === kind);
    if (found !== undefined) return found;
    throw invalid(`Unable to use the DNS provider kind ${JSON.stringify(kind)}, CertDesk has no such kind`,
      `Known kinds: ${this.#definitions.map((definition) => definition.kind).join(', ')}.`);
  }

  /**
   * `dns:add`: validates the request against its kind's fields ({@link validateCredentials}) and the
   * propagation settings (default: check on), runs the kind's `prepare` (which may talk to the
   * provider), then stores it, replacing a provider of the same name: secrets first, then
   * config.json, then the old provider's secrets that the new one no longer has are deleted. Throws
   * `invalid_input` for a bad name or field, or what `prepare` throws (a {@link DnsError}).
   */
  async add(request: AddDnsProviderRequest, signal?: AbortSignal): Promise<AddedDnsProvider> {
    const name = validateName('DNS provider name', request.name);
    const definition = this.definition(request.provider);
    const propagation = validatePropagation(request.propagation);
    let values = validateCredentials(definition, request.credentials);
    let note: LocalizedText | undefined;
    if (definition.prepare !== undefined) {
      const prepared = await definition.prepare(values, this.#context(), signal);
      values = validateCredentials(definition, Object.fromEntries(Object.entries(prepared.credentials).filter(([key]) => definition.fields.some((field) => field.key === key))));
      note = prepared.note;
    }
    const previous = this.#o.config.find('dnsProviders', name);
    const settings: Record<string, string> = {};
    const secretKeys: string[] = [];
    for (const field of definition.fields) {
      const value = values[field.key];
      if (value === undefined) continue;
      if (field.secret) {
        await this.#o.secrets.put(dnsSecretName(name, field.key), value);
        secretKeys.push(field.key);
      } else {
        settings[field.key] = value;
      }
    }
    const stored = toConfig(definition.kind, definition.kind === 'rfc2136' ? { tsigAlgorithm: 'hmac-sha256', ...settings } : settings, propagation);
    this.#o.config.put('dnsProviders', name, stored);
    if (previous !== undefined) {
      const keep = new Set(secretKeys.map((key) => dnsSecretName(name, key)));
      for (const secret of this.#secretNames(name, previous.provider)) {
        if (!keep.has(secret)) await this.#o.secrets.delete(secret);
      }
    }
    this.#o.logger.info('DNS provider stored', { name, provider: definition.kind, secrets: secretKeys, replaced: previous !== undefined });
    const dto = await this.#dto(name, stored);
    return note === undefined ? dto : { ...dto, note };
  }

  /** `dns:list`: every stored provider with its non-secret settings and which secrets are set, sorted by name. */
  async list(): Promise<DnsProviderDto[]> {
    return Promise.all(this.#o.config.list('dnsProviders').map(([name, config]) => this.#dto(name, config)));
  }

  /** The stored configuration of `name`; throws `not_found` naming the known ones. */
  config(name: string): DnsProviderConfig {
    return this.#o.config.get('dnsProviders', name);
  }

  /**
   * Builds the provider `name` from config.json and its secrets, with `context` (logger, prompt) over
   * the service's defaults; defaults of the kind's fields applied. Throws `not_found` for an unknown
   * name, `invalid_data` when its kind is unknown or a required secret is missing from the store,
   * or what the kind's `create` throws (a `bad_config` {@link DnsError}).
   */
  async create(name: string, context?: Partial<ProviderContext>): Promise<DnsProvider> {
    const config = this.config(name);
    const definition = this.#definitions.find((candidate) => candidate.kind === config.provider);
    if (definition === undefined) {
      throw new CertDeskError('invalid_data', `Unable to use the DNS provider ${name}, its kind ${JSON.stringify(config.provider)} is not known to this version of CertDesk`, {
        remedy: 'Update CertDesk, or add the provider again with a kind this version knows (certdesk dns kinds).',
      });
    }
    const settings = storedSettings(config);
    const credentials: Record<string, string> = {};
    for (const field of definition.fields) {
      const value = field.secret ? await this.#o.secrets.get(dnsSecretName(name, field.key)) : settings[field.key];
      if (value !== undefined && value !== '') {
        credentials[field.key] = value;
      } else if (field.defaultValue !== undefined) {
        credentials[field.key] = field.defaultValue;
      } else if (field.optional !== true) {
        throw new CertDeskError('invalid_data', `Unable to use the DNS provider ${name}, its ${field.label.en} is missing`, {
          remedy: `Add the provider again: certdesk dns add ${name} --provider ${definition.kind} ${fieldFlag(field.key)} …`,
        });
      }
    }
    return definition.create(credentials, { ...this.#context(), ...context });
  }

  /**
   * `dns:check`: builds the provider and has it prove its credentials without changing records.
   * Resolves with the zones it reaches when it can tell; rejects with the provider's {@link DnsError}
   * (auth, zone_not_found, rate_limited, network, …) or as {@link create} does.
   */
  async check(name: string, signal?: AbortSignal): Promise<DnsCheckResultDto> {
    validateName('DNS provider name', name);
    const provider = await this.create(name);
    const result = await provider.check(signal);
    this.#o.logger.info('DNS provider checked', { name, provider: provider.kind, zones: result.zones?.length });
    return { name, ok: true, ...(result.zones === undefined ? {} : { zones: result.zones }) };
  }

  /**
   * `dns:remove`: forgets a provider and deletes its secrets. Refuses with `invalid_input`, naming
   * them, while a certificate proves its domains with it; throws `not_found` for an unknown name.
   */
  async remove(name: string): Promise<void> {
    validateName('DNS provider name', name);
    const config = this.config(name);
    const users = this.#o.config.list('certificates')
      .filter(([, certificate]) => certificate.challenge.mode === 'dns' && certificate.challenge.provider === name)
      .map(([id]) => id);
    if (users.length > 0) {
      throw invalid(`Unable to remove the DNS provider ${name}, ${users.length === 1 ? 'the certificate' : 'the certificates'} ${users.join(', ')} ${users.length === 1 ? 'uses' : 'use'} it`,
        'Move them to another DNS provider (certdesk cert edit … --dns <provider>) or remove them first.');
    }
    this.#o.config.remove('dnsProviders', name);
    for (const secret of this.#secretNames(name, config.provider)) await this.#o.secrets.delete(secret);
    this.#o.logger.info('DNS provider removed', { name, provider: config.provider });
  }

  #context(): ProviderContext {
    return {
      ...this.#o.providerContext,
      logger: this.#o.logger,
      ...(this.#o.manualPrompt === undefined ? {} : { manualPrompt: this.#o.manualPrompt }),
    };
  }

  /** The SecretBox names a provider of `kind` may have stored under `name`. */
  #secretNames(name: string, kind: string): string[] {
    const definition = this.#definitions.find((candidate) => candidate.kind === kind);
    return (definition?.fields ?? []).filter((field) => field.secret).map((field) => dnsSecretName(name, field.key));
  }

  async #dto(name: string, config: DnsProviderConfig): Promise<DnsProviderDto> {
    const definition = this.#definitions.find((candidate) => candidate.kind === config.provider);
    const secrets: string[] = [];
    for (const field of definition?.fields ?? []) {
      if (!field.secret) continue;
      // A secret that no longer decrypts is still set; `check` and renewals report it.
      const stored = await this.#o.secrets.get(dnsSecretName(name, field.key)).catch(() => '');
      if (stored !== undefined) secrets.push(field.key);
    }
    const { propagation } = config;
    return {
      name,
      provider: config.provider,
      settings: storedSettings(config),
      secrets,
      propagation: {
        enabled: propagation.enabled,
        ...(propagation.resolver === undefined ? {} : { resolver: propagation.resolver }),
        ...(propagation.timeoutSeconds === undefined ? {} : { timeoutSeconds: propagation.timeoutSeconds }),
        ...(propagation.intervalSeconds === undefined ? {} : { intervalSeconds: propagation.intervalSeconds }),
      },
    };
  }
}

import path from 'node:path';
import { InvalidArgumentError, Option, type Command } from 'commander';
import type { DnsProviderDto, DnsProviderKindDto, Locale } from '../../preload/contract.ts';
import { caPresets } from '../core/acme/presets.ts';
import { revocationReasons } from '../core/acme/revocation.ts';
import type { Notifier } from '../core/alerts/notifier.ts';
import type { CertificateService, CertificateServiceOptions, CertificateSummary, ExportOutcome, RehearsalResult, RenewResult } from '../core/certificates.ts';
import type { ManualPrompt } from '../core/challenges/dns/manual.ts';
import { DnsError, dnsFailureText } from '../core/challenges/dns/dns-error.ts';
import type { CredentialField } from '../core/challenges/dns/provider.ts';
import { dnsProviderDefinitions } from '../core/challenges/dns/registry.ts';
import { fieldFlag } from '../core/dns-providers.ts';
import { openConfigStore } from '../core/config-store.ts';
import { hostPort, keyTypes, type ChallengeConfig, type KeyType, type StandbyConfig } from '../core/config/schema.ts';
import { resolveDataDir } from '../core/data-dir.ts';
import { CertDeskError, toApiError } from '../core/errors.ts';
import { createLineLogger } from '../core/logger.ts';
import type { OrderLogEntry } from '../core/log/order-log.ts';
import { dataPaths } from '../core/paths.ts';
import { openSecretBox } from '../core/secrets/key-store.ts';
import { osKeyStore } from '../core/secrets/os-keychain.ts';
import type { ExitCode } from './exit-codes.ts';
import type { CliIo } from './io.ts';
import { exitCodeFor, exitCodes } from './exit-codes.ts';
import type { messages } from './messages.ts';
import { mapBounded } from '../core/map-bounded.ts';

/** What the engine commands need from the CLI around them. */
export interface EngineCommandContext {
  readonly io: CliIo;
  readonly locale: Locale;
  readonly t: (key: keyof typeof messages) => string;
  readonly globals: () => { readonly dataDir?: string; readonly json?: boolean; readonly verbose?: boolean };
  readonly setExitCode: (code: ExitCode) => void;
}

/** What both the one-shot commands and the daemon build the engine from, for the chosen data dir. */
async function engineOptionsFor(context: EngineCommandContext): Promise<Omit<CertificateServiceOptions, 'manualPrompt'> & { readonly notifiers: ReadonlyArray<Notifier>; readonly manualPrompt?: ManualPrompt }> {
  const { io } = context;
  const options = context.globals();
  const dataDir = resolveDataDir(io, { explicit: options.dataDir, cwd: io.cwd });
  const paths = dataPaths(dataDir);
  const json = options.json === true;
  const prompt = io.manualPrompt?.(context.locale);
  const conf = openConfigStore(dataDir);
  const { printNotifier } = await import('../core/alerts/notifier.ts');
  const { webhookNotifier } = await import('../core/alerts/webhook.ts');
  const { PolicyRepository } = await import('../core/renewal/policy.ts');
  // Alerts go to stderr (they are diagnostics, not a command's result) and to the admin's webhook.
  const notifiers: Notifier[] = [printNotifier((line) => {
    io.writeErr(line.endsWith('\n') ? line : `${line}\n`);
  }, { locale: context.locale, json })];
  const alerts = new PolicyRepository(conf).effective().alerts;
  if (alerts.webhook !== undefined) notifiers.push(webhookNotifier({ url: alerts.webhook, timeoutMs: alerts.webhookTimeoutMs, locale: context.locale }));
  const logger = createLineLogger((line) => {
    io.writeErr(line);
  }, { json, quiet: options.verbose !== true });
  // The key is shared with the desktop app: the OS keychain where one answers, else secrets/.key.
  // A headless server has no keychain by nature, so the file key is logged at info (-v), not warned
  // about on every command; `certdesk info` says where the key is.
  const secrets = openSecretBox({ dataDir, secretsDir: paths.secretsDir, keyStore: osKeyStore(io.env, io.platform), logger, fileKeyLog: 'info' }).box;
  return { paths, conf, secrets, logger, notifiers, ...(prompt === undefined ? {} : { manualPrompt: prompt }) };
}

/** Opens the certificate engine on the chosen data dir for one command. */
async function openEngineFor(context: EngineCommandContext, opened: CertificateService[]): Promise<CertificateService> {
  // Loaded on first use: `--version`, `info` and `settings` never pay for acme-client and friends.
  const { CertificateService } = await import('../core/certificates.ts');
  const service = new CertificateService(await engineOptionsFor(context));
  opened.push(service);
  return service;
}

const collect = (value: string, previous: string[]): string[] => [...previous, value];

/**
 * Certificates renewed at once by `cert renew --all`. Orders spend their time waiting on the CA, so
 * eight in parallel finish 50 certificates in about half the time of four, and stay far inside
 * every public CA's limits (Let's Encrypt: 300 new orders per 3 h, requests per second per IP).
 */
const defaultConcurrency = 8;

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new InvalidArgumentError('expected a port number 1-65535');
  return port;
}

function parseHostPort(value: string): string {
  if (!hostPort.safeParse(value).success) throw new InvalidArgumentError('expected host:port, e.g. 127.0.0.1:53');
  return value;
}

function parseWhole(value: string, min: number, max: number): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number ${min}-${max}`);
  return n;
}

function parseSeconds(value: string): number {
  const seconds = Number(value);
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600) throw new InvalidArgumentError('expected whole seconds 1-3600');
  return seconds;
}

function usage(message: string, remedy: string): CertDeskError {
  return new CertDeskError('invalid_input', message, { remedy });
}

/**
 * Flags of `dns add` that are not credential fields; a field with one of these keys would clash
 * (the service's own names, and the global options).
 */
const dnsAddReservedKeys: ReadonlySet<string> = new Set(['provider', 'resolver', 'propagationCheck', 'propagationTimeout', 'propagationInterval', 'dataDir', 'json', 'verbose', 'help']);

/** `apiToken` → `CERTDESK_DNS_API_TOKEN`: where a secret field may come from instead of its flag. */
export function dnsSecretEnvName(key: string): string {
  return `CERTDESK_DNS_${key.replace(/[A-Z]/g, (letter) => `_${letter}`).toUpperCase()}`;
}

/** Environment variables read for a secret field before issue #8, still honoured. */
const legacySecretEnv: Readonly<Record<string, string>> = { tsigSecret: 'CERTDESK_TSIG_SECRET' };

/**
 * One `dns add` option per field key of every kind, with the kinds that have it. The help is the
 * field's English help; a key several kinds share (`accessKeyId`) gets its label and a pointer to
 * `dns kinds`, since where to find the value differs by kind.
 */
function dnsFieldOptions(): ReadonlyArray<{ readonly key: string; readonly kinds: ReadonlyArray<string>; readonly help: string }> {
  const byKey = new Map<string, { kinds: string[]; fields: CredentialField[] }>();
  for (const definition of dnsProviderDefinitions) {
    for (const field of definition.fields) {
      if (dnsAddReservedKeys.has(field.key)) continue;
      const entry = byKey.get(field.key) ?? { kinds: [], fields: [] };
      entry.kinds.push(definition.kind);
      entry.fields.push(field);
      byKey.set(field.key, entry);
    }
  }
  return [...byKey].map(([key, { kinds, fields }]) => {
    const [first] = fields;
    const shared = fields.length > 1;
    const extras = [
      fields.some((field) => field.secret) ? `secret; or set ${[dnsSecretEnvName(key), legacySecretEnv[key]].filter((name) => name !== undefined).join(' or ')}` : undefined,
      shared || first?.choices === undefined ? undefined : `one of ${first.choices.join(', ')}`,
      shared || first?.defaultValue === undefined ? undefined : `default ${first.defaultValue}`,
    ].filter((extra) => extra !== undefined);
    const help = shared ? `${first?.label.en ?? key}; what it is for each kind: certdesk dns kinds` : first?.help.en ?? '';
    return { key, kinds, help: `${help}${extras.length === 0 ? '' : ` (${extras.join('; ')})`}` };
  });
}

/** `dns list`'s text: one provider per line, its non-secret settings and which secrets are set. */
function formatDnsProvider(provider: DnsProviderDto): string {
  const settings = Object.entries(provider.settings).map(([key, value]) => `${key}=${value}`);
  const check = provider.propagation.enabled
    ? `propagation check${provider.propagation.resolver === undefined ? '' : ` via ${provider.propagation.resolver}`}`
    : 'no propagation check';
  return [provider.name, provider.provider, ...settings, ...(provider.secrets.length === 0 ? [] : [`secrets: ${provider.secrets.join(', ')}`]), check].join('\t');
}

/** `dns kinds`'s text: every kind, its flags, the secret ones marked. */
function formatDnsKinds(kinds: ReadonlyArray<DnsProviderKindDto>, locale: Locale): string {
  return kinds.map((kind) => [
    `${kind.kind}\t${kind.label[locale]} — ${kind.help[locale]}`,
    ...kind.fields.map((field) => `  ${fieldFlag(field.key)}${field.secret ? ' (secret)' : ''}${field.optional ? ' (optional)' : ''}\t${field.help[locale]}`),
    `  propagation: ${kind.propagation.timeoutSeconds} s, every ${kind.propagation.intervalSeconds} s`,
  ].join('\n')).join('\n');
}

/**
 * The `dns` command group: `add` (one `--<kebab-key>` option per credential field of every kind,
 * secrets also from `CERTDESK_DNS_<KEY>`), `list`, `check`, `remove`, `kinds`. A field given that the
 * chosen kind does not have is a usage error (exit 2) naming the kind's fields.
 */
function addDnsCommands(
  program: Command,
  context: EngineCommandContext,
  openEngine: (c: EngineCommandContext) => Promise<CertificateService>,
  print: (value: unknown, text: () => string) => void,
): void {
  const { io } = context;
  const dns = program.command('dns').description('manage DNS providers for DNS-01');
  const fields = dnsFieldOptions();
  const add = dns.command('add')
    .description('store a DNS provider (replaces one of the same name); see dns kinds for every kind\'s fields')
    .argument('<name>', 'a name for the provider')
    .addOption(new Option('--provider <kind>', 'provider kind').choices(dnsProviderDefinitions.map((definition) => definition.kind)).makeOptionMandatory());
  for (const field of fields) {
    add.option(`${fieldFlag(field.key)} <value>`, `${field.kinds.join(', ')}: ${field.help}`);
  }
  add
    .option('--resolver <host:port>', 'check propagation on this server instead of the zone\'s authoritative servers', parseHostPort)
    .option('--no-propagation-check', 'answer the challenge without first checking that the TXT record is visible')
    .option('--propagation-timeout <seconds>', 'how long to wait for the TXT record to become visible (default: the kind\'s, see dns kinds)', parseSeconds)
    .option('--propagation-interval <seconds>', 'how long to wait between checks (default: the kind\'s)', (value) => parseWhole(value, 1, 300))
    .action(async (name: string, options: Record<string, unknown> & { provider: string; resolver?: string; propagationCheck: boolean; propagationTimeout?: number; propagationInterval?: number }) => {
      const definition = dnsProviderDefinitions.find((candidate) => candidate.kind === options.provider);
      if (definition === undefined) throw usage(`Unable to add the DNS provider ${name}, there is no kind ${options.provider}`, 'See certdesk dns kinds.');
      const own = new Set(definition.fields.map((field) => field.key));
      const allowed = definition.fields.length === 0 ? 'none' : definition.fields.map((field) => fieldFlag(field.key)).join(', ');
      const stray = fields.filter((field) => !own.has(field.key) && options[field.key] !== undefined).map((field) => fieldFlag(field.key));
      if (stray.length > 0) {
        throw usage(`Unable to add the ${definition.kind} DNS provider ${name}, ${stray.join(', ')} ${stray.length === 1 ? 'is not one of its fields' : 'are not among its fields'}`,
          `Fields of ${definition.kind}: ${allowed}.`);
      }
      const credentials: Record<string, string> = {};
      for (const field of definition.fields) {
        const given = options[field.key];
        const legacyEnv = legacySecretEnv[field.key];
        const fromEnv = field.secret ? io.env[dnsSecretEnvName(field.key)] ?? (legacyEnv === undefined ? undefined : io.env[legacyEnv]) : undefined;
        const value = typeof given === 'string' ? given : fromEnv;
        if (value !== undefined) credentials[field.key] = value;
      }
      // A relative script path on the command line means relative to where the admin typed it (the
      // stored provider keeps the absolute path; a bare name is looked up on PATH as it is).
      const command = credentials['command'];
      if (definition.kind === 'exec' && command !== undefined && /[\\/]/.test(command) && !path.isAbsolute(command)) {
        credentials['command'] = path.resolve(io.cwd, command);
      }
      const added = await (await openEngine(context)).dns.add({
        name,
        provider: definition.kind,
        credentials,
        propagation: {
          enabled: options.propagationCheck,
          ...(options.resolver === undefined ? {} : { resolver: options.resolver }),
          ...(options.propagationTimeout === undefined ? {} : { timeoutSeconds: options.propagationTimeout }),
          ...(options.propagationInterval === undefined ? {} : { intervalSeconds: options.propagationInterval }),
        },
      }, io.signal);
      print(added, () => `Added DNS provider ${name} (${added.provider})${added.note === undefined ? '' : `\n${added.note[context.locale]}`}\nCheck its credentials with: certdesk dns check ${name}`);
    });
  dns.command('list')
    .description('list DNS providers (secrets are never shown, only which are set)')
    .action(async () => {
      const providers = await (await openEngine(context)).dns.list();
      print(providers, () => (providers.length === 0 ? 'No DNS providers yet: certdesk dns add <name> --provider …' : providers.map(formatDnsProvider).join('\n')));
    });
  dns.command('check')
    .description('check that a DNS provider\'s credentials work, without changing any record')
    .argument('<name>')
    .action(async (name: string) => {
      try {
        const result = await (await openEngine(context)).dns.check(name, io.signal);
        print(result, () => `${name}: credentials work${result.zones === undefined ? '' : `; zones: ${result.zones.length === 0 ? 'none' : result.zones.map((zone) => zone.replace(/\.$/, '')).join(', ')}`}`);
      } catch (error) {
        // The error itself stays English (it names the provider, host and credential); its kind is translated.
        if (error instanceof DnsError && context.globals().json !== true) {
          const text = dnsFailureText[error.failure];
          io.writeErr(`certdesk: ${text.title[context.locale]}${context.locale === 'en' ? '' : `：${text.remedy[context.locale]}`}\n`);
        }
        throw error;
      }
    });
  dns.command('remove')
    .description('remove a DNS provider no certificate uses, with its secrets')
    .argument('<name>')
    .action(async (name: string) => {
      await (await openEngine(context)).dns.remove(name);
      print({ name, removed: true }, () => `Removed DNS provider ${name}`);
    });
  dns.command('kinds')
    .description('list every DNS provider kind with its fields (secret ones marked)')
    .action(async () => {
      const kinds = (await openEngine(context)).dns.kinds();
      print(kinds, () => formatDnsKinds(kinds, context.locale));
    });
}

/**
 * Adds the engine's commands to `program`: `ca add|list`, `dns add|list|check|remove|kinds`, `cert
 * add|list|show|renew|export`, `log`. Each parses and validates its arguments, calls the
 * {@link CertificateService} and prints text or (`--json`) JSON; nothing else happens here.
 * Returns the function that releases what the commands opened (CA connections); call it when the
 * command is done, whether it succeeded or not.
 */
export function addEngineCommands(program: Command, context: EngineCommandContext): () => Promise<void> {
  const { io } = context;
  const opened: CertificateService[] = [];
  const openEngine = (c: EngineCommandContext): Promise<CertificateService> => openEngineFor(c, opened);
  const json = (): boolean => context.globals().json === true;
  const print = (value: unknown, text: () => string): void => {
    io.writeOut(json() ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
  };

  const ca = program.command('ca').description('manage ACME CA accounts');
  ca.command('add')
    .description('register an account with an ACME CA and store it')
    .argument('<name>', 'a name for the account, e.g. letsencrypt')
    .requiredOption('--directory <url>', `directory URL or preset: ${Object.keys(caPresets).join(', ')}`)
    .option('--email <address>', 'contact address for expiry and policy mail from the CA')
    .option('--agree-tos', "agree to the CA's terms of service")
    .option('--eab-kid <kid>', 'External Account Binding key id (ZeroSSL, Google, …)')
    .option('--eab-hmac <key>', 'External Account Binding HMAC key (base64url); or set CERTDESK_EAB_HMAC')
    .option('--ca-file <pem>', 'extra CA certificate(s) to trust for this directory (a private CA)')
    .option('--staging-directory <url>', "the CA's staging directory for rehearsals (cert renew --dry-run); known for letsencrypt")
    .action(async (name: string, options: { directory: string; email?: string; agreeTos?: boolean; eabKid?: string; eabHmac?: string; caFile?: string; stagingDirectory?: string }) => {
      const hmac = options.eabHmac ?? io.env.CERTDESK_EAB_HMAC;
      if ((options.eabKid === undefined) !== (hmac === undefined)) {
        throw usage('Unable to use External Account Binding, --eab-kid and --eab-hmac go together', 'Give both, as the CA shows them in its dashboard.');
      }
      if (options.email !== undefined && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(options.email)) {
        throw usage(`Unable to use ${JSON.stringify(options.email)} as the contact address, it is not an email address`, 'Give an address like admin@example.com.');
      }
      const service = (await openEngine(context));
      const account = await service.addAccount({
        name,
        directory: options.directory,
        email: options.email,
        agreeTos: options.agreeTos === true,
        eab: options.eabKid === undefined || hmac === undefined ? undefined : { kid: options.eabKid, hmacKey: hmac },
        caFile: options.caFile === undefined ? undefined : path.resolve(io.cwd, options.caFile),
        stagingDirectory: options.stagingDirectory,
      });
      print({ name, ...account }, () => `Registered ${name} with ${account.directoryUrl}\nAccount: ${account.accountUrl ?? ''}`);
    });
  ca.command('list')
    .description('list CA accounts')
    .action(async () => {
      const accounts = (await openEngine(context)).listAccounts();
      print(accounts, () => (accounts.length === 0 ? 'No CA accounts yet: certdesk ca add <name> --directory <url> --agree-tos' : accounts.map((a) => `${a.name}\t${a.directoryUrl}\t${a.email ?? ''}`).join('\n')));
    });

  addDnsCommands(program, context, openEngine, print);

  const cert = program.command('cert').description('manage certificates');
  cert.command('add')
    .description('define a certificate (nothing is ordered until renew)')
    .argument('<id>', 'an id for the certificate, e.g. example-com')
    .option('--domain <domain>', 'a domain for the certificate (repeat for several; *.example.com for a wildcard)', collect, [])
    .requiredOption('--ca <name>', 'the CA account to order from')
    .addOption(new Option('--key <type>', 'private key type').choices([...keyTypes]).default('ec-p256'))
    .action(async (id: string, options: ManagedOptions & { domain: string[]; ca: string; key: KeyType }) => {
      const managed = managedSettings(options, io.cwd);
      if (managed === undefined) throw usage('Unable to add the certificate, choose exactly one way to prove control of the domains', 'Give one of --dns <provider>, --http-port <port> or --webroot <dir>.');
      if (options.domain.length === 0) throw usage('Unable to add the certificate, it needs at least one --domain', 'Add --domain example.com (repeat for more names).');
      const stored = (await openEngine(context)).addCertificate({ id, domains: options.domain, ca: options.ca, challenge: managed.challenge, keyType: options.key, standby: managed.standby });
      print({ id, ...stored }, () => `Added ${id}: ${stored.domains.join(', ')}\nObtain it with: certdesk cert renew ${id}`);
    });
  addManagedOptions(cert.commands.at(-1));
  cert.command('list')
    .description('list certificates and their state')
    .action(async () => {
      const list = await (await openEngine(context)).listCertificates();
      print(list, () => (list.length === 0 ? 'No certificates yet: certdesk cert add <id> --domain <domain> --ca <account> …' : list.map(formatSummaryLine).join('\n')));
    });
  cert.command('show')
    .description('show one certificate')
    .argument('<id>')
    .action(async (id: string) => {
      const summary = await (await openEngine(context)).showCertificate(id);
      print(summary, () => formatSummary(summary, context.locale));
    });
  cert.command('renew')
    .description('obtain or renew certificates; exits 0 only when a valid certificate is stored')
    .argument('[id]')
    .option('--all', 'every certificate')
    .option('--force', 'renew even when the live certificate is not due yet')
    .option('--dry-run', "rehearse against the CA's staging directory; nothing is stored as live")
    .option('--concurrency <n>', 'how many certificates at once with --all (default 8)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 32) throw new InvalidArgumentError('expected 1-32');
      return n;
    })
    .action(async (id: string | undefined, options: { all?: boolean; force?: boolean; concurrency?: number; dryRun?: boolean }) => {
      if ((id === undefined) === (options.all !== true)) {
        throw usage('Unable to renew, give either a certificate id or --all', 'certdesk cert renew <id>, or certdesk cert renew --all');
      }
      if (options.dryRun === true && options.force === true) {
        throw usage('Unable to renew, --dry-run and --force do not go together', 'A rehearsal always runs; leave out --force.');
      }
      const service = (await openEngine(context));
      const ids = id === undefined ? service.certificateIds() : [id];
      const results = await mapBounded(ids, options.concurrency ?? defaultConcurrency, async (certId) => {
        try {
          const result = options.dryRun === true ? await service.rehearse(certId) : await service.renew(certId, { force: options.force === true });
          return { id: certId, ok: true as const, result };
        } catch (error) {
          return { id: certId, ok: false as const, error: toApiError(error) };
        }
      });
      const failed = results.filter((r) => !r.ok);
      print(results, () => results.map((r) => (r.ok ? ('directoryUrl' in r.result ? formatRehearsal(r.result) : formatRenew(r.result)) : `${r.id}: FAILED: ${r.error.message}${r.error.remedy === undefined ? '' : `\n  ${context.t('labelRemedy')}: ${r.error.remedy}`}`)).join('\n'));
      if (failed.length > 0) {
        // One exit code when every failure agrees (all bad usage → 2, all busy → 3); mixed → 1.
        const codes = new Set(failed.map((r) => exitCodeFor(r.error.code)));
        const [only] = codes;
        context.setExitCode(codes.size === 1 && only !== undefined ? only : exitCodes.failed);
      }
    });
  cert.command('export')
    .description("write the live version to its saved export targets and run their hooks, or once to --to")
    .argument('<id>')
    .option('--to <dir>', 'write once to this folder (created if missing) instead of the saved targets; no hook runs')
    .addOption(new Option('--format <format>', 'with --to: pem (cert, chain, fullchain, privkey) or pfx').choices(['pem', 'pfx']).default('pem'))
    .option('--pfx-password <password>', 'with --format pfx; or set CERTDESK_PFX_PASSWORD')
    .option('--pfx-legacy', 'with --format pfx: 3DES/SHA-1 for Windows Server 2016 and older')
    .action(async (id: string, options: { to?: string; format: 'pem' | 'pfx'; pfxPassword?: string; pfxLegacy?: boolean }) => {
      const service = await openEngine(context);
      if (options.to !== undefined) {
        const outcome = await service.exportCertificate(id, { dir: path.resolve(io.cwd, options.to), format: options.format, pfxPassword: options.pfxPassword ?? io.env.CERTDESK_PFX_PASSWORD, pfxLegacy: options.pfxLegacy });
        print(outcome, () => `Exported ${id} to ${outcome.dir}`);
        return;
      }
      const outcomes = await service.exportToTargets(id);
      if (outcomes.length === 0) throw usage(`Unable to export ${id}, it has no export targets`, `Add one (certdesk export add ${id} --to <dir>) or give --to <dir>.`);
      print(outcomes, () => outcomes.map(formatExport).join('\n'));
      if (outcomes.some((o) => !o.ok)) context.setExitCode(exitCodes.failed);
    });

  const exportTargets = program.command('export').description("manage a certificate's export targets (written after every renewal)");
  exportTargets.command('add')
    .description('save a folder the certificate is written to after every renewal, optionally with a deploy hook')
    .argument('<id>')
    .requiredOption('--to <dir>', 'the folder (it must exist)')
    .addOption(new Option('--format <format>', 'pem files or one pfx file').choices(['pem', 'pfx']).default('pem'))
    .option('--cert-name <name>', 'pem: the leaf file name (default cert.pem)')
    .option('--chain-name <name>', 'pem: the intermediates file name (default chain.pem)')
    .option('--fullchain-name <name>', 'pem: leaf + intermediates (default fullchain.pem)')
    .option('--key-name <name>', 'pem: the private key file name (default privkey.pem, 0600)')
    .option('--combined <name>', 'pem: also write fullchain + key in one file (HAProxy), 0600')
    .option('--pfx-name <name>', 'pfx: the file name (default certificate.pfx)')
    .option('--pfx-password <password>', 'pfx: the password (kept encrypted); or set CERTDESK_PFX_PASSWORD')
    .option('--pfx-legacy', 'pfx: 3DES/SHA-1 for Windows Server 2016 and older')
    .option('--hook <command>', 'a shell command run after each export, e.g. "systemctl reload nginx" (paths in CERTDESK_* variables)')
    .option('--hook-timeout <seconds>', 'how long the hook may run (default 60)', (v) => parseWhole(v, 1, 1800))
    .action(async (id: string, options: {
      to: string; format: 'pem' | 'pfx'; certName?: string; chainName?: string; fullchainName?: string; keyName?: string; combined?: string;
      pfxName?: string; pfxPassword?: string; pfxLegacy?: boolean; hook?: string; hookTimeout?: number;
    }) => {
      const names = Object.fromEntries(Object.entries({
        cert: options.certName, chain: options.chainName, fullchain: options.fullchainName, privkey: options.keyName, combined: options.combined, pfx: options.pfxName,
      }).filter(([, value]) => value !== undefined));
      const target = {
        dir: path.resolve(io.cwd, options.to),
        format: options.format,
        ...(Object.keys(names).length === 0 ? {} : { names }),
        ...(options.pfxLegacy === true ? { pfxLegacy: true } : {}),
        ...(options.hook === undefined ? {} : { hook: { command: options.hook, ...(options.hookTimeout === undefined ? {} : { timeoutMs: options.hookTimeout * 1000 }) } }),
      };
      const stored = await (await openEngine(context)).addExportTarget(id, target, options.pfxPassword ?? io.env.CERTDESK_PFX_PASSWORD);
      print(stored, () => `${id} is exported to ${stored.dir} (${stored.format}) after every renewal${stored.hook === undefined ? '' : `, then runs: ${stored.hook.command}`}\nExport now with: certdesk cert export ${id}`);
    });
  exportTargets.command('list')
    .description("a certificate's export targets")
    .argument('<id>')
    .action(async (id: string) => {
      const targets = (await openEngine(context)).listExportTargets(id);
      print(targets, () => (targets.length === 0 ? `${id} has no export targets: certdesk export add ${id} --to <dir>` : targets.map((t) => `${t.dir}\t${t.format}${t.hook === undefined ? '' : `\thook: ${t.hook.command}`}`).join('\n')));
    });
  exportTargets.command('remove')
    .description('forget an export target (its files stay)')
    .argument('<id>')
    .requiredOption('--to <dir>', 'the folder of the target')
    .action(async (id: string, options: { to: string }) => {
      const dir = path.resolve(io.cwd, options.to);
      await (await openEngine(context)).removeExportTarget(id, dir);
      print({ id, dir, removed: true }, () => `${id} is no longer exported to ${dir}`);
    });

  program.command('daemon')
    .description('renew certificates in the background until stopped (SIGTERM/SIGINT finish the current step)')
    .option('--check-interval <minutes>', 'how often to re-check every certificate (default: settings scheduler.checkInterval, 60)', (v) => {
      const n = Number(v);
      if (!Number.isFinite(n) || n < 0.01 || n > 1440) throw new InvalidArgumentError('expected minutes, 0.01-1440');
      return n;
    })
    .option('--concurrency <n>', 'how many certificates at once (default: settings scheduler.concurrency, 2)', (v) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1 || n > 32) throw new InvalidArgumentError('expected 1-32');
      return n;
    })
    .action(async (options: { checkInterval?: number; concurrency?: number }) => {
      // The daemon is the desktop app's background loop without the window: one DesktopEngine, so
      // the app and the CLI schedule, retry and alert the same way.
      const { DesktopEngine } = await import('../core/desktop.ts');
      const { manualPrompt, ...engineOptions } = await engineOptionsFor(context);
      const say = (text: string): void => {
        io.writeOut(json() ? `${JSON.stringify({ time: new Date().toISOString(), message: text })}\n` : `${new Date().toISOString()}  ${text}\n`);
      };
      const engine = new DesktopEngine({
        ...engineOptions,
        schedulerOptions: {
          ...(options.checkInterval === undefined ? {} : { checkIntervalMs: options.checkInterval * 60_000 }),
          ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
        },
        ...(manualPrompt === undefined ? {} : { certificateOptions: { manualPrompt } }),
        reporter: {
          renewed: (result) => {
            say(formatRenew(result));
          },
          failed: (id, error) => {
            say(`${id}: ${toApiError(error).message}`);
          },
          checkFailed: (error) => {
            say(`check failed: ${toApiError(error).message}`);
          },
        },
      });
      io.stopsGracefully?.();
      const stopped = new Promise<void>((resolve) => {
        const signal = io.signal;
        if (signal === undefined) return;
        if (signal.aborted) resolve();
        signal.addEventListener('abort', () => {
          resolve();
        }, { once: true });
      });
      say('daemon started');
      await engine.start();
      await stopped;
      say('stopping: finishing the current step');
      await engine.stop();
      say('daemon stopped');
    });

  cert.command('import')
    .description('import a certificate obtained elsewhere: managed (renewed by CertDesk, with --ca) or monitor-only (expiry and alerts)')
    .argument('<id>', 'an id for the certificate')
    .requiredOption('--from <file>', 'a PEM file (leaf first; may hold the key too) or a PFX/PKCS#12 file')
    .option('--key-file <pem>', 'the private key, for a managed import of a PEM file')
    .option('--pfx-password <password>', 'the PFX password; or set CERTDESK_PFX_PASSWORD')
    .option('--ca <name>', 'manage it: renew from this CA account (its domains are adopted); needs --dns, --http-port or --webroot')
    .action(async (id: string, options: ManagedOptions & { from: string; keyFile?: string; pfxPassword?: string; ca?: string }) => {
      const managed = managedSettings(options, io.cwd);
      if ((options.ca === undefined) !== (managed === undefined)) {
        throw usage('Unable to import, --ca and a way to prove control (--dns, --http-port or --webroot) go together', 'Give both to manage the certificate, or neither to only monitor it.');
      }
      const summary = await (await openEngine(context)).importCertificate(id, path.resolve(io.cwd, options.from), {
        keyFile: options.keyFile === undefined ? undefined : path.resolve(io.cwd, options.keyFile),
        pfxPassword: options.pfxPassword ?? io.env.CERTDESK_PFX_PASSWORD,
        managed: options.ca === undefined || managed === undefined ? undefined : { ca: options.ca, ...managed },
      });
      print(summary, () => `Imported ${id}: ${summary.domains.join(', ')}, valid until ${summary.notAfter ?? '?'}${summary.monitored === undefined ? `\nCertDesk renews it from ${summary.ca ?? ''} when due.` : ' (monitor-only)'}`);
    });
  addManagedOptions(cert.commands.at(-1));

  cert.command('versions')
    .description('list the stored versions of a certificate, the live one marked')
    .argument('<id>')
    .action(async (id: string) => {
      const versions = await (await openEngine(context)).listVersions(id);
      print(versions, () => (versions.length === 0 ? `${id} has no stored version yet` : versions.map((v) => [
        `${v.live ? '*' : ' '} ${String(v.version).padStart(3)}  ${v.storedAt}  ${v.source}${v.issuedBy === undefined ? '' : ` (${v.issuedBy})`}`,
        v.meta === undefined ? '' : `  serial ${v.meta.serial}, valid until ${v.meta.notAfter}`,
        v.revoked === undefined ? '' : `  REVOKED ${v.revoked.at} (${v.revoked.reason})`,
        v.damaged === undefined ? '' : `  DAMAGED: ${v.damaged}`,
      ].join('')).join('\n')));
    });
  cert.command('rollback')
    .description('make an older stored version live again (default: the one before the live version) and export it')
    .argument('<id>')
    .option('--to <version>', 'the version to make live', (v) => parseWhole(v, 1, 1_000_000))
    .action(async (id: string, options: { to?: number }) => {
      const { version, exports } = await (await openEngine(context)).rollback(id, options.to);
      print({ version: version.version, meta: version.meta, exports }, () => [`${id}: version ${version.version} is live (valid until ${version.meta.notAfter})`, ...exports.map(formatExport)].join('\n'));
      if (exports.some((e) => !e.ok)) context.setExitCode(exitCodes.failed);
    });
  cert.command('revoke')
    .description('revoke a version at its CA (default the live one, which is then renewed at once)')
    .argument('<id>')
    .addOption(new Option('--reason <reason>', 'the reason the CA records').choices(Object.keys(revocationReasons)).default('unspecified'))
    .option('--version <n>', 'the version to revoke (default: the live one)', (v) => parseWhole(v, 1, 1_000_000))
    .action(async (id: string, options: { reason: keyof typeof revocationReasons; version?: number }) => {
      const result = await (await openEngine(context)).revoke(id, { reason: options.reason, ...(options.version === undefined ? {} : { version: options.version }) });
      print(result, () => [
        `${id}: revoked version ${result.version} (serial ${result.serial}, ${result.reason})`,
        ...(result.renewal === undefined ? [] : [formatRenew(result.renewal)]),
        ...(result.renewalError === undefined ? [] : [`${id}: renewing after the revocation FAILED: ${result.renewalError.message}`]),
      ].join('\n'));
      if (result.renewalError !== undefined) context.setExitCode(exitCodes.failed);
    });

  const monitor = program.command('monitor').description('watch certificates served by TLS endpoints (monitor-only: never renewed)');
  monitor.command('add')
    .description('read the certificate a TLS endpoint serves now and on every daemon check')
    .argument('<id>', 'an id for the monitor')
    .requiredOption('--host <name>', 'the host to connect to (also sent as SNI)')
    .option('--port <port>', 'the TLS port (default 443)', parsePort)
    .option('--servername <name>', 'the SNI name, when it differs from --host')
    .action(async (id: string, options: { host: string; port?: number; servername?: string }) => {
      const summary = await (await openEngine(context)).addMonitor(id, options);
      print(summary, () => formatSummary(summary, context.locale));
    });
  monitor.command('check')
    .description('read a monitored endpoint again now')
    .argument('<id>')
    .action(async (id: string) => {
      const summary = await (await openEngine(context)).checkMonitor(id);
      print(summary, () => formatSummary(summary, context.locale));
    });
  monitor.command('remove')
    .description('stop tracking a monitor-only certificate')
    .argument('<id>')
    .action(async (id: string) => {
      (await openEngine(context)).removeMonitor(id);
      print({ id, removed: true }, () => `Stopped monitoring ${id}`);
    });

  program.command('log')
    .description("show a certificate's order log")
    .argument('<id>')
    .option('--follow', 'keep printing new entries until interrupted')
    .action(async (id: string, options: { follow?: boolean }) => {
      const service = (await openEngine(context));
      const line = (entry: OrderLogEntry): string => (json() ? JSON.stringify(entry) : `${entry.time}  ${entry.event.padEnd(20)} ${entry.message}`);
      if (options.follow === true) {
        io.stopsGracefully?.();
        const signal = io.signal ?? new AbortController().signal;
        for await (const entry of service.followLog(id, signal)) io.writeOut(`${line(entry)}\n`);
        return;
      }
      const { entries, skipped } = await service.readLog(id);
      if (json()) io.writeOut(`${JSON.stringify(entries, null, 2)}\n`);
      else for (const entry of entries) io.writeOut(`${line(entry)}\n`);
      if (skipped > 0) io.writeErr(`certdesk: warning: skipped ${skipped} damaged log line(s)\n`);
    });

  return async () => {
    await Promise.all(opened.splice(0).map((service) => service.close()));
  };
}

/** The options of `cert add` and `cert import` that say how a managed certificate proves control and fails over. */
interface ManagedOptions {
  readonly dns?: string;
  readonly httpPort?: number;
  readonly httpAddress?: string;
  readonly webroot?: string;
  readonly standbyCa?: string;
  readonly failoverAfter?: number;
  readonly failoverDays?: number;
}

/** Adds the {@link ManagedOptions} to a command. */
function addManagedOptions(command: Command | undefined): void {
  command
    ?.option('--dns <provider>', 'prove control with DNS-01 through this DNS provider')
    .option('--http-port <port>', "prove control with HTTP-01 from CertDesk's own server on this port", parsePort)
    .option('--http-address <address>', 'the address the HTTP-01 server listens on (default: all)')
    .option('--webroot <dir>', 'prove control with HTTP-01 by writing into this web server folder')
    .option('--standby-ca <account>', 'a second CA account to order from while the primary keeps failing')
    .option('--failover-after <n>', 'failed attempts at the primary before using the standby (default 3)', (v) => parseWhole(v, 1, 1000))
    .option('--failover-days <days>', 'use the standby after one failure when fewer days than this are left (default 7)', (v) => parseWhole(v, 0, 365));
}

/**
 * The challenge and standby of a managed certificate from {@link ManagedOptions}, or `undefined`
 * when no way to prove control was given. Throws `invalid_input` for combinations that do not work.
 */
function managedSettings(options: ManagedOptions, cwd: string): { challenge: ChallengeConfig; standby: StandbyConfig | undefined } | undefined {
  const chosen = [options.dns, options.httpPort, options.webroot].filter((value) => value !== undefined);
  if (chosen.length > 1) throw usage('Unable to use the certificate, choose exactly one way to prove control of the domains', 'Give one of --dns <provider>, --http-port <port> or --webroot <dir>.');
  if (options.httpAddress !== undefined && options.httpPort === undefined) {
    throw usage('Unable to use --http-address without --http-port', 'Add --http-port <port> (80 unless port 80 forwards to another port).');
  }
  if (options.standbyCa === undefined && (options.failoverAfter !== undefined || options.failoverDays !== undefined)) {
    throw usage('Unable to use --failover-after or --failover-days without --standby-ca', 'Add --standby-ca <account>.');
  }
  if (chosen.length === 0) {
    if (options.standbyCa !== undefined) throw usage('Unable to use --standby-ca for a certificate CertDesk does not renew', 'Give --ca and a way to prove control.');
    return undefined;
  }
  const challenge: ChallengeConfig =
    options.dns !== undefined
      ? { type: 'dns-01', mode: 'dns', provider: options.dns }
      : options.httpPort !== undefined
        ? { type: 'http-01', mode: 'standalone', address: options.httpAddress ?? '::', port: options.httpPort }
        : { type: 'http-01', mode: 'webroot', root: path.resolve(cwd, options.webroot ?? '') };
  const standby = options.standbyCa === undefined ? undefined : {
    ca: options.standbyCa,
    ...(options.failoverAfter === undefined ? {} : { afterFailures: options.failoverAfter }),
    ...(options.failoverDays === undefined ? {} : { daysLeft: options.failoverDays }),
  };
  return { challenge, standby };
}

function formatExport(o: ExportOutcome): string {
  const head = o.ok ? `exported to ${o.dir} (${o.format})` : `export to ${o.dir} FAILED: ${o.error ?? ''}`;
  return o.hook === undefined ? head : `${head}\n  hook ${o.hook.ok ? 'ran' : 'FAILED'}${o.hook.output.trim() === '' ? '' : `: ${o.hook.output.trim().split('\n').slice(-3).join(' | ')}`}`;
}


function formatSummaryLine(s: CertificateSummary): string {
  return `${s.id}\t${s.status}${s.monitored === undefined ? '' : ' (monitored)'}\t${s.notAfter ?? '-'}\t${s.domains.join(',')}`;
}

const renewalBasisText: Readonly<Record<string, string>> = {
  ari_window: "inside the CA's ARI window",
  fraction_remaining: 'when 1/3 of the lifetime remains (renewal.remainingFraction)',
  days_before_expiry: 'renewal.daysBeforeExpiry before expiry',
  emergency: 'emergency: the end of the lifetime is near',
};

function formatSummary(s: CertificateSummary, locale: Locale): string {
  const lines = [`${s.id}: ${s.status}`, `  domains:   ${s.domains.join(', ')}`];
  if (s.monitored !== undefined) lines.push(`  monitored: ${s.monitored === 'import' ? 'imported certificate (not renewed by CertDesk)' : 'served by a TLS endpoint (not renewed by CertDesk)'}`);
  else lines.push(`  CA:        ${s.ca ?? ''} (${s.challenge ?? ''})`);
  if (s.endpoint !== undefined) {
    const deployed = { same: 'the same certificate CertDesk holds', older: 'OLDER than the one CertDesk holds: deploy the renewed certificate', newer: 'newer than the one CertDesk holds', other: 'a different certificate', none: 'CertDesk holds no certificate for this name' }[s.endpoint.deployed];
    lines.push(`  endpoint:  ${s.endpoint.host}:${s.endpoint.port}: ${deployed}${s.endpoint.heldBy === undefined ? '' : ` (${s.endpoint.heldBy})`}`);
  }
  if (s.notAfter !== undefined) {
    lines.push(`  valid:     ${s.notBefore ?? ''} → ${s.notAfter}`, `  issuer:    ${s.issuer ?? ''}`, `  serial:    ${s.serial ?? ''}`);
    if (s.version !== undefined) lines.push(`  version:   ${s.version}`);
  }
  if (s.renewAt !== undefined) lines.push(`  renews:    ${s.renewAt} (${renewalBasisText[s.renewalBasis ?? ''] ?? s.renewalBasis ?? ''})`);
  if (s.ariWindow !== undefined) lines.push(`  ARI:       ${s.ariWindow.start} → ${s.ariWindow.end}${s.ariWindow.explanationUrl === undefined ? '' : ` (${s.ariWindow.explanationUrl})`}`);
  if (s.attempts !== undefined) {
    const a = s.attempts;
    if (a.count > 0) lines.push(`  attempts:  ${a.count} failed since ${a.firstFailureAt}${a.stopped === undefined ? '' : `; automatic retries stopped (${a.stopped}) until you run: certdesk cert renew ${s.id}`}`);
    lines.push(`  last error (${a.lastError.at}): ${a.lastError.explanation[locale] ?? a.lastError.message}`, `    CA said:  ${a.lastError.message}`, `    remedy:   ${a.lastError.remedy[locale] ?? ''}`);
  } else if (s.lastProblem !== undefined) {
    lines.push(`  last problem (${s.lastProblem.at}): ${s.lastProblem.detail ?? s.lastProblem.type}`);
  }
  if (s.nextAttemptAt !== undefined) lines.push(`  next attempt: ${s.nextAttemptAt}`);
  if (s.rehearsal !== undefined) lines.push(`  rehearsal: ${s.rehearsal.ok ? 'succeeded' : `FAILED: ${s.rehearsal.message ?? ''}`} (${s.rehearsal.at})`);
  if (s.budget !== undefined && s.budget.length > 0) {
    lines.push('  budget:');
    for (const b of s.budget) {
      lines.push(`    ${b.limit.padEnd(22)} ${b.exempt ? 'exempt (renewal)' : `${b.left} of ${b.max} left`}  [${b.scope}]${b.left === 0 && !b.exempt ? ` until ${b.allowedAt}` : ''}`);
    }
  }
  return lines.join('\n');
}

function formatRenew(r: RenewResult): string {
  const until = r.meta === undefined ? '' : `, valid until ${r.meta.notAfter}`;
  if (r.renewed) return `${r.id}: obtained version ${r.version ?? ''}${until}`;
  switch (r.reason) {
    case 'waiting':
      return `${r.id}: waiting for the next attempt at ${r.nextAttemptAt ?? '?'}`;
    case 'stopped':
      return `${r.id}: automatic retries stopped; fix the cause, then: certdesk cert renew ${r.id}`;
    default:
      return `${r.id}: not due${r.meta === undefined ? '' : ` (valid until ${r.meta.notAfter})`}; use --force to renew now`;
  }
}

function formatRehearsal(r: RehearsalResult): string {
  return `${r.id}: rehearsal against ${r.directoryUrl} succeeded (a certificate valid until ${r.meta.notAfter} was issued and discarded; nothing stored)`;
}

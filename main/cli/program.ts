import { Command, CommanderError, Option } from 'commander';
import type { AppInfo, Locale, Settings } from '../../preload/contract.ts';
import { openConfigStore, settingsStoreFromConf, type ConfLike } from '../core/config-store.ts';
import { ConfigRepository } from '../core/config/repository.ts';
import { CertDeskError } from '../core/errors.ts';
import { describePolicySettings, PolicyRepository, policySettingKeys } from '../core/renewal/policy.ts';
import { resolveDataDir } from '../core/data-dir.ts';
import { toApiError } from '../core/errors.ts';
import { localeFromEnv } from '../core/i18n.ts';
import type { Translations } from '../core/i18n.ts';
import { createLineLogger } from '../core/logger.ts';
import { dataPaths } from '../core/paths.ts';
import { describeSecretsKey, inspectSecretsKey, type SecretsKeyStatus } from '../core/secrets/key-store.ts';
import { osKeyStore } from '../core/secrets/os-keychain.ts';
import { CertDeskService } from '../core/service.ts';
import { settingFromText, settingKeys } from '../core/settings.ts';
import { createAppInfo, version } from '../core/version.ts';
import { exitCodeFor, exitCodes, type ExitCode } from './exit-codes.ts';
import { addEngineCommands } from './engine-commands.ts';
import type { CliIo } from './io.ts';

export type { CliIo } from './io.ts';
import { messages } from './messages.ts';

interface GlobalOptions {
  readonly dataDir?: string;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/**
 * Runs the `certdesk` CLI with `argv` (without the node and script paths) and resolves to its exit
 * code (see `exit-codes.ts`). Never calls `process.exit`; the entry point does.
 */
export async function runCli(argv: ReadonlyArray<string>, io: CliIo): Promise<ExitCode> {
  const locale = localeFromEnv(io.env);
  const t = (key: keyof typeof messages): string => messages[key][locale];
  let exitCode: ExitCode = exitCodes.ok;
  const { program, close } = buildProgram(io, locale, t, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version end in a CommanderError too; only a real parse error is bad usage.
      const benign = ['commander.helpDisplayed', 'commander.version', 'commander.help'];
      return benign.includes(error.code) && error.exitCode === 0 ? exitCodes.ok : exitCodes.usage;
    }
    const apiError = toApiError(error);
    const json = program.opts<GlobalOptions>().json === true;
    if (json) {
      io.writeErr(`${JSON.stringify({ error: apiError })}\n`);
    } else {
      io.writeErr(`certdesk: ${apiError.message}\n`);
      if (apiError.remedy !== undefined) io.writeErr(`${t('labelRemedy')}: ${apiError.remedy}\n`);
    }
    return exitCodeFor(apiError.code);
  } finally {
    await close();
  }
}

function buildProgram(
  io: CliIo,
  locale: Locale,
  t: (key: keyof typeof messages) => string,
  setExitCode: (code: ExitCode) => void,
): { program: Command; close: () => Promise<void> } {
  const program = new Command('certdesk')
    .description(t('description'))
    .version(version, '-V, --version', t('optVersion'))
    .helpOption('-h, --help', t('optHelp'))
    .helpCommand('help [command]', t('cmdHelp'))
    .addOption(new Option('--data-dir <path>', t('optDataDir')))
    .addOption(new Option('--json', t('optJson')))
    .addOption(new Option('-v, --verbose', t('optVerbose')))
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => { io.writeOut(s); }, writeErr: (s) => { io.writeErr(s); } });

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  const print = (value: unknown, text: () => string): void => {
    io.writeOut(globals().json === true ? `${JSON.stringify(value, null, 2)}\n` : `${text()}\n`);
  };

  program
    .command('info')
    .description(t('cmdInfo'))
    .action(async () => {
      let info: AppInfo | undefined;
      withService(io, globals(), (service) => {
        info = service.appInfo();
      });
      if (info === undefined) return;
      const shown = info;
      const secretsKey = await secretsKeyStatus(io, shown.dataDir);
      print({ ...shown, secretsKey: secretsKey.json }, () => `${formatInfo(shown, t)}\n${t('labelSecretsKey')}: ${secretsKey.text[locale]}`);
    });

  const settings = program.command('settings').description(t('cmdSettings'));
  settings
    .command('show', { isDefault: true })
    .description(t('cmdSettingsShow'))
    .option('--ca <account>', 'show the policy of one CA account (its retry and rate-limit overrides)')
    .action((options: { ca?: string }) => {
      withService(io, globals(), (service, policy) => {
        const value = service.getSettings();
        let rows: ReturnType<PolicyRepository['show']> = [];
        try {
          rows = policy.show(options.ca);
        } catch (error) {
          // A damaged config.json must not hide the app settings (their defaults); say why the policy is missing.
          if (options.ca !== undefined) throw error;
          io.writeErr(`certdesk: warning: ${toApiError(error).message}\n`);
        }
        print({ ...value, policy: Object.fromEntries(rows.map((row) => [row.key, row.value])) }, () => formatSettings(value, rows));
      });
    });
  settings
    .command('get')
    .description('print one setting')
    .argument('<key>', `${t('argKey')}: ${settingKeys.join(' | ')} | ${policySettingKeys.join(' | ')}`)
    .option('--ca <account>', 'the value for one CA account')
    .action((key: string, options: { ca?: string }) => {
      withService(io, globals(), (service, policy) => {
        const value = (settingKeys as ReadonlyArray<string>).includes(key)
          ? service.getSettings()[key as keyof Settings]
          : policy.show(options.ca).find((row) => row.key === key)?.value ?? policy.policy.get(key);
        print({ [key]: value ?? null }, () => (value === undefined ? '' : String(value)));
      });
    });
  settings
    .command('set')
    .description(t('cmdSettingsSet'))
    .argument('<key>', `${t('argKey')}: ${settingKeys.join(' | ')} | ${policySettingKeys.join(' | ')}`)
    .argument('<value>', t('argValue'))
    .option('--ca <account>', 'set it for one CA account only (retry.* and rateLimits.*)')
    .addHelpText('after', `\nPolicy settings:\n${describePolicySettings()}`)
    .action((key: string, value: string, options: { ca?: string }) => {
      withService(io, globals(), (service, policy) => {
        // Anything but a policy key is an app setting (language, theme); updateSettings names unknown keys.
        if (!policySettingKeys.includes(key)) {
          if (options.ca !== undefined) throw new CertDeskError('invalid_input', `Unable to set ${key} for one CA account, it is an app setting`, { remedy: 'Leave out --ca.' });
          const next = service.updateSettings({ [key]: settingFromText(key, value) });
          print(next, () => formatSettings(next, []));
          return;
        }
        policy.set(key, value, options.ca);
        const shown = policy.show(options.ca).find((row) => row.key === key)?.value ?? value;
        print({ [key]: shown }, () => `${key} = ${shown}${options.ca === undefined ? '' : ` (CA account ${options.ca})`}`);
      });
    });
  settings
    .command('unset')
    .description('remove a policy setting so its default applies')
    .argument('<key>', policySettingKeys.join(' | '))
    .option('--ca <account>', 'remove the override of one CA account')
    .action((key: string, options: { ca?: string }) => {
      withService(io, globals(), (_service, policy) => {
        policy.set(key, undefined, options.ca);
        const shown = policy.show(options.ca).find((row) => row.key === key)?.value ?? '';
        print({ [key]: shown }, () => `${key} = ${shown} (default)`);
      });
    });

  const close = addEngineCommands(program, { io, locale, t, globals, setExitCode });

  // Every command's help ends with the exit codes scripts rely on.
  for (const command of [program, ...program.commands, ...program.commands.flatMap((c) => c.commands)]) {
    command.addHelpText('after', `\n${t('exitCodes')}`);
  }

  // `certdesk` alone is a usage error that shows the help, as for an unknown command.
  program.action(() => {
    program.outputHelp({ error: true });
    setExitCode(exitCodes.usage);
  });
  return { program, close };
}

/** The renewal policy in config.json, with the CA accounts it may name (for `settings --ca`). */
interface PolicySettings {
  readonly policy: PolicyRepository;
  show(ca: string | undefined): ReturnType<PolicyRepository['show']>;
  set(key: string, value: string | undefined, ca: string | undefined): void;
}

function policySettingsFor(conf: ConfLike): PolicySettings {
  const policy = new PolicyRepository(conf);
  const accounts = new ConfigRepository(conf);
  const account = (ca: string | undefined): { name: string; directoryUrl: string } | undefined =>
    ca === undefined ? undefined : { name: ca, directoryUrl: accounts.get('accounts', ca).directoryUrl };
  return {
    policy,
    show: (ca) => policy.show(account(ca)),
    set: (key, value, ca) => {
      policy.set(key, value, ca === undefined ? {} : { ca }, accounts.list('accounts').map(([name]) => name));
    },
  };
}

/** Opens the service on the chosen data dir for one command and always closes it. */
function withService(io: CliIo, options: GlobalOptions, run: (service: CertDeskService, policy: PolicySettings) => void): void {
  const dataDir = resolveDataDir(io, { explicit: options.dataDir, cwd: io.cwd });
  const conf = openConfigStore(dataDir);
  const logger = createLineLogger((line) => { io.writeErr(line); }, { json: options.json === true, quiet: options.verbose !== true });
  const service = new CertDeskService({
    info: createAppInfo({ dataDir, runtime: 'node', versions: { node: process.versions.node } }),
    settings: settingsStoreFromConf(conf),
    logger,
  });
  try {
    run(service, policySettingsFor(conf));
  } finally {
    service.close();
  }
}

/**
 * Where the data dir's secrets key lives (the OS keychain or the key file), for `info`; reads only,
 * creating nothing. A damaged marker is shown as its error rather than failing the command.
 */
async function secretsKeyStatus(io: CliIo, dataDir: string): Promise<{ readonly json: SecretsKeyStatus | { readonly store: 'unknown'; readonly error: string }; readonly text: Translations }> {
  try {
    const status = await inspectSecretsKey({ dataDir, secretsDir: dataPaths(dataDir).secretsDir, keyStore: osKeyStore(io.env, io.platform) });
    return { json: status, text: describeSecretsKey(status) };
  } catch (error) {
    const message = toApiError(error).message;
    return { json: { store: 'unknown', error: message }, text: { en: message, 'zh-CN': message } };
  }
}

function formatInfo(info: AppInfo, t: (key: keyof typeof messages) => string): string {
  const runtime = info.versions.electron === undefined ? `Node ${info.versions.node}` : `Electron ${info.versions.electron}`;
  return [
    `${info.name} ${info.version}`,
    `${t('labelRuntime')}: ${runtime}`,
    `${t('labelPlatform')}: ${info.platform}/${info.arch}`,
    `${t('labelDataDir')}: ${info.dataDir}`,
  ].join('\n');
}

function formatSettings(settings: Settings, policy: ReturnType<PolicyRepository['show']>): string {
  return [
    ...settingKeys.map((key) => `${key} = ${String(settings[key])}`),
    ...policy.map((row) => `${row.key} = ${row.value}${row.isDefault ? ' (default)' : ''}`),
  ].join('\n');
}

import { Command, CommanderError, Option } from 'commander';
import type { AppInfo, Locale, Settings } from '../../preload/contract.ts';
import { openConfigStore, settingsStoreFromConf } from '../core/config-store.ts';
import { resolveDataDir } from '../core/data-dir.ts';
import { toApiError } from '../core/errors.ts';
import { localeFromEnv } from '../core/i18n.ts';
import { createLineLogger } from '../core/logger.ts';
import { CertDeskService } from '../core/service.ts';
import { settingKeys } from '../core/settings.ts';
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
    .action(() => {
      withService(io, globals(), (service) => {
        const info = service.appInfo();
        print(info, () => formatInfo(info, t));
      });
    });

  const settings = program.command('settings').description(t('cmdSettings'));
  settings
    .command('show', { isDefault: true })
    .description(t('cmdSettingsShow'))
    .action(() => {
      withService(io, globals(), (service) => {
        const value = service.getSettings();
        print(value, () => formatSettings(value));
      });
    });
  settings
    .command('set')
    .description(t('cmdSettingsSet'))
    .argument('<key>', `${t('argKey')}: ${settingKeys.join(' | ')}`)
    .argument('<value>', t('argValue'))
    .action((key: string, value: string) => {
      withService(io, globals(), (service) => {
        const next = service.updateSettings({ [key]: value });
        print(next, () => formatSettings(next));
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

/** Opens the service on the chosen data dir for one command and always closes it. */
function withService(io: CliIo, options: GlobalOptions, run: (service: CertDeskService) => void): void {
  const dataDir = resolveDataDir(io, { explicit: options.dataDir, cwd: io.cwd });
  const logger = createLineLogger((line) => { io.writeErr(line); }, { json: options.json === true, quiet: options.verbose !== true });
  const service = new CertDeskService({
    info: createAppInfo({ dataDir, runtime: 'node', versions: { node: process.versions.node } }),
    settings: settingsStoreFromConf(openConfigStore(dataDir)),
    logger,
  });
  try {
    run(service);
  } finally {
    service.close();
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

function formatSettings(settings: Settings): string {
  return settingKeys.map((key) => `${key} = ${settings[key]}`).join('\n');
}

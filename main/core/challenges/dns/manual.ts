import { createInterface } from 'node:readline/promises';
import type { Locale } from '../../../../preload/contract.ts';
import type { Translations } from '../../i18n.ts';
import { DnsError } from './dns-error.ts';
import { displayName } from './names.ts';
import type { DnsProvider, DnsProviderDefinition } from './provider.ts';

/** The record the admin is asked to create or may remove. */
export interface ManualRecord {
  /** Absolute, with the trailing dot, as a zone file wants it: `_acme-challenge.example.com.`. */
  readonly fqdn: string;
  /** The same without the trailing dot, as most DNS control panels want it. */
  readonly name: string;
  readonly type: 'TXT';
  readonly value: string;
}

/**
 * How the manual provider talks to the admin; the CLI passes {@link createTerminalPrompt}, the GUI a
 * dialog. Calls are never concurrent: the provider asks one question at a time.
 */
export interface ManualPrompt {
  /**
   * Shows the record to create and resolves once the admin confirms it exists. Rejects (ideally with
   * a `prompt_unavailable` {@link DnsError}) when nobody can be asked, or when the admin declines.
   */
  confirmPresent(record: ManualRecord): Promise<void>;
  /** Tells the admin the record may now be removed; may resolve at once without waiting. */
  notifyCleanup(record: ManualRecord): Promise<void>;
}

/** Options for {@link createManualProvider}. */
export interface ManualOptions {
  readonly prompt: ManualPrompt;
}

function recordOf(fqdn: string, value: string): ManualRecord {
  const absolute = fqdn.endsWith('.') ? fqdn : `${fqdn}.`;
  return { fqdn: absolute, name: displayName(absolute), type: 'TXT', value };
}

/**
 * Creates the manual provider: `present` shows the admin the TXT record to create (name and value)
 * and waits for confirmation; `cleanup` tells them it may be removed. Questions are asked one at a
 * time even when an order presents several challenges at once (a wildcard and its apex give two
 * values on one name: the admin creates both). Rejections of the prompt pass through unchanged.
 * `check()` always succeeds: there are no credentials to validate.
 */
export function createManualProvider(options: ManualOptions): DnsProvider {
  let queue: Promise<unknown> = Promise.resolve();
  const serialised = <T>(task: () => Promise<T>): Promise<T> => {
    const next = queue.then(task, task);
    queue = next.catch(() => undefined);
    return next;
  };
  return {
    kind: 'manual',
    present: (fqdn, value) => serialised(() => options.prompt.confirmPresent(recordOf(fqdn, value))),
    cleanup: (fqdn, value) => serialised(() => options.prompt.notifyCleanup(recordOf(fqdn, value))),
    // Nothing to validate: the admin is the credential.
    check: () => Promise.resolve({}),
  };
}

/** The terminal prompt's text. `{name}`, `{fqdn}` and `{value}` are filled in. */
export const manualPromptText = {
  present: {
    en: 'Create this DNS record, wait until it is published, then press Enter:\n  name:  {name}\n  type:  TXT\n  value: {value}\n  (zone-file form: {fqdn} 60 IN TXT "{value}")\n',
    'zh-CN': '请创建以下 DNS 记录，等待其生效后按回车键继续：\n  主机记录：{name}\n  记录类型：TXT\n  记录值：  {value}\n  （区域文件格式：{fqdn} 60 IN TXT "{value}"）\n',
  },
  cleanup: {
    en: 'The challenge is over: you may now delete the TXT record {name} with the value {value}.\n',
    'zh-CN': '验证已结束：现在可以删除主机记录 {name} 上值为 {value} 的 TXT 记录。\n',
  },
} as const satisfies Record<string, Translations>;

/** Errors stay English like every CertDeskError; the UI translates by `failure`. */
const NO_TERMINAL_REMEDY = 'Run the command in an interactive terminal, or use the exec or RFC 2136 DNS provider for unattended renewals.';

function fill(template: string, record: ManualRecord): string {
  return template.replaceAll('{name}', record.name).replaceAll('{fqdn}', record.fqdn).replaceAll('{value}', record.value);
}

/** Options for {@link createTerminalPrompt}. */
export interface TerminalPromptOptions {
  /** Where Enter is read from, usually `process.stdin`; must be a TTY. */
  readonly input: NodeJS.ReadableStream & { readonly isTTY?: boolean | undefined };
  /** Where the instructions go, usually `process.stderr` (stdout may be `--json`). */
  readonly output: NodeJS.WritableStream;
  readonly locale: Locale;
}

/**
 * The CLI's {@link ManualPrompt}: prints the record and waits for Enter on a terminal. Rejects with a
 * `prompt_unavailable` {@link DnsError} when `input` is not a TTY (cron, a pipe: nobody would ever
 * press Enter) or closes before Enter. Cleanup only prints.
 */
export function createTerminalPrompt(options: TerminalPromptOptions): ManualPrompt {
  const text = (key: keyof typeof manualPromptText): string => manualPromptText[key][options.locale];
  return {
    confirmPresent: async (record) => {
      if (options.input.isTTY !== true) {
        throw new DnsError('prompt_unavailable', 'Unable to ask for the manual DNS record, standard input is not a terminal', { remedy: NO_TERMINAL_REMEDY });
      }
      const readline = createInterface({ input: options.input, output: options.output, terminal: false });
      try {
        await new Promise<void>((resolve, reject) => {
          const onClose = (): void => {
            reject(new DnsError('prompt_unavailable', 'Unable to confirm the manual DNS record, standard input closed before Enter was pressed', { remedy: NO_TERMINAL_REMEDY }));
          };
          readline.once('close', onClose);
          readline.question(fill(text('present'), record)).then(() => {
            readline.off('close', onClose);
            resolve();
          }, reject);
        });
      } finally {
        readline.close();
      }
    },
    notifyCleanup: (record) => {
      options.output.write(fill(text('cleanup'), record));
      return Promise.resolve();
    },
  };
}

/** The prompt of a manual provider built where nobody can be asked (the GUI without a dialog, a daemon). */
const unavailablePrompt: ManualPrompt = {
  confirmPresent: () => Promise.reject(new DnsError('prompt_unavailable', 'Unable to ask for the manual DNS record here, nobody can be asked to create it', {
    remedy: 'Run the renewal from a terminal (certdesk cert renew …) or use an automatic DNS provider.',
  })),
  notifyCleanup: () => Promise.resolve(),
};

/**
 * The `manual` kind: no fields; the admin creates the record when asked through
 * `context.manualPrompt` (without one, `present` rejects with `prompt_unavailable` and `check()`
 * still succeeds). Propagation defaults: 600 s, every 10 s, since hand-made records in a web
 * console often take minutes to publish.
 */
export const manualDefinition: DnsProviderDefinition = {
  kind: 'manual',
  label: { en: 'Manual', 'zh-CN': '手动' },
  help: {
    en: 'CertDesk shows the TXT record and waits until you have created it. Not for unattended renewals.',
    'zh-CN': 'CertDesk 显示 TXT 记录并等待您手动创建。不适用于无人值守的自动续期。',
  },
  fields: [],
  propagation: { timeoutSeconds: 600, intervalSeconds: 10 },
  create: (_credentials, context) => createManualProvider({ prompt: context.manualPrompt ?? unavailablePrompt }),
};

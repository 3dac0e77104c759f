import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { caPresets } from '../../../../../main/core/acme/presets.ts';
import { openConfigStore, type ConfLike } from '../../../../../main/core/config-store.ts';
import { CertDeskError } from '../../../../../main/core/errors.ts';
import {
  PolicyRepository,
  describePolicySettings,
  formatDuration,
  parseDuration,
  policySettingKeys,
  type EffectivePolicy,
} from '../../../../../main/core/renewal/policy.ts';
import { thrown } from '../../support/thrown.ts';
import { useClosers, useTempDir } from '../../support/temp-dir.ts';

const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

const leUrl = 'https://acme-v02.api.letsencrypt.org/directory';
const leStagingUrl = 'https://acme-staging-v02.api.letsencrypt.org/directory';
const otherUrl = 'https://acme.example.net/directory';
const le = { name: 'le', directoryUrl: leUrl };
const pebble = { name: 'pebble', directoryUrl: otherUrl };
const known = ['le', 'pebble'];

/** The keys that apply to every certificate, never to one CA account. */
const globalOnlyKeys = [
  'renewal.remainingFraction',
  'renewal.daysBeforeExpiry',
  'renewal.emergencyFraction',
  'scheduler.checkInterval',
  'scheduler.concurrency',
  'vault.keepVersions',
  'alerts.thresholds',
  'alerts.webhook',
  'alerts.webhookTimeout',
];
/** The keys that may be set per CA account. */
const perCaKeys = [
  'retry.firstDelay',
  'retry.factor',
  'retry.maxDelay',
  'retry.jitter',
  'retry.maxAttempts',
  'retry.giveUpAfter',
  'rateLimits.preset',
  'rateLimits.newOrders',
  'rateLimits.failedValidations',
  'rateLimits.duplicateCertificates',
  'rateLimits.certificatesPerDomain',
];

function invalid(fn: () => unknown, code: 'invalid_input' | 'invalid_data' = 'invalid_input'): CertDeskError {
  const error = thrown(fn);
  expect(error).toBeInstanceOf(CertDeskError);
  expect((error as CertDeskError).code).toBe(code);
  return error as CertDeskError;
}

describe('parseDuration', () => {
  const valid: ReadonlyArray<readonly [string, number]> = [
    ['500ms', 500],
    ['1s', second],
    ['90s', 90 * second],
    ['1m', minute],
    ['1.5h', 90 * minute],
    ['6h', 6 * hour],
    ['30d', 30 * day],
    [' 10s ', 10 * second],
    ['1 m', minute],
    ['0.5s', 500],
  ];
  it.each(valid)('%j → %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  const refused = ['60', '', ' ', 'm', '1x', '1M', '-1m', '0s', '0ms', '0.0001ms', '1e3s', '1h30m', 'soon', 'Infinityd', '.5s'];
  it.each(refused)('refuses %j as invalid_input that asks for a unit', (text) => {
    const error = invalid(() => parseDuration(text));
    expect(error.message).toContain('a duration with a unit');
  });
});

describe('formatDuration', () => {
  const rows: ReadonlyArray<readonly [number, string]> = [
    [500, '500ms'],
    [1500, '1500ms'],
    [second, '1s'],
    [90 * second, '90s'],
    [minute, '1m'],
    [90 * minute, '90m'],
    [6 * hour, '6h'],
    [36 * hour, '36h'],
    [day, '1d'],
    [30 * day, '30d'],
  ];
  it.each(rows)('%d ms → %s, which parseDuration reads back', (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('PolicyRepository', () => {
  const tempDir = useTempDir('policy');
  const onCleanup = useClosers();

  function open(): ConfLike {
    const conf = openConfigStore(tempDir());
    onCleanup(() => {
      conf._closeWatcher();
    });
    return conf;
  }
  const repo = (): PolicyRepository => new PolicyRepository(open());
  const configFile = (): string => path.join(tempDir(), 'config.json');
  const storedPolicy = async (): Promise<unknown> => (JSON.parse(await readFile(configFile(), 'utf8')) as { policy?: unknown }).policy;

  describe('effective() defaults', () => {
    const defaults: EffectivePolicy = {
      renewal: { remainingFraction: 1 / 3, emergencyFraction: 1 / 20 },
      retry: { firstDelayMs: minute, factor: 2, maxDelayMs: 6 * hour, jitter: 0.2, giveUpAfterMs: 30 * day },
      rateLimits: {},
      checkIntervalMs: hour,
      concurrency: 2,
      keepVersions: 5,
      alerts: { thresholds: [30, 14, 7, 3, 1], webhookTimeoutMs: 10 * second },
    };

    it('gives every default on an empty data dir, without creating config.json', () => {
      expect(repo().effective()).toStrictEqual(defaults);
      expect(existsSync(configFile())).toBe(false);
    });

    const letsEncrypt = {
      newOrders: { max: 300, windowMs: 3 * hour, exempt: ['ari', 'same_identifiers'] },
      failedValidations: { max: 5, windowMs: hour, exempt: ['ari'] },
      duplicateCertificates: { max: 5, windowMs: 7 * day, exempt: ['ari'] },
      certificatesPerDomain: { max: 50, windowMs: 7 * day, exempt: ['ari', 'same_identifiers'] },
    };
    const letsEncryptStaging = {
      newOrders: { max: 1500, windowMs: 3 * hour, exempt: ['ari', 'same_identifiers'] },
      failedValidations: { max: 200, windowMs: hour, exempt: ['ari'] },
      duplicateCertificates: { max: 30_000, windowMs: 7 * day, exempt: ['ari'] },
      certificatesPerDomain: { max: 30_000, windowMs: 7 * day, exempt: ['ari', 'same_identifiers'] },
    };
    const byDirectory = [
      { name: "Let's Encrypt production", directoryUrl: leUrl, limits: letsEncrypt },
      { name: "Let's Encrypt staging", directoryUrl: leStagingUrl, limits: letsEncryptStaging },
      { name: 'ZeroSSL', directoryUrl: caPresets.zerossl.url, limits: {} },
      { name: 'Google', directoryUrl: caPresets.google.url, limits: {} },
      { name: 'Pebble on loopback', directoryUrl: 'https://localhost:14000/dir', limits: {} },
      { name: "a URL that only resembles Let's Encrypt's", directoryUrl: `${leUrl}/`, limits: {} },
    ];
    it.each(byDirectory)('rate limits for an account on $name', ({ directoryUrl, limits }) => {
      const policy = repo().effective({ name: 'acct', directoryUrl });
      expect(policy.rateLimits).toStrictEqual(limits);
      expect({ ...policy, rateLimits: {} }).toStrictEqual(defaults);
    });

    it('the staging limits are at least the production ones, so a rehearsal is never refused where production passes', () => {
      for (const [name, limit] of Object.entries(letsEncrypt)) {
        const staging = letsEncryptStaging[name as keyof typeof letsEncryptStaging];
        expect(staging.max / staging.windowMs).toBeGreaterThanOrEqual(limit.max / limit.windowMs);
        expect(staging.exempt).toStrictEqual(limit.exempt);
      }
    });
  });

  describe('set and get, one key at a time', () => {
    interface Row {
      readonly key: string;
      readonly value: string;
      /** What lands in config.json under `policy`. */
      readonly stored: unknown;
      /** What get() gives back. */
      readonly shown: string;
      /** The effective policy seen through `pick`. */
      readonly pick: (policy: EffectivePolicy) => unknown;
      readonly effective: unknown;
      readonly account?: { readonly name: string; readonly directoryUrl: string };
    }
    const rows: ReadonlyArray<Row> = [
      { key: 'renewal.remainingFraction', value: '1/4', stored: { renewal: { remainingFraction: 0.25 } }, shown: '0.25', pick: (p) => p.renewal.remainingFraction, effective: 0.25 },
      { key: 'renewal.remainingFraction', value: '25%', stored: { renewal: { remainingFraction: 0.25 } }, shown: '0.25', pick: (p) => p.renewal.remainingFraction, effective: 0.25 },
      { key: 'renewal.remainingFraction', value: ' 0.5 ', stored: { renewal: { remainingFraction: 0.5 } }, shown: '0.5', pick: (p) => p.renewal.remainingFraction, effective: 0.5 },
      { key: 'renewal.remainingFraction', value: '1 / 3', stored: { renewal: { remainingFraction: 1 / 3 } }, shown: String(1 / 3), pick: (p) => p.renewal.remainingFraction, effective: 1 / 3 },
      { key: 'renewal.daysBeforeExpiry', value: '30', stored: { renewal: { daysBeforeExpiry: 30 } }, shown: '30', pick: (p) => p.renewal.daysBeforeExpiry, effective: 30 },
      { key: 'renewal.emergencyFraction', value: '1/10', stored: { renewal: { emergencyFraction: 0.1 } }, shown: '0.1', pick: (p) => p.renewal.emergencyFraction, effective: 0.1 },
      { key: 'retry.firstDelay', value: '90s', stored: { retry: { firstDelayMs: 90 * second } }, shown: '90s', pick: (p) => p.retry.firstDelayMs, effective: 90 * second },
      { key: 'retry.factor', value: '1.5', stored: { retry: { factor: 1.5 } }, shown: '1.5', pick: (p) => p.retry.factor, effective: 1.5 },
      { key: 'retry.maxDelay', value: '12h', stored: { retry: { maxDelayMs: 12 * hour } }, shown: '12h', pick: (p) => p.retry.maxDelayMs, effective: 12 * hour },
      { key: 'retry.jitter', value: '0', stored: { retry: { jitter: 0 } }, shown: '0', pick: (p) => p.retry.jitter, effective: 0 },
      { key: 'retry.jitter', value: '10%', stored: { retry: { jitter: 0.1 } }, shown: '0.1', pick: (p) => p.retry.jitter, effective: 0.1 },
      { key: 'retry.maxAttempts', value: '5', stored: { retry: { maxAttempts: 5 } }, shown: '5', pick: (p) => p.retry.maxAttempts, effective: 5 },
      { key: 'retry.giveUpAfter', value: '14d', stored: { retry: { giveUpAfterMs: 14 * day } }, shown: '14d', pick: (p) => p.retry.giveUpAfterMs, effective: 14 * day },
      { key: 'scheduler.checkInterval', value: '30m', stored: { scheduler: { checkIntervalMs: 30 * minute } }, shown: '30m', pick: (p) => p.checkIntervalMs, effective: 30 * minute },
      { key: 'scheduler.checkInterval', value: '1m', stored: { scheduler: { checkIntervalMs: minute } }, shown: '1m', pick: (p) => p.checkIntervalMs, effective: minute },
      { key: 'scheduler.checkInterval', value: '1d', stored: { scheduler: { checkIntervalMs: day } }, shown: '1d', pick: (p) => p.checkIntervalMs, effective: day },
      { key: 'scheduler.concurrency', value: '32', stored: { scheduler: { concurrency: 32 } }, shown: '32', pick: (p) => p.concurrency, effective: 32 },
      { key: 'vault.keepVersions', value: '10', stored: { vault: { keepVersions: 10 } }, shown: '10', pick: (p) => p.keepVersions, effective: 10 },
      { key: 'alerts.thresholds', value: '7, 30,1,7', stored: { alerts: { thresholds: [30, 7, 1] } }, shown: '30,7,1', pick: (p) => p.alerts.thresholds, effective: [30, 7, 1] },
      { key: 'alerts.thresholds', value: '0.5', stored: { alerts: { thresholds: [0.5] } }, shown: '0.5', pick: (p) => p.alerts.thresholds, effective: [0.5] },
      {
        key: 'alerts.webhook',
        value: ' https://hooks.example.com/services/T0/B0/token?x=1 ',
        stored: { alerts: { webhook: 'https://hooks.example.com/services/T0/B0/token?x=1' } },
        shown: 'https://hooks.example.com/services/T0/B0/token?x=1',
        pick: (p) => p.alerts.webhook,
        effective: 'https://hooks.example.com/services/T0/B0/token?x=1',
      },
      { key: 'alerts.webhook', value: 'http://127.0.0.1:8080', stored: { alerts: { webhook: 'http://127.0.0.1:8080/' } }, shown: 'http://127.0.0.1:8080/', pick: (p) => p.alerts.webhook, effective: 'http://127.0.0.1:8080/' },
      { key: 'alerts.webhookTimeout', value: '2m', stored: { alerts: { webhookTimeoutMs: 2 * minute } }, shown: '2m', pick: (p) => p.alerts.webhookTimeoutMs, effective: 2 * minute },
      { key: 'alerts.webhookTimeout', value: '1s', stored: { alerts: { webhookTimeoutMs: second } }, shown: '1s', pick: (p) => p.alerts.webhookTimeoutMs, effective: second },
      { key: 'rateLimits.preset', value: 'letsencrypt', stored: { rateLimits: { preset: 'letsencrypt' } }, shown: 'letsencrypt', pick: (p) => p.rateLimits.newOrders?.max, effective: 300, account: pebble },
      { key: 'rateLimits.preset', value: 'none', stored: { rateLimits: { preset: 'none' } }, shown: 'none', pick: (p) => p.rateLimits, effective: {}, account: le },
      {
        key: 'rateLimits.newOrders',
        value: '100/1h',
        stored: { rateLimits: { limits: { newOrders: { max: 100, windowMs: hour, exempt: ['ari', 'same_identifiers'] } } } },
        shown: '100/1h',
        pick: (p) => p.rateLimits.newOrders,
        effective: { max: 100, windowMs: hour, exempt: ['ari', 'same_identifiers'] },
        account: pebble,
      },
      {
        key: 'rateLimits.duplicateCertificates',
        value: ' 10 / 7d ',
        stored: { rateLimits: { limits: { duplicateCertificates: { max: 10, windowMs: 7 * day, exempt: ['ari'] } } } },
        shown: '10/7d',
        pick: (p) => p.rateLimits.duplicateCertificates,
        effective: { max: 10, windowMs: 7 * day, exempt: ['ari'] },
        account: le,
      },
      {
        key: 'rateLimits.failedValidations',
        value: 'off',
        stored: { rateLimits: { limits: { failedValidations: null } } },
        shown: 'off',
        pick: (p) => Object.keys(p.rateLimits),
        effective: ['newOrders', 'duplicateCertificates', 'certificatesPerDomain'],
        account: le,
      },
    ];

    it.each(rows)('$key $value → stored, read back and effective', async (row) => {
      const policy = repo();
      policy.set(row.key, row.value);
      expect(await storedPolicy()).toStrictEqual(row.stored);
      expect(policy.get(row.key)).toBe(row.shown);
      // A fresh repository over a fresh store reads the same from the file.
      expect(repo().get(row.key)).toBe(row.shown);
      expect(row.pick(repo().effective(row.account))).toStrictEqual(row.effective);
      // What get() shows, set() accepts and stores identically.
      const before = await readFile(configFile(), 'utf8');
      policy.set(row.key, row.shown);
      expect(await readFile(configFile(), 'utf8')).toBe(before);
    });

    it('get() is undefined for a key that is not set, so the default applies', () => {
      const policy = repo();
      for (const key of policySettingKeys) expect(policy.get(key)).toBeUndefined();
    });

    it('keeps the other keys of config.json (settings, accounts) and the other policy keys', async () => {
      await writeFile(configFile(), JSON.stringify({ settings: { theme: 'dark' }, accounts: { le: { directoryUrl: leUrl } } }));
      const policy = repo();
      policy.set('retry.firstDelay', '2m');
      policy.set('retry.maxDelay', '1h');
      policy.set('alerts.thresholds', '10,5');
      const file = JSON.parse(await readFile(configFile(), 'utf8')) as unknown;
      expect(file).toStrictEqual({
        settings: { theme: 'dark' },
        accounts: { le: { directoryUrl: leUrl } },
        policy: { retry: { firstDelayMs: 2 * minute, maxDelayMs: hour }, alerts: { thresholds: [10, 5] } },
      });
    });

    it('list() names every key that is set, in set syntax', () => {
      const policy = repo();
      expect(policy.list()).toStrictEqual([]);
      policy.set('retry.maxAttempts', '4');
      policy.set('alerts.webhookTimeout', '30s');
      policy.set('rateLimits.newOrders', '10/1h');
      policy.set('retry.firstDelay', '5m', { ca: 'le' }, known);
      expect(policy.list()).toStrictEqual([['retry.maxAttempts', '4'], ['alerts.webhookTimeout', '30s'], ['rateLimits.newOrders', '10/1h']]);
      expect(policy.list({ ca: 'le' })).toStrictEqual([['retry.firstDelay', '5m']]);
      expect(policy.list({ ca: 'pebble' })).toStrictEqual([]);
    });
  });

  describe('bad values are refused as invalid_input and nothing is written', () => {
    interface Row {
      readonly key: string;
      readonly value: string;
      /** Text the message or remedy must contain. */
      readonly says: RegExp;
    }
    const rows: ReadonlyArray<Row> = [
      // fractions
      { key: 'renewal.remainingFraction', value: 'a third', says: /fraction/ },
      { key: 'renewal.remainingFraction', value: '', says: /fraction/ },
      { key: 'renewal.remainingFraction', value: '1/0', says: /fraction/ },
      { key: 'renewal.remainingFraction', value: '0/0', says: /fraction/ },
      { key: 'renewal.remainingFraction', value: '1/2/3', says: /fraction/ },
      { key: 'renewal.remainingFraction', value: '-0.1', says: /fraction/ },
      { key: 'renewal.remainingFraction', value: '100%', says: /fraction/ },
      { key: 'renewal.remainingFraction', value: '1', says: /fraction/ },
      { key: 'renewal.remainingFraction', value: '%', says: /fraction/ },
      // above the 1/2 cap, or zero: the renewal policy's own rules
      { key: 'renewal.remainingFraction', value: '0.6', says: /remainingFraction/ },
      { key: 'renewal.remainingFraction', value: '0', says: /remainingFraction/ },
      // the default emergency fraction is 1/20, so the renewal fraction may not go down to it
      { key: 'renewal.remainingFraction', value: '1/20', says: /emergencyFraction/ },
      { key: 'renewal.emergencyFraction', value: '1/3', says: /emergencyFraction/ },
      { key: 'renewal.emergencyFraction', value: '0', says: /emergencyFraction/ },
      { key: 'renewal.daysBeforeExpiry', value: '0', says: /positive number/ },
      { key: 'renewal.daysBeforeExpiry', value: '-30', says: /positive number/ },
      { key: 'renewal.daysBeforeExpiry', value: 'thirty', says: /positive number/ },
      // durations
      { key: 'retry.firstDelay', value: '60', says: /duration with a unit/ },
      { key: 'retry.firstDelay', value: '5 minutes', says: /duration with a unit/ },
      { key: 'retry.firstDelay', value: '0s', says: /duration with a unit/ },
      { key: 'retry.firstDelay', value: '7h', says: /maxDelayMs/ },
      { key: 'retry.maxDelay', value: '30s', says: /maxDelayMs/ },
      { key: 'retry.giveUpAfter', value: '-1d', says: /duration with a unit/ },
      { key: 'retry.factor', value: '0.5', says: /factor/ },
      { key: 'retry.factor', value: 'two', says: /positive number/ },
      { key: 'retry.jitter', value: '1', says: /fraction/ },
      { key: 'retry.jitter', value: '1.5', says: /fraction/ },
      { key: 'retry.maxAttempts', value: '2.5', says: /whole number/ },
      { key: 'retry.maxAttempts', value: '0', says: /positive number/ },
      { key: 'scheduler.checkInterval', value: '30s', says: /from 1m to 1d/ },
      { key: 'scheduler.checkInterval', value: '2d', says: /from 1m to 1d/ },
      { key: 'scheduler.checkInterval', value: '1', says: /duration with a unit/ },
      { key: 'scheduler.concurrency', value: '0', says: /positive number/ },
      { key: 'scheduler.concurrency', value: '33', says: /from 1 to 32/ },
      { key: 'scheduler.concurrency', value: '1.5', says: /whole number/ },
      { key: 'vault.keepVersions', value: '1', says: /from 2 to 100/ },
      { key: 'vault.keepVersions', value: '101', says: /from 2 to 100/ },
      // thresholds
      { key: 'alerts.thresholds', value: '', says: /separated by commas/ },
      { key: 'alerts.thresholds', value: '30,,7', says: /separated by commas/ },
      { key: 'alerts.thresholds', value: '30,-1', says: /separated by commas/ },
      { key: 'alerts.thresholds', value: '30;14', says: /separated by commas/ },
      { key: 'alerts.thresholds', value: Array.from({ length: 21 }, (_, i) => i + 1).join(','), says: /1 to 20/ },
      // webhook
      { key: 'alerts.webhook', value: 'not a url', says: /not an absolute URL/ },
      { key: 'alerts.webhook', value: 'ftp://hooks.example.com/x', says: /only http:\/\/ and https:\/\//i },
      { key: 'alerts.webhook', value: 'https://user:secret@hooks.example.com/x', says: /user name or password/ },
      { key: 'alerts.webhook', value: '   ', says: /empty/ },
      { key: 'alerts.webhookTimeout', value: '500ms', says: /from 1s to 2m/ },
      { key: 'alerts.webhookTimeout', value: '3m', says: /from 1s to 2m/ },
      // rate limits
      { key: 'rateLimits.preset', value: 'letsencrypt-production', says: /letsencrypt \| letsencrypt-staging \| none/ },
      { key: 'rateLimits.preset', value: 'toString', says: /letsencrypt \| letsencrypt-staging \| none/ },
      { key: 'rateLimits.preset', value: '', says: /letsencrypt \| letsencrypt-staging \| none/ },
      { key: 'rateLimits.newOrders', value: '300', says: /MAX\/WINDOW/ },
      { key: 'rateLimits.newOrders', value: '300/3', says: /duration with a unit/ },
      { key: 'rateLimits.newOrders', value: '0/3h', says: /positive number/ },
      { key: 'rateLimits.newOrders', value: 'many/3h', says: /positive number/ },
      { key: 'rateLimits.newOrders', value: '2.5/3h', says: /whole number/ },
      { key: 'rateLimits.newOrders', value: '300/3h/1', says: /MAX\/WINDOW/ },
      { key: 'rateLimits.newOrders', value: 'OFF', says: /MAX\/WINDOW/ },
    ];

    it.each(rows)('$key $value', async ({ key, value, says }) => {
      const policy = repo();
      // Something stored first, so "nothing written" means the file is byte-identical.
      const [storedKey, storedValue] = key === 'retry.giveUpAfter' ? ['retry.maxAttempts', '9'] : ['retry.giveUpAfter', '20d'];
      policy.set(storedKey, storedValue);
      const before = await readFile(configFile(), 'utf8');
      const error = invalid(() => {
        policy.set(key, value);
      });
      expect(`${error.message}\n${error.remedy ?? ''}`).toMatch(says);
      // The admin learns which setting was refused.
      expect(`${error.message}\n${error.remedy ?? ''}`).toContain(key);
      expect(error.remedy).toBeTruthy();
      expect(await readFile(configFile(), 'utf8')).toBe(before);
      expect(policy.get(key)).toBeUndefined();
    });

    it('a refused webhook URL never appears in the error (its path holds the token)', () => {
      const error = invalid(() => {
        repo().set('alerts.webhook', 'https://user:s3cr3t@hooks.example.com/services/T0/t0k3n');
      });
      expect(`${error.message} ${error.remedy ?? ''}`).not.toMatch(/s3cr3t|t0k3n/);
    });

    it('creates no config.json when the first value set is refused', () => {
      invalid(() => {
        repo().set('retry.firstDelay', '60');
      });
      expect(existsSync(configFile())).toBe(false);
    });
  });

  describe('cross-field validation on the merged policy', () => {
    interface Row {
      readonly name: string;
      readonly first: ReadonlyArray<readonly [string, string, string?]>;
      readonly then: readonly [string, string, string?];
      readonly says: RegExp;
    }
    const rows: ReadonlyArray<Row> = [
      { name: 'retry.maxDelay below retry.firstDelay', first: [['retry.firstDelay', '10m']], then: ['retry.maxDelay', '5m'], says: /'maxDelayMs' \(300000\) must be at least 'firstDelayMs' \(600000\)/ },
      { name: 'retry.firstDelay above retry.maxDelay', first: [['retry.maxDelay', '1h']], then: ['retry.firstDelay', '2h'], says: /'maxDelayMs' \(3600000\) must be at least 'firstDelayMs' \(7200000\)/ },
      {
        name: "an account's firstDelay above the global maxDelay",
        first: [['retry.maxDelay', '1h']],
        then: ['retry.firstDelay', '2h', 'le'],
        says: /must be at least 'firstDelayMs'/,
      },
      {
        name: "a global maxDelay below an account's firstDelay",
        first: [['retry.firstDelay', '30m', 'le']],
        then: ['retry.maxDelay', '10m'],
        says: /must be at least 'firstDelayMs'/,
      },
      { name: 'remainingFraction below emergencyFraction', first: [['renewal.emergencyFraction', '0.2']], then: ['renewal.remainingFraction', '0.1'], says: /'emergencyFraction' \(0\.2\) must be below 'remainingFraction' \(0\.1\)/ },
      { name: 'emergencyFraction above a lowered remainingFraction', first: [['renewal.remainingFraction', '0.1']], then: ['renewal.emergencyFraction', '0.1'], says: /must be below 'remainingFraction'/ },
    ];

    it.each(rows)('refuses $name; config.json stays byte-identical', async ({ first, then, says }) => {
      const policy = repo();
      for (const [key, value, ca] of first) policy.set(key, value, ca === undefined ? {} : { ca }, known);
      const before = await readFile(configFile(), 'utf8');
      const [key, value, ca] = then;
      const error = invalid(() => {
        policy.set(key, value, ca === undefined ? {} : { ca }, known);
      });
      expect(error.message).toMatch(says);
      // Nothing was stored, so the message must not claim the value came from the file.
      expect(error.message).not.toContain('stored in');
      expect(await readFile(configFile(), 'utf8')).toBe(before);
    });

    it('accepts the same change once the other field makes room', () => {
      const policy = repo();
      policy.set('retry.firstDelay', '10m');
      policy.set('retry.maxDelay', '10m');
      expect(policy.effective().retry).toMatchObject({ firstDelayMs: 10 * minute, maxDelayMs: 10 * minute });
    });
  });

  describe('per-account overrides', () => {
    it('override retry.* for one account only, over the global value', () => {
      const policy = repo();
      policy.set('retry.maxAttempts', '10');
      policy.set('retry.firstDelay', '2m');
      policy.set('retry.firstDelay', '5m', { ca: 'le' }, known);
      policy.set('retry.jitter', '0', { ca: 'le' }, known);
      expect(policy.effective(le).retry).toStrictEqual({ firstDelayMs: 5 * minute, factor: 2, maxDelayMs: 6 * hour, jitter: 0, maxAttempts: 10, giveUpAfterMs: 30 * day });
      expect(policy.effective(pebble).retry).toStrictEqual({ firstDelayMs: 2 * minute, factor: 2, maxDelayMs: 6 * hour, jitter: 0.2, maxAttempts: 10, giveUpAfterMs: 30 * day });
      expect(policy.effective().retry.firstDelayMs).toBe(2 * minute);
      expect(policy.get('retry.firstDelay', { ca: 'le' })).toBe('5m');
      expect(policy.get('retry.firstDelay', { ca: 'pebble' })).toBeUndefined();
      expect(policy.get('retry.firstDelay')).toBe('2m');
    });

    it('override rateLimits.* for one account, on top of its directory default', () => {
      const policy = repo();
      policy.set('rateLimits.newOrders', '100/3h', { ca: 'le' }, known);
      policy.set('rateLimits.certificatesPerDomain', 'off', { ca: 'le' }, known);
      policy.set('rateLimits.preset', 'letsencrypt-staging', { ca: 'pebble' }, known);
      expect(policy.effective(le).rateLimits).toStrictEqual({
        newOrders: { max: 100, windowMs: 3 * hour, exempt: ['ari', 'same_identifiers'] },
        failedValidations: { max: 5, windowMs: hour, exempt: ['ari'] },
        duplicateCertificates: { max: 5, windowMs: 7 * day, exempt: ['ari'] },
      });
      expect(policy.effective(pebble).rateLimits.newOrders?.max).toBe(1500);
      // Another account on Let's Encrypt keeps the published limits.
      expect(policy.effective({ name: 'le2', directoryUrl: leUrl }).rateLimits.newOrders?.max).toBe(300);
    });

    it('an account override wins over a global rate limit', () => {
      const policy = repo();
      policy.set('rateLimits.newOrders', '50/1h');
      policy.set('rateLimits.newOrders', '20/1h', { ca: 'le' }, known);
      expect(policy.effective(le).rateLimits.newOrders?.max).toBe(20);
      expect(policy.effective(pebble).rateLimits).toStrictEqual({ newOrders: { max: 50, windowMs: hour, exempt: ['ari', 'same_identifiers'] } });
    });

    it.each(globalOnlyKeys)('refuses --ca for the global-only key %s, writing nothing', (key) => {
      const policy = repo();
      const error = invalid(() => {
        policy.set(key, '1', { ca: 'le' }, known);
      });
      expect(error.message).toBe(`Unable to set ${key} for one CA account, it applies to every certificate`);
      expect(error.remedy).toContain('retry.firstDelay');
      expect(error.remedy).not.toContain('renewal.');
      expect(existsSync(configFile())).toBe(false);
    });

    it.each(perCaKeys)('accepts --ca for %s', (key) => {
      const value = key === 'rateLimits.preset' ? 'none' : key.startsWith('rateLimits.') ? '7/1h' : key === 'retry.jitter' ? '0.1' : key === 'retry.factor' || key === 'retry.maxAttempts' ? '3' : '2h';
      const policy = repo();
      policy.set(key, value, { ca: 'le' }, known);
      expect(policy.get(key, { ca: 'le' })).toBeDefined();
      expect(policy.get(key)).toBeUndefined();
    });

    it('refuses an account that does not exist, listing the known ones', () => {
      const error = invalid(() => {
        repo().set('retry.firstDelay', '5m', { ca: 'nope' }, known);
      });
      expect(error.message).toContain('"nope"');
      expect(error.remedy).toBe('Known: le, pebble.');
      expect(existsSync(configFile())).toBe(false);
    });

    it('refuses any account while none exists, saying to add one', () => {
      const error = invalid(() => {
        repo().set('retry.firstDelay', '5m', { ca: 'le' });
      });
      expect(error.remedy).toContain('certdesk ca add');
    });
  });

  describe('unknown keys', () => {
    const keys = ['retry.delay', 'retry', 'language', 'theme', 'rateLimits.limits', 'rateLimits.newOrders.max', '__proto__', 'constructor', 'toString', 'hasOwnProperty', ''];
    it.each(keys)('%j is refused by set, unset and get, listing the known settings', (key) => {
      const policy = repo();
      const calls = [
        () => {
          policy.set(key, '1');
        },
        () => {
          policy.set(key, undefined);
        },
        () => policy.get(key),
        () => {
          policy.set(key, '1', { ca: 'le' }, known);
        },
      ];
      for (const call of calls) {
        const error = invalid(call);
        expect(error.message).toBe(`Unable to use the setting ${JSON.stringify(key)}, there is no such setting`);
        expect(error.remedy).toContain('retry.firstDelay');
      }
      expect(existsSync(configFile())).toBe(false);
    });
  });

  describe('unset: set(key, undefined)', () => {
    it('removes the value and the objects it leaves empty, so the default applies', async () => {
      const policy = repo();
      policy.set('retry.firstDelay', '2m');
      policy.set('alerts.webhook', 'https://hooks.example.com/x');
      policy.set('retry.firstDelay', undefined);
      expect(await storedPolicy()).toStrictEqual({ alerts: { webhook: 'https://hooks.example.com/x' } });
      expect(policy.effective().retry.firstDelayMs).toBe(minute);
      policy.set('alerts.webhook', undefined);
      expect(await storedPolicy()).toStrictEqual({});
      expect(policy.effective().alerts.webhook).toBeUndefined();
    });

    it('removes a rate limit (back to the directory default), unlike off', async () => {
      const policy = repo();
      policy.set('rateLimits.newOrders', 'off', { ca: 'le' }, known);
      expect(policy.effective(le).rateLimits.newOrders).toBeUndefined();
      policy.set('rateLimits.newOrders', undefined, { ca: 'le' }, known);
      expect(policy.effective(le).rateLimits.newOrders?.max).toBe(300);
      expect(await storedPolicy()).toStrictEqual({});
    });

    it("removes an account's override and the account's entry once it is empty", async () => {
      const policy = repo();
      policy.set('retry.firstDelay', '5m', { ca: 'le' }, known);
      policy.set('retry.factor', '3', { ca: 'pebble' }, known);
      policy.set('retry.firstDelay', undefined, { ca: 'le' }, known);
      expect(await storedPolicy()).toStrictEqual({ accounts: { pebble: { retry: { factor: 3 } } } });
      policy.set('retry.factor', undefined, { ca: 'pebble' }, known);
      expect(await storedPolicy()).toStrictEqual({});
      expect(policy.list({ ca: 'le' })).toStrictEqual([]);
    });

    it('is a no-op for a key that is not set', async () => {
      const policy = repo();
      policy.set('retry.factor', '3');
      const before = await readFile(configFile(), 'utf8');
      policy.set('retry.maxDelay', undefined);
      policy.set('retry.maxDelay', undefined, { ca: 'le' }, known);
      expect(await readFile(configFile(), 'utf8')).toBe(before);
    });

    it('is refused with --ca for a global-only key', () => {
      invalid(() => {
        repo().set('alerts.webhook', undefined, { ca: 'le' }, known);
      });
    });
  });

  describe('show()', () => {
    const globalDefaults: ReadonlyArray<readonly [string, string]> = [
      ['renewal.remainingFraction', String(1 / 3)],
      ['renewal.daysBeforeExpiry', '(none)'],
      ['renewal.emergencyFraction', '0.05'],
      ['retry.firstDelay', '1m'],
      ['retry.factor', '2'],
      ['retry.maxDelay', '6h'],
      ['retry.jitter', '0.2'],
      ['retry.maxAttempts', '(none)'],
      ['retry.giveUpAfter', '30d'],
      ['scheduler.checkInterval', '1h'],
      ['scheduler.concurrency', '2'],
      ['vault.keepVersions', '5'],
      ['alerts.thresholds', '30,14,7,3,1'],
      ['alerts.webhook', '(none)'],
      ['alerts.webhookTimeout', '10s'],
    ];

    it('lists every global key with its default, all marked isDefault, no rate limits', () => {
      expect(repo().show()).toStrictEqual(globalDefaults.map(([key, value]) => ({ key, value, isDefault: true })));
    });

    it('marks what the admin set', () => {
      const policy = repo();
      policy.set('retry.firstDelay', '2m');
      policy.set('alerts.thresholds', '10');
      const rows = new Map(policy.show().map((row) => [row.key, row]));
      expect(rows.get('retry.firstDelay')).toStrictEqual({ key: 'retry.firstDelay', value: '2m', isDefault: false });
      expect(rows.get('alerts.thresholds')).toStrictEqual({ key: 'alerts.thresholds', value: '10', isDefault: false });
      expect(rows.get('retry.maxDelay')).toStrictEqual({ key: 'retry.maxDelay', value: '6h', isDefault: true });
    });

    it("shows an account's policy: global keys, its overrides, inherited global values and its rate limits", () => {
      const policy = repo();
      policy.set('alerts.webhookTimeout', '30s');
      policy.set('retry.maxAttempts', '8');
      policy.set('retry.firstDelay', '5m', { ca: 'le' }, known);
      policy.set('rateLimits.failedValidations', 'off', { ca: 'le' }, known);
      const rows = new Map(policy.show(le).map((row) => [row.key, { value: row.value, isDefault: row.isDefault }]));
      expect([...rows.keys()]).toStrictEqual(policySettingKeys);
      expect(rows.get('renewal.remainingFraction')).toStrictEqual({ value: String(1 / 3), isDefault: true });
      expect(rows.get('alerts.webhookTimeout')).toStrictEqual({ value: '30s', isDefault: false });
      expect(rows.get('retry.firstDelay')).toStrictEqual({ value: '5m', isDefault: false });
      expect(rows.get('retry.maxAttempts')).toStrictEqual({ value: '8', isDefault: false });
      expect(rows.get('retry.factor')).toStrictEqual({ value: '2', isDefault: true });
      expect(rows.get('rateLimits.preset')).toStrictEqual({ value: '(by CA directory)', isDefault: true });
      expect(rows.get('rateLimits.newOrders')).toStrictEqual({ value: '300/3h', isDefault: true });
      expect(rows.get('rateLimits.failedValidations')).toStrictEqual({ value: 'off', isDefault: false });
      expect(rows.get('rateLimits.duplicateCertificates')).toStrictEqual({ value: '5/7d', isDefault: true });
      // Another CA's account has no limits by default.
      const other = new Map(policy.show(pebble).map((row) => [row.key, row.value]));
      expect(other.get('rateLimits.newOrders')).toBe('off');
      expect(other.get('retry.firstDelay')).toBe('1m');
    });
  });

  describe('a hand-damaged stored policy', () => {
    const damaged: ReadonlyArray<{ readonly name: string; readonly policy: unknown }> = [
      { name: 'not an object', policy: 'fast' },
      { name: 'an unknown section', policy: { retries: {} } },
      { name: 'an unknown field', policy: { retry: { delay: 5 } } },
      { name: 'a string where a number belongs', policy: { retry: { firstDelayMs: '1m' } } },
      { name: 'an unknown preset', policy: { rateLimits: { preset: 'fast' } } },
      { name: 'an unknown rate limit', policy: { rateLimits: { limits: { ordersPerDay: null } } } },
      { name: 'a rate limit of the wrong shape', policy: { rateLimits: { limits: { newOrders: { max: 'many' } } } } },
      { name: 'maxDelay below firstDelay', policy: { retry: { firstDelayMs: 10 * minute, maxDelayMs: minute } } },
      { name: 'a remaining fraction above 1/2', policy: { renewal: { remainingFraction: 0.9 } } },
      { name: 'an unknown renewal field', policy: { renewal: { when: 'soon' } } },
      { name: 'a check interval of one second', policy: { scheduler: { checkIntervalMs: 1000 } } },
      { name: 'a fractional concurrency', policy: { scheduler: { concurrency: 1.5 } } },
      { name: 'no thresholds', policy: { alerts: { thresholds: [] } } },
      { name: 'a webhook timeout of an hour', policy: { alerts: { webhookTimeoutMs: hour } } },
      { name: 'a webhook that is not a URL', policy: { alerts: { webhook: 'hooks.example.com' } } },
      { name: 'a webhook with a password', policy: { alerts: { webhook: 'https://u:p@hooks.example.com/' } } },
      { name: 'an account override with maxDelay below firstDelay', policy: { accounts: { le: { retry: { maxDelayMs: 1000 } } } } },
      { name: 'an account with a global-only section', policy: { accounts: { le: { renewal: { remainingFraction: 0.2 } } } } },
    ];

    it.each(damaged)('$name: effective() and set() throw invalid_data naming the file; set() leaves it alone', async ({ policy: value }) => {
      const text = `${JSON.stringify({ settings: { theme: 'dark' }, policy: value }, null, 2)}\n`;
      await writeFile(configFile(), text);
      const policy = repo();
      const error = invalid(() => policy.effective(le), 'invalid_data');
      expect(error.message).toContain(configFile());
      expect(error.remedy).toBeTruthy();
      const onSet = invalid(() => {
        policy.set('retry.factor', '3');
      }, 'invalid_data');
      expect(onSet.message).toContain(configFile());
      expect(await readFile(configFile(), 'utf8')).toBe(text);
    });

    it('an account override that no longer validates spoils only that account', async () => {
      await writeFile(configFile(), JSON.stringify({ policy: { accounts: { le: { retry: { maxDelayMs: 1000 } } } } }));
      const policy = repo();
      expect(policy.effective(pebble).retry.maxDelayMs).toBe(6 * hour);
      expect(invalid(() => policy.effective(le), 'invalid_data').message).toContain(configFile());
    });

    it('set() may repair a stored value that no longer validates', async () => {
      await writeFile(configFile(), JSON.stringify({ policy: { accounts: { le: { retry: { maxDelayMs: 1000 } } } } }));
      const policy = repo();
      policy.set('retry.maxDelay', '1h', { ca: 'le' }, known);
      expect(policy.effective(le).retry.maxDelayMs).toBe(hour);
      expect(await storedPolicy()).toStrictEqual({ accounts: { le: { retry: { maxDelayMs: hour } } } });
    });

    it('a damaged policy does not hide the file: get() also names it', async () => {
      await writeFile(configFile(), JSON.stringify({ policy: { retry: { firstDelayMs: 'soon' } } }));
      expect(invalid(() => repo().get('retry.firstDelay'), 'invalid_data').message).toContain(`${configFile()}, 'policy' is not valid (retry.firstDelayMs:`);
    });
  });

  it('describePolicySettings() lists every key once and marks the per-account ones', () => {
    const lines = describePolicySettings().split('\n');
    expect(lines).toHaveLength(policySettingKeys.length);
    for (const [index, key] of policySettingKeys.entries()) {
      expect(lines[index]?.startsWith(`${key} `)).toBe(true);
      expect(lines[index]?.endsWith('(global or --ca <account>)')).toBe(perCaKeys.includes(key));
    }
    expect([...policySettingKeys].sort()).toStrictEqual([...globalOnlyKeys, ...perCaKeys].sort());
  });
});

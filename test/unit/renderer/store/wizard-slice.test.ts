import { describe, expect, it } from 'vitest';
import type { AccountDto, DnsProviderDto } from '../../../../preload/contract.ts';
import { createAppStore } from '../../../../renderer/store/app-store.ts';
import {
  addCertificateRequest,
  effectiveId,
  emptyWizardDraft,
  isAbsolutePath,
  stagingFirstFor,
  wizardIssues,
  type WizardContext,
  type WizardDraft,
  type WizardIssue,
  type WizardStep,
} from '../../../../renderer/store/wizard-slice.ts';
import { createFakeBridge, type FakeBridgeOptions } from '../support/fake-certdesk-api.ts';

const letsEncrypt: AccountDto = {
  name: 'letsencrypt',
  directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory',
  email: 'admin@example.com',
  stagingDirectoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
  registered: true,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const privateCa: AccountDto = { name: 'step-ca', directoryUrl: 'https://ca.internal:9000/acme/acme/directory', registered: false, createdAt: '2026-01-02T00:00:00.000Z' };
const cloudflare: DnsProviderDto = { name: 'cloudflare', provider: 'cloudflare', settings: {}, secrets: ['apiToken'], propagation: { enabled: true } };

const context: WizardContext = { accounts: [letsEncrypt, privateCa], dnsProviders: [cloudflare], certificateIds: ['example.com'] };

const draft = (patch: Partial<WizardDraft>): WizardDraft => ({ ...emptyWizardDraft(), ...patch });
const codes = (issues: ReadonlyArray<WizardIssue>): ReadonlyArray<string> => issues.map((issue) => `${issue.field}:${issue.code}`);

describe('wizardIssues', () => {
  it.each<[WizardStep, Partial<WizardDraft>, ReadonlyArray<string>]>([
    ['domains', { domainsText: '' }, ['domains:domains_empty', 'id:id_invalid']],
    ['domains', { domainsText: 'www.example.org' }, []],
    ['domains', { domainsText: 'www.example.org localhost' }, ['domains:domains_invalid']],
    ['domains', { domainsText: 'example.com' }, ['id:id_taken']],
    ['domains', { domainsText: 'example.com', id: 'example-com-2', idEdited: true }, []],
    ['domains', { domainsText: 'example.org', id: 'Bad Id', idEdited: true }, ['id:id_invalid']],
    ['domains', { domainsText: 'example.org', id: 'a..b', idEdited: true }, ['id:id_invalid']],
    ['account', { ca: '' }, ['ca:ca_missing']],
    ['account', { ca: 'gone' }, ['ca:ca_missing']],
    ['account', { ca: 'letsencrypt' }, []],
    ['account', { ca: 'letsencrypt', standbyEnabled: true }, ['standbyCa:standby_missing']],
    ['account', { ca: 'letsencrypt', standbyEnabled: true, standbyCa: 'letsencrypt' }, ['standbyCa:standby_same']],
    ['account', { ca: 'letsencrypt', standbyEnabled: true, standbyCa: 'step-ca', standbyAfterFailures: '0', standbyDaysLeft: 'x' }, ['standbyAfterFailures:standby_number', 'standbyDaysLeft:standby_number']],
    ['account', { ca: 'letsencrypt', standbyEnabled: true, standbyCa: 'step-ca', standbyAfterFailures: '5', standbyDaysLeft: '' }, []],
    ['account', { ca: 'letsencrypt', standbyEnabled: false, standbyCa: 'letsencrypt', standbyAfterFailures: 'x' }, []],
    ['challenge', { challenge: 'dns-01', dnsProvider: '' }, ['dnsProvider:provider_missing']],
    ['challenge', { challenge: 'dns-01', dnsProvider: 'cloudflare' }, []],
    ['challenge', { domainsText: '*.example.org', challenge: 'http-01-standalone' }, ['challenge:wildcard_needs_dns']],
    ['challenge', { challenge: 'http-01-standalone' }, []],
    ['challenge', { challenge: 'http-01-standalone', httpAddress: '::', httpPort: '8080' }, []],
    ['challenge', { challenge: 'http-01-standalone', httpAddress: 'localhost', httpPort: '0' }, ['httpAddress:address_invalid', 'httpPort:port_invalid']],
    ['challenge', { challenge: 'http-01-standalone', httpAddress: '300.0.0.1', httpPort: '65536' }, ['httpAddress:address_invalid', 'httpPort:port_invalid']],
    ['challenge', { challenge: 'http-01-webroot', webroot: 'var/www' }, ['webroot:path_not_absolute']],
    ['challenge', { challenge: 'http-01-webroot', webroot: '/var/www/html' }, []],
    ['challenge', { challenge: 'http-01-webroot', webroot: 'C:\\inetpub\\wwwroot' }, []],
    ['key', { exports: [] }, []],
    [
      'key',
      {
        exports: [
          { key: 1, dir: 'certs', format: 'pem', pfxPassword: '', hook: '' },
          { key: 2, dir: '/etc/ssl/a', format: 'pfx', pfxPassword: '', hook: '' },
          { key: 3, dir: '/etc/ssl/a ', format: 'pem', pfxPassword: '', hook: '' },
        ],
      },
      ['exports.1.dir:path_not_absolute', 'exports.2.pfxPassword:pfx_password_missing', 'exports.3.dir:dir_duplicate'],
    ],
    ['review', {}, []],
    ['run', {}, []],
  ])('%s with %j → %j', (step, patch, expected) => {
    expect(codes(wizardIssues(step, draft(patch), context))).toEqual(expected);
  });
});

describe('effectiveId, stagingFirstFor, isAbsolutePath', () => {
  it('derives the id from the first valid domain until the admin edits it', () => {
    expect(effectiveId(draft({ domainsText: 'localhost *.Example.org example.org' }))).toBe('wildcard.example.org');
    expect(effectiveId(draft({ domainsText: '例子.中国' }))).toBe('xn--fsqu00a.xn--fiqs8s');
    expect(effectiveId(draft({ domainsText: 'example.org', id: ' mine ', idEdited: true }))).toBe('mine');
    expect(effectiveId(draft({ domainsText: '' }))).toBe('');
  });

  it.each<[Partial<WizardDraft>, boolean]>([
    [{ ca: 'letsencrypt' }, true],
    [{ ca: 'letsencrypt', stagingFirst: false }, false],
    [{ ca: 'step-ca' }, false],
    [{ ca: 'step-ca', stagingFirst: true }, false],
  ])('staging first with %j → %s', (patch, expected) => {
    expect(stagingFirstFor(draft(patch), context.accounts)).toBe(expected);
  });

  it.each([
    ['/etc/nginx/certs', true],
    ['  /srv/www ', true],
    ['C:\\certs', true],
    ['d:/certs', true],
    ['certs', false],
    ['./certs', false],
    ['~/certs', false],
    ['', false],
  ])('%j absolute → %s', (path, expected) => {
    expect(isAbsolutePath(path)).toBe(expected);
  });
});

describe('addCertificateRequest', () => {
  it('sends ASCII domains, the chosen method, standby numbers and export targets with the PFX password only for PFX', () => {
    const request = addCertificateRequest(
      draft({
        domainsText: 'Bücher.example, www.bücher.example',
        ca: 'letsencrypt',
        standbyEnabled: true,
        standbyCa: 'step-ca',
        standbyAfterFailures: '5',
        challenge: 'http-01-standalone',
        httpAddress: ' 0.0.0.0 ',
        httpPort: '8080',
        keyType: 'rsa-3072',
        exports: [
          { key: 1, dir: ' /etc/nginx/certs ', format: 'pem', pfxPassword: 'ignored', hook: ' systemctl reload nginx ' },
          { key: 2, dir: 'C:\\certs', format: 'pfx', pfxPassword: 's3cret', hook: '' },
        ],
      }),
    );
    expect(request).toEqual({
      id: 'xn--bcher-kva.example',
      domains: ['xn--bcher-kva.example', 'www.xn--bcher-kva.example'],
      ca: 'letsencrypt',
      challenge: { type: 'http-01', mode: 'standalone', address: '0.0.0.0', port: 8080 },
      keyType: 'rsa-3072',
      standby: { ca: 'step-ca', afterFailures: 5 },
      exports: [
        { target: { dir: '/etc/nginx/certs', format: 'pem', hook: { command: 'systemctl reload nginx' } } },
        { target: { dir: 'C:\\certs', format: 'pfx' }, pfxPassword: 's3cret' },
      ],
    });
  });

  it('leaves out what was not chosen', () => {
    expect(addCertificateRequest(draft({ domainsText: '*.example.org example.org', ca: 'letsencrypt', dnsProvider: 'cloudflare' }))).toEqual({
      id: 'wildcard.example.org',
      domains: ['*.example.org', 'example.org'],
      ca: 'letsencrypt',
      challenge: { type: 'dns-01', mode: 'dns', provider: 'cloudflare' },
      keyType: 'ec-p256',
    });
    expect(addCertificateRequest(draft({ domainsText: 'example.org', challenge: 'http-01-webroot', webroot: ' /var/www ' })).challenge).toEqual({
      type: 'http-01',
      mode: 'webroot',
      root: '/var/www',
    });
  });
});

/** A store over a fake main with the accounts and providers loaded, as the wizard page does. */
async function loadedStore(options: FakeBridgeOptions = {}) {
  const bridge = createFakeBridge({ accounts: [letsEncrypt, privateCa], dnsProviders: [cloudflare], ...options });
  const store = createAppStore(bridge.api);
  const stop = store.getState().watchCertificates();
  await Promise.all([store.getState().loadAccounts(), store.getState().loadDnsProviders(), store.getState().loadCertificates()]);
  return { bridge, store, stop };
}

describe('the wizard slice', () => {
  it('switches to DNS-01 when a wildcard is typed, and keeps the draft going back', async () => {
    const { store } = await loadedStore();
    const state = () => store.getState();
    state().updateWizardDraft({ challenge: 'http-01-webroot', webroot: '/var/www' });
    state().updateWizardDraft({ domainsText: 'example.org *.example.org' });
    expect(state().wizardDraft.challenge).toBe('dns-01');
    expect(state().wizardDraft.webroot).toBe('/var/www');
  });

  it('moves on only when the step is valid, preselecting the first account and provider', async () => {
    const { store } = await loadedStore();
    const state = () => store.getState();

    expect(state().nextWizardStep()).toBe(false);
    expect(state().wizardStep).toBe('domains');
    expect(state().wizardAttempted).toEqual(['domains']);

    state().updateWizardDraft({ domainsText: 'www.example.org' });
    expect(state().nextWizardStep()).toBe(true);
    expect(state().wizardStep).toBe('account');
    expect(state().wizardDraft.ca).toBe('letsencrypt');
    expect(state().nextWizardStep()).toBe(true);
    expect(state().wizardDraft.dnsProvider).toBe('cloudflare');

    state().previousWizardStep();
    state().previousWizardStep();
    expect(state().wizardStep).toBe('domains');
    expect(state().wizardDraft.domainsText).toBe('www.example.org');
    state().goToWizardStep('review');
    expect(state().wizardStep).toBe('domains');
  });

  it('adds, rehearses on staging, then renews, following the certificate’s log', async () => {
    const { bridge, store } = await loadedStore();
    const state = () => store.getState();
    state().updateWizardDraft({ domainsText: 'www.example.org', ca: 'letsencrypt', dnsProvider: 'cloudflare' });

    await state().startWizardRun();

    expect(bridge.calls.filter((call) => ['addCertificate', 'rehearseCertificate', 'renewCertificate'].includes(call.method)).map((call) => call.method)).toEqual([
      'addCertificate',
      'rehearseCertificate',
      'renewCertificate',
    ]);
    const run = state().wizardRun;
    expect(run).toMatchObject({ status: 'succeeded', stage: 'ordering', certId: 'www.example.org', added: true, error: null });
    expect(run.rehearsal?.directoryUrl).toBe(letsEncrypt.stagingDirectoryUrl);
    expect(run.result?.renewed).toBe(true);
    expect(run.log.map((entry) => entry.event)).toEqual(['cert_obtaining', 'cert_obtained']);
    expect(state().wizardStep).toBe('run');
    // Once added, the draft can't be edited here any more.
    state().previousWizardStep();
    expect(state().wizardStep).toBe('run');
    expect(state().certificates['www.example.org']?.status).toBe('valid');
  });

  it('orders directly when the CA has no staging directory or the admin turned the test off', async () => {
    const { bridge, store } = await loadedStore();
    const state = () => store.getState();
    state().updateWizardDraft({ domainsText: 'a.example.org', ca: 'letsencrypt', dnsProvider: 'cloudflare', stagingFirst: false });
    await state().startWizardRun();
    expect(bridge.calls.some((call) => call.method === 'rehearseCertificate')).toBe(false);
    expect(state().wizardRun.status).toBe('succeeded');
  });

  it('sends the admin back to the failing step instead of starting a run with a stale draft', async () => {
    const { bridge, store } = await loadedStore();
    const state = () => store.getState();
    state().updateWizardDraft({ domainsText: 'a.example.org', ca: 'removed-meanwhile', dnsProvider: 'cloudflare' });
    await state().startWizardRun();
    expect(state().wizardStep).toBe('account');
    expect(state().wizardAttempted).toContain('account');
    expect(bridge.calls.some((call) => call.method === 'addCertificate')).toBe(false);
  });

  it('stops at a failed add with main’s error, and lets the admin go back to change the draft', async () => {
    const { bridge, store } = await loadedStore();
    const state = () => store.getState();
    state().updateWizardDraft({ domainsText: 'a.example.org', ca: 'letsencrypt', dnsProvider: 'cloudflare' });
    const error = { code: 'invalid_input', message: 'Unable to add the certificate a.example.org, the disk is full', remedy: 'Free some space.' };
    bridge.rejectNext('addCertificate', error);

    await state().startWizardRun();
    expect(state().wizardRun).toMatchObject({ status: 'failed', stage: 'adding', added: false, error });

    state().goToWizardStep('review');
    expect(state().wizardStep).toBe('review');
    await state().startWizardRun();
    expect(state().wizardRun.status).toBe('succeeded');
  });

  it('after a failed rehearsal, retries it or orders without it', async () => {
    const { bridge, store } = await loadedStore();
    const state = () => store.getState();
    state().updateWizardDraft({ domainsText: 'b.example.org', ca: 'letsencrypt', dnsProvider: 'cloudflare' });
    const problem = { code: 'acme_dns', message: 'Unable to validate b.example.org, no TXT record found', remedy: 'Check the DNS provider’s zone.' };
    bridge.rejectNext('rehearseCertificate', problem);

    await state().startWizardRun();
    expect(state().wizardRun).toMatchObject({ status: 'failed', stage: 'rehearsing', added: true, error: problem });

    bridge.rejectNext('rehearseCertificate', problem);
    await state().retryWizardRun();
    expect(state().wizardRun).toMatchObject({ status: 'failed', stage: 'rehearsing' });

    await state().skipWizardRehearsal();
    expect(state().wizardRun).toMatchObject({ status: 'succeeded', rehearsal: null });
    expect(bridge.calls.filter((call) => call.method === 'addCertificate')).toHaveLength(1);
  });

  it('retries a failed order with force, without adding again', async () => {
    const { bridge, store } = await loadedStore();
    const state = () => store.getState();
    state().updateWizardDraft({ domainsText: 'c.example.org', ca: 'letsencrypt', dnsProvider: 'cloudflare', stagingFirst: false });
    bridge.rejectNext('renewCertificate', { code: 'acme_rate_limited', message: 'Unable to order, too many certificates', remedy: 'Wait an hour.' });

    await state().startWizardRun();
    expect(state().wizardRun).toMatchObject({ status: 'failed', stage: 'ordering' });
    await state().retryWizardRun();

    expect(state().wizardRun.status).toBe('succeeded');
    expect(bridge.calls.filter((call) => call.method === 'renewCertificate').map((call) => call.args)).toEqual([['c.example.org'], ['c.example.org', { force: true }]]);
    expect(bridge.calls.filter((call) => call.method === 'addCertificate')).toHaveLength(1);
  });

  it('counts a renewal that obtained nothing as failed, keeping the reason', async () => {
    const bridge = createFakeBridge({ accounts: [letsEncrypt], dnsProviders: [cloudflare] });
    const api = {
      ...bridge.api,
      renewCertificate: () => Promise.resolve({ id: 'd.example.org', renewed: false, reason: 'waiting' as const, nextAttemptAt: '2026-12-02T03:00:00.000Z' }),
    };
    const store = createAppStore(api);
    await Promise.all([store.getState().loadAccounts(), store.getState().loadDnsProviders()]);
    store.getState().updateWizardDraft({ domainsText: 'd.example.org', ca: 'letsencrypt', dnsProvider: 'cloudflare', stagingFirst: false });

    await store.getState().startWizardRun();

    expect(store.getState().wizardRun).toMatchObject({ status: 'failed', stage: 'ordering', added: true, error: null, result: { renewed: false, reason: 'waiting' } });
  });

  it('starts over with an empty draft and stops following the last run’s log', async () => {
    const { bridge, store } = await loadedStore();
    const state = () => store.getState();
    state().updateWizardDraft({ domainsText: 'e.example.org', ca: 'letsencrypt', dnsProvider: 'cloudflare', stagingFirst: false });
    await state().startWizardRun();
    state().resetWizard();

    expect(state().wizardDraft).toEqual(emptyWizardDraft());
    expect(state().wizardStep).toBe('domains');
    bridge.emitOrderEvent({ time: '2026-12-02T01:00:00.000Z', certId: 'e.example.org', event: 'cert_obtaining', message: 'Obtaining' });
    expect(state().wizardRun.log).toEqual([]);
  });

  it('keeps export rows apart by key', async () => {
    const { store } = await loadedStore();
    const state = () => store.getState();
    const first = state().addWizardExport();
    const second = state().addWizardExport();
    state().updateWizardExport(second, { dir: '/srv/b', format: 'pfx' });
    state().removeWizardExport(first);
    expect(state().wizardDraft.exports).toEqual([{ key: second, dir: '/srv/b', format: 'pfx', pfxPassword: '', hook: '' }]);
  });
});

import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AccountDto, DnsProviderDto } from '../../../../preload/contract.ts';
import { createFakeBridge } from '../support/fake-certdesk-api.ts';
import { renderApp, type RenderAppOptions } from '../support/render-app.tsx';

const letsEncrypt: AccountDto = {
  name: 'letsencrypt',
  directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory',
  email: 'admin@example.com',
  stagingDirectoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
  registered: true,
  createdAt: '2026-01-01T00:00:00.000Z',
};
const letsEncryptWithoutStaging: AccountDto = { name: 'letsencrypt', directoryUrl: letsEncrypt.directoryUrl, registered: true, createdAt: letsEncrypt.createdAt };
const privateCa: AccountDto = { name: 'step-ca', directoryUrl: 'https://ca.internal:9000/acme/acme/directory', registered: false, createdAt: '2026-01-02T00:00:00.000Z' };
const cloudflare: DnsProviderDto = { name: 'cloudflare', provider: 'cloudflare', settings: {}, secrets: ['apiToken'], propagation: { enabled: true } };
const byHand: DnsProviderDto = { name: 'by-hand', provider: 'manual', settings: {}, secrets: [], propagation: { enabled: true } };

const openWizard = async (options: RenderAppOptions = {}) => {
  const rendered = renderApp({ route: '/new', accounts: [letsEncrypt], dnsProviders: [cloudflare], ...options });
  await screen.findByRole('heading', { level: 1, name: 'New certificate' });
  return rendered;
};

const domainsField = (): HTMLTextAreaElement => screen.getByRole<HTMLTextAreaElement>('textbox', { name: 'Domains' });
const typeDomains = (text: string): void => {
  fireEvent.change(domainsField(), { target: { value: text } });
};
const next = (): void => {
  fireEvent.click(screen.getByRole('button', { name: 'Next' }));
};
const stepHeading = (): HTMLElement => screen.getByRole('heading', { level: 2, name: /^Step \d of 6/ });
const toStep = async (name: RegExp): Promise<void> => {
  await waitFor(() => {
    expect(stepHeading().textContent).toMatch(name);
  });
};

describe('NewCertificatePage: domains', () => {
  it('checks the names as they are typed and shows an IDN in both forms', async () => {
    await openWizard();

    typeDomains('bücher.example, localhost, exa');

    expect(screen.getByText('bücher.example')).toBeDefined();
    expect(screen.getByText('xn--bcher-kva.example')).toBeDefined();
    expect(domainsField().getAttribute('aria-invalid')).toBe('true');
    const description = domainsField().getAttribute('aria-describedby') ?? '';
    const error = description
      .split(' ')
      .map((id) => document.getElementById(id)?.textContent ?? '')
      .join(' ');
    expect(error).toContain('“localhost” has no dot');
    // The name still being typed is left alone until a separator, a blur or Next.
    expect(error).not.toContain('“exa”');
    fireEvent.blur(domainsField());
    expect(screen.getByText(/“exa” has no dot/)).toBeDefined();
  });

  it('refuses to move on with bad names and puts the focus on the field', async () => {
    await openWizard();
    next();
    expect(screen.getByText('Enter at least one domain, e.g. example.com.')).toBeDefined();
    expect(document.activeElement).toBe(domainsField());

    typeDomains('192.0.2.1');
    next();
    expect(screen.getByText(/“192.0.2.1” is an IP address/)).toBeDefined();
    expect(stepHeading().textContent).toMatch(/Domains/);
  });

  it('derives the certificate id from the first domain until edited, and refuses one in use', async () => {
    await openWizard({ certificates: [{ id: 'example.com', domains: ['example.com'], ca: 'letsencrypt', status: 'valid' }] });
    await waitFor(() => {
      expect(document.querySelector('.wizard-page')).not.toBeNull();
    });
    const idField = (): HTMLInputElement => screen.getByRole<HTMLInputElement>('textbox', { name: 'Certificate id' });

    typeDomains('*.Example.org');
    expect(idField().value).toBe('wildcard.example.org');
    expect(screen.getByText(/can only be validated with a DNS TXT record/)).toBeDefined();

    typeDomains('example.com');
    await waitFor(() => {
      expect(screen.getByText('A certificate with this id exists already. Choose another id.')).toBeDefined();
    });
    fireEvent.change(idField(), { target: { value: 'example-com-2' } });
    typeDomains('example.com www.example.com');
    expect(idField().value).toBe('example-com-2');
    fireEvent.click(screen.getByRole('button', { name: 'Use the id from the first domain' }));
    expect(idField().value).toBe('example.com');
  });
});

describe('NewCertificatePage: steps', () => {
  it('marks the current step, moves the focus to each new step, and keeps the draft going back', async () => {
    await openWizard();
    const stepper = screen.getByRole('navigation', { name: 'Steps' });
    expect(within(stepper).getByText('Domains').closest('li')?.getAttribute('aria-current')).toBe('step');

    typeDomains('www.example.org');
    next();
    await toStep(/CA account/);
    expect(document.activeElement).toBe(stepHeading());
    expect(within(stepper).getByText('CA account').closest('li')?.getAttribute('aria-current')).toBe('step');

    fireEvent.click(screen.getByRole('button', { name: 'Back' }));
    await toStep(/Domains/);
    expect(domainsField().value).toBe('www.example.org');

    next();
    next();
    await toStep(/Validation/);
    fireEvent.click(within(stepper).getByRole('button', { name: /Domains/ }));
    await toStep(/Domains/);
    expect(within(stepper).queryByRole('button', { name: /Validation/ })).toBeNull();
  });

  it('goes from the domains to a certificate, showing the live log and linking to it', async () => {
    const { bridge } = await openWizard({ accounts: [letsEncrypt, privateCa] });

    typeDomains('www.example.org');
    next();
    await toStep(/CA account/);
    expect(screen.getByRole<HTMLInputElement>('radio', { name: /letsencrypt/ }).checked).toBe(true);
    next();
    await toStep(/Validation/);
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'DNS record (DNS-01)' }).checked).toBe(true);
    expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'DNS provider' }).value).toBe('cloudflare');
    next();
    await toStep(/Key & exports/);
    expect(screen.getByRole<HTMLInputElement>('radio', { name: 'EC P-256 (recommended)' }).checked).toBe(true);
    fireEvent.click(screen.getByRole('radio', { name: 'RSA 2048' }));

    fireEvent.click(screen.getByRole('button', { name: 'Add export target' }));
    const folder = screen.getByRole<HTMLInputElement>('textbox', { name: 'Folder' });
    expect(document.activeElement).toBe(folder);
    fireEvent.change(folder, { target: { value: 'certs' } });
    fireEvent.change(screen.getByRole('combobox', { name: 'Format' }), { target: { value: 'pfx' } });
    next();
    expect(screen.getByText(/Enter a full folder path/)).toBeDefined();
    expect(screen.getByText('A PFX file needs a password.')).toBeDefined();
    expect(document.activeElement).toBe(folder);
    fireEvent.change(folder, { target: { value: '/etc/ssl/example' } });
    fireEvent.change(screen.getByLabelText('PFX password'), { target: { value: 'pfx-secret' } });
    fireEvent.change(screen.getByRole('textbox', { name: /^Deploy hook command/ }), { target: { value: 'systemctl reload nginx' } });
    next();

    await toStep(/Review/);
    const review = document.querySelector('.wizard-review') as HTMLElement;
    expect(review.textContent).toContain('www.example.org');
    expect(review.textContent).toContain('DNS-01 through cloudflare');
    expect(review.textContent).toContain('RSA 2048');
    expect(review.textContent).toContain('/etc/ssl/example');
    expect(review.textContent).toContain('then runs: systemctl reload nginx');
    expect(review.textContent).not.toContain('pfx-secret');
    expect(screen.getByRole<HTMLInputElement>('checkbox', { name: 'Test on the CA’s staging environment first' }).checked).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Create and obtain the certificate' }));

    expect(await screen.findByRole('heading', { name: 'Certificate obtained' })).toBeDefined();
    expect(screen.getByText(/^Valid until .*2027/)).toBeDefined();
    expect(screen.getByText('The staging test passed first.')).toBeDefined();
    const log = screen.getByRole('log', { name: 'Order log' });
    expect(within(log).getByText('Obtaining a certificate for www.example.org')).toBeDefined();
    expect(screen.getByRole('link', { name: 'Open the certificate' }).getAttribute('href')).toBe('#/certificates/www.example.org');
    expect(screen.getByRole('link', { name: 'Open the full log' }).getAttribute('href')).toBe('#/certificates/www.example.org/log');
    expect(screen.getByRole('status').textContent).toBe('The certificate was obtained.');

    const added = bridge.calls.find((call) => call.method === 'addCertificate');
    expect(added?.args).toEqual([
      {
        id: 'www.example.org',
        domains: ['www.example.org'],
        ca: 'letsencrypt',
        challenge: { type: 'dns-01', mode: 'dns', provider: 'cloudflare' },
        keyType: 'rsa-2048',
        exports: [{ target: { dir: '/etc/ssl/example', format: 'pfx', hook: { command: 'systemctl reload nginx' } }, pfxPassword: 'pfx-secret' }],
      },
    ]);
    expect(bridge.calls.map((call) => call.method)).toContain('rehearseCertificate');
  });

  it('allows only DNS-01 for a wildcard, and shows the records a manual provider will ask for', async () => {
    await openWizard({ dnsProviders: [byHand] });
    typeDomains('*.example.org example.org');
    next();
    next();
    await toStep(/Validation/);

    const standalone = screen.getByRole<HTMLInputElement>('radio', { name: /answered by CertDesk/ });
    expect(standalone.disabled).toBe(true);
    expect(screen.getAllByText('Not for wildcard domains: they can only be validated with DNS-01.')).toHaveLength(2);

    const table = screen.getByRole('table');
    const rows = within(table).getAllByRole('row');
    expect(rows.map((row) => row.textContent)).toEqual(['NameTypeValueFor', '_acme-challenge.example.orgTXT2 values, shown when the order runs*.example.org, example.org']);
    expect(screen.getByText(/share one record name: create both TXT values/)).toBeDefined();
  });

  it('offers HTTP-01 on 0.0.0.0:80 with a note about port 80, and a webroot only as an absolute path', async () => {
    const { bridge } = await openWizard({ accounts: [letsEncryptWithoutStaging] });
    typeDomains('www.example.org');
    next();
    next();
    await toStep(/Validation/);

    fireEvent.click(screen.getByRole('radio', { name: /answered by CertDesk/ }));
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Listen on address' }).value).toBe('0.0.0.0');
    expect(screen.getByRole<HTMLInputElement>('textbox', { name: 'Port' }).value).toBe('80');
    expect(screen.getByText(/Port 80 of every domain must reach this machine/)).toBeDefined();

    fireEvent.click(screen.getByRole('radio', { name: /through your web server’s folder/ }));
    fireEvent.change(screen.getByRole('textbox', { name: 'Web server folder' }), { target: { value: 'www' } });
    next();
    expect(screen.getByText(/Enter a full folder path/)).toBeDefined();
    fireEvent.change(screen.getByRole('textbox', { name: 'Web server folder' }), { target: { value: '/var/www/html' } });
    next();
    next();
    await toStep(/Review/);
    expect(screen.getByText('HTTP-01 through the folder /var/www/html')).toBeDefined();
    const staging = screen.getByRole<HTMLInputElement>('checkbox', { name: 'Test on the CA’s staging environment first' });
    expect(staging.checked).toBe(false);
    expect(staging.disabled).toBe(true);

    fireEvent.click(screen.getByRole('button', { name: 'Create and obtain the certificate' }));
    await screen.findByRole('heading', { name: 'Certificate obtained' });
    expect(bridge.calls.some((call) => call.method === 'rehearseCertificate')).toBe(false);
  });
});

describe('NewCertificatePage: adding a CA account or DNS provider in place', () => {
  it('shows the account form at once when there is none, requires the terms, and selects the new account', async () => {
    const { bridge } = await openWizard({ accounts: [] });
    typeDomains('www.example.org');
    next();
    await toStep(/CA account/);
    expect(screen.getByText('You need a CA account first')).toBeDefined();

    fireEvent.change(screen.getByRole('textbox', { name: /^Contact email/ }), { target: { value: 'admin@example.org' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add account' }));
    expect(screen.getByText('Accept the terms of service to add the account.')).toBeDefined();
    expect(bridge.calls.some((call) => call.method === 'addAccount')).toBe(false);

    fireEvent.click(screen.getByRole('checkbox', { name: 'I have read and accept this CA’s terms of service' }));
    fireEvent.click(screen.getByRole('button', { name: 'Add account' }));

    const radio = await screen.findByRole<HTMLInputElement>('radio', { name: /letsencrypt/ });
    expect(radio.checked).toBe(true);
    expect(bridge.accounts.map((account) => account.name)).toEqual(['letsencrypt']);
    next();
    await toStep(/Validation/);
  });

  it('adds a DNS provider from the kind’s own fields and selects it', async () => {
    const { bridge } = await openWizard({ dnsProviders: [] });
    typeDomains('www.example.org');
    next();
    next();
    await toStep(/Validation/);
    expect(screen.getByText('You need a DNS provider for DNS-01')).toBeDefined();

    const token = screen.getByLabelText('API token');
    expect(token.getAttribute('type')).toBe('password');
    fireEvent.change(token, { target: { value: 'cf-token' } });
    fireEvent.click(screen.getByRole('button', { name: 'Add provider' }));

    await waitFor(() => {
      expect(screen.getByRole<HTMLSelectElement>('combobox', { name: 'DNS provider' }).value).toBe('cloudflare');
    });
    expect(bridge.dnsProviders).toEqual([{ name: 'cloudflare', provider: 'cloudflare', settings: {}, secrets: ['apiToken'], propagation: { enabled: true } }]);
  });
});

describe('NewCertificatePage: the run', () => {
  it('shows the order’s step and its log lines while it runs', async () => {
    const bridge = createFakeBridge({ accounts: [letsEncrypt], dnsProviders: [cloudflare] });
    let release = (): void => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The order waits for the test, which plays main's order events meanwhile.
    const api = { ...bridge.api, renewCertificate: (id: string, options?: { readonly force?: boolean }) => gate.then(() => bridge.api.renewCertificate(id, options)) };
    renderApp({ route: '/new', bridge: { ...bridge, api } });
    await screen.findByRole('heading', { level: 1, name: 'New certificate' });
    typeDomains('www.example.org');
    for (let i = 0; i < 4; i += 1) next();
    await toStep(/Review/);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Test on the CA’s staging environment first' }));
    fireEvent.click(screen.getByRole('button', { name: 'Create and obtain the certificate' }));
    await waitFor(() => {
      expect(screen.getByRole('status').textContent).toBe('In progress: Order from the CA');
    });

    const at = '2026-12-02T01:00:00.000Z';
    act(() => {
      bridge.emitOrderEvent({ time: at, certId: 'www.example.org', event: 'order_created', message: 'Created order https://ca.example/order/1' });
      bridge.emitOrderEvent({ time: at, certId: 'www.example.org', event: 'challenge_presented', message: 'Presented dns-01 for www.example.org' });
      bridge.emitOrderEvent({ time: at, certId: 'other.example.org', event: 'order_created', message: 'Another certificate’s order' });
    });

    const bar = screen.getByRole('progressbar');
    expect(bar.getAttribute('aria-valuenow')).toBe('2');
    expect(bar.getAttribute('aria-valuetext')).toBe('Step 2 of 6: Presenting challenge');
    const log = screen.getByRole('log', { name: 'Order log' });
    expect(within(log).getAllByRole('listitem').map((item) => item.querySelector('.run-log__message')?.textContent)).toEqual([
      'Created order https://ca.example/order/1',
      'Presented dns-01 for www.example.org',
    ]);
    const stages = document.querySelector('.run-stages') as HTMLElement;
    expect([...stages.querySelectorAll('li')].map((item) => item.textContent)).toEqual([
      'Save the certificate’s settingsDone',
      'Test on the staging environmentSkipped',
      'Order from letsencryptIn progress…',
    ]);

    release();
    expect(await screen.findByRole('heading', { name: 'Certificate obtained' })).toBeDefined();
    expect(screen.queryByRole('progressbar')).toBeNull();
  });
});

describe('NewCertificatePage: failures', () => {
  it('shows a failed order with its remedy, and obtains the certificate on retry', async () => {
    const { bridge } = await openWizard();
    typeDomains('www.example.org');
    next();
    next();
    next();
    next();
    await toStep(/Review/);
    fireEvent.click(screen.getByRole('checkbox', { name: 'Test on the CA’s staging environment first' }));
    bridge.rejectNext('renewCertificate', {
      code: 'acme_unauthorized',
      message: 'Unable to validate www.example.org, the CA found no TXT record at _acme-challenge.www.example.org',
      remedy: 'Check that the DNS provider manages example.org.',
    });
    fireEvent.click(screen.getByRole('button', { name: 'Create and obtain the certificate' }));

    expect(await screen.findByRole('heading', { name: 'The order failed' })).toBeDefined();
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('the CA found no TXT record');
    expect(alert.textContent).toContain('What to do: Check that the DNS provider manages example.org.');
    expect(screen.getByRole('link', { name: 'Open the certificate' })).toBeDefined();
    // The certificate exists in main now: the draft can't go back to be changed.
    expect(screen.queryByRole('button', { name: 'Back to review' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await screen.findByRole('heading', { name: 'Certificate obtained' })).toBeDefined();
  });

  it('lets the admin go back to the review when main refuses the certificate', async () => {
    const { bridge } = await openWizard();
    typeDomains('www.example.org');
    for (let i = 0; i < 4; i += 1) next();
    await toStep(/Review/);
    bridge.rejectNext('addCertificate', { code: 'invalid_input', message: 'Unable to add the certificate www.example.org, the data folder is read-only', remedy: 'Make the data folder writable.' });
    fireEvent.click(screen.getByRole('button', { name: 'Create and obtain the certificate' }));

    expect(await screen.findByRole('heading', { name: 'The certificate’s settings were not saved' })).toBeDefined();
    fireEvent.click(screen.getByRole('button', { name: 'Back to review' }));
    await toStep(/Review/);
  });

  it('starts a fresh draft when opened again after a finished run', async () => {
    const { store } = await openWizard();
    typeDomains('www.example.org');
    for (let i = 0; i < 4; i += 1) next();
    await toStep(/Review/);
    fireEvent.click(screen.getByRole('button', { name: 'Create and obtain the certificate' }));
    await screen.findByRole('heading', { name: 'Certificate obtained' });

    act(() => {
      window.location.hash = '#/settings';
    });
    await screen.findByRole('heading', { level: 1, name: 'Settings' });
    act(() => {
      window.location.hash = '#/new';
    });
    await toStep(/Domains/);
    expect(domainsField().value).toBe('');
    expect(store.getState().wizardRun.status).toBe('idle');
  });
});

describe('NewCertificatePage: Chinese', () => {
  it('speaks Chinese, errors included', async () => {
    renderApp({ route: '/new', accounts: [letsEncrypt], dnsProviders: [cloudflare], settings: { language: 'zh-CN' } });
    expect(await screen.findByRole('heading', { level: 1, name: '新建证书' })).toBeDefined();
    const stepper = screen.getByRole('navigation', { name: '步骤' });
    expect(within(stepper).getByText('域名')).toBeDefined();
    fireEvent.change(screen.getByRole('textbox', { name: '域名' }), { target: { value: '例子.中国 localhost ' } });
    expect(screen.getByText('xn--fsqu00a.xn--fiqs8s')).toBeDefined();
    expect(screen.getByText(/“localhost”不含点/)).toBeDefined();
    fireEvent.click(screen.getByRole('button', { name: '下一步' }));
    expect(screen.getByRole('heading', { level: 2, name: /第 1\/6 步/ })).toBeDefined();
  });
});

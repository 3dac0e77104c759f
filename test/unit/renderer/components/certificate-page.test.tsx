import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CertificateSummaryDto, ExportTargetStatusDto } from '../../../../preload/contract.ts';
import { createFakeBridge, type FakeBridgeOptions, type FakeCertificateInput } from '../support/fake-certdesk-api.ts';
import { renderApp, type RenderedApp } from '../support/render-app.tsx';

const dayMs = 24 * 60 * 60 * 1000;
const start = Date.now();
const iso = (offsetDays: number): string => new Date(start + offsetDays * dayMs).toISOString();

const account = { name: 'le', directoryUrl: 'https://acme.example/dir', stagingDirectoryUrl: 'https://staging.example/dir', registered: true, createdAt: '2025-01-01T00:00:00.000Z' };
const backup = { name: 'zerossl', directoryUrl: 'https://acme.zerossl.com/v2/DV90', registered: true, createdAt: '2025-01-01T00:00:00.000Z' };
const cloudflare = { name: 'cloudflare', provider: 'cloudflare', settings: {}, secrets: ['apiToken'], propagation: { enabled: true } };

const shop: CertificateSummaryDto = {
  id: 'shop',
  domains: ['shop.example', 'www.shop.example'],
  ca: 'le',
  challenge: 'dns-01',
  status: 'valid',
  version: 2,
  serial: '04A1B2C3D4E5F60718293A4B5C6D7E8F9012',
  issuer: "C=US, O=Let's Encrypt, CN=E6",
  notBefore: iso(-10),
  notAfter: iso(80),
  renewAt: iso(50),
  renewalBasis: 'fraction_remaining',
};

const nginx: ExportTargetStatusDto = {
  target: { dir: '/etc/nginx/certs', format: 'pem', hook: { command: 'systemctl reload nginx' } },
  last: { dir: '/etc/nginx/certs', format: 'pem', ok: true, files: ['/etc/nginx/certs/fullchain.pem', '/etc/nginx/certs/privkey.pem'], hook: { ok: true, output: 'nginx: configuration reloaded' }, at: iso(-30) },
};

const edge: CertificateSummaryDto = {
  id: 'edge',
  domains: ['edge.example'],
  monitored: 'tls',
  endpoint: { host: 'edge.example', port: 8443, deployed: 'older', heldBy: 'shop' },
  status: 'valid',
  version: 1,
  issuer: "C=US, O=Let's Encrypt, CN=E5",
  notBefore: iso(-80),
  notAfter: iso(10),
};

function open(route: string, certificates: ReadonlyArray<FakeCertificateInput> = [{ summary: shop, exports: [nginx] }], options: FakeBridgeOptions = {}): RenderedApp {
  return renderApp({ route, accounts: [account, backup], dnsProviders: [cloudflare], certificates, ...options });
}

/** Waits for the Overview to show the identity card, which needs `cert:detail`. */
async function overview(): Promise<HTMLElement> {
  return screen.findByRole('region', { name: 'Identity' });
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
});

describe('CertificatePage: what the certificate is', () => {
  it('shows the header, the tabs and every part of the overview', async () => {
    open('/certificates/shop');
    const identity = await overview();

    expect(screen.getByRole('heading', { level: 1, name: 'shop' })).toBeDefined();
    expect(screen.getByRole('link', { name: /All certificates/ }).getAttribute('href')).toBe('#/');
    const tabs = screen.getByRole('tablist', { name: 'Certificate sections' });
    expect(within(tabs).getByRole('tab', { name: 'Overview' }).getAttribute('aria-selected')).toBe('true');
    expect(within(tabs).getByRole('tab', { name: 'Order log' }).getAttribute('aria-selected')).toBe('false');
    expect(screen.getByRole('tabpanel', { name: 'Overview' })).toBeDefined();

    // Identity: SANs, serial, both fingerprints, key type, the chain leaf first.
    expect(within(identity).getAllByRole('listitem').slice(0, 2).map((item) => item.textContent)).toEqual(['shop.example', 'www.shop.example']);
    expect(identity.textContent).toContain(shop.serial);
    expect(identity.textContent).toContain('SHA-256 fingerprint');
    expect(identity.textContent).toContain('SHA-1 fingerprint');
    expect(identity.textContent).toContain('EC P-256');
    const chain = within(identity).getAllByRole('listitem').slice(2);
    expect(chain.map((link) => link.textContent.split('valid until')[0])).toEqual(['This certificateCN=shop.example', "Issued byC=US, O=Let's Encrypt, CN=E6"]);

    const validity = screen.getByRole('region', { name: 'Validity' });
    expect(validity.textContent).toMatch(/Expires in 7\dd/);
    expect(validity.textContent).toContain('When a third of the lifetime is left');

    const definition = screen.getByRole('region', { name: 'Settings' });
    expect(definition.textContent).toContain('DNS-01 through the DNS provider cloudflare');
    expect(definition.textContent).toContain('ECDSA P-256');

    const exports = screen.getByRole('region', { name: 'Export targets' });
    expect(exports.textContent).toContain('/etc/nginx/certs');
    expect(exports.textContent).toContain('systemctl reload nginx');
    expect(exports.textContent).toContain('Files: fullchain.pem, privkey.pem');
    expect(within(exports).getByText('Deploy hook output (succeeded)').closest('details')?.textContent).toContain('nginx: configuration reloaded');

    const versions = within(screen.getByRole('region', { name: 'Versions' })).getAllByRole('row');
    expect(versions.slice(1).map((row) => within(row).getAllByRole('rowheader')[0]?.textContent)).toEqual(['2', '1']);
    expect(versions[1]?.textContent).toContain('Live');
    expect(within(versions[2] as HTMLElement).getByRole('button', { name: 'Roll back to version 1' })).toBeDefined();
  });

  it('copies a fingerprint to the clipboard', async () => {
    const writeText = vi.fn<(text: string) => Promise<void>>(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    open('/certificates/shop');
    const identity = await overview();

    fireEvent.click(within(identity).getByRole('button', { name: 'Copy the SHA-256 fingerprint' }));
    await waitFor(() => {
      expect(within(identity).getByRole('button', { name: 'Copy the SHA-256 fingerprint' }).textContent).toBe('Copied');
    });
    const copied = writeText.mock.calls[0]?.[0] ?? '';
    expect(copied).toMatch(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    expect(identity.textContent).toContain(copied);
  });

  it('explains the last failure with main’s own words in the UI’s language', async () => {
    const failing: CertificateSummaryDto = {
      ...shop,
      status: 'failing',
      nextAttemptAt: iso(0.1),
      attempts: {
        count: 3,
        firstFailureAt: iso(-1),
        lastError: {
          at: iso(-0.01),
          type: 'caa',
          message: 'Unable to renew shop, a CAA record forbids the CA (CA: CAA record for shop.example prevents issuance)',
          explanation: { en: 'A CAA record in the domain’s DNS does not allow this CA.', 'zh-CN': '该域名的 CAA 记录不允许此 CA 签发。' },
          remedy: { en: 'Add a CAA record naming the CA.', 'zh-CN': '请添加指明此 CA 的 CAA 记录。' },
        },
      },
    };
    const { bridge } = open('/certificates/shop', [failing]);
    const card = await screen.findByRole('region', { name: 'The last renewal failed' });
    expect(card.textContent).toContain('A CAA record in the domain’s DNS does not allow this CA.');
    expect(card.textContent).toContain('Add a CAA record naming the CA.');
    expect(card.textContent).toContain('CAA record for shop.example prevents issuance');
    expect(card.textContent).toContain('3 failed attempts since');
    expect(card.textContent).toContain('CertDesk tries again at');

    act(() => {
      bridge.push({ language: 'zh-CN' });
    });
    const zh = await screen.findByRole('region', { name: '上次续期失败' });
    expect(zh.textContent).toContain('该域名的 CAA 记录不允许此 CA 签发。');
    expect(zh.textContent).toContain('请添加指明此 CA 的 CAA 记录。');
    expect(screen.getByRole('tab', { name: '概览' })).toBeDefined();
    expect(screen.getByRole('button', { name: '立即续期' })).toBeDefined();
  });

  it('shows the rate-limit budget main reports for the next order', async () => {
    const budgeted: CertificateSummaryDto = {
      ...shop,
      budget: [
        { limit: 'failedValidations', scope: 'shop.example', used: 5, max: 5, left: 0, exempt: false, allowedAt: iso(0.05) },
        { limit: 'duplicateCertificates', scope: 'shop.example,www.shop.example', used: 1, max: 5, left: 4, exempt: true, allowedAt: iso(0) },
      ],
    };
    open('/certificates/shop', [budgeted]);
    const card = await screen.findByRole('region', { name: 'CA rate limits' });
    const rows = within(card).getAllByRole('row').slice(1);
    expect(rows[0]?.textContent).toContain('Failed validations per domain');
    expect(rows[0]?.textContent).toContain('5 of 5');
    expect(rows[0]?.textContent).toContain('None left; next at');
    expect(rows[1]?.textContent).toContain('Renewals are exempt');
  });

  it('shows what a monitored endpoint serves, and checks it again on request', async () => {
    const { bridge } = open('/certificates/edge', [{ summary: shop }, { summary: edge }]);
    const card = await screen.findByRole('region', { name: 'Endpoint check' });
    expect(card.textContent).toContain('edge.example:8443');
    expect(card.textContent).toContain('An older certificate than CertDesk holds: the new one was not deployed.');
    expect(within(card).getByRole('link', { name: 'shop' }).getAttribute('href')).toBe('#/certificates/shop');
    expect(screen.getByText(/Monitor only: CertDesk watches what edge.example:8443 serves/)).toBeDefined();
    expect(screen.queryByRole('button', { name: 'Renew now' })).toBeNull();
    expect(screen.queryByRole('region', { name: 'Export targets' })).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Check now' }));
    expect(await screen.findByText('Checked edge.example:8443 just now.')).toBeDefined();
    expect(bridge.calls.filter((call) => call.method === 'checkMonitor').map((call) => call.args)).toEqual([['edge']]);
  });

  it('says when the certificate does not exist', async () => {
    open('/certificates/gone');
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('This certificate no longer exists');
    fireEvent.click(screen.getByRole('link', { name: /All certificates/ }));
    expect(await screen.findByRole('heading', { level: 1, name: 'Certificates' })).toBeDefined();
  });

  it('shows why the detail could not be read, with the remedy, and reads again on request', async () => {
    const bridge = createFakeBridge({ accounts: [account], certificates: [{ summary: shop }] });
    let broken = true;
    const failing = {
      ...bridge,
      api: {
        ...bridge.api,
        getCertificateDetail: (id: string) =>
          broken
            ? // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the bridge rejects with ApiError objects
              Promise.reject({ code: 'io_failed', message: `Unable to read ${id}, meta.json is unreadable`, remedy: 'Check the data folder’s permissions.' })
            : bridge.api.getCertificateDetail(id),
      },
    };
    renderApp({ route: '/certificates/shop', bridge: failing });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Unable to read shop, meta.json is unreadable');
    expect(alert.textContent).toContain('What to do: Check the data folder’s permissions.');
    broken = false;
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(await overview()).toBeDefined();
    expect(screen.queryByRole('alert')).toBeNull();
  });
});

describe('CertificatePage: actions', () => {
  it('renews now, showing it running, then the new version', async () => {
    const { bridge } = open('/certificates/shop');
    await overview();
    const release = bridge.hold();
    fireEvent.click(screen.getByRole('button', { name: 'Renew now' }));
    const running = screen.getByRole('button', { name: 'Renewing…' });
    expect(running.getAttribute('aria-disabled')).toBe('true');
    expect(screen.getByRole('button', { name: 'Dry run on staging' }).getAttribute('aria-disabled')).toBe('true');

    act(release);
    expect(await screen.findByText(/^Renewed: version 3 is live, valid until/)).toBeDefined();
    expect(bridge.calls.filter((call) => call.method === 'renewCertificate').map((call) => call.args)).toEqual([['shop', { force: true }]]);
    await waitFor(() => {
      expect(within(screen.getByRole('region', { name: 'Versions' })).getAllByRole('row')).toHaveLength(4);
    });
    expect(screen.getByRole('button', { name: 'Renew now' }).getAttribute('aria-disabled')).toBeNull();
  });

  it('shows a failed renewal with its remedy, until dismissed', async () => {
    const { bridge } = open('/certificates/shop');
    await overview();
    bridge.rejectNext('renewCertificate', { code: 'needs_admin', message: 'Unable to renew shop, the CA could not find the TXT record', remedy: 'Check that the DNS provider created the _acme-challenge record.' });
    fireEvent.click(screen.getByRole('button', { name: 'Renew now' }));

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Unable to renew shop, the CA could not find the TXT record');
    expect(alert.textContent).toContain('What to do: Check that the DNS provider created the _acme-challenge record.');
    fireEvent.click(within(alert).getByRole('button', { name: 'Dismiss' }));
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('offers no dry run when the CA account has no staging directory, and says why', async () => {
    open('/certificates/shop', [{ summary: { ...shop, ca: 'zerossl' }, exports: [nginx] }]);
    await overview();
    const dryRun = screen.getByRole('button', { name: 'Dry run on staging' });
    await waitFor(() => {
      expect(dryRun.getAttribute('aria-disabled')).toBe('true');
    });
    expect(document.getElementById(dryRun.getAttribute('aria-describedby') ?? '')?.textContent).toMatch(/^A dry run needs a staging directory for the CA account zerossl/);
  });

  it('runs a dry run on staging and says what it proved', async () => {
    open('/certificates/shop');
    await overview();
    fireEvent.click(screen.getByRole('button', { name: 'Dry run on staging' }));
    expect(await screen.findByText(/^Dry run succeeded: the staging CA issued a certificate valid until .*, which was discarded/)).toBeDefined();
    expect(await screen.findByText(/^Succeeded /)).toBeDefined();
  });

  it('exports now, showing the exporting step while it runs', async () => {
    const { bridge } = open('/certificates/shop');
    await overview();
    const release = bridge.hold();
    fireEvent.click(screen.getByRole('button', { name: 'Export now' }));
    expect(screen.getByRole('progressbar', { name: 'Order progress' }).getAttribute('aria-valuetext')).toBe('Step 6 of 6: Exporting');
    expect(screen.getByText('Exporting')).toBeDefined();

    act(release);
    expect(await screen.findByText('Written to 1 of 1 export targets.')).toBeDefined();
    expect(screen.queryByRole('progressbar', { name: 'Order progress' })).toBeNull();
  });

  it('follows a running order: the step, and the actions that would disturb it unavailable', async () => {
    const { bridge } = open('/certificates/shop');
    await overview();
    act(() => {
      bridge.emitOrderEvent({ time: new Date().toISOString(), certId: 'shop', event: 'challenge_presented', message: 'Presented the dns-01 proof for shop.example' });
    });
    expect(screen.getByRole('progressbar', { name: 'Order progress' }).getAttribute('aria-valuetext')).toBe('Step 2 of 6: Presenting challenge');
    const renew = screen.getByRole('button', { name: 'Renew now' });
    expect(renew.getAttribute('aria-disabled')).toBe('true');
    expect(document.getElementById(renew.getAttribute('aria-describedby') ?? '')?.textContent).toBe('An order is running for this certificate; these actions are back when it ends.');
    fireEvent.click(renew);
    expect(bridge.calls.some((call) => call.method === 'renewCertificate')).toBe(false);
  });

  it('revokes after a confirmation that names the version and asks why', async () => {
    const { bridge } = open('/certificates/shop');
    await overview();
    const revoke = screen.getByRole('button', { name: 'Revoke…' });
    revoke.focus();
    fireEvent.click(revoke);

    let dialog = screen.getByRole('dialog', { name: 'Revoke the live certificate of shop?' });
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    expect(dialog.textContent).toContain(`version 2 (serial ${shop.serial ?? ''})`);
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(revoke);
    expect(bridge.calls.some((call) => call.method === 'revokeCertificate')).toBe(false);

    fireEvent.click(revoke);
    dialog = screen.getByRole('dialog');
    fireEvent.change(within(dialog).getByRole('combobox', { name: 'Reason' }), { target: { value: 'superseded' } });
    fireEvent.click(within(dialog).getByRole('button', { name: 'Revoke' }));
    expect(await screen.findByText('Version 2 was revoked (It was replaced by another certificate).')).toBeDefined();
    expect(screen.getByText('Version 3 replaces it.')).toBeDefined();
    expect(bridge.calls.filter((call) => call.method === 'revokeCertificate').map((call) => call.args)).toEqual([['shop', 'superseded']]);
  });

  it('keeps Tab inside the dialog', async () => {
    open('/certificates/shop');
    await overview();
    fireEvent.click(screen.getByRole('button', { name: 'Remove…' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove shop?' });
    const checkbox = within(dialog).getByRole('checkbox');
    const confirm = within(dialog).getByRole('button', { name: 'Remove' });
    confirm.focus();
    fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(document.activeElement).toBe(checkbox);
    fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(confirm);
  });

  it('removes after a confirmation, keeping the files unless asked, then goes back to the list', async () => {
    const { bridge } = open('/certificates/shop');
    await overview();
    fireEvent.click(screen.getByRole('button', { name: 'Remove…' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove shop?' });
    const deleteFiles = within(dialog).getByRole<HTMLInputElement>('checkbox', { name: 'Also delete its files (moved aside, recoverable)' });
    expect(deleteFiles.checked).toBe(false);
    fireEvent.click(deleteFiles);
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove' }));

    expect(await screen.findByRole('heading', { level: 1, name: 'Certificates' })).toBeDefined();
    expect(bridge.calls.filter((call) => call.method === 'removeCertificate').map((call) => call.args)).toEqual([[{ id: 'shop', deleteFiles: true }]]);
    expect(bridge.certificates).toEqual([]);
  });

  it('stays on the page with the error when removing fails', async () => {
    const { bridge } = open('/certificates/shop');
    await overview();
    bridge.rejectNext('removeCertificate', { code: 'locked', message: 'Unable to remove shop, a renewal holds its lock', remedy: 'Wait for the renewal to finish, then remove it again.' });
    fireEvent.click(screen.getByRole('button', { name: 'Remove…' }));
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Remove' }));
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('What to do: Wait for the renewal to finish, then remove it again.');
    expect(bridge.calls.find((call) => call.method === 'removeCertificate')?.args).toEqual([{ id: 'shop', deleteFiles: false }]);
    expect(screen.getByRole('heading', { level: 1, name: 'shop' })).toBeDefined();
  });

  it('rolls back to an earlier version after a confirmation', async () => {
    const { bridge } = open('/certificates/shop');
    await overview();
    fireEvent.click(screen.getByRole('button', { name: 'Roll back to version 1' }));
    const dialog = screen.getByRole('dialog', { name: 'Roll back to version 1?' });
    expect(dialog.textContent).toContain('The current version is kept.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Roll back' }));

    expect(await screen.findByText('Version 1 is live again and was written to the export targets.')).toBeDefined();
    expect(bridge.calls.filter((call) => call.method === 'rollbackCertificate').map((call) => call.args)).toEqual([['shop', 1]]);
    await waitFor(() => {
      const rows = within(screen.getByRole('region', { name: 'Versions' })).getAllByRole('row');
      expect(rows[2]?.textContent).toContain('Live');
    });
  });
});

describe('CertificatePage: editing', () => {
  it('saves domains, validation, key type and standby CA, then shows the new settings', async () => {
    const { bridge } = open('/certificates/shop');
    await overview();
    const card = screen.getByRole('region', { name: 'Settings' });
    fireEvent.click(within(card).getByRole('button', { name: 'Edit' }));

    const form = screen.getByRole('region', { name: 'Edit settings' });
    const domains = within(form).getByRole('textbox', { name: 'Domains' });
    expect(document.activeElement).toBe(domains);
    fireEvent.change(domains, { target: { value: 'shop.example, api.shop.example' } });
    fireEvent.change(within(form).getByRole('combobox', { name: 'Key type' }), { target: { value: 'rsa-2048' } });
    await waitFor(() => {
      expect(within(form).getByRole('combobox', { name: 'Standby CA account' }).textContent).toContain('zerossl');
    });
    fireEvent.change(within(form).getByRole('combobox', { name: 'Standby CA account' }), { target: { value: 'zerossl' } });
    fireEvent.change(within(form).getByRole('textbox', { name: 'Switch after this many failed attempts' }), { target: { value: '2' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));

    expect(await screen.findByText('Saved. The next renewal uses these settings.')).toBeDefined();
    expect(bridge.calls.filter((call) => call.method === 'updateCertificate').map((call) => call.args)).toEqual([
      [
        {
          id: 'shop',
          domains: ['shop.example', 'api.shop.example'],
          challenge: { type: 'dns-01', mode: 'dns', provider: 'cloudflare' },
          keyType: 'rsa-2048',
          standby: { ca: 'zerossl', afterFailures: 2 },
        },
      ],
    ]);
    const saved = screen.getByRole('region', { name: 'Settings' });
    await waitFor(() => {
      expect(saved.textContent).toContain('RSA 2048');
    });
    expect(saved.textContent).toContain('zerossl, after 2 failed attempts');
    expect(document.activeElement).toBe(within(saved).getByRole('button', { name: 'Edit' }));
  });

  it('checks fields as typed once a save was tried, sending nothing invalid', async () => {
    const { bridge } = open('/certificates/shop');
    await overview();
    fireEvent.click(within(screen.getByRole('region', { name: 'Settings' })).getByRole('button', { name: 'Edit' }));
    const form = screen.getByRole('region', { name: 'Edit settings' });
    const domains = within(form).getByRole('textbox', { name: 'Domains' });
    fireEvent.change(domains, { target: { value: '*.shop.example' } });
    fireEvent.change(within(form).getByRole('combobox', { name: 'Validation method' }), { target: { value: 'webroot' } });
    fireEvent.change(within(form).getByRole('textbox', { name: 'Webroot folder' }), { target: { value: 'var/www' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));

    expect(domains.getAttribute('aria-invalid')).toBe('true');
    expect(form.textContent).toContain('Wildcard domains can only be validated with DNS-01.');
    expect(form.textContent).toContain('Give the full path of the folder, e.g. /var/www/html.');
    fireEvent.change(domains, { target: { value: 'shop..example' } });
    expect(form.textContent).toContain('Not a domain name: shop..example');
    expect(bridge.calls.some((call) => call.method === 'updateCertificate')).toBe(false);
  });

  it('shows main’s refusal with its remedy and keeps the form open', async () => {
    const { bridge } = open('/certificates/shop');
    await overview();
    fireEvent.click(within(screen.getByRole('region', { name: 'Settings' })).getByRole('button', { name: 'Edit' }));
    const form = screen.getByRole('region', { name: 'Edit settings' });
    bridge.rejectNext('updateCertificate', { code: 'invalid_input', message: 'Unable to use the DNS provider "cloudflare", its token expired', remedy: 'Update the token in Settings → DNS providers.' });
    fireEvent.click(within(form).getByRole('button', { name: 'Save' }));
    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('What to do: Update the token in Settings → DNS providers.');
    expect(within(form).getByRole('textbox', { name: 'Domains' })).toBeDefined();
  });
});

describe('CertificatePage: tabs', () => {
  it('moves between Overview and Order log with the arrow keys, keeping the URL in step', async () => {
    open('/certificates/shop');
    await overview();
    const overviewTab = screen.getByRole('tab', { name: 'Overview' });
    expect(overviewTab.tabIndex).toBe(0);
    expect(screen.getByRole('tab', { name: 'Order log' }).tabIndex).toBe(-1);

    fireEvent.keyDown(overviewTab, { key: 'ArrowRight' });
    const logTab = screen.getByRole('tab', { name: 'Order log' });
    expect(logTab.getAttribute('aria-selected')).toBe('true');
    expect(document.activeElement).toBe(logTab);
    expect(window.location.hash).toBe('#/certificates/shop/log');
    expect(await screen.findByRole('tabpanel', { name: 'Order log' })).toBeDefined();
    expect(await screen.findByText(/Nothing logged yet/)).toBeDefined();

    fireEvent.keyDown(logTab, { key: 'Home' });
    expect(window.location.hash).toBe('#/certificates/shop');
    expect(await overview()).toBeDefined();
  });

  it('opens on the order log from its URL', async () => {
    open('/certificates/shop/log');
    expect(await screen.findByRole('tabpanel', { name: 'Order log' })).toBeDefined();
    expect(screen.getByRole('tab', { name: 'Order log' }).getAttribute('aria-selected')).toBe('true');
  });
});

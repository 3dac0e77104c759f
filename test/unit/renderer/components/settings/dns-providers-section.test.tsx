import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { DnsProviderDto } from '../../../../../preload/contract.ts';
import { renderApp, type RenderAppOptions } from '../../support/render-app.tsx';

const bind: DnsProviderDto = {
  name: 'bind',
  provider: 'rfc2136',
  settings: { server: '192.0.2.53:53', keyName: 'certdesk-key' },
  secrets: ['keySecret'],
  propagation: { enabled: true, timeoutSeconds: 90 },
};

const openProviders = async (options: RenderAppOptions = {}) => {
  const rendered = renderApp({ route: '/settings', ...options });
  const name = options.settings?.language === 'zh-CN' ? 'DNS 服务商' : 'DNS providers';
  const section = await screen.findByRole('region', { name });
  await waitFor(() => {
    expect(within(section).queryByText(/Loading…|正在加载…/)).toBeNull();
  });
  return { ...rendered, section };
};

const openForm = (section: HTMLElement): HTMLElement => {
  fireEvent.click(within(section).getByRole('button', { name: 'Add DNS provider' }));
  return within(section).getByRole('form', { name: 'New DNS provider' });
};

describe('DnsProvidersSection', () => {
  it('says what a provider is for when there is none', async () => {
    const { section } = await openProviders();
    expect(within(section).getByText('No DNS provider yet')).toBeDefined();
    expect(within(section).getByText(/needed for wildcard certificates/)).toBeDefined();
  });

  it('lists a provider with its settings by label, which secrets are set, and its propagation check', async () => {
    const { section } = await openProviders({ dnsProviders: [bind] });
    const item = within(section).getByRole('listitem');
    expect(item.textContent).toContain('RFC 2136 (BIND, Knot, PowerDNS…)');
    const facts = [...item.querySelectorAll('dt')].map((dt) => `${dt.textContent}=${dt.nextElementSibling?.textContent ?? ''}`);
    expect(facts).toEqual([
      'Primary server=192.0.2.53:53',
      'TSIG key name=certdesk-key',
      'TSIG secret=Set',
      'Propagation check=On: waits up to 90 s, checking every 2 s',
    ]);
    expect(item.textContent).not.toContain('keySecret');
  });

  it('renders the chosen kind’s own fields: secrets hidden, choices as selects, examples and defaults as placeholders', async () => {
    const { section } = await openProviders();
    const form = openForm(section);
    const kind = within(form).getByRole<HTMLSelectElement>('combobox', { name: 'Provider' });
    expect(within(kind).getAllByRole('option').map((option) => option.textContent)).toEqual(['Cloudflare', 'RFC 2136 (BIND, Knot, PowerDNS…)', 'Manual']);
    expect(within(form).getByText(/Create an API token with Zone:DNS:Edit/)).toBeDefined();
    expect(within(form).getByLabelText('API token').getAttribute('type')).toBe('password');
    const zone = within(form).getByRole<HTMLInputElement>('textbox', { name: 'Zone ID (optional)' });
    expect(zone.placeholder).toBe('023e105f4ecef8ad9ca31a8372d0c353');

    fireEvent.change(kind, { target: { value: 'rfc2136' } });
    expect(within(form).getByRole<HTMLInputElement>('textbox', { name: 'Primary server' }).placeholder).toBe('192.0.2.53:53');
    const algorithm = within(form).getByRole<HTMLSelectElement>('combobox', { name: 'Algorithm (optional)' });
    expect(within(algorithm).getAllByRole('option').map((option) => option.textContent)).toEqual(['Default (hmac-sha256)', 'hmac-sha256', 'hmac-sha384', 'hmac-sha512', 'hmac-sha1']);
    expect(within(form).getByRole<HTMLInputElement>('textbox', { name: 'Wait at most (seconds) (optional)' }).placeholder).toBe('60');
    expect(within(form).getByText('Default for this provider: 2 s.')).toBeDefined();
    expect(within(form).getByRole<HTMLInputElement>('textbox', { name: 'Name' }).value).toBe('rfc2136');
  });

  it('checks required fields, then adds the provider with only what was filled in', async () => {
    const { section, bridge } = await openProviders();
    const form = openForm(section);
    fireEvent.change(within(form).getByRole('combobox', { name: 'Provider' }), { target: { value: 'rfc2136' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add provider' }));
    expect(within(form).getByText('Enter the Primary server.')).toBeDefined();
    expect(within(form).getByText('Enter the TSIG secret.')).toBeDefined();
    expect(bridge.calls.some((call) => call.method === 'addDnsProvider')).toBe(false);

    fireEvent.change(within(form).getByRole('textbox', { name: 'Name' }), { target: { value: 'bind' } });
    fireEvent.change(within(form).getByRole('textbox', { name: 'Primary server' }), { target: { value: '192.0.2.53:53' } });
    fireEvent.change(within(form).getByRole('textbox', { name: 'TSIG key name' }), { target: { value: 'certdesk-key' } });
    fireEvent.change(within(form).getByLabelText('TSIG secret'), { target: { value: 'c2VjcmV0' } });
    fireEvent.change(within(form).getByRole('combobox', { name: 'Algorithm (optional)' }), { target: { value: 'hmac-sha512' } });
    fireEvent.change(within(form).getByRole('textbox', { name: 'Wait at most (seconds) (optional)' }), { target: { value: '90' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add provider' }));

    const item = await within(section).findByRole('listitem');
    expect(item.textContent).toContain('bind');
    expect(bridge.calls.find((call) => call.method === 'addDnsProvider')?.args).toEqual([
      {
        name: 'bind',
        provider: 'rfc2136',
        credentials: { server: '192.0.2.53:53', keyName: 'certdesk-key', keySecret: 'c2VjcmV0', algorithm: 'hmac-sha512' },
        propagation: { enabled: true, timeoutSeconds: 90 },
      },
    ]);
    expect(within(section).getByRole('status').textContent).toBe('DNS provider bind added.');
  });

  it('shows what to do next when the provider kind says so (acme-dns: the CNAME to create)', async () => {
    const note = { en: 'Create the CNAME _acme-challenge.example.com → d420c923.auth.acme-dns.io.', 'zh-CN': '请创建 CNAME 记录 _acme-challenge.example.com → d420c923.auth.acme-dns.io。' };
    const { section } = await openProviders({ dnsAddNote: note });
    const form = openForm(section);
    fireEvent.change(within(form).getByRole('combobox', { name: 'Provider' }), { target: { value: 'manual' } });
    fireEvent.change(within(form).getByRole('textbox', { name: 'Name' }), { target: { value: 'hand' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Add provider' }));
    const item = await within(section).findByRole('listitem');
    expect(within(item).getByRole('note').textContent).toBe(`Next step${note.en}`);
  });

  it('checks the credentials and shows what they reach, or why they fail', async () => {
    const { section, bridge } = await openProviders({ dnsProviders: [bind] });
    fireEvent.click(within(section).getByRole('button', { name: 'Check the credentials of bind' }));
    expect(await within(section).findByText('The credentials work. Zones they reach: example.com.')).toBeDefined();

    bridge.rejectNext('checkDnsProvider', { code: 'dns_auth', message: 'Unable to update the zone example.com, the server refused the TSIG key', remedy: 'Check the key name and secret.' });
    fireEvent.click(within(section).getByRole('button', { name: 'Check the credentials of bind' }));
    const alert = await within(section).findByRole('alert');
    expect(alert.textContent).toContain('the server refused the TSIG key');
    expect(alert.textContent).toContain('What to do: Check the key name and secret.');
    expect(within(section).queryByText(/The credentials work/)).toBeNull();
  });

  it('removes a provider after confirmation', async () => {
    const { section, bridge } = await openProviders({ dnsProviders: [bind] });
    fireEvent.click(within(section).getByRole('button', { name: 'Remove the DNS provider bind' }));
    const dialog = screen.getByRole('dialog', { name: 'Remove the DNS provider bind?' });
    expect(within(dialog).getByText(/deletes this provider and its stored credentials/)).toBeDefined();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove provider' }));
    await waitFor(() => {
      expect(screen.queryByRole('dialog')).toBeNull();
    });
    expect(bridge.dnsProviders).toEqual([]);
    expect(within(section).getByText('No DNS provider yet')).toBeDefined();
  });

  it('shows field labels and help in Chinese', async () => {
    const { section } = await openProviders({ settings: { language: 'zh-CN' } });
    fireEvent.click(within(section).getByRole('button', { name: '添加 DNS 服务商' }));
    const form = within(section).getByRole('form', { name: '新建 DNS 服务商' });
    expect(within(form).getByLabelText('API 令牌').getAttribute('type')).toBe('password');
    expect(within(form).getByRole('textbox', { name: '区域 ID（可选）' })).toBeDefined();
  });
});

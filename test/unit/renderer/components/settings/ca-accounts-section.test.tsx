import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import type { AccountDto } from '../../../../../preload/contract.ts';
import { renderApp, type RenderAppOptions } from '../../support/render-app.tsx';

const letsEncrypt: AccountDto = {
  name: 'letsencrypt',
  directoryUrl: 'https://acme-v02.api.letsencrypt.org/directory',
  email: 'admin@example.com',
  stagingDirectoryUrl: 'https://acme-staging-v02.api.letsencrypt.org/directory',
  registered: true,
  createdAt: '2026-01-01T00:00:00.000Z',
};

const openAccounts = async (options: RenderAppOptions = {}) => {
  const rendered = renderApp({ route: '/settings', ...options });
  const section = await screen.findByRole('region', { name: 'CA accounts' });
  await waitFor(() => {
    expect(within(section).queryByText('Loading…')).toBeNull();
  });
  return { ...rendered, section };
};

const submit = (section: HTMLElement): void => {
  fireEvent.click(within(section).getByRole('button', { name: 'Add account' }));
};
const agree = (section: HTMLElement): void => {
  fireEvent.click(within(section).getByRole('checkbox', { name: 'I have read and accept this CA’s terms of service' }));
};

describe('CaAccountsSection', () => {
  it('says what to do when there is no account yet', async () => {
    const { section } = await openAccounts();
    expect(within(section).getByText('No CA account yet')).toBeDefined();
    fireEvent.click(within(section).getByRole('button', { name: 'Add your first CA account' }));
    expect(within(section).getByRole('form', { name: 'New CA account' })).toBeDefined();
  });

  it('lists each account with its CA, directory, contact, staging and registration', async () => {
    const { section } = await openAccounts({ accounts: [letsEncrypt, { name: 'zerossl', directoryUrl: 'https://acme.zerossl.com/v2/DV90', eabKid: 'kid-123', registered: false, createdAt: '2026-01-01T00:00:00.000Z' }] });
    const items = within(section).getAllByRole('listitem');
    expect(items).toHaveLength(2);
    const [first, second] = items as [HTMLElement, HTMLElement];
    expect(first.textContent).toContain('Let’s Encrypt');
    expect(first.textContent).toContain('admin@example.com');
    expect(first.textContent).toContain('https://acme-staging-v02.api.letsencrypt.org/directory');
    expect(first.textContent).toContain('Registered with the CA');
    expect(second.textContent).toContain('ZeroSSL');
    expect(second.textContent).toContain('kid-123');
    expect(second.textContent).toContain('No contact email');
    expect(second.textContent).toContain('None (dry runs are not available)');
    expect(second.textContent).toContain('Registers with the first order');
  });

  it('adds a Let’s Encrypt account only once the terms are accepted', async () => {
    const { section, bridge } = await openAccounts();
    fireEvent.click(within(section).getByRole('button', { name: 'Add CA account' }));
    const form = within(section).getByRole('form', { name: 'New CA account' });
    expect(within(form).getByRole<HTMLSelectElement>('combobox', { name: 'Certificate authority' }).value).toBe('letsencrypt');
    expect(within(form).getByRole<HTMLInputElement>('textbox', { name: 'Account name' }).value).toBe('letsencrypt');
    expect(within(form).queryByLabelText(/EAB/)).toBeNull();

    fireEvent.change(within(form).getByRole('textbox', { name: /^Contact email/ }), { target: { value: 'not-an-email' } });
    submit(section);
    expect(within(form).getByText('Enter an email address such as admin@example.com, or leave it empty.')).toBeDefined();
    expect(within(form).getByText('Accept the terms of service to add the account.')).toBeDefined();
    expect(bridge.calls.some((call) => call.method === 'addAccount')).toBe(false);

    fireEvent.change(within(form).getByRole('textbox', { name: /^Contact email/ }), { target: { value: 'ops@example.org' } });
    agree(section);
    submit(section);

    await within(section).findByRole('listitem');
    expect(within(section).queryByRole('form')).toBeNull();
    expect(bridge.calls.find((call) => call.method === 'addAccount')?.args).toEqual([{ name: 'letsencrypt', directory: 'letsencrypt', agreeTos: true, email: 'ops@example.org' }]);
    expect(within(section).getByRole('status').textContent).toBe('CA account letsencrypt added.');
  });

  it('asks for the EAB key id and HMAC key when the CA requires them, as a hidden secret', async () => {
    const { section, bridge } = await openAccounts({ accounts: [letsEncrypt] });
    fireEvent.click(within(section).getByRole('button', { name: 'Add CA account' }));
    const form = within(section).getByRole('form', { name: 'New CA account' });
    fireEvent.change(within(form).getByRole('combobox', { name: 'Certificate authority' }), { target: { value: 'zerossl' } });

    expect(within(form).getByText(/ZeroSSL requires EAB/)).toBeDefined();
    const hmac = within(form).getByLabelText('EAB HMAC key');
    expect(hmac.getAttribute('type')).toBe('password');
    agree(section);
    submit(section);
    expect(within(form).getByText('Enter the EAB key ID.')).toBeDefined();
    expect(within(form).getByText('Enter the EAB HMAC key.')).toBeDefined();

    fireEvent.change(within(form).getByRole('textbox', { name: 'EAB key ID' }), { target: { value: 'kid-1' } });
    fireEvent.change(hmac, { target: { value: 'hmac-secret' } });
    fireEvent.click(within(form).getByRole('button', { name: 'Show EAB HMAC key' }));
    expect(hmac.getAttribute('type')).toBe('text');
    submit(section);

    await waitFor(() => {
      expect(within(section).getAllByRole('listitem')).toHaveLength(2);
    });
    expect(bridge.accounts.map((account) => account.name)).toEqual(['letsencrypt', 'zerossl']);
    expect(bridge.calls.find((call) => call.method === 'addAccount')?.args[0]).toMatchObject({ directory: 'zerossl', eab: { kid: 'kid-1', hmacKey: 'hmac-secret' } });
  });

  it('takes a custom directory URL, names the account after its host, and shows main’s refusal with its remedy', async () => {
    const { section, bridge } = await openAccounts();
    fireEvent.click(within(section).getByRole('button', { name: 'Add CA account' }));
    const form = within(section).getByRole('form', { name: 'New CA account' });
    fireEvent.change(within(form).getByRole('combobox', { name: 'Certificate authority' }), { target: { value: 'custom' } });
    fireEvent.change(within(form).getByRole('textbox', { name: 'Directory URL' }), { target: { value: 'https://acme.ca.internal:9000/directory' } });
    expect(within(form).getByRole<HTMLInputElement>('textbox', { name: 'Account name' }).value).toBe('ca.internal');
    agree(section);
    bridge.rejectNext('addAccount', { code: 'network', message: 'Unable to read the ACME directory at https://acme.ca.internal:9000/directory, the connection was refused', remedy: 'Check the URL and that the CA is running.' });
    submit(section);

    const alert = await within(form).findByRole('alert');
    expect(alert.textContent).toContain('the connection was refused');
    expect(alert.textContent).toContain('What to do: Check the URL and that the CA is running.');
    submit(section);
    await within(section).findByRole('listitem');
    expect(bridge.accounts[0]).toMatchObject({ name: 'ca.internal', directoryUrl: 'https://acme.ca.internal:9000/directory' });
  });

  it('takes the CA certificate file of a private CA as an absolute path, only for a custom directory', async () => {
    const { section, bridge } = await openAccounts();
    fireEvent.click(within(section).getByRole('button', { name: 'Add CA account' }));
    const form = within(section).getByRole('form', { name: 'New CA account' });
    expect(within(form).queryByRole('textbox', { name: /^CA certificate file/ })).toBeNull();

    fireEvent.change(within(form).getByRole('combobox', { name: 'Certificate authority' }), { target: { value: 'custom' } });
    fireEvent.change(within(form).getByRole('textbox', { name: 'Directory URL' }), { target: { value: 'https://127.0.0.1:14000/dir' } });
    const caFile = within(form).getByRole('textbox', { name: /^CA certificate file/ });
    expect(caFile.getAttribute('aria-describedby')).not.toBeNull();
    fireEvent.change(caFile, { target: { value: 'certs/root_ca.crt' } });
    agree(section);
    submit(section);
    expect(within(form).getByText('Enter the absolute path of a PEM file, e.g. /etc/step-ca/certs/root_ca.crt, or leave it empty.')).toBeDefined();
    expect(caFile.getAttribute('aria-invalid')).toBe('true');
    expect(bridge.calls.some((call) => call.method === 'addAccount')).toBe(false);

    fireEvent.change(caFile, { target: { value: ' /etc/step-ca/certs/root_ca.crt ' } });
    submit(section);
    await within(section).findByRole('listitem');
    expect(bridge.calls.find((call) => call.method === 'addAccount')?.args).toEqual([
      { name: '127.0.0.1', directory: 'https://127.0.0.1:14000/dir', agreeTos: true, caFile: '/etc/step-ca/certs/root_ca.crt' },
    ]);
  });

  it('sends no CA certificate file for a preset, even one typed before switching back to it', async () => {
    const { section, bridge } = await openAccounts();
    fireEvent.click(within(section).getByRole('button', { name: 'Add CA account' }));
    const form = within(section).getByRole('form', { name: 'New CA account' });
    fireEvent.change(within(form).getByRole('combobox', { name: 'Certificate authority' }), { target: { value: 'custom' } });
    fireEvent.change(within(form).getByRole('textbox', { name: /^CA certificate file/ }), { target: { value: 'not/absolute.pem' } });
    fireEvent.change(within(form).getByRole('combobox', { name: 'Certificate authority' }), { target: { value: 'letsencrypt' } });
    expect(within(form).queryByRole('textbox', { name: /^CA certificate file/ })).toBeNull();
    agree(section);
    submit(section);
    await within(section).findByRole('listitem');
    expect(bridge.calls.find((call) => call.method === 'addAccount')?.args).toEqual([{ name: 'letsencrypt', directory: 'letsencrypt', agreeTos: true }]);
  });

  it('removes an account after confirmation; Escape cancels; a refusal shows in the dialog', async () => {
    const { section, bridge } = await openAccounts({
      accounts: [letsEncrypt],
      certificates: [{ id: 'www.example.org', domains: ['www.example.org'], ca: 'letsencrypt', status: 'valid' }],
    });
    const remove = within(section).getByRole('button', { name: 'Remove the CA account letsencrypt' });

    // As a keyboard user does it: focus the button, then press it.
    remove.focus();
    fireEvent.click(remove);
    let dialog = screen.getByRole('dialog', { name: 'Remove the CA account letsencrypt?' });
    expect(document.activeElement).toBe(within(dialog).getByRole('button', { name: 'Cancel' }));
    fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByRole('dialog')).toBeNull();
    expect(document.activeElement).toBe(remove);

    fireEvent.click(remove);
    dialog = screen.getByRole('dialog');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove account' }));
    const alert = await within(dialog).findByRole('alert');
    expect(alert.textContent).toContain('Unable to remove the CA account letsencrypt');
    expect(alert.textContent).toContain('www.example.org');
    expect(alert.textContent).toContain('What to do: ');

    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    bridge.setCertificates([]);
    fireEvent.click(remove);
    dialog = screen.getByRole('dialog');
    expect(within(dialog).queryByRole('alert')).toBeNull();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove account' }));

    await waitFor(() => {
      expect(screen.queryByRole('dialog')).toBeNull();
    });
    expect(within(section).getByText('No CA account yet')).toBeDefined();
    expect(within(section).getByRole('status').textContent).toBe('CA account letsencrypt removed.');
    expect(bridge.accounts).toEqual([]);
  });

  it('keeps the keyboard inside the dialog', async () => {
    const { section } = await openAccounts({ accounts: [letsEncrypt] });
    fireEvent.click(within(section).getByRole('button', { name: 'Remove the CA account letsencrypt' }));
    const dialog = screen.getByRole('dialog');
    const [cancel, confirm] = within(dialog).getAllByRole('button') as [HTMLElement, HTMLElement];
    confirm.focus();
    fireEvent.keyDown(dialog, { key: 'Tab' });
    expect(document.activeElement).toBe(cancel);
    fireEvent.keyDown(dialog, { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(confirm);
    expect(dialog.getAttribute('aria-modal')).toBe('true');
  });
});

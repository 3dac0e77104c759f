import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp, type RenderAppOptions } from '../../support/render-app.tsx';

const openPolicy = async (options: RenderAppOptions = {}) => {
  const rendered = renderApp({ route: '/settings', ...options });
  const section = await screen.findByRole('region', { name: options.settings?.language === 'zh-CN' ? '续期策略' : 'Renewal policy' });
  await waitFor(() => {
    expect(within(section).getAllByRole('group').length).toBeGreaterThan(0);
  });
  return { ...rendered, section };
};

const field = (section: HTMLElement, name: string): HTMLInputElement => within(section).getByRole<HTMLInputElement>('textbox', { name });

describe('RenewalPolicySection', () => {
  it('shows every policy value main holds, grouped, with what each accepts', async () => {
    const { section } = await openPolicy();

    expect(within(section).getAllByRole('group').map((group) => group.querySelector('legend')?.textContent)).toEqual([
      'When to renew',
      'Retries after a failure',
      'Checks and storage',
      'Alerts',
    ]);
    expect(field(section, 'First retry after').value).toBe('1m');
    expect(field(section, 'Backoff factor').value).toBe('2');
    expect(field(section, 'Longest wait between retries').value).toBe('6h');
    expect(field(section, 'Check every').value).toBe('1h');
    expect(field(section, 'Expiry alerts (days before)').value).toBe('30,14,7,3,1');
    // "(none)" from main is an empty field with a placeholder, not text to edit.
    const maxAttempts = field(section, 'Maximum attempts');
    expect(maxAttempts.value).toBe('');
    expect(maxAttempts.placeholder).toBe('Not set');
    const help = document.getElementById(maxAttempts.getAttribute('aria-describedby') ?? '');
    expect(help?.textContent).toContain('A whole number of 1 or more; empty for no limit.');
    expect(help?.textContent).toContain('(default)');
    expect(within(section).queryByRole('button', { name: /Reset/ })).toBeNull();
  });

  it('saves one value through main, then offers to reset it to the default', async () => {
    const { section, bridge } = await openPolicy();
    const save = (): HTMLButtonElement => within(field(section, 'Longest wait between retries').closest('form') as HTMLElement).getByRole('button', { name: 'Save' });
    expect(save().disabled).toBe(true);

    fireEvent.change(field(section, 'Longest wait between retries'), { target: { value: ' 12h ' } });
    expect(save().disabled).toBe(false);
    fireEvent.click(save());

    const reset = await within(section).findByRole('button', { name: 'Reset “Longest wait between retries” to its default' });
    expect(field(section, 'Longest wait between retries').value).toBe('12h');
    expect(bridge.calls.filter((call) => call.method === 'updatePolicy').map((call) => call.args)).toEqual([[{ key: 'retry.maxDelay', value: '12h' }]]);

    fireEvent.click(reset);
    await waitFor(() => {
      expect(field(section, 'Longest wait between retries').value).toBe('6h');
    });
    expect(bridge.calls.filter((call) => call.method === 'updatePolicy').map((call) => call.args)[1]).toEqual([{ key: 'retry.maxDelay', value: null }]);
    expect(within(section).queryByRole('button', { name: /Reset/ })).toBeNull();
  });

  it('submits with Enter, and clearing a field puts it back to its default', async () => {
    const { section, bridge } = await openPolicy();
    fireEvent.change(field(section, 'Renew this many days before expiry'), { target: { value: '30' } });
    fireEvent.submit(field(section, 'Renew this many days before expiry'));
    await within(section).findByRole('button', { name: /Reset “Renew this many days/ });

    fireEvent.change(field(section, 'Renew this many days before expiry'), { target: { value: '' } });
    fireEvent.submit(field(section, 'Renew this many days before expiry'));
    await waitFor(() => {
      expect(within(section).queryByRole('button', { name: /Reset “Renew this many days/ })).toBeNull();
    });
    expect(bridge.calls.filter((call) => call.method === 'updatePolicy').map((call) => call.args[0])).toEqual([
      { key: 'renewal.daysBeforeExpiry', value: '30' },
      { key: 'renewal.daysBeforeExpiry', value: null },
    ]);
  });

  it('shows main’s refusal under the field with its remedy, keeping what was typed', async () => {
    const { section } = await openPolicy();
    const input = field(section, 'Check every');
    fireEvent.change(input, { target: { value: '90' } });
    fireEvent.submit(input);

    await waitFor(() => {
      expect(input.getAttribute('aria-invalid')).toBe('true');
    });
    const error = (input.getAttribute('aria-describedby') ?? '').split(' ').map((id) => document.getElementById(id)?.textContent).join(' ');
    expect(error).toContain('Unable to use "90", expected a duration with a unit');
    expect(error).toContain('What to do: Give a duration with a unit: 500ms, 90s, 1m, 6h or 30d.');
    expect(input.value).toBe('90');
  });

  it('shows a load failure with a way to try again', async () => {
    const rendered = renderApp({ route: '/settings' });
    rendered.bridge.rejectNext('getPolicy', { code: 'invalid_data', message: 'Unable to read the renewal policy from config.json', remedy: 'Repair the file.' });
    const section = await screen.findByRole('region', { name: 'Renewal policy' });
    await within(section).findByText('Unable to read the renewal policy from config.json');
    fireEvent.click(within(section).getByRole('button', { name: 'Try again' }));
    expect(await within(section).findByRole('textbox', { name: 'Check every' })).toBeDefined();
  });

  it('speaks Chinese', async () => {
    const { section } = await openPolicy({ settings: { language: 'zh-CN' } });
    expect(within(section).getByRole('textbox', { name: '检查间隔' })).toBeDefined();
    expect(within(section).getAllByRole('button', { name: '保存' }).length).toBeGreaterThan(0);
  });
});

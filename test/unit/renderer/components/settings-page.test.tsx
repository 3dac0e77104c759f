import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../support/render-app.tsx';

const openSettings = async (options: Parameters<typeof renderApp>[0] = {}) => {
  const rendered = renderApp({ route: '/settings', ...options });
  await screen.findByRole('heading', { level: 1, name: 'Settings' });
  return rendered;
};

const select = (name: string): HTMLSelectElement => screen.getByRole<HTMLSelectElement>('combobox', { name });

describe('SettingsPage: About', () => {
  it('lists version, runtime, platform and the full data directory', async () => {
    await openSettings({ appInfo: { dataDir: '/home/admin/.config/CertDesk' } });

    const about = screen.getByRole('region', { name: 'About' });
    expect(about.textContent).toContain('0.1.0');
    expect(about.textContent).toContain('Electron 45.5.0');
    expect(about.textContent).toContain('Linux (x64)');
    const path = within(about).getByText('/home/admin/.config/CertDesk');
    expect(path.tagName).toBe('CODE');
  });

  it('names Node as the runtime when the core runs without Electron', async () => {
    await openSettings({
      appInfo: { runtime: 'node', platform: 'darwin', arch: 'arm64', versions: { node: '22.12.0' } },
    });

    const about = screen.getByRole('region', { name: 'About' });
    expect(about.textContent).toContain('Node 22.12.0');
    expect(about.textContent).toContain('macOS (arm64)');
  });
});

describe('SettingsPage: language and theme', () => {
  it('offers each language in its own name', async () => {
    await openSettings();

    const options = within(select('Language')).getAllByRole('option');
    expect(options.map((option) => option.textContent)).toEqual(['System default', 'English', '简体中文']);
    expect(select('Language').value).toBe('system');
    expect(within(select('Theme')).getAllByRole('option').map((o) => o.textContent)).toEqual(['System', 'Light', 'Dark']);
  });

  it('switches the UI to Chinese through main', async () => {
    const { bridge } = await openSettings();

    fireEvent.change(select('Language'), { target: { value: 'zh-CN' } });

    expect(await screen.findByRole('heading', { level: 1, name: '设置' })).toBeDefined();
    expect(bridge.updates).toEqual([{ language: 'zh-CN' }]);
    expect(select('语言').value).toBe('zh-CN');
    expect(screen.getByRole('region', { name: '关于' }).textContent).toContain('数据目录');
    expect(within(select('主题')).getAllByRole('option').map((o) => o.textContent)).toEqual(['跟随系统', '浅色', '深色']);
    expect(document.documentElement.lang).toBe('zh-CN');
  });

  it('shows what main returns even when no push follows', async () => {
    await openSettings({ pushOnUpdate: false });

    fireEvent.change(select('Theme'), { target: { value: 'dark' } });

    await waitFor(() => {
      expect(document.documentElement.dataset['theme']).toBe('dark');
    });
    expect(select('Theme').value).toBe('dark');
  });

  it('keeps the value main holds until main answers', async () => {
    const { bridge } = await openSettings();
    const release = bridge.hold();

    fireEvent.change(select('Theme'), { target: { value: 'dark' } });
    expect(select('Theme').value).toBe('system');

    act(release);
    await waitFor(() => {
      expect(select('Theme').value).toBe('dark');
    });
  });

  it('shows the error when main rejects a change, and keeps the old value', async () => {
    const { bridge } = await openSettings();
    bridge.rejectNextUpdate('Unable to update settings, config.json is read-only');

    fireEvent.change(select('Language'), { target: { value: 'zh-CN' } });

    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toBe('The setting wasn’t saved: Unable to update settings, config.json is read-only');
    expect(select('Language').value).toBe('system');
    expect(screen.getByRole('heading', { level: 1, name: 'Settings' })).toBeDefined();

    fireEvent.change(select('Theme'), { target: { value: 'light' } });
    await waitFor(() => {
      expect(select('Theme').value).toBe('light');
    });
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('follows settings pushed by main while open', async () => {
    const { bridge } = await openSettings();

    act(() => {
      bridge.push({ theme: 'dark', language: 'en' });
    });

    expect(select('Theme').value).toBe('dark');
    expect(select('Language').value).toBe('en');
    expect(document.documentElement.dataset['theme']).toBe('dark');
  });
});

describe('SettingsPage: desktop switches', () => {
  const checkbox = (name: string): HTMLInputElement => screen.getByRole<HTMLInputElement>('checkbox', { name });

  it('shows what main holds, with a hint for each', async () => {
    await openSettings({ settings: { closeToTray: true, startAtLogin: false, quietNotifications: true } });
    const desktop = screen.getByRole('region', { name: 'Desktop' });
    expect(within(desktop).getAllByRole('checkbox').map((c) => (c as HTMLInputElement).checked)).toEqual([true, false, false, true, true]);
    expect(checkbox('Keep running in the tray when the window is closed').getAttribute('aria-describedby')).toBeTruthy();
    expect(desktop.textContent).toContain('quit from the tray icon');
    // Starting hidden only means something for a start at login.
    expect(checkbox('Start in the tray at login').disabled).toBe(true);
  });

  it('turns notifications off through main; quiet mode then has nothing to narrow', async () => {
    const { bridge } = await openSettings();
    expect(checkbox('Only notify me about critical problems').disabled).toBe(false);
    fireEvent.click(checkbox('Show notifications'));
    await waitFor(() => {
      expect(checkbox('Show notifications').checked).toBe(false);
    });
    expect(checkbox('Only notify me about critical problems').disabled).toBe(true);
    expect(bridge.updates).toEqual([{ notifications: false }]);
  });

  it('changes a switch through main and shows main\'s answer', async () => {
    const { bridge } = await openSettings();
    fireEvent.click(checkbox('Keep running in the tray when the window is closed'));
    await waitFor(() => {
      expect(checkbox('Keep running in the tray when the window is closed').checked).toBe(false);
    });
    fireEvent.click(checkbox('Start CertDesk when I log in'));
    await waitFor(() => {
      expect(checkbox('Start in the tray at login').disabled).toBe(false);
    });
    expect(bridge.updates).toEqual([{ closeToTray: false }, { startAtLogin: true }]);
    expect(bridge.settings).toMatchObject({ closeToTray: false, startAtLogin: true });
  });

  it('speaks Chinese', async () => {
    renderApp({ route: '/settings', settings: { language: 'zh-CN' } });
    expect((await screen.findByRole('region', { name: '桌面' })).textContent).toContain('只通知严重问题');
  });
});

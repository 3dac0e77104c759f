import { act, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { ExpiryCountdown, formatDuration } from '../../../../renderer/components/expiry-countdown.tsx';
import { createTranslator } from '../../../../renderer/i18n/messages.ts';
import { renderWithStore, testNow } from '../support/render-with-store.tsx';

const at = (ms: number): string => new Date(Date.parse(testNow) + ms).toISOString();
const second = 1000;
const minute = 60 * second;
const hour = 60 * minute;
const day = 24 * hour;

describe('formatDuration', () => {
  const en = createTranslator('en');
  const zh = createTranslator('zh-CN');
  it.each<readonly [number, string, string]>([
    [12 * day + 4 * hour + 3 * minute + 59 * second, '12d 4h 3m', '12 天 4 小时 3 分'],
    [day, '1d 0h 0m', '1 天 0 小时 0 分'],
    [day - second, '23h 59m 59s', '23 小时 59 分 59 秒'],
    [hour + 5 * second, '1h 0m 5s', '1 小时 0 分 5 秒'],
    [59 * minute + 1 * second, '59m 1s', '59 分 1 秒'],
    [999, '0m 0s', '0 分 0 秒'],
    [-(2 * hour + 5 * minute), '2h 5m 0s', '2 小时 5 分 0 秒'],
  ])('%d ms reads "%s" / "%s"', (ms, english, chinese) => {
    expect(formatDuration(ms, en)).toBe(english);
    expect(formatDuration(ms, zh)).toBe(chinese);
  });
});

describe('ExpiryCountdown', () => {
  it('counts down every second under a day, from the shared clock', async () => {
    const { clock } = await renderWithStore(<ExpiryCountdown notAfter={at(2 * hour + 10 * second)} />);
    expect(screen.getByText('Expires in 2h 0m 10s')).toBeDefined();
    act(() => {
      clock.tick();
    });
    expect(screen.getByText('Expires in 2h 0m 9s')).toBeDefined();
    const time = screen.getByText('Expires in 2h 0m 9s');
    expect(time.tagName).toBe('TIME');
    expect(time.getAttribute('dateTime')).toBe(at(2 * hour + 10 * second));
  });

  it('shows days, hours and minutes further out, in both locales', async () => {
    const { bridge } = await renderWithStore(<ExpiryCountdown notAfter={at(12 * day + 4 * hour + 3 * minute)} />);
    expect(screen.getByText('Expires in 12d 4h 3m')).toBeDefined();
    act(() => {
      bridge.push({ language: 'zh-CN' });
    });
    expect(screen.getByText('12 天 4 小时 3 分后过期')).toBeDefined();
  });

  it('says how long ago it expired, marked as past, once the time passes', async () => {
    const { clock, bridge } = await renderWithStore(<ExpiryCountdown notAfter={at(1 * second)} />);
    expect(screen.getByText('Expires in 0m 1s').className).toBe('countdown');
    act(() => {
      clock.tick();
    });
    act(() => {
      clock.tick();
    });
    const past = screen.getByText('Expired 0m 1s ago');
    expect(past.className).toContain('countdown--past');
    act(() => {
      bridge.push({ language: 'zh-CN' });
    });
    expect(screen.getByText('已过期 0 分 1 秒')).toBeDefined();
  });

  it('says so when there is no expiry date', async () => {
    await renderWithStore(
      <>
        <ExpiryCountdown notAfter={undefined} />
        <ExpiryCountdown notAfter="not a date" />
      </>,
    );
    expect(screen.getAllByText('No expiry date')).toHaveLength(2);
  });
});

import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { CertificateSummaryDto, OrderEventName, OrderLogEntryDto } from '../../../../preload/contract.ts';
import { createFakeBridge } from '../support/fake-certdesk-api.ts';
import { renderApp, type RenderedApp } from '../support/render-app.tsx';

const dayMs = 24 * 60 * 60 * 1000;
const start = Date.now();

const shop: CertificateSummaryDto = {
  id: 'shop',
  domains: ['shop.example'],
  ca: 'le',
  challenge: 'dns-01',
  status: 'valid',
  version: 1,
  notBefore: new Date(start - 10 * dayMs).toISOString(),
  notAfter: new Date(start + 80 * dayMs).toISOString(),
};

/** An entry `minutes` after a fixed moment two days ago. */
function at(minutes: number, event: OrderEventName, message: string, data?: Record<string, unknown>): OrderLogEntryDto {
  const time = new Date(start - 2 * dayMs + minutes * 60_000).toISOString();
  return data === undefined ? { time, certId: 'shop', event, message } : { time, certId: 'shop', event, message, data };
}

/** A failed order (the CA found no TXT record), then a successful one with its export. */
const history: ReadonlyArray<OrderLogEntryDto> = [
  at(0, 'cert_obtaining', 'Obtaining a certificate for shop.example', { domains: ['shop.example'] }),
  at(0.1, 'order_created', 'Created order https://acme.example/order/1', { orderUrl: 'https://acme.example/order/1' }),
  at(0.2, 'challenge_presented', 'Presented the dns-01 proof for shop.example', { domain: 'shop.example', type: 'dns-01' }),
  at(1, 'authorization_status', 'Validation of shop.example failed: The CA could not find the TXT record', { domain: 'shop.example', status: 'invalid', problem: 'dns' }),
  at(1.1, 'cert_failed', 'Unable to obtain shop, the CA could not find the TXT record (CA: NXDOMAIN looking up TXT for _acme-challenge.shop.example)', {
    problem: 'dns',
    kind: 'needs_admin',
    // Main sends its own explanation and remedy, in every locale, with a failed entry.
    explanation: { en: 'The CA could not find the TXT record, or the domain’s DNS did not answer.', 'zh-CN': 'CA 找不到 TXT 验证记录，或该域名的 DNS 服务器没有应答。' },
    remedy: { en: 'Check that the DNS provider created the _acme-challenge record, then renew again.', 'zh-CN': '请检查 DNS 服务商是否已创建 _acme-challenge 记录，然后重新续期。' },
  }),
  at(1.1, 'retry_scheduled', 'Attempt 1 failed; automatic retries stopped (needs_admin) until the admin renews again', { attempt: 1, stopped: 'needs_admin', problem: 'dns' }),
  at(60, 'cert_obtaining', 'Obtaining a certificate for shop.example', { domains: ['shop.example'] }),
  at(60.1, 'order_created', 'Created order https://acme.example/order/2', { orderUrl: 'https://acme.example/order/2' }),
  at(61, 'cert_obtained', 'Stored version 1, valid until 2026-06-01T00:00:00.000Z', { version: 1 }),
  at(61.1, 'cert_exported', 'Exported version 1 to /etc/nginx/certs (pem)', { dir: '/etc/nginx/certs', format: 'pem' }),
];

function openLog(log: ReadonlyArray<OrderLogEntryDto> = history): RenderedApp {
  return renderApp({ route: '/certificates/shop/log', certificates: [{ summary: shop, log }] });
}

/** The order groups, newest first, by their disclosure buttons. */
async function groupToggles(): Promise<HTMLElement[]> {
  const panel = await screen.findByRole('tabpanel', { name: 'Order log' });
  await within(panel).findAllByRole('listitem');
  return within(panel).getAllByRole('button').filter((button) => button.hasAttribute('aria-expanded'));
}

afterEach(() => {
  Reflect.deleteProperty(navigator, 'clipboard');
  vi.restoreAllMocks();
});

describe('OrderLogViewer', () => {
  it('groups the history by order, newest first, the newest expanded', async () => {
    openLog();
    const [newest, older] = await groupToggles();
    expect(newest?.getAttribute('aria-expanded')).toBe('true');
    expect(newest?.textContent).toContain('Order');
    expect(newest?.textContent).toContain('Certificate obtained');
    expect(newest?.textContent).toContain('took 1m 0s');
    expect(newest?.textContent).toContain('4 entries');
    expect(older?.getAttribute('aria-expanded')).toBe('false');
    expect(older?.textContent).toContain('Failed');
    expect(screen.queryByText(/Presented the dns-01 proof/)).toBeNull();

    fireEvent.click(older as HTMLElement);
    expect(older?.getAttribute('aria-expanded')).toBe('true');
    const list = document.getElementById(older?.getAttribute('aria-controls') ?? '');
    expect(within(list as HTMLElement).getAllByRole('listitem').map((item) => item.querySelector('.log-entry__event')?.textContent)).toEqual([
      'Order started',
      'Order created',
      'Proof in place',
      'Validation status',
      'Failed',
      'Retry scheduled',
    ]);
    expect(screen.getByText('10 of 10 entries')).toBeDefined();
  });

  it('explains each ACME problem in plain language with the remedy, in both languages', async () => {
    const { bridge } = openLog();
    const [, older] = await groupToggles();
    fireEvent.click(older as HTMLElement);
    const failed = screen.getByText(/^Unable to obtain shop, the CA could not find the TXT record/).closest('li') as HTMLElement;
    expect(failed.textContent).toContain('Error');
    expect(failed.textContent).toContain('Problem: dns');
    expect(failed.textContent).toContain('The CA could not find the TXT record, or the domain’s DNS did not answer.');
    expect(failed.textContent).toContain('Check that the DNS provider created the _acme-challenge record');
    // Other entries of the same run name the problem without repeating the explanation.
    const again = screen.getByText(/^Validation of shop.example failed/).closest('li') as HTMLElement;
    expect(again.textContent).toContain('Problem: dns');
    expect(again.textContent).not.toContain('What to do');

    act(() => {
      bridge.push({ language: 'zh-CN' });
    });
    await waitFor(() => {
      expect(failed.textContent).toContain('CA 找不到 TXT 验证记录，或该域名的 DNS 服务器没有应答。');
    });
    expect(failed.textContent).toContain('如何处理');
    expect(screen.getByRole('tab', { name: '订单日志' })).toBeDefined();
  });

  it('appends live entries of this certificate as they arrive, and announces the notable ones', async () => {
    const { bridge } = openLog();
    await groupToggles();
    const live = screen.getByText(/^$/, { selector: '[aria-live="polite"]' });

    act(() => {
      bridge.emitOrderEvent({ time: new Date().toISOString(), certId: 'shop', event: 'cert_obtaining', message: 'Obtaining a certificate for shop.example' });
      bridge.emitOrderEvent({ time: new Date().toISOString(), certId: 'other', event: 'cert_failed', message: 'Unable to obtain other' });
    });
    const [running] = await groupToggles();
    expect(running?.textContent).toContain('Running');
    expect(running?.getAttribute('aria-expanded')).toBe('true');
    expect(live.textContent).toBe('Order started: Obtaining a certificate for shop.example');
    expect(screen.getByText('Following new entries live')).toBeDefined();
    expect(screen.queryByText('Unable to obtain other')).toBeNull();

    act(() => {
      bridge.emitOrderEvent({ time: new Date().toISOString(), certId: 'shop', event: 'acme_request', message: 'POST /order-plz → 201', data: { method: 'POST', url: 'https://acme.example/order-plz', status: 201, durationMs: 12 } });
    });
    expect(screen.getByText('POST /order-plz → 201')).toBeDefined();
    expect(live.textContent).toBe('Order started: Obtaining a certificate for shop.example');
    expect(screen.getByText('12 of 12 entries')).toBeDefined();
  });

  it('filters by level', async () => {
    openLog();
    await groupToggles();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Info' }));
    expect(screen.getByText('3 of 10 entries')).toBeDefined();
    const [only] = await groupToggles();
    expect(only?.textContent).toContain('Failed');
    expect(only?.textContent).toContain('3 of 6 entries shown');
    const entries = within(document.getElementById(only?.getAttribute('aria-controls') ?? '') as HTMLElement).getAllByRole('listitem');
    expect(entries.map((item) => item.querySelector('.log-level')?.textContent)).toEqual(['Error', 'Error', 'Warning']);

    fireEvent.click(screen.getByRole('checkbox', { name: 'Warning' }));
    fireEvent.click(screen.getByRole('checkbox', { name: 'Error' }));
    expect(screen.getByText('No entries match the filter or search.')).toBeDefined();
    fireEvent.click(screen.getByRole('button', { name: 'Show every entry' }));
    expect(screen.getByText('10 of 10 entries')).toBeDefined();
  });

  it('searches the whole history: messages, event names and data', async () => {
    openLog();
    await groupToggles();
    const search = screen.getByRole('searchbox', { name: 'Search the whole history' });
    fireEvent.change(search, { target: { value: 'needs_admin' } });
    await waitFor(() => {
      expect(screen.getByText('2 of 10 entries')).toBeDefined();
    });
    const [match] = await groupToggles();
    expect(match?.getAttribute('aria-expanded')).toBe('true');
    expect(screen.getByText(/^Attempt 1 failed/)).toBeDefined();

    fireEvent.change(search, { target: { value: 'order/2' } });
    await waitFor(() => {
      expect(screen.getByText('Created order https://acme.example/order/2')).toBeDefined();
    });
    fireEvent.change(search, { target: { value: 'Proof in place' } });
    await waitFor(() => {
      expect(screen.getByText('Presented the dns-01 proof for shop.example')).toBeDefined();
    });
    fireEvent.change(search, { target: { value: 'letsencrypt' } });
    expect(await screen.findByText('No entries match the filter or search.')).toBeDefined();
  });

  it('copies the entries shown as text for a support request', async () => {
    const writeText = vi.fn<(text: string) => Promise<void>>(() => Promise.resolve());
    Object.defineProperty(navigator, 'clipboard', { configurable: true, value: { writeText } });
    openLog();
    await groupToggles();
    fireEvent.click(screen.getByRole('checkbox', { name: 'Info' }));
    fireEvent.click(screen.getByRole('button', { name: 'Copy the entries shown as text' }));

    expect(await screen.findByText('Copied 3 entries to the clipboard.')).toBeDefined();
    const text = writeText.mock.calls[0]?.[0] ?? '';
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('CertDesk order log of shop (3 entries)');
    expect(lines.slice(1).map((line) => line.split(/\s{2,}/).slice(1, 3))).toEqual([
      ['ERROR', 'authorization_status'],
      ['ERROR', 'cert_failed'],
      ['WARNING', 'retry_scheduled'],
    ]);
  });

  it('says so when the clipboard cannot be used', async () => {
    openLog();
    await groupToggles();
    fireEvent.click(screen.getByRole('button', { name: 'Copy the entries shown as text' }));
    expect(await screen.findByText('Copying failed: this window may not use the clipboard. Save the log as a file instead.')).toBeDefined();
  });

  it('saves the entries shown as a text or JSON Lines file', async () => {
    const blobs: Blob[] = [];
    const downloads: string[] = [];
    Object.defineProperty(URL, 'createObjectURL', { configurable: true, value: (blob: Blob) => (blobs.push(blob), `blob:certdesk/${String(blobs.length)}`) });
    Object.defineProperty(URL, 'revokeObjectURL', { configurable: true, value: () => undefined });
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      downloads.push(`${this.download} ${this.href}`);
    });
    openLog();
    await groupToggles();

    fireEvent.click(screen.getByRole('button', { name: 'Save as JSON Lines' }));
    expect(downloads).toEqual(['certdesk-shop-log.jsonl blob:certdesk/1']);
    expect(screen.getByText('Saved certdesk-shop-log.jsonl to your downloads.')).toBeDefined();
    const jsonl = await (blobs[0] as Blob).text();
    expect(jsonl.trimEnd().split('\n').map((line) => JSON.parse(line) as unknown)).toEqual(history);

    fireEvent.click(screen.getByRole('button', { name: 'Save as text' }));
    expect(downloads[1]).toBe('certdesk-shop-log.txt blob:certdesk/2');
    expect(await (blobs[1] as Blob).text()).toContain('cert_failed  Unable to obtain shop');
  });

  it('tells what the log is for when nothing was logged yet', async () => {
    openLog([]);
    expect(await screen.findByText(/^Nothing logged yet\. Every order appears here as it runs/)).toBeDefined();
    expect(screen.getByRole<HTMLButtonElement>('button', { name: 'Save as text' }).disabled).toBe(true);
  });

  it('shows why the history could not be read, and reads it again on request', async () => {
    const bridge = createFakeBridge({ certificates: [{ summary: shop, log: history }] });
    let broken = true;
    const failing = {
      ...bridge,
      api: {
        ...bridge.api,
        readOrderLog: (id: string) =>
          broken
            ? // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors -- the bridge rejects with ApiError objects
              Promise.reject({ code: 'io_failed', message: `Unable to read the order log of ${id}, permission denied`, remedy: 'Check the data folder’s permissions.' })
            : bridge.api.readOrderLog(id),
      },
    };
    renderApp({ route: '/certificates/shop/log', bridge: failing });
    const alert = await screen.findByRole('alert');
    expect(alert.textContent).toContain('Unable to read the order log of shop, permission denied');
    expect(alert.textContent).toContain('What to do: Check the data folder’s permissions.');
    broken = false;
    const panel = screen.getByRole('tabpanel', { name: 'Order log' });
    fireEvent.click(within(panel).getByRole('button', { name: 'Try again' }));
    expect(await screen.findByText('10 of 10 entries')).toBeDefined();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('shows twenty runs at a time, older ones on request', async () => {
    const runs = Array.from({ length: 25 }, (_, run) => [
      at(run * 60, 'cert_obtaining', `Run ${String(run + 1)}`),
      at(run * 60 + 1, 'cert_failed', `Run ${String(run + 1)} failed`, { problem: 'serverInternal', kind: 'transient' }),
    ]).flat();
    openLog(runs);
    expect(await groupToggles()).toHaveLength(20);
    fireEvent.click(screen.getByRole('button', { name: 'Show 5 older runs' }));
    expect(await groupToggles()).toHaveLength(25);
    expect(screen.queryByRole('button', { name: /older runs/ })).toBeNull();
  });
});

import { act, fireEvent, screen, within } from '@testing-library/react';
import { useState } from 'react';
import { describe, expect, it } from 'vitest';
import { CertificateList } from '../../../../../renderer/components/dashboard/certificate-list.tsx';
import { managedCertificate } from '../../support/certificate-fixtures.ts';
import { renderWithStore } from '../../support/render-with-store.tsx';

const fleet = (count: number) => Array.from({ length: count }, (_, i) => managedCertificate(`c${String(i)}`, [`host${String(i)}.example.com`], 20 + i));
const idsOf = (count: number): ReadonlyArray<string> => Array.from({ length: count }, (_, i) => `c${String(i)}`);

/** The links in the DOM, in order, and which of them is the list's Tab stop. */
function rows(): HTMLElement[] {
  return within(screen.getByRole('list', { name: 'Certificates' })).getAllByRole('link');
}

function tabStops(): string[] {
  return rows()
    .filter((row) => row.tabIndex === 0)
    .map((row) => row.dataset['certId'] ?? '');
}

describe('CertificateList', () => {
  it('lists the certificates in the given order, each with its position in the whole list', async () => {
    await renderWithStore(<CertificateList ids={['c2', 'c0', 'c1']} />, { certificates: fleet(3) });
    expect(rows().map((row) => row.dataset['certId'])).toEqual(['c2', 'c0', 'c1']);
    const items = within(screen.getByRole('list', { name: 'Certificates' })).getAllByRole('listitem');
    expect(items.map((item) => [item.getAttribute('aria-posinset'), item.getAttribute('aria-setsize')])).toEqual([
      ['1', '3'],
      ['2', '3'],
      ['3', '3'],
    ]);
    expect(screen.getByRole('list', { name: 'Certificates' }).getAttribute('aria-describedby')).not.toBeNull();
    expect(screen.getByText('Use the arrow keys to move between certificates and Enter to open one.')).toBeDefined();
  });

  it('renders only a screenful of 5,000 rows', async () => {
    await renderWithStore(<CertificateList ids={idsOf(5000)} />, { certificates: fleet(5000) });
    const rendered = rows().length;
    expect(rendered).toBeGreaterThan(5);
    expect(rendered).toBeLessThan(60);
    expect(within(screen.getByRole('list', { name: 'Certificates' })).getAllByRole('listitem')[0]?.getAttribute('aria-setsize')).toBe('5000');
  });

  it('is one Tab stop; the arrow keys, Home and End move focus between rows', async () => {
    await renderWithStore(<CertificateList ids={idsOf(5)} />, { certificates: fleet(5) });
    expect(tabStops()).toEqual(['c0']);

    const first = rows()[0] as HTMLElement;
    act(() => {
      first.focus();
    });
    fireEvent.keyDown(first, { key: 'ArrowDown' });
    expect(document.activeElement?.getAttribute('data-cert-id')).toBe('c1');
    expect(tabStops()).toEqual(['c1']);

    fireEvent.keyDown(document.activeElement as Element, { key: 'End' });
    expect(document.activeElement?.getAttribute('data-cert-id')).toBe('c4');
    fireEvent.keyDown(document.activeElement as Element, { key: 'ArrowDown' });
    expect(document.activeElement?.getAttribute('data-cert-id')).toBe('c4');

    fireEvent.keyDown(document.activeElement as Element, { key: 'ArrowUp' });
    expect(document.activeElement?.getAttribute('data-cert-id')).toBe('c3');
    fireEvent.keyDown(document.activeElement as Element, { key: 'Home' });
    expect(document.activeElement?.getAttribute('data-cert-id')).toBe('c0');
    fireEvent.keyDown(document.activeElement as Element, { key: 'ArrowUp' });
    expect(document.activeElement?.getAttribute('data-cert-id')).toBe('c0');
    expect(tabStops()).toEqual(['c0']);
  });

  it('moves a page with Page Down and Page Up, and leaves other keys alone', async () => {
    await renderWithStore(<CertificateList ids={idsOf(40)} />, { certificates: fleet(40) });
    const first = rows()[0] as HTMLElement;
    act(() => {
      first.focus();
    });
    fireEvent.keyDown(first, { key: 'PageDown' });
    const afterPage = Number((document.activeElement?.getAttribute('data-cert-id') ?? 'c0').slice(1));
    expect(afterPage).toBeGreaterThan(1);
    fireEvent.keyDown(document.activeElement as Element, { key: 'PageUp' });
    expect(document.activeElement?.getAttribute('data-cert-id')).toBe('c0');

    const unhandled = fireEvent.keyDown(document.activeElement as Element, { key: 'a' });
    expect(unhandled).toBe(true);
    expect(document.activeElement?.getAttribute('data-cert-id')).toBe('c0');
  });

  it('keeps the focused row in the DOM when it is far outside the screenful', async () => {
    await renderWithStore(<CertificateList ids={idsOf(5000)} />, { certificates: fleet(5000) });
    const first = rows()[0] as HTMLElement;
    act(() => {
      first.focus();
    });
    fireEvent.keyDown(first, { key: 'End' });
    expect(document.activeElement?.getAttribute('data-cert-id')).toBe('c4999');
    expect(tabStops()).toEqual(['c4999']);
    expect(rows().length).toBeLessThan(60);
  });

  it('follows a row focused by mouse or Tab as the Tab stop', async () => {
    await renderWithStore(<CertificateList ids={idsOf(5)} />, { certificates: fleet(5) });
    act(() => {
      (rows()[3] as HTMLElement).focus();
    });
    expect(tabStops()).toEqual(['c3']);
  });

  it('keeps the Tab stop on the same certificate when the order changes', async () => {
    function Reorder() {
      const [reversed, setReversed] = useState(false);
      return (
        <>
          <button type="button" onClick={() => { setReversed(true); }}>
            reverse
          </button>
          <CertificateList ids={reversed ? [...idsOf(5)].reverse() : idsOf(5)} />
        </>
      );
    }
    await renderWithStore(<Reorder />, { certificates: fleet(5) });
    act(() => {
      (rows()[2] as HTMLElement).focus();
    });
    fireEvent.click(screen.getByRole('button', { name: 'reverse' }));
    expect(rows().map((row) => row.dataset['certId'])).toEqual(['c4', 'c3', 'c2', 'c1', 'c0']);
    expect(tabStops()).toEqual(['c2']);
  });
});

import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { Header } from '../../../../renderer/components/header.tsx';
import { renderWithStore } from '../support/render-with-store.tsx';

describe('Header', () => {
  it('has the main navigation and a "New certificate" link to the wizard', async () => {
    await renderWithStore(<Header />);
    const nav = screen.getByRole('navigation', { name: 'Main' });
    expect(within(nav).getAllByRole('link').map((link) => link.textContent)).toEqual(['Certificates', 'Settings']);
    const add = screen.getByRole('link', { name: 'New certificate' });
    expect(add.getAttribute('href')).toBe('#/new');
    expect(add.getAttribute('aria-current')).toBeNull();
    fireEvent.click(add);
    expect(window.location.hash).toBe('#/new');
    expect(screen.getByRole('link', { name: 'New certificate' }).getAttribute('aria-current')).toBe('page');
  });

  it('reads in Chinese', async () => {
    await renderWithStore(<Header />, { settings: { language: 'zh-CN' } });
    expect(screen.getByRole('link', { name: '新建证书' })).toBeDefined();
  });
});

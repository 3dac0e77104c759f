import { fireEvent, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { renderApp } from '../../support/render-app.tsx';

describe('SettingsNav', () => {
  it('lists the sections and moves the focus to the one picked', async () => {
    renderApp({ route: '/settings' });
    const nav = await screen.findByRole('navigation', { name: 'Settings sections' });
    expect(within(nav).getAllByRole('button').map((button) => button.textContent)).toEqual(['General', 'Desktop', 'Renewal policy', 'CA accounts', 'DNS providers', 'About']);

    fireEvent.click(within(nav).getByRole('button', { name: 'DNS providers' }));
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: 'DNS providers' }));

    // A section the nav doesn't own: its first heading takes the focus.
    fireEvent.click(within(nav).getByRole('button', { name: 'About' }));
    expect(document.activeElement).toBe(screen.getByRole('heading', { level: 2, name: 'About' }));
  });
});

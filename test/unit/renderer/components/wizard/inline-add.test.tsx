import { fireEvent, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { InlineAdd } from '../../../../../renderer/components/wizard/inline-add.tsx';
import { renderWithStore } from '../../support/render-with-store.tsx';

const form = (required: boolean) => (
  <InlineAdd
    required={required}
    addLabel="Add another widget"
    renderForm={({ onAdded, onCancel }) => (
      <form aria-label="New widget">
        <button type="button" onClick={onAdded}>
          Save widget
        </button>
        {onCancel !== undefined && (
          <button type="button" onClick={onCancel}>
            Give up
          </button>
        )}
      </form>
    )}
  />
);

describe('InlineAdd', () => {
  it('shows the form at once, without Cancel, while nothing is stored yet', async () => {
    await renderWithStore(form(true));
    expect(screen.getByRole('form', { name: 'New widget' })).toBeDefined();
    expect(screen.queryByRole('button', { name: 'Give up' })).toBeNull();
    expect(screen.queryByRole('button', { name: 'Add another widget' })).toBeNull();
  });

  it('opens the form from its button, and closes it on cancel or once added', async () => {
    await renderWithStore(form(false));
    expect(screen.queryByRole('form')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Add another widget' }));
    fireEvent.click(screen.getByRole('button', { name: 'Give up' }));
    expect(screen.queryByRole('form')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Add another widget' }));
    fireEvent.click(screen.getByRole('button', { name: 'Save widget' }));
    expect(screen.queryByRole('form')).toBeNull();
    expect(screen.getByRole('button', { name: 'Add another widget' })).toBeDefined();
  });
});

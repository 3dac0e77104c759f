import { act, fireEvent, screen, within } from '@testing-library/react';
import { useState, type ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../../../../preload/contract.ts';
import { AdminListSection, LoadFailed, RemoveAction } from '../../../../../renderer/components/settings/admin-list-section.tsx';
import type { ActionResult, LoadState, SaveState } from '../../../../../renderer/store/admin-slice.ts';
import { renderWithStore } from '../../support/render-with-store.tsx';

const text = {
  title: 'Widgets',
  intro: 'Widgets do things.',
  add: 'Add widget',
  emptyTitle: 'No widget yet',
  emptyBody: 'Add one to start.',
  emptyAction: 'Add your first widget',
  listLabel: 'Stored widgets',
};
const refusal: ApiError = { code: 'in-use', message: 'Unable to remove widget, a certificate uses it', remedy: 'Move the certificate first.' };

/** A section over a list the test changes, with an add form that adds "w<n>" and a Remove per item. */
function Harness({ status = 'ready', initial = [] }: { readonly status?: LoadState; readonly initial?: ReadonlyArray<string> }): ReactNode {
  const [items, setItems] = useState(initial);
  const [retries, setRetries] = useState(0);
  return (
    <>
      <p>retries: {retries}</p>
      <AdminListSection
        text={text}
        status={status}
        error={status === 'failed' ? refusal : null}
        onRetry={() => {
          setRetries((n) => n + 1);
        }}
        items={items}
        itemKey={(item) => item}
        renderItem={(item, onRemoved) => (
          <li>
            {item}
            <button
              type="button"
              onClick={() => {
                setItems((current) => current.filter((x) => x !== item));
                onRemoved();
              }}
            >
              Drop {item}
            </button>
          </li>
        )}
        removedMessage={(item) => `Removed ${item}`}
        renderForm={({ onAdded, onCancel }) => (
          <form aria-label="New widget">
            <button
              type="button"
              onClick={() => {
                const name = `w${String(items.length + 1)}`;
                setItems((current) => [...current, name]);
                onAdded(`Added ${name}`);
              }}
            >
              Save widget
            </button>
            <button type="button" onClick={onCancel}>
              Give up
            </button>
          </form>
        )}
      />
    </>
  );
}

const region = (): HTMLElement => screen.getByRole('region', { name: 'Widgets' });

describe('AdminListSection', () => {
  it('says it is loading, without an add button', async () => {
    await renderWithStore(<Harness status="loading" />);
    expect(within(region()).getByText('Loading…')).toBeDefined();
    expect(within(region()).queryByRole('button', { name: 'Add widget' })).toBeNull();
  });

  it('shows a failed load with its remedy and retries', async () => {
    await renderWithStore(<Harness status="failed" />);
    expect(within(region()).getByRole('alert').textContent).toContain('Move the certificate first.');
    fireEvent.click(within(region()).getByRole('button', { name: 'Try again' }));
    expect(screen.getByText('retries: 1')).toBeDefined();
  });

  it('opens the form from the empty state and announces what was added', async () => {
    await renderWithStore(<Harness />);
    expect(within(region()).getByText('No widget yet')).toBeDefined();
    fireEvent.click(within(region()).getByRole('button', { name: 'Add your first widget' }));
    expect(within(region()).queryByText('No widget yet')).toBeNull();
    expect(within(region()).queryByRole('button', { name: 'Add widget' })).toBeNull();
    fireEvent.click(within(region()).getByRole('button', { name: 'Save widget' }));
    expect(within(region()).queryByRole('form', { name: 'New widget' })).toBeNull();
    expect(within(region()).getByRole('status').textContent).toBe('Added w1');
    expect(within(within(region()).getByRole('list', { name: 'Stored widgets' })).getAllByRole('listitem')).toHaveLength(1);
  });

  it('closes the form on cancel and brings the add button back', async () => {
    await renderWithStore(<Harness initial={['a']} />);
    fireEvent.click(within(region()).getByRole('button', { name: 'Add widget' }));
    fireEvent.click(within(region()).getByRole('button', { name: 'Give up' }));
    expect(within(region()).queryByRole('form')).toBeNull();
    expect(within(region()).getByRole('button', { name: 'Add widget' })).toBeDefined();
  });

  it('announces a removal and moves focus to the heading', async () => {
    await renderWithStore(<Harness initial={['a', 'b']} />);
    fireEvent.click(within(region()).getByRole('button', { name: 'Drop a' }));
    expect(within(region()).getByRole('status').textContent).toBe('Removed a');
    expect(document.activeElement).toBe(within(region()).getByRole('heading', { name: 'Widgets' }));
    expect(within(region()).getAllByRole('listitem')).toHaveLength(1);
  });
});

describe('LoadFailed', () => {
  it('shows the error and calls onRetry', async () => {
    let retried = 0;
    await renderWithStore(
      <LoadFailed
        error={refusal}
        onRetry={() => {
          retried += 1;
        }}
      />,
    );
    expect(screen.getByRole('alert').textContent).toContain('Unable to remove widget, a certificate uses it');
    fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(retried).toBe(1);
  });
});

/** A Remove whose main refuses the first attempt and accepts the next. */
function RemoveHarness(): ReactNode {
  const [removal, setRemoval] = useState<SaveState | undefined>(undefined);
  const [attempts, setAttempts] = useState(0);
  const [removed, setRemoved] = useState(false);
  const remove = async (): Promise<ActionResult<undefined>> => {
    setAttempts((n) => n + 1);
    await Promise.resolve();
    if (attempts === 0) {
      setRemoval({ status: 'failed', error: refusal });
      return { ok: false, error: refusal };
    }
    setRemoval({ status: 'idle' });
    return { ok: true, value: undefined };
  };
  return removed ? (
    <p>gone</p>
  ) : (
    <RemoveAction
      label="Remove widget a"
      title="Remove widget a?"
      confirmLabel="Remove widget"
      body="It is gone for good."
      removal={removal}
      remove={remove}
      onRemoved={() => {
        setRemoved(true);
      }}
    />
  );
}

describe('RemoveAction', () => {
  it('confirms, shows a refusal of its own attempt only, then removes', async () => {
    await renderWithStore(<RemoveHarness />);
    fireEvent.click(screen.getByRole('button', { name: 'Remove widget a' }));
    let dialog = screen.getByRole('dialog', { name: 'Remove widget a?' });
    expect(within(dialog).getByText('It is gone for good.')).toBeDefined();
    await act(async () => {
      fireEvent.click(within(dialog).getByRole('button', { name: 'Remove widget' }));
      await Promise.resolve();
    });
    expect(within(dialog).getByRole('alert').textContent).toContain('Move the certificate first.');
    fireEvent.click(within(dialog).getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('dialog')).toBeNull();

    fireEvent.click(screen.getByRole('button', { name: 'Remove widget a' }));
    dialog = screen.getByRole('dialog');
    expect(within(dialog).queryByRole('alert')).toBeNull();
    fireEvent.click(within(dialog).getByRole('button', { name: 'Remove widget' }));
    expect(await screen.findByText('gone')).toBeDefined();
    expect(screen.queryByRole('dialog')).toBeNull();
  });
});

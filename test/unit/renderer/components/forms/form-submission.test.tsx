import { fireEvent, screen, waitFor } from '@testing-library/react';
import { useState, type ReactNode } from 'react';
import { describe, expect, it } from 'vitest';
import type { ApiError } from '../../../../../preload/contract.ts';
import { FormFooter, useFormSubmission } from '../../../../../renderer/components/forms/form-submission.tsx';
import type { SaveState } from '../../../../../renderer/store/admin-slice.ts';
import { renderWithStore } from '../../support/render-with-store.tsx';

/**
 * A one-field form: the name must not be empty; it logs resets and what it sent. The field is marked
 * `aria-invalid` from its error itself, while the message shows only once submission was tried.
 */
function NameForm({ log }: { readonly log: string[] }): ReactNode {
  const [name, setName] = useState('');
  const error = name.trim() === '' ? 'Enter a name.' : null;
  const { shown, onSubmit } = useFormSubmission({
    reset: () => {
      log.push('reset');
    },
    invalid: error !== null,
    send: async () => {
      await Promise.resolve();
      log.push(`sent ${name}`);
    },
  });
  const visible = shown(error);
  return (
    <form aria-label="Name form" noValidate onSubmit={onSubmit}>
      <button type="button">Elsewhere</button>
      <label>
        Name
        <input
          value={name}
          aria-invalid={error !== null}
          onChange={(event) => {
            setName(event.target.value);
          }}
        />
      </label>
      {visible !== null && <p>{visible}</p>}
      <button type="submit">Send</button>
    </form>
  );
}

/** Like the app's forms: a field is marked invalid only once a submission was tried. */
function LateMarkingForm(): ReactNode {
  const [name, setName] = useState('');
  const error = name.trim() === '' ? 'Enter a name.' : null;
  const { shown, onSubmit } = useFormSubmission({ reset: () => undefined, invalid: error !== null, send: () => Promise.resolve() });
  const visible = shown(error);
  return (
    <form aria-label="Late form" noValidate onSubmit={onSubmit}>
      <label>
        Name
        <input
          value={name}
          aria-invalid={visible !== null}
          onChange={(event) => {
            setName(event.target.value);
          }}
        />
      </label>
      <button type="submit">Send</button>
    </form>
  );
}

describe('useFormSubmission', () => {
  it('focuses the first invalid field on the first refused submission, though it is marked only by that submission', async () => {
    await renderWithStore(<LateMarkingForm />);
    screen.getByRole('button', { name: 'Send' }).focus();
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Name' }));
  });

  it('resets on mount, shows no error before a try, then focuses the invalid field instead of sending', async () => {
    const log: string[] = [];
    await renderWithStore(<NameForm log={log} />);
    expect(log[0]).toBe('reset');
    expect(screen.queryByText('Enter a name.')).toBeNull();
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    expect(screen.getByText('Enter a name.')).toBeDefined();
    expect(document.activeElement).toBe(screen.getByRole('textbox', { name: 'Name' }));
    expect(log.filter((entry) => entry.startsWith('sent'))).toEqual([]);
  });

  it('sends once the form is valid', async () => {
    const log: string[] = [];
    await renderWithStore(<NameForm log={log} />);
    fireEvent.change(screen.getByRole('textbox', { name: 'Name' }), { target: { value: 'alpha' } });
    fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await waitFor(() => {
      expect(log).toContain('sent alpha');
    });
    expect(screen.queryByText('Enter a name.')).toBeNull();
  });
});

const refusal: ApiError = { code: 'taken', message: 'Unable to add widget, the name is taken', remedy: 'Pick another name.' };

const footer = (save: SaveState, extra: { disabled?: boolean; onCancel?: () => void } = {}) => (
  <form aria-label="Footer form">
    <FormFooter save={save} label="Add widget" busyLabel="Adding…" {...extra} />
  </form>
);

const submitButton = (name: string): HTMLButtonElement => screen.getByRole<HTMLButtonElement>('button', { name });

describe('FormFooter', () => {
  it('offers the submit button, without Cancel unless onCancel is given', async () => {
    await renderWithStore(footer({ status: 'idle' }));
    expect(submitButton('Add widget').disabled).toBe(false);
    expect(screen.queryByRole('button', { name: 'Cancel' })).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('calls onCancel from Cancel', async () => {
    let cancelled = 0;
    await renderWithStore(
      footer(
        { status: 'idle' },
        {
          onCancel: () => {
            cancelled += 1;
          },
        },
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(cancelled).toBe(1);
  });

  it('is busy while saving', async () => {
    await renderWithStore(footer({ status: 'saving' }));
    expect(submitButton('Adding…').disabled).toBe(true);
  });

  it('shows main’s refusal with its remedy and lets the admin try again', async () => {
    await renderWithStore(footer({ status: 'failed', error: refusal }));
    expect(screen.getByRole('alert').textContent).toContain('Pick another name.');
    expect(submitButton('Add widget').disabled).toBe(false);
  });

  it('stays disabled while the form says so', async () => {
    await renderWithStore(footer({ status: 'idle' }, { disabled: true }));
    expect(submitButton('Add widget').disabled).toBe(true);
  });
});

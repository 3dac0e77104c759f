import { useEffect, useRef, useState, type ReactNode, type SubmitEvent } from 'react';
import { useT } from '../../i18n/use-t.ts';
import type { SaveState } from '../../store/admin-slice.ts';
import { InlineError } from '../inline-error.tsx';

/** What {@link useFormSubmission} gives a form. */
export interface FormSubmission {
  /** The admin has tried to submit at least once: field errors may show. */
  readonly attempted: boolean;
  /** `error` once the admin has tried to submit, else `null` (no error before the first try). */
  readonly shown: (error: string | null | undefined) => string | null;
  /** The form's `onSubmit`. */
  readonly onSubmit: (event: SubmitEvent<HTMLFormElement>) => void;
}

/**
 * The submission of an add form that main stores: calls `reset` once on mount (a refusal shown by an
 * earlier form says nothing about this one); on submit marks the form attempted, and while `invalid`
 * moves focus to the first field marked `aria-invalid` instead of sending — after the render that
 * marks them, since fields usually show their errors only once a submission was tried; otherwise
 * calls `send`, which reports its own outcome through the store (it must not reject).
 */
export function useFormSubmission({ reset, invalid, send }: { readonly reset: () => void; readonly invalid: boolean; readonly send: () => Promise<void> }): FormSubmission {
  const [attempted, setAttempted] = useState(false);
  // The form whose first invalid field takes focus once the errors are on screen, and a counter that
  // makes each refused submission run the effect below again.
  const focusForm = useRef<HTMLFormElement | null>(null);
  const [focusRequests, setFocusRequests] = useState(0);

  useEffect(() => {
    reset();
  }, [reset]);

  useEffect(() => {
    const form = focusForm.current;
    focusForm.current = null;
    form?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [focusRequests]);

  return {
    attempted,
    shown: (error) => (attempted ? (error ?? null) : null),
    onSubmit: (event) => {
      event.preventDefault();
      setAttempted(true);
      if (invalid) {
        focusForm.current = event.currentTarget;
        setFocusRequests((count) => count + 1);
        return;
      }
      void send();
    },
  };
}

/**
 * An add form's footer: main's refusal of the last submission (with its remedy), the submit button
 * — `busyLabel` and disabled while `save` is `saving`, also disabled while `disabled` — and Cancel
 * when `onCancel` is given.
 */
export function FormFooter(props: { readonly save: SaveState; readonly label: string; readonly busyLabel: string; readonly disabled?: boolean; readonly onCancel?: (() => void) | undefined }): ReactNode {
  const t = useT();
  const { save, onCancel } = props;
  return (
    <>
      {save.status === 'failed' && <InlineError error={save.error} />}
      <div className="admin-form__actions">
        <button type="submit" className="button" disabled={save.status === 'saving' || props.disabled === true}>
          {save.status === 'saving' ? props.busyLabel : props.label}
        </button>
        {onCancel !== undefined && (
          <button type="button" className="button button--secondary" onClick={onCancel}>
            {t('form.cancel')}
          </button>
        )}
      </div>
    </>
  );
}

import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from 'react';
import { createPortal } from 'react-dom';
import type { ApiError } from '../../preload/contract.ts';
import { useT } from '../i18n/use-t.ts';
import { InlineError } from './inline-error.tsx';

/** What can take focus inside the dialog, in tab order. */
const focusableSelector = 'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

/**
 * A modal confirmation: a title, what will happen, optional fields (a reason, a checkbox), and two
 * buttons. It follows the WAI-ARIA dialog pattern: `role="dialog"` with `aria-modal`, labelled by its
 * title and described by its body; focus moves in (to the element marked `data-autofocus`, else to
 * Cancel, the safe choice), Tab and Shift+Tab stay inside, Escape or a click outside cancels, and
 * focus returns to whatever had it before (the button that opened it) when it closes.
 *
 * Rendered into `document.body`, so no ancestor's overflow or stacking clips it. `tone="danger"`
 * styles the confirm button as destructive (text says what it does; colour is not the only signal).
 * While `busy` (the action is on its way) both buttons are disabled and Escape does nothing; a
 * refusal from main (`error`) shows inside the dialog with its remedy. Every confirmation in the app
 * (revoke, remove, rollback, removing a CA account or a DNS provider) uses this one dialog.
 */
export function ConfirmDialog(props: {
  readonly title: string;
  readonly children?: ReactNode;
  readonly confirmLabel: string;
  /** Default: "Cancel" in the UI's language. */
  readonly cancelLabel?: string;
  readonly tone?: 'danger' | 'default';
  /** The action is on its way: both buttons are disabled. */
  readonly busy?: boolean;
  /** Why main refused, shown with its remedy. */
  readonly error?: ApiError | null | undefined;
  readonly onConfirm: () => void;
  readonly onCancel: () => void;
}): ReactNode {
  const t = useT();
  const titleId = useId();
  const bodyId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const { onCancel, onConfirm, busy } = props;

  // Moving focus in and back out is synchronising with the DOM outside React's tree.
  useEffect(() => {
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    const preferred = dialogRef.current?.querySelector<HTMLElement>('[data-autofocus]') ?? cancelRef.current;
    preferred?.focus();
    return () => {
      if (opener?.isConnected === true) opener.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>): void => {
    if (event.key === 'Escape') {
      event.stopPropagation();
      if (busy !== true) onCancel();
      return;
    }
    if (event.key !== 'Tab') return;
    const focusable = [...(dialogRef.current?.querySelectorAll<HTMLElement>(focusableSelector) ?? [])];
    const first = focusable[0];
    const last = focusable.at(-1);
    if (first === undefined || last === undefined) return;
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !dialogRef.current?.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !dialogRef.current?.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  };

  return createPortal(
    <div
      className="dialog-backdrop"
      onMouseDown={(event) => {
        if (event.target === event.currentTarget && busy !== true) onCancel();
      }}
    >
      <div ref={dialogRef} className="dialog" role="dialog" aria-modal="true" aria-labelledby={titleId} aria-describedby={props.children === undefined ? undefined : bodyId} onKeyDown={onKeyDown}>
        <form
          className="dialog__form"
          onSubmit={(event) => {
            event.preventDefault();
            if (busy !== true) onConfirm();
          }}
        >
          <h2 id={titleId} className="dialog__title">
            {props.title}
          </h2>
          {props.children === undefined ? null : (
            <div id={bodyId} className="dialog__body">
              {props.children}
            </div>
          )}
          {props.error === undefined || props.error === null ? null : <InlineError error={props.error} />}
          <div className="dialog__buttons">
            <button ref={cancelRef} type="button" className="button button--secondary" disabled={busy} onClick={onCancel}>
              {props.cancelLabel ?? t('dialog.cancel')}
            </button>
            <button type="submit" className={props.tone === 'danger' ? 'button button--danger' : 'button'} disabled={busy}>
              {props.confirmLabel}
            </button>
          </div>
        </form>
      </div>
    </div>,
    document.body,
  );
}

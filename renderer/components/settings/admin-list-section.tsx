import { Fragment, useId, useRef, useState, type ReactNode } from 'react';
import type { ApiError } from '../../../preload/contract.ts';
import { useT } from '../../i18n/use-t.ts';
import type { ActionResult, LoadState, SaveState } from '../../store/admin-slice.ts';
import { ConfirmDialog } from '../confirm-dialog.tsx';
import { InlineError } from '../inline-error.tsx';

/** A list that failed to load: main's error with its remedy, and Retry (which calls `onRetry`). */
export function LoadFailed({ error, onRetry }: { readonly error: ApiError; readonly onRetry: () => void }): ReactNode {
  const t = useT();
  return (
    <div className="admin-section__failed">
      <InlineError error={error} />
      <button type="button" className="button button--secondary" onClick={onRetry}>
        {t('admin.retry')}
      </button>
    </div>
  );
}

/** The words of one {@link AdminListSection}, already translated. */
export interface AdminListSectionText {
  /** The section's heading, which also names the region. */
  readonly title: string;
  readonly intro: string;
  /** The head's add button. */
  readonly add: string;
  readonly emptyTitle: string;
  readonly emptyBody: string;
  /** The empty state's add button. */
  readonly emptyAction: string;
  /** The accessible name of the list. */
  readonly listLabel: string;
}

/** What {@link AdminListSection} hands the add form it renders. */
export interface AdminAddFormHandlers {
  /** The item was stored: closes the form and announces `announcement` to screen readers. */
  readonly onAdded: (announcement: string) => void;
  /** The admin gave up: closes the form and moves focus back to the add button. */
  readonly onCancel: () => void;
}

/**
 * The shell of a Settings section that lists stored things (CA accounts, DNS providers): heading
 * with an add button, intro, loading / failed (with Retry) / empty states, the list, and the add
 * form in place. Additions and removals are announced through a polite status line; after a
 * removal focus moves to the heading, after a cancelled addition back to the add button. The add
 * button shows only once the list is `ready` and no form is open. `headingId` defaults to a
 * generated id.
 */
export function AdminListSection<T>(props: {
  readonly headingId?: string | undefined;
  readonly text: AdminListSectionText;
  readonly status: LoadState;
  readonly error: ApiError | null;
  readonly onRetry: () => void;
  readonly items: ReadonlyArray<T>;
  readonly itemKey: (item: T) => string;
  /** Renders one `<li>`; it calls `onRemoved` once main has removed the item. */
  readonly renderItem: (item: T, onRemoved: () => void) => ReactNode;
  /** What the status line says once `item` is removed. */
  readonly removedMessage: (item: T) => string;
  readonly renderForm: (handlers: AdminAddFormHandlers) => ReactNode;
}): ReactNode {
  const { text, status, error, items } = props;
  const generated = useId();
  const titleId = props.headingId ?? generated;
  const [adding, setAdding] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const addButton = useRef<HTMLButtonElement>(null);

  return (
    <section className="card admin-section" aria-labelledby={titleId}>
      <div className="admin-section__head">
        <h2 id={titleId} className="card__title" tabIndex={-1}>
          {text.title}
        </h2>
        {status === 'ready' && !adding && (
          <button
            ref={addButton}
            type="button"
            className="button button--secondary"
            onClick={() => {
              setAdding(true);
              setAnnouncement('');
            }}
          >
            {text.add}
          </button>
        )}
      </div>
      <p className="admin-section__intro">{text.intro}</p>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      {status === 'loading' && <LoadingStatus />}
      {status === 'failed' && error !== null && <LoadFailed error={error} onRetry={props.onRetry} />}
      {status === 'ready' && items.length === 0 && !adding && (
        <div className="admin-empty">
          <p className="admin-empty__title">{text.emptyTitle}</p>
          <p>{text.emptyBody}</p>
          <button
            type="button"
            className="button"
            onClick={() => {
              setAdding(true);
            }}
          >
            {text.emptyAction}
          </button>
        </div>
      )}
      {status === 'ready' && items.length > 0 && (
        <ul className="admin-list" aria-label={text.listLabel}>
          {items.map((item) => (
            <Fragment key={props.itemKey(item)}>
              {props.renderItem(item, () => {
                setAnnouncement(props.removedMessage(item));
                document.getElementById(titleId)?.focus();
              })}
            </Fragment>
          ))}
        </ul>
      )}
      {adding && (
        <div className="admin-section__form">
          <AddForm
            render={props.renderForm}
            onAdded={(message) => {
              setAdding(false);
              setAnnouncement(message);
            }}
            onCancel={() => {
              setAdding(false);
              addButton.current?.focus();
            }}
          />
        </div>
      )}
    </section>
  );
}

/** Calls the section's `renderForm` from its own component, so the handlers are props, not render-time values. */
function AddForm({ render, ...handlers }: AdminAddFormHandlers & { readonly render: (handlers: AdminAddFormHandlers) => ReactNode }): ReactNode {
  return render(handlers);
}

function LoadingStatus(): ReactNode {
  const t = useT();
  return <p className="admin-section__status">{t('admin.loading')}</p>;
}

/**
 * An item's Remove button and its danger confirmation. Confirming calls `remove`; while main works
 * (`removal` is `saving`) the dialog is busy, a refusal of this dialog's own attempt shows inside it
 * with its remedy (one left from an earlier, cancelled dialog does not), and success calls
 * `onRemoved`. `small` uses the small button.
 */
export function RemoveAction(props: {
  /** The button's accessible name, which says what it removes. */
  readonly label: string;
  readonly title: string;
  readonly confirmLabel: string;
  readonly body: string;
  readonly removal: SaveState | undefined;
  readonly remove: () => Promise<ActionResult<unknown>>;
  readonly onRemoved: () => void;
  readonly small?: boolean;
}): ReactNode {
  const t = useT();
  const [confirming, setConfirming] = useState(false);
  const [tried, setTried] = useState(false);
  const { removal } = props;

  return (
    <>
      <button
        type="button"
        className={props.small === true ? 'button button--quiet button--danger-text button--small' : 'button button--quiet button--danger-text'}
        aria-label={props.label}
        onClick={() => {
          setConfirming(true);
          setTried(false);
        }}
      >
        {t('admin.remove')}
      </button>
      {confirming && (
        <ConfirmDialog
          title={props.title}
          confirmLabel={props.confirmLabel}
          cancelLabel={t('form.cancel')}
          tone="danger"
          busy={removal?.status === 'saving'}
          error={tried && removal?.status === 'failed' ? removal.error : null}
          onCancel={() => {
            setConfirming(false);
          }}
          onConfirm={() => {
            setTried(true);
            void props.remove().then((result) => {
              if (result.ok) props.onRemoved();
            });
          }}
        >
          <p>{props.body}</p>
        </ConfirmDialog>
      )}
    </>
  );
}

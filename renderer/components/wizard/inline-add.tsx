import { useState, type ReactNode } from 'react';

/** What {@link InlineAdd} hands the add form it renders. */
export interface InlineAddHandlers {
  /** The item was stored: closes the form (the caller then picks the new item). */
  readonly onAdded: () => void;
  /** Closes the form without adding; `undefined` while the form is `required`, which has no Cancel. */
  readonly onCancel: (() => void) | undefined;
}

/**
 * "Add without leaving the wizard": a secondary `addLabel` button that opens the Settings form in
 * place. While `required` (nothing stored yet to choose from) the form is shown at once and cannot be
 * cancelled; otherwise Cancel closes it again and brings the button back.
 */
export function InlineAdd({ required, addLabel, renderForm }: { readonly required: boolean; readonly addLabel: string; readonly renderForm: (handlers: InlineAddHandlers) => ReactNode }): ReactNode {
  const [adding, setAdding] = useState(false);
  if (required || adding) {
    return (
      <div className="wizard-inline-form">
        {renderForm({
          onAdded: () => {
            setAdding(false);
          },
          onCancel: required
            ? undefined
            : () => {
                setAdding(false);
              },
        })}
      </div>
    );
  }
  return (
    <button
      type="button"
      className="button button--secondary wizard-step__add"
      onClick={() => {
        setAdding(true);
      }}
    >
      {addLabel}
    </button>
  );
}

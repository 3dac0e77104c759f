import { useId, type ReactNode, type Ref } from 'react';
import { describeField, hasErrorText, FieldLabel, FieldNotes } from './field-parts.tsx';

/** What a {@link TextField} takes. */
export interface TextFieldProps {
  readonly label: string;
  readonly value: string;
  readonly onChange: (value: string) => void;
  /** A line under the field saying what to type; read with the field by screen readers. */
  readonly help?: ReactNode;
  /** What is wrong with the value, shown under the field and marking it `aria-invalid`; `null` for nothing. */
  readonly error?: ReactNode;
  /** Marks the label "(optional)". */
  readonly optional?: boolean;
  readonly required?: boolean;
  readonly placeholder?: string | undefined;
  readonly type?: 'text' | 'email' | 'url' | 'password';
  readonly inputMode?: 'text' | 'numeric' | 'decimal' | 'email' | 'url';
  readonly autoComplete?: string;
  /** Several lines (a `<textarea>`), e.g. a list of domains. */
  readonly multiline?: boolean;
  readonly rows?: number;
  /** Shows the value in the monospace font: paths, commands, keys. */
  readonly monospace?: boolean;
  readonly disabled?: boolean;
  readonly onBlur?: () => void;
  /** Something beside the input, e.g. the show/hide button of a password. */
  readonly addon?: ReactNode;
  readonly inputRef?: Ref<HTMLInputElement & HTMLTextAreaElement>;
  /** Takes the focus when it appears (a row the admin just added); never on page load. */
  readonly autoFocus?: boolean;
  /** A fixed id for the input (default generated). */
  readonly id?: string;
}

/**
 * A labelled text input (or textarea) with its help and error wired to it by `aria-describedby`, so
 * a screen reader reads what to type and what is wrong. Spell checking and auto-capitalisation are
 * off: what is typed here is names, paths, keys and URLs.
 */
export function TextField(props: TextFieldProps): ReactNode {
  const generated = useId();
  const id = props.id ?? generated;
  const hasError = hasErrorText(props.error);
  const description = describeField(id, props.help !== undefined, hasError);
  const className = `form-input${props.monospace === true ? ' form-input--mono' : ''}`;
  const common = {
    id,
    className,
    value: props.value,
    placeholder: props.placeholder,
    required: props.required,
    disabled: props.disabled,
    'aria-invalid': hasError ? true : undefined,
    'aria-describedby': description.describedBy,
    spellCheck: false,
    autoCapitalize: 'off',
    autoCorrect: 'off',
    onBlur: props.onBlur,
    ref: props.inputRef,
    autoFocus: props.autoFocus,
  } as const;
  return (
    <div className={`form-field${hasError ? ' form-field--invalid' : ''}`}>
      <FieldLabel htmlFor={id} label={props.label} optional={props.optional} />
      <div className="form-field__control">
        {props.multiline === true ? (
          <textarea
            {...common}
            rows={props.rows ?? 3}
            onChange={(event) => {
              props.onChange(event.currentTarget.value);
            }}
          />
        ) : (
          <input
            {...common}
            type={props.type ?? 'text'}
            inputMode={props.inputMode}
            autoComplete={props.autoComplete ?? 'off'}
            onChange={(event) => {
              props.onChange(event.currentTarget.value);
            }}
          />
        )}
        {props.addon}
      </div>
      <FieldNotes description={description} help={props.help} error={props.error} />
    </div>
  );
}

import { useId, type ReactNode } from 'react';
import { describeField, hasErrorText, FieldLabel, FieldNotes } from './field-parts.tsx';

/** One choice of a {@link SelectInput}. */
export interface SelectInputOption<V extends string> {
  readonly value: V;
  readonly label: string;
}

/**
 * A labelled `<select>` with help and error like {@link TextField}. A pick reaches `onChange` only
 * when it is one of `options`, so a stray DOM value never reaches the draft.
 */
export function SelectInput<V extends string>(props: {
  readonly label: string;
  readonly value: V;
  readonly options: ReadonlyArray<SelectInputOption<V>>;
  readonly onChange: (value: V) => void;
  readonly help?: ReactNode;
  readonly error?: ReactNode;
  readonly optional?: boolean;
  readonly disabled?: boolean;
}): ReactNode {
  const id = useId();
  const hasError = hasErrorText(props.error);
  const description = describeField(id, props.help !== undefined, hasError);
  return (
    <div className={`form-field${hasError ? ' form-field--invalid' : ''}`}>
      <FieldLabel htmlFor={id} label={props.label} optional={props.optional} />
      <div className="form-field__control">
        <select
          id={id}
          className="select form-input"
          value={props.value}
          disabled={props.disabled}
          aria-invalid={hasError ? true : undefined}
          aria-describedby={description.describedBy}
          onChange={(event) => {
            const picked = props.options.find((option) => option.value === event.currentTarget.value);
            if (picked !== undefined) props.onChange(picked.value);
          }}
        >
          {props.options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      </div>
      <FieldNotes description={description} help={props.help} error={props.error} />
    </div>
  );
}

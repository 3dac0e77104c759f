import { useId, type ReactNode } from 'react';
import { describeField, hasErrorText, FieldNotes } from './field-parts.tsx';

/**
 * A checkbox with its label beside it and help and error under it, wired by `aria-describedby`
 * (the terms-of-service consent, "test on staging first", the propagation check).
 */
export function CheckboxField(props: {
  readonly label: ReactNode;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
  readonly help?: ReactNode;
  readonly error?: ReactNode;
  readonly disabled?: boolean;
  readonly required?: boolean;
}): ReactNode {
  const id = useId();
  const hasError = hasErrorText(props.error);
  const description = describeField(id, props.help !== undefined, hasError);
  return (
    <div className={`form-check${hasError ? ' form-field--invalid' : ''}`}>
      <input
        id={id}
        type="checkbox"
        className="form-check__input"
        checked={props.checked}
        disabled={props.disabled}
        required={props.required}
        aria-invalid={hasError ? true : undefined}
        aria-describedby={description.describedBy}
        onChange={(event) => {
          props.onChange(event.currentTarget.checked);
        }}
      />
      <label htmlFor={id} className="form-check__label">
        {props.label}
      </label>
      <div className="form-check__notes">
        <FieldNotes description={description} help={props.help} error={props.error} />
      </div>
    </div>
  );
}

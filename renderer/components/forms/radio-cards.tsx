import { useId, type ReactNode } from 'react';
import { hasErrorText } from './field-parts.tsx';

/** One choice of {@link RadioCards}: a title, a sentence explaining it, and why it can't be picked. */
export interface RadioCardOption<V extends string> {
  readonly value: V;
  readonly label: ReactNode;
  readonly description?: ReactNode;
  /** Shown instead of making the choice silently unavailable; the option is disabled when set. */
  readonly disabledReason?: string | undefined;
}

/**
 * A group of radio buttons drawn as cards with a title and an explanation each (CA account,
 * challenge method, key type). A native `fieldset`/`radio` group: arrow keys move between choices,
 * the legend names the group, and an error is tied to the group by `aria-describedby`.
 */
export function RadioCards<V extends string>(props: {
  readonly legend: string;
  readonly value: V | '';
  readonly options: ReadonlyArray<RadioCardOption<V>>;
  readonly onChange: (value: V) => void;
  readonly error?: ReactNode;
  /** Hides the legend visually (kept for screen readers) when a heading above says the same. */
  readonly legendHidden?: boolean;
}): ReactNode {
  const name = useId();
  const hasError = hasErrorText(props.error);
  const errorId = `${name}-error`;
  return (
    <fieldset className={`radio-cards${hasError ? ' form-field--invalid' : ''}`} aria-describedby={hasError ? errorId : undefined}>
      <legend className={props.legendHidden === true ? 'visually-hidden' : 'radio-cards__legend'}>{props.legend}</legend>
      {hasError && (
        <p id={errorId} className="form-field__error">
          {props.error}
        </p>
      )}
      {props.options.map((option) => {
        const id = `${name}-${option.value}`;
        const disabled = option.disabledReason !== undefined;
        const notes = [option.description === undefined ? undefined : `${id}-desc`, disabled ? `${id}-why` : undefined].filter((part) => part !== undefined);
        return (
          <div key={option.value} className={`radio-card${props.value === option.value ? ' radio-card--checked' : ''}${disabled ? ' radio-card--disabled' : ''}`}>
            <input
              id={id}
              type="radio"
              name={name}
              className="radio-card__input"
              value={option.value}
              checked={props.value === option.value}
              disabled={disabled}
              aria-describedby={notes.length === 0 ? undefined : notes.join(' ')}
              onChange={() => {
                props.onChange(option.value);
              }}
            />
            <label htmlFor={id} className="radio-card__label">
              {option.label}
            </label>
            {option.description !== undefined && (
              <div id={`${id}-desc`} className="radio-card__description">
                {option.description}
              </div>
            )}
            {disabled && (
              <p id={`${id}-why`} className="radio-card__reason">
                {option.disabledReason}
              </p>
            )}
          </div>
        );
      })}
    </fieldset>
  );
}

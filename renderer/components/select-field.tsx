import { useId, type ReactNode } from 'react';

/** One choice of a {@link SelectField}. `lang` marks an option written in another language. */
export interface SelectOption<V extends string> {
  readonly value: V;
  readonly label: string;
  readonly lang?: string;
}

/**
 * A labelled `<select>` over a closed set of values. It shows `value` (what main holds) and reports
 * a pick through `onChange` only when it is one of `options`, so a stray DOM value never reaches the
 * store.
 */
export function SelectField<V extends string>(props: {
  readonly label: string;
  readonly value: V;
  readonly options: ReadonlyArray<SelectOption<V>>;
  readonly onChange: (value: V) => void;
}): ReactNode {
  const id = useId();
  const { label, value, options, onChange } = props;
  return (
    <div className="field">
      <label htmlFor={id} className="field__label">
        {label}
      </label>
      <select
        id={id}
        className="select"
        value={value}
        onChange={(event) => {
          const picked = options.find((option) => option.value === event.currentTarget.value);
          if (picked !== undefined) onChange(picked.value);
        }}
      >
        {options.map((option) => (
          <option key={option.value} value={option.value} lang={option.lang}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

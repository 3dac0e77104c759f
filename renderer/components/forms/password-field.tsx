import { useId, useState, type ReactNode } from 'react';
import { useT } from '../../i18n/use-t.ts';
import { TextField, type TextFieldProps } from './text-field.tsx';

/**
 * A {@link TextField} for a secret (API token, HMAC key, PFX password): hidden while typed, with a
 * Show/Hide toggle button (`aria-pressed`) so a pasted value can be checked. The browser is asked
 * not to remember it (`autocomplete="new-password"`).
 */
export function PasswordField(props: Omit<TextFieldProps, 'type' | 'multiline' | 'addon' | 'autoComplete'>): ReactNode {
  const t = useT();
  const [shown, setShown] = useState(false);
  const generated = useId();
  const id = props.id ?? generated;
  return (
    <TextField
      {...props}
      id={id}
      type={shown ? 'text' : 'password'}
      autoComplete="new-password"
      monospace
      addon={
        <button
          type="button"
          className="button button--quiet button--small"
          aria-pressed={shown}
          aria-controls={id}
          aria-label={t(shown ? 'form.hideSecret' : 'form.showSecret', { label: props.label })}
          onClick={() => {
            setShown((value) => !value);
          }}
        >
          {t(shown ? 'form.hide' : 'form.show')}
        </button>
      }
    />
  );
}

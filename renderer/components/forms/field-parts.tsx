import type { ReactNode } from 'react';
import { useLocale, useT } from '../../i18n/use-t.ts';

/** The ids a field's help and error text get, and the `aria-describedby` that names whichever exist. */
export interface FieldDescription {
  readonly helpId: string | undefined;
  readonly errorId: string | undefined;
  /** Space-separated ids for `aria-describedby`, or `undefined` when the field has neither. */
  readonly describedBy: string | undefined;
}

/** Whether a field's `error` prop says something (not `null`, `undefined`, `false` or `''`). */
export function hasErrorText(error: ReactNode): boolean {
  return error !== undefined && error !== null && error !== false && error !== '';
}

/** Works out a field's {@link FieldDescription} from its base id and which texts it shows. */
export function describeField(id: string, hasHelp: boolean, hasError: boolean): FieldDescription {
  const helpId = hasHelp ? `${id}-help` : undefined;
  const errorId = hasError ? `${id}-error` : undefined;
  const ids = [errorId, helpId].filter((part) => part !== undefined);
  return { helpId, errorId, describedBy: ids.length === 0 ? undefined : ids.join(' ') };
}

/** A field's label with an "(optional)" mark when it may stay empty. */
export function FieldLabel({ htmlFor, label, optional }: { readonly htmlFor: string; readonly label: string; readonly optional?: boolean | undefined }): ReactNode {
  const t = useT();
  // Chinese puts full-width brackets right after the label; English separates with a space. The space
  // stays outside the span, where accessible-name computation keeps it.
  const separator = useLocale() === 'zh-CN' ? '' : ' ';
  return (
    <label htmlFor={htmlFor} className="form-field__label">
      {label}
      {optional === true && (
        <>
          {separator}
          <span className="form-field__optional">{t('form.optional')}</span>
        </>
      )}
    </label>
  );
}

/** The help and error lines under a field, with the ids its `aria-describedby` points at. */
export function FieldNotes({ description, help, error }: { readonly description: FieldDescription; readonly help?: ReactNode; readonly error?: ReactNode }): ReactNode {
  return (
    <>
      {description.errorId !== undefined && (
        <div id={description.errorId} className="form-field__error">
          {error}
        </div>
      )}
      {description.helpId !== undefined && (
        <div id={description.helpId} className="form-field__help">
          {help}
        </div>
      )}
    </>
  );
}

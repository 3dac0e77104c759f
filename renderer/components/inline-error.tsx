import type { ReactNode } from 'react';
import type { ApiError } from '../../preload/contract.ts';
import { useT } from '../i18n/use-t.ts';

/**
 * An error from the bridge where it happened: its message and, on its own line, the remedy, so the
 * admin reads what to do next. `onDismiss` adds a close button.
 */
export function InlineError({ error, onDismiss }: { readonly error: ApiError; readonly onDismiss?: () => void }): ReactNode {
  const t = useT();
  return (
    <div className="inline-error" role="alert">
      <p className="inline-error__message">{error.message}</p>
      {error.remedy === undefined ? null : <p className="inline-error__remedy">{t('error.remedy', { remedy: error.remedy })}</p>}
      {onDismiss === undefined ? null : (
        <button type="button" className="button button--quiet" onClick={onDismiss}>
          {t('error.dismiss')}
        </button>
      )}
    </div>
  );
}

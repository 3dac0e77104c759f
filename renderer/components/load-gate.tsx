import type { ReactNode } from 'react';
import { useT } from '../i18n/use-t.ts';
import { useAppStore } from '../store/store-context.tsx';

/**
 * Shows its children once app info and settings have loaded; before that a quiet loading line, and
 * if loading failed a message saying why, with a retry where one can help.
 */
export function LoadGate({ children }: { children: ReactNode }): ReactNode {
  const t = useT();
  const status = useAppStore((state) => state.status);
  const loadError = useAppStore((state) => state.loadError);
  const load = useAppStore((state) => state.load);

  if (status === 'ready') return children;
  if (loadError === null) {
    return (
      <p className="loading" role="status">
        {t('load.loading')}
      </p>
    );
  }
  if (loadError.kind === 'bridge-missing') {
    return (
      <div className="notice notice--error" role="alert">
        <h1 className="notice__title">{t('load.bridgeMissing.title')}</h1>
        <p>{t('load.bridgeMissing.body')}</p>
      </div>
    );
  }
  return (
    <div className="notice notice--error" role="alert">
      <h1 className="notice__title">{t('load.failed.title')}</h1>
      <p>{t('load.failed.body', { message: loadError.message })}</p>
      <button type="button" className="button" onClick={() => void load()}>
        {t('load.retry')}
      </button>
    </div>
  );
}

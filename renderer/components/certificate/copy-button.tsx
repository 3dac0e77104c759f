import { useState, type ReactNode } from 'react';
import { useT } from '../../i18n/use-t.ts';

/**
 * A small button that copies `text` to the clipboard, labelled "Copy the <what>" for assistive
 * technology. It says "Copied" until it loses focus; a failure (no clipboard access) is shown next
 * to it, so the admin knows to select the text instead.
 */
export function CopyButton({ text, what }: { readonly text: string; readonly what: string }): ReactNode {
  const t = useT();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <span className="copy">
      <button
        type="button"
        className="button button--small button--secondary"
        aria-label={t('cert.copy.label', { what })}
        onBlur={() => {
          setState('idle');
        }}
        onClick={() => {
          void copyText(text).then((ok) => {
            setState(ok ? 'copied' : 'failed');
          });
        }}
      >
        {state === 'copied' ? t('cert.copied') : t('cert.copy')}
      </button>
      <span role="status" className={state === 'failed' ? 'copy__failed' : 'visually-hidden'}>
        {state === 'copied' ? t('cert.copied') : state === 'failed' ? t('cert.copyFailed') : ''}
      </span>
    </span>
  );
}

/** Writes `text` to the clipboard; `false` when the page has no clipboard access or the write was refused. */
export async function copyText(text: string): Promise<boolean> {
  // `navigator.clipboard` is absent outside secure contexts, though lib.dom types it as always there.
  const clipboard = (navigator as Partial<Navigator>).clipboard;
  if (clipboard === undefined) return false;
  try {
    await clipboard.writeText(text);
    return true;
  } catch {
    return false;
  }
}

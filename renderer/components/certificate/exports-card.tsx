import { useId, type ReactNode } from 'react';
import type { ExportTargetStatusDto } from '../../../preload/contract.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import { Fact } from './fact.tsx';

/**
 * The folders each new version is written to: format, deploy hook, and what the last export did —
 * when, the files written or why it failed, and the hook's output in a collapsible block. An empty
 * state says what export targets are for.
 */
export function ExportsCard({ exports }: { readonly exports: ReadonlyArray<ExportTargetStatusDto> }): ReactNode {
  const t = useT();
  const titleId = useId();
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId} className="card__title">
        {t('cert.exports.title')}
      </h2>
      {exports.length === 0 ? (
        <p className="card__empty">{t('cert.exports.none')}</p>
      ) : (
        <ul className="cert-exports">
          {exports.map((status) => (
            <ExportTarget key={status.target.dir} status={status} />
          ))}
        </ul>
      )}
    </section>
  );
}

function ExportTarget({ status }: { readonly status: ExportTargetStatusDto }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const { target, last } = status;
  return (
    <li className="cert-export">
      <dl className="facts">
        <Fact label={t('cert.exports.folder')}>
          <code className="path">{target.dir}</code>
        </Fact>
        <Fact label={t('cert.exports.format')}>{target.format.toUpperCase()}</Fact>
        <Fact label={t('cert.exports.hook')}>{target.hook === undefined ? t('cert.exports.noHook') : <code className="path">{target.hook.command}</code>}</Fact>
        <Fact label={t('cert.exports.last')}>
          {last === undefined ? (
            <span className="facts__hint">{t('cert.exports.never')}</span>
          ) : (
            <>
              <span className={last.ok ? 'cert-export__ok' : 'cert-export__failed'}>
                {last.ok ? t('cert.exports.ok', { time: formatDateTime(last.at, locale) }) : t('cert.exports.failed', { time: formatDateTime(last.at, locale) })}
              </span>
              {last.error === undefined ? null : <span className="cert-export__error">{last.error}</span>}
              {last.files === undefined || last.files.length === 0 ? null : (
                <span className="facts__hint wrap-anywhere">{t('cert.exports.files', { files: last.files.map((file) => file.split(/[\\/]/).at(-1) ?? file).join(', ') })}</span>
              )}
            </>
          )}
        </Fact>
      </dl>
      {last?.hook === undefined ? null : (
        <details className="disclosure">
          <summary>{last.hook.ok ? t('cert.exports.hookOutput.ok') : t('cert.exports.hookOutput.failed')}</summary>
          {last.hook.output === '' ? <p className="facts__hint">{t('cert.exports.hookEmpty')}</p> : <pre className="output">{last.hook.output}</pre>}
        </details>
      )}
    </li>
  );
}

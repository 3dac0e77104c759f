import { useId, useState, type ReactNode } from 'react';
import type { VersionDto } from '../../../preload/contract.ts';
import { formatDate, formatDateTime } from '../../i18n/format.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import { useNow } from '../../hooks/use-now.ts';
import { useAppStore, useAppStoreApi } from '../../store/store-context.tsx';
import { ConfirmDialog } from '../confirm-dialog.tsx';
import { ActionButton } from './action-button.tsx';
import { ActionFeedback } from './action-feedback.tsx';

const knownSources = ['acme', 'import', 'tls'] as const;

/**
 * Every stored version, newest first: when it was stored, where it came from, its serial and expiry,
 * and whether it is live, revoked, expired or kept. A kept version that was not revoked can be made
 * live again ("Roll back", after a confirmation that says what happens); the outcome shows below.
 */
export function VersionsCard({ id, versions, blocked }: { readonly id: string; readonly versions: ReadonlyArray<VersionDto>; readonly blocked: boolean }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const store = useAppStoreApi();
  const titleId = useId();
  const [confirming, setConfirming] = useState<VersionDto | null>(null);
  const rollingBack = useAppStore((state) => state.detailActions[id]?.rollback?.status === 'running');
  const sorted = [...versions].sort((a, b) => b.version - a.version);

  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId} className="card__title">
        {t('cert.versions.title')}
      </h2>
      {sorted.length === 0 ? (
        <p className="card__empty">{t('cert.versions.none')}</p>
      ) : (
        <div className="table-scroll">
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{t('cert.versions.version')}</th>
                <th scope="col">{t('cert.versions.stored')}</th>
                <th scope="col">{t('cert.versions.source')}</th>
                <th scope="col">{t('cert.versions.validUntil')}</th>
                <th scope="col">{t('cert.versions.serial')}</th>
                <th scope="col">{t('cert.versions.state')}</th>
              </tr>
            </thead>
            <tbody>
              {sorted.map((version) => {
                const source = knownSources.find((known) => known === version.source);
                return (
                  <tr key={version.version} className={version.live ? 'table__row--current' : undefined}>
                    <th scope="row">{version.version}</th>
                    <td>
                      <time dateTime={version.storedAt}>{formatDateTime(version.storedAt, locale)}</time>
                    </td>
                    <td>{source === undefined ? version.source : t(`cert.source.${source}`)}</td>
                    <td>{version.notAfter === undefined ? '—' : <time dateTime={version.notAfter}>{formatDate(version.notAfter, locale)}</time>}</td>
                    <td>
                      <code className="serial">{version.serial ?? '—'}</code>
                    </td>
                    <td>
                      <VersionState
                        version={version}
                        rollback={
                          <ActionButton
                            small
                            label={t('cert.versions.rollback')}
                            ariaLabel={t('cert.versions.rollback.label', { version: version.version })}
                            unavailable={rollingBack || blocked}
                            onClick={() => {
                              setConfirming(version);
                            }}
                          />
                        }
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ActionFeedback id={id} action="rollback">
        {(result) => t('cert.result.rolledBack', { version: result.version })}
      </ActionFeedback>
      {confirming === null ? null : (
        <ConfirmDialog
          title={t('cert.rollback.title', { version: confirming.version })}
          confirmLabel={t('cert.rollback.confirm')}
          onCancel={() => {
            setConfirming(null);
          }}
          onConfirm={() => {
            const version = confirming.version;
            setConfirming(null);
            void store.getState().detailRollback(id, version);
          }}
        >
          <p>
            {t('cert.rollback.body', {
              version: confirming.version,
              serial: confirming.serial ?? '—',
              notAfter: confirming.notAfter === undefined ? '—' : formatDateTime(confirming.notAfter, locale),
            })}
          </p>
        </ConfirmDialog>
      )}
    </section>
  );
}

/**
 * A version's state: revoked, live, expired (by the window's clock), or kept — and then the rollback
 * button. Its own component, so only this cell follows the clock.
 */
function VersionState({ version, rollback }: { readonly version: VersionDto; readonly rollback: ReactNode }): ReactNode {
  const t = useT();
  const now = useNow();
  const expired = version.notAfter !== undefined && Date.parse(version.notAfter) <= now;
  return (
    <span className="version-state">
      {version.revoked !== undefined ? (
        <span className="badge badge--attention">{t('cert.versions.revoked', { reason: version.revoked.reason })}</span>
      ) : version.live ? (
        <span className="badge badge--valid">{t('cert.versions.live')}</span>
      ) : expired ? (
        <span className="badge badge--none">{t('cert.versions.expired')}</span>
      ) : (
        <>
          <span className="badge badge--none">{t('cert.versions.kept')}</span>
          {rollback}
        </>
      )}
    </span>
  );
}

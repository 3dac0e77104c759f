import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { CertificateConfigDto, ChallengeConfigDto } from '../../../preload/contract.ts';
import { formatDateTime } from '../../i18n/format.ts';
import type { Translate } from '../../i18n/messages.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { ActionButton } from './action-button.tsx';
import { ActionFeedback } from './action-feedback.tsx';
import { EditForm } from './edit-form.tsx';
import { Fact } from './fact.tsx';

/**
 * A managed certificate's stored definition — CA account, how it validates, key type, standby CA —
 * with "Edit", which swaps the list for a small inline form (`cert:update`). The save's result or
 * error shows under it.
 */
export function DefinitionCard({ id, config }: { readonly id: string; readonly config: CertificateConfigDto }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const titleId = useId();
  const [editing, setEditing] = useState(false);
  const saving = useAppStore((state) => state.detailActions[id]?.update?.status === 'running');
  const editButton = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);
  // When the form closes, focus goes back to "Edit", where the admin started.
  useEffect(() => {
    if (editing || !returnFocus.current) return;
    returnFocus.current = false;
    editButton.current?.focus();
  }, [editing]);
  return (
    <section className="card" aria-labelledby={titleId}>
      <div className="card__header">
        <h2 id={titleId} className="card__title">
          {editing ? t('cert.edit.title') : t('cert.definition.title')}
        </h2>
        {editing ? null : (
          <ActionButton
            ref={editButton}
            label={t('cert.action.edit')}
            unavailable={saving}
            onClick={() => {
              setEditing(true);
            }}
          />
        )}
      </div>
      {editing ? (
        <EditForm
          id={id}
          config={config}
          onDone={() => {
            returnFocus.current = true;
            setEditing(false);
          }}
        />
      ) : (
        <dl className="facts">
          <Fact label={t('cert.definition.ca')}>{config.ca}</Fact>
          <Fact label={t('cert.definition.challenge')}>
            <span className="wrap-anywhere">{challengeText(config.challenge, t)}</span>
          </Fact>
          <Fact label={t('cert.definition.keyType')}>{t(`cert.keyType.${config.keyType}`)}</Fact>
          <Fact label={t('cert.definition.standby')}>
            {config.standby === undefined
              ? t('cert.standby.none')
              : config.standby.daysLeft === undefined
                ? t('cert.standby.value', { ca: config.standby.ca, failures: config.standby.afterFailures ?? 3 })
                : t('cert.standby.valueDays', { ca: config.standby.ca, failures: config.standby.afterFailures ?? 3, days: config.standby.daysLeft })}
          </Fact>
          <Fact label={t('cert.definition.created')}>
            <time dateTime={config.createdAt}>{formatDateTime(config.createdAt, locale)}</time>
          </Fact>
        </dl>
      )}
      <ActionFeedback id={id} action="update">
        {() => t('cert.result.updated')}
      </ActionFeedback>
    </section>
  );
}

/** How a certificate validates, in one line. */
export function challengeText(challenge: ChallengeConfigDto, t: Translate): string {
  switch (challenge.mode) {
    case 'dns':
      return t('cert.challenge.dns', { provider: challenge.provider });
    case 'standalone':
      return t('cert.challenge.standalone', { address: challenge.address === '' ? '*' : challenge.address, port: challenge.port });
    case 'webroot':
      return t('cert.challenge.webroot', { root: challenge.root });
  }
}

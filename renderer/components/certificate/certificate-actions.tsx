import { useEffect, useId, useState, type ReactNode } from 'react';
import { useLocation } from 'wouter';
import type { CertificateDetailDto, CertificateSummaryDto, RevocationReasonDto } from '../../../preload/contract.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import type { DetailActionName } from '../../store/detail-slice.ts';
import { useAppStore, useAppStoreApi } from '../../store/store-context.tsx';
import { ConfirmDialog } from '../confirm-dialog.tsx';
import { InlineError } from '../inline-error.tsx';
import { SelectField } from '../select-field.tsx';
import { ActionButton } from './action-button.tsx';
import { ActionFeedback } from './action-feedback.tsx';

const reasons: ReadonlyArray<RevocationReasonDto> = ['unspecified', 'keyCompromise', 'superseded', 'cessationOfOperation', 'affiliationChanged'];

/** Actions that change the certificate or start an order: one at a time, and none while an order runs. */
const exclusive: ReadonlyArray<DetailActionName> = ['renew', 'rehearse', 'revoke', 'rollback', 'remove', 'export'];

/**
 * The certificate's actions with their running state and outcome. Managed: renew now (even when not
 * due), dry run on staging, export now, revoke (confirmation with a reason), remove (confirmation;
 * files kept unless asked). Monitor-only: check the endpoint now (TLS) and remove. While an order
 * runs, the actions that would start or disturb one are unavailable and say why. Each outcome shows
 * below: the result in a live region, or the error with its remedy; a removal goes back to the list.
 */
export function CertificateActions({ summary, detail }: { readonly summary: CertificateSummaryDto; readonly detail: CertificateDetailDto | null }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const store = useAppStoreApi();
  const [, navigate] = useLocation();
  const noteId = useId();
  const { id } = summary;
  const actions = useAppStore((state) => state.detailActions[id]);
  const orderRunning = useAppStore((state) => {
    const progress = state.progress[id];
    return progress !== undefined && progress.step !== 'exporting';
  });
  // A dry run needs the CA account's staging directory; the accounts are read once to know.
  const caName = detail?.config?.ca ?? summary.ca;
  const account = useAppStore((state) => state.accounts.find((candidate) => candidate.name === caName));
  const accountsStatus = useAppStore((state) => state.accountsStatus);
  useEffect(() => {
    if (accountsStatus === 'idle') void store.getState().loadAccounts();
  }, [store, accountsStatus]);
  const noStaging = account !== undefined && account.stagingDirectoryUrl === undefined;
  const [dialog, setDialog] = useState<'revoke' | 'remove' | null>(null);
  const [reason, setReason] = useState<RevocationReasonDto>('unspecified');
  const [deleteFiles, setDeleteFiles] = useState(false);

  const running = (action: DetailActionName): boolean => actions?.[action]?.status === 'running';
  const anyExclusive = exclusive.some(running);
  const blocked = anyExclusive || orderRunning;
  const managed = summary.monitored === undefined;
  const liveVersion = detail?.versions.find((version) => version.live);
  const hasCertificate = summary.version !== undefined || liveVersion !== undefined;
  const revocable = hasCertificate && summary.status !== 'revoked' && liveVersion?.revoked === undefined;
  const removeFailed = actions?.remove?.status === 'failed' ? actions.remove.error : null;
  const reasonLabel = (value: string): string => {
    const known = reasons.find((r) => r === value);
    return known === undefined ? value : t(`cert.reason.${known}`);
  };

  return (
    <div className="cert-actions">
      <div className="cert-actions__bar" role="group" aria-label={t('cert.actions.label')}>
        {managed ? (
          <>
            <ActionButton
              tone="primary"
              label={t('cert.action.renew')}
              runningLabel={t('cert.action.renew.running')}
              running={running('renew')}
              unavailable={blocked}
              describedBy={noteId}
              onClick={() => void store.getState().detailRenew(id)}
            />
            <ActionButton
              label={t('cert.action.rehearse')}
              runningLabel={t('cert.action.rehearse.running')}
              running={running('rehearse')}
              unavailable={blocked || noStaging}
              describedBy={noStaging ? `${noteId}-staging` : noteId}
              onClick={() => void store.getState().detailRehearse(id)}
            />
            <ActionButton
              label={t('cert.action.export')}
              runningLabel={t('cert.action.export.running')}
              running={running('export')}
              unavailable={blocked || !hasCertificate}
              describedBy={noteId}
              onClick={() => void store.getState().detailExport(id)}
            />
            {revocable ? (
              <ActionButton
                tone="danger"
                label={t('cert.action.revoke')}
                runningLabel={t('cert.action.revoke.running')}
                running={running('revoke')}
                unavailable={blocked}
                describedBy={noteId}
                onClick={() => {
                  setReason('unspecified');
                  setDialog('revoke');
                }}
              />
            ) : null}
          </>
        ) : summary.monitored === 'tls' ? (
          <ActionButton
            tone="primary"
            label={t('cert.action.check')}
            runningLabel={t('cert.action.check.running')}
            running={running('check')}
            onClick={() => void store.getState().detailCheck(id)}
          />
        ) : null}
        <ActionButton
          tone="danger"
          label={t('cert.action.remove')}
          runningLabel={t('cert.action.remove.running')}
          running={running('remove')}
          unavailable={blocked}
          describedBy={noteId}
          onClick={() => {
            setDeleteFiles(false);
            setDialog('remove');
          }}
        />
      </div>
      <p id={noteId} className="cert-actions__note" hidden={!orderRunning}>
        {t('cert.action.orderRunning')}
      </p>
      <p id={`${noteId}-staging`} className="cert-actions__note" hidden={!noStaging || !managed}>
        {t('cert.action.rehearse.noStaging', { ca: caName ?? '' })}
      </p>

      <ActionFeedback id={id} action="renew">
        {(result) =>
          result.renewed
            ? t('cert.result.renewed', { version: result.version ?? '—', notAfter: result.meta === undefined ? '—' : formatDateTime(result.meta.notAfter, locale) })
            : result.reason === 'waiting'
              ? t('cert.result.notRenewed.waiting', { time: result.nextAttemptAt === undefined ? '—' : formatDateTime(result.nextAttemptAt, locale) })
              : t(`cert.result.notRenewed.${result.reason ?? 'not_due'}`)
        }
      </ActionFeedback>
      <ActionFeedback id={id} action="rehearse">
        {(result) => t('cert.result.rehearsed', { notAfter: formatDateTime(result.meta.notAfter, locale) })}
      </ActionFeedback>
      <ActionFeedback id={id} action="export">
        {(results) =>
          results.length === 0 ? (
            t('cert.result.exportedNone')
          ) : (
            <>
              <p>{t('cert.result.exported', { ok: results.filter((r) => r.ok).length, total: results.length })}</p>
              {results.some((r) => !r.ok) ? (
                <ul className="action-result__list">
                  {results
                    .filter((r) => !r.ok)
                    .map((r) => (
                      <li key={r.dir}>
                        <code className="path">{r.dir}</code> {r.error ?? r.hook?.output}
                      </li>
                    ))}
                </ul>
              ) : null}
            </>
          )
        }
      </ActionFeedback>
      <ActionFeedback id={id} action="revoke">
        {(result) => (
          <>
            <p>{t('cert.result.revoked', { version: result.version, reason: reasonLabel(result.reason) })}</p>
            {result.renewal?.version === undefined ? null : <p>{t('cert.result.revokedRenewed', { version: result.renewal.version })}</p>}
            {result.renewalError === undefined ? null : (
              <>
                <p>{t('cert.result.revokedRenewalFailed')}</p>
                <InlineError error={result.renewalError} />
              </>
            )}
          </>
        )}
      </ActionFeedback>
      <ActionFeedback id={id} action="check">
        {(result) => t('cert.result.checked', { host: result.endpoint?.host ?? id, port: result.endpoint?.port ?? 443 })}
      </ActionFeedback>
      {removeFailed === null ? null : (
        <InlineError
          error={removeFailed}
          onDismiss={() => {
            store.getState().dismissDetailAction(id, 'remove');
          }}
        />
      )}

      {dialog === 'revoke' ? (
        <ConfirmDialog
          tone="danger"
          title={t('cert.revoke.title', { id })}
          confirmLabel={t('cert.revoke.confirm')}
          onCancel={() => {
            setDialog(null);
          }}
          onConfirm={() => {
            setDialog(null);
            void store.getState().detailRevoke(id, reason);
          }}
        >
          <p>{t('cert.revoke.body', { version: liveVersion?.version ?? summary.version ?? '—', serial: liveVersion?.serial ?? summary.serial ?? '—' })}</p>
          <SelectField label={t('cert.revoke.reason')} value={reason} options={reasons.map((value) => ({ value, label: t(`cert.reason.${value}`) }))} onChange={setReason} />
        </ConfirmDialog>
      ) : null}
      {dialog === 'remove' ? (
        <ConfirmDialog
          tone="danger"
          title={t('cert.remove.title', { id })}
          confirmLabel={t('cert.remove.confirm')}
          onCancel={() => {
            setDialog(null);
          }}
          onConfirm={() => {
            setDialog(null);
            void store
              .getState()
              .detailRemove(id, deleteFiles)
              .then((ok) => {
                if (ok) navigate('/');
              });
          }}
        >
          <p>{managed ? t('cert.remove.body') : t('cert.remove.bodyMonitored')}</p>
          <div className="switch">
            <input
              id={`${noteId}-delete`}
              type="checkbox"
              checked={deleteFiles}
              aria-describedby={`${noteId}-delete-hint`}
              onChange={(event) => {
                setDeleteFiles(event.currentTarget.checked);
              }}
            />
            <label htmlFor={`${noteId}-delete`} className="switch__label">
              {t('cert.remove.deleteFiles')}
            </label>
            <p id={`${noteId}-delete-hint`} className="switch__hint">
              {t('cert.remove.deleteFiles.hint')}
            </p>
          </div>
        </ConfirmDialog>
      ) : null}
    </div>
  );
}

import { useId, useMemo, type ReactNode } from 'react';
import { Link } from 'wouter';
import type { MessageKey } from '../../i18n/en.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { stagingFirstFor, type RunStage, type WizardRun } from '../../store/wizard-slice.ts';
import { OrderProgressBar } from '../order-progress-bar.tsx';
import { InlineError } from '../inline-error.tsx';

const stageNames = {
  adding: 'wizard.run.stage.adding',
  rehearsing: 'wizard.run.stage.rehearsing',
  ordering: 'wizard.run.stage.ordering',
} as const satisfies Readonly<Record<RunStage, MessageKey>>;

type StageState = 'done' | 'running' | 'failed' | 'pending' | 'skipped';

const stageStateNames = {
  done: 'wizard.run.state.done',
  running: 'wizard.run.state.running',
  failed: 'wizard.run.state.failed',
  pending: 'wizard.run.state.pending',
  skipped: 'wizard.run.state.skipped',
} as const satisfies Readonly<Record<StageState, MessageKey>>;

/** Where each stage of the run stands, from the run's current stage and outcome. */
function stageStates(run: WizardRun, rehearse: boolean): Readonly<Record<RunStage, StageState>> {
  const order: ReadonlyArray<RunStage> = ['adding', 'rehearsing', 'ordering'];
  const at = run.stage === null ? -1 : order.indexOf(run.stage);
  const stateOf = (stage: RunStage, index: number): StageState => {
    if (stage === 'rehearsing' && run.rehearsal === null && (!rehearse || at > index)) return 'skipped';
    if (run.status === 'succeeded' || index < at) return 'done';
    if (index > at) return 'pending';
    return run.status === 'failed' ? 'failed' : 'running';
  };
  return { adding: stateOf('adding', 0), rehearsing: stateOf('rehearsing', 1), ordering: stateOf('ordering', 2) };
}

/**
 * Step 6: the first order, live. The stages (add the definition, the staging rehearsal when chosen,
 * the order from the CA), the order's own step while it runs (the dashboard's progress bar over the
 * certificates slice's progress), and the certificate's order log as it arrives, with a link to the
 * full log viewer.
 * It ends in "valid until …" with a link to the certificate, or in the error with its remedy and a
 * way on: try again, order without the staging test, or go back and change the draft (only while
 * nothing was stored in main).
 */
export function RunStep(): ReactNode {
  const t = useT();
  const locale = useLocale();
  const run = useAppStore((state) => state.wizardRun);
  const draft = useAppStore((state) => state.wizardDraft);
  const accounts = useAppStore((state) => state.accounts);
  const progress = useAppStore((state) => (run.certId === null ? undefined : state.progress[run.certId]));
  const retryWizardRun = useAppStore((state) => state.retryWizardRun);
  const skipWizardRehearsal = useAppStore((state) => state.skipWizardRehearsal);
  const goToWizardStep = useAppStore((state) => state.goToWizardStep);
  const resetWizard = useAppStore((state) => state.resetWizard);
  const logTitleId = useId();
  const rehearse = stagingFirstFor(draft, accounts);
  const states = stageStates(run, rehearse);
  const certId = run.certId ?? '';
  const timeFormat = useMemo(() => new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' }), [locale]);
  const notAfter = run.result?.meta?.notAfter;

  const statusText =
    run.status === 'succeeded'
      ? t('wizard.run.status.succeeded')
      : run.status === 'failed'
        ? t('wizard.run.status.failed')
        : run.stage === null
          ? ''
          : t('wizard.run.status.running', { stage: t(stageNames[run.stage]) });

  return (
    <div className="wizard-step wizard-run">
      <p className="visually-hidden" role="status">
        {statusText}
      </p>
      <ol className="run-stages">
        {(['adding', 'rehearsing', 'ordering'] as const).map((stage) => (
          <li key={stage} className={`run-stage run-stage--${states[stage]}`}>
            <span className="run-stage__icon" aria-hidden="true" />
            <span className="run-stage__name">{stage === 'ordering' ? t('wizard.run.stage.orderingFrom', { ca: draft.ca }) : t(stageNames[stage])}</span>
            <span className="run-stage__state">{t(stageStateNames[states[stage]])}</span>
          </li>
        ))}
      </ol>
      {run.status === 'running' && run.stage === 'ordering' && progress !== undefined && (
        <div className="wizard-run__progress">
          <OrderProgressBar progress={progress} />
        </div>
      )}
      {run.status === 'succeeded' && (
        <div className="run-result run-result--ok">
          <h3 className="run-result__title">{t('wizard.run.success.title')}</h3>
          <p>{notAfter === undefined ? t('wizard.run.success.body') : t('wizard.run.success.validUntil', { date: formatDateTime(notAfter, locale) })}</p>
          {run.rehearsal !== null && <p className="run-result__detail">{t('wizard.run.success.rehearsed')}</p>}
          <div className="run-result__actions">
            <Link href={`/certificates/${encodeURIComponent(certId)}`} className="button">
              {t('wizard.run.open')}
            </Link>
            <button type="button" className="button button--secondary" onClick={resetWizard}>
              {t('wizard.run.another')}
            </button>
          </div>
        </div>
      )}
      {run.status === 'failed' && (
        <div className="run-result run-result--failed">
          <h3 className="run-result__title">{t(run.stage === 'adding' ? 'wizard.run.failed.adding' : run.stage === 'rehearsing' ? 'wizard.run.failed.rehearsing' : 'wizard.run.failed.ordering')}</h3>
          {run.error !== null && <InlineError error={run.error} />}
          {run.error === null && run.result?.reason !== undefined && (
            <p className="run-result__detail">
              {run.result.reason === 'waiting' && run.result.nextAttemptAt !== undefined
                ? t('wizard.run.reason.waitingUntil', { time: formatDateTime(run.result.nextAttemptAt, locale) })
                : t(`wizard.run.reason.${run.result.reason}`)}
            </p>
          )}
          <div className="run-result__actions">
            <button type="button" className="button" onClick={() => void retryWizardRun()}>
              {t('wizard.run.retry')}
            </button>
            {run.stage === 'rehearsing' && (
              <button type="button" className="button button--secondary" onClick={() => void skipWizardRehearsal()}>
                {t('wizard.run.skipRehearsal')}
              </button>
            )}
            {!run.added ? (
              <button
                type="button"
                className="button button--secondary"
                onClick={() => {
                  goToWizardStep('review');
                }}
              >
                {t('wizard.run.backToReview')}
              </button>
            ) : (
              <Link href={`/certificates/${encodeURIComponent(certId)}`} className="button button--secondary">
                {t('wizard.run.open')}
              </Link>
            )}
          </div>
        </div>
      )}
      <section className="run-log" aria-labelledby={logTitleId}>
        <div className="run-log__head">
          <h3 id={logTitleId} className="run-log__title">
            {t('wizard.run.log')}
          </h3>
          {run.added && (
            <Link href={`/certificates/${encodeURIComponent(certId)}/log`} className="text-link">
              {t('wizard.run.fullLog')}
            </Link>
          )}
        </div>
        <ol className="run-log__list" role="log" aria-labelledby={logTitleId} aria-live="polite">
          {run.log.map((entry, index) => (
            <li key={`${entry.time}/${String(index)}`} className={`run-log__entry${entry.event === 'cert_failed' || entry.event.endsWith('_failed') ? ' run-log__entry--error' : ''}`}>
              <time className="run-log__time" dateTime={entry.time}>
                {timeFormat.format(Date.parse(entry.time))}
              </time>
              <span className="run-log__message">{entry.message}</span>
            </li>
          ))}
        </ol>
        {run.log.length === 0 && <p className="run-log__empty">{run.status === 'running' ? t('wizard.run.log.waiting') : t('wizard.run.log.empty')}</p>}
      </section>
    </div>
  );
}

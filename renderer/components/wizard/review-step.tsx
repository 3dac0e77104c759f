import type { ReactNode } from 'react';
import { useT } from '../../i18n/use-t.ts';
import { parseDomainList } from '../../store/domain-input.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { effectiveId, stagingFirstFor, type WizardStep } from '../../store/wizard-slice.ts';
import { CheckboxField } from '../forms/checkbox-field.tsx';
import { keyTypeText } from './key-exports-step.tsx';
import { stepNames } from './wizard-stepper.tsx';

/**
 * Step 5: everything the admin chose, grouped by step with a "Change" button that goes back to it,
 * and "Test on staging first" (on by default when the CA account has a staging directory; not
 * offered without one). The footer's button then runs the first order.
 */
export function ReviewStep(): ReactNode {
  const t = useT();
  const draft = useAppStore((state) => state.wizardDraft);
  const accounts = useAppStore((state) => state.accounts);
  const updateWizardDraft = useAppStore((state) => state.updateWizardDraft);
  const domains = parseDomainList(draft.domainsText).domains;
  const account = accounts.find((a) => a.name === draft.ca);
  const hasStaging = account?.stagingDirectoryUrl !== undefined;

  return (
    <div className="wizard-step">
      <p className="wizard-step__intro">{t('wizard.review.intro')}</p>
      <div className="wizard-review">
        <ReviewGroup step="domains">
          <ReviewRow label={t('wizard.review.domains')}>
            <ul className="wizard-review__list">
              {domains.map((domain) => (
                <li key={domain.ascii}>
                  {domain.unicode}
                  {domain.unicode !== domain.ascii && <code className="wizard-review__ascii"> {domain.ascii}</code>}
                </li>
              ))}
            </ul>
          </ReviewRow>
          <ReviewRow label={t('wizard.id.label')}>
            <code>{effectiveId(draft)}</code>
          </ReviewRow>
        </ReviewGroup>
        <ReviewGroup step="account">
          <ReviewRow label={t('wizard.review.ca')}>
            {draft.ca}
            {account !== undefined && <code className="wizard-review__detail path">{account.directoryUrl}</code>}
          </ReviewRow>
          <ReviewRow label={t('wizard.review.standby')}>
            {draft.standbyEnabled
              ? t('wizard.review.standbyValue', {
                  ca: draft.standbyCa,
                  failures: draft.standbyAfterFailures.trim() || '3',
                  days: draft.standbyDaysLeft.trim() || '7',
                })
              : t('wizard.review.none')}
          </ReviewRow>
        </ReviewGroup>
        <ReviewGroup step="challenge">
          <ReviewRow label={t('wizard.review.method')}>
            {draft.challenge === 'dns-01'
              ? t('wizard.review.dnsValue', { provider: draft.dnsProvider })
              : draft.challenge === 'http-01-standalone'
                ? t('wizard.review.standaloneValue', { address: draft.httpAddress.trim(), port: draft.httpPort.trim() })
                : t('wizard.review.webrootValue', { path: draft.webroot.trim() })}
          </ReviewRow>
        </ReviewGroup>
        <ReviewGroup step="key">
          <ReviewRow label={t('wizard.review.keyType')}>{t(keyTypeText[draft.keyType].name)}</ReviewRow>
          <ReviewRow label={t('wizard.review.exports')}>
            {draft.exports.length === 0 ? (
              t('wizard.review.none')
            ) : (
              <ul className="wizard-review__list">
                {draft.exports.map((target) => (
                  <li key={target.key}>
                    <code className="path">{target.dir.trim()}</code> {target.format === 'pfx' ? 'PFX' : 'PEM'}
                    {target.hook.trim() !== '' && <span className="wizard-review__detail">{t('wizard.review.hook', { command: target.hook.trim() })}</span>}
                  </li>
                ))}
              </ul>
            )}
          </ReviewRow>
        </ReviewGroup>
      </div>
      <CheckboxField
        label={t('wizard.review.staging')}
        checked={stagingFirstFor(draft, accounts)}
        disabled={!hasStaging}
        help={hasStaging ? t('wizard.review.staging.help') : t('wizard.review.staging.unavailable')}
        onChange={(stagingFirst) => {
          updateWizardDraft({ stagingFirst });
        }}
      />
    </div>
  );
}

/** One step's choices with a "Change" button that goes back to that step. */
function ReviewGroup({ step, children }: { readonly step: WizardStep; readonly children: ReactNode }): ReactNode {
  const t = useT();
  const goToWizardStep = useAppStore((state) => state.goToWizardStep);
  const name = t(stepNames[step]);
  return (
    <div className="wizard-review__group">
      <div className="wizard-review__head">
        <h3 className="wizard-review__title">{name}</h3>
        <button
          type="button"
          className="button button--quiet button--small"
          aria-label={t('wizard.review.changeLabel', { step: name })}
          onClick={() => {
            goToWizardStep(step);
          }}
        >
          {t('wizard.review.change')}
        </button>
      </div>
      <dl className="wizard-review__rows">{children}</dl>
    </div>
  );
}

function ReviewRow({ label, children }: { readonly label: string; readonly children: ReactNode }): ReactNode {
  return (
    <div className="wizard-review__row">
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

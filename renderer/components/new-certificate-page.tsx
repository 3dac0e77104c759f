import { useEffect, useId, useRef, type ReactNode } from 'react';
import { flushSync } from 'react-dom';
import { useT } from '../i18n/use-t.ts';
import { useAppStore, useAppStoreApi } from '../store/store-context.tsx';
import { wizardSteps, type WizardStep } from '../store/wizard-slice.ts';
import { AccountStep } from './wizard/account-step.tsx';
import { ChallengeStep } from './wizard/challenge-step.tsx';
import { DomainsStep } from './wizard/domains-step.tsx';
import { KeyExportsStep } from './wizard/key-exports-step.tsx';
import { ReviewStep } from './wizard/review-step.tsx';
import { RunStep } from './wizard/run-step.tsx';
import { stepNames, WizardStepper } from './wizard/wizard-stepper.tsx';

function StepContent({ step }: { readonly step: WizardStep }): ReactNode {
  switch (step) {
    case 'domains':
      return <DomainsStep />;
    case 'account':
      return <AccountStep />;
    case 'challenge':
      return <ChallengeStep />;
    case 'key':
      return <KeyExportsStep />;
    case 'review':
      return <ReviewStep />;
    case 'run':
      return <RunStep />;
  }
}

/**
 * `#/new`: the new-certificate wizard — Domains → CA account → Challenge → Key & exports → Review →
 * Run. Each step is checked before Next moves on (the focus then goes to the first field in error);
 * Back and the stepper keep the draft, which lives in the store, so leaving the page and coming
 * back keeps it too (a finished run starts a fresh draft). When the step changes, the focus moves
 * to its heading, so keyboard and screen reader users start reading at the new step.
 */
export function NewCertificatePage(): ReactNode {
  const t = useT();
  const store = useAppStoreApi();
  const step = useAppStore((state) => state.wizardStep);
  const running = useAppStore((state) => state.wizardRun.status === 'running');
  const nextWizardStep = useAppStore((state) => state.nextWizardStep);
  const previousWizardStep = useAppStore((state) => state.previousWizardStep);
  const startWizardRun = useAppStore((state) => state.startWizardRun);
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const cardRef = useRef<HTMLElement>(null);
  const shownStep = useRef(step);

  useEffect(() => {
    const state = store.getState();
    if (state.wizardRun.status === 'succeeded') state.resetWizard();
    void state.loadAccounts();
    void state.loadDnsProviders();
  }, [store]);

  useEffect(() => {
    if (shownStep.current === step) return;
    shownStep.current = step;
    headingRef.current?.focus();
  }, [step]);

  const index = wizardSteps.indexOf(step);
  const next = (): void => {
    // Render the errors now, so the first field in error can take the focus.
    const moved = flushSync(() => (step === 'review' ? false : nextWizardStep()));
    if (!moved) cardRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .radio-cards.form-field--invalid input:not([disabled])')?.focus();
  };

  return (
    <div className="page wizard-page">
      <h1 className="page__title">{t('wizard.title')}</h1>
      <WizardStepper />
      <section ref={cardRef} className="card wizard-card" aria-labelledby={headingId}>
        <h2 id={headingId} ref={headingRef} className="wizard-card__title" tabIndex={-1}>
          <span className="wizard-card__count">{t('wizard.stepCount', { n: index + 1, total: wizardSteps.length })}</span>{' '}
          {t(stepNames[step])}
        </h2>
        <StepContent step={step} />
        {step !== 'run' && (
          <div className="wizard-footer">
            <button type="button" className="button button--secondary" disabled={index === 0} onClick={previousWizardStep}>
              {t('wizard.back')}
            </button>
            {step === 'review' ? (
              <button type="button" className="button button--large" disabled={running} onClick={() => void startWizardRun()}>
                {t('wizard.create')}
              </button>
            ) : (
              <button type="button" className="button" onClick={next}>
                {t('wizard.next')}
              </button>
            )}
          </div>
        )}
      </section>
    </div>
  );
}

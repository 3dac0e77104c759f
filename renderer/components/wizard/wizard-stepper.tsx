import type { ReactNode } from 'react';
import type { MessageKey } from '../../i18n/en.ts';
import { useT } from '../../i18n/use-t.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { wizardSteps, type WizardStep } from '../../store/wizard-slice.ts';

/** Each step's name in the stepper and the step headings. */
export const stepNames = {
  domains: 'wizard.step.domains',
  account: 'wizard.step.account',
  challenge: 'wizard.step.challenge',
  key: 'wizard.step.key',
  review: 'wizard.step.review',
  run: 'wizard.step.run',
} as const satisfies Readonly<Record<WizardStep, MessageKey>>;

/**
 * The wizard's steps as an ordered list in a `nav`: the current one marked `aria-current="step"`,
 * earlier ones as buttons that go back to them (the draft is kept), later ones as plain text, since
 * a step is reached only through Next and its checks. Once the certificate was added, the Run step
 * can no longer be left backwards, and the earlier steps are plain text too.
 */
export function WizardStepper(): ReactNode {
  const t = useT();
  const current = useAppStore((state) => state.wizardStep);
  const locked = useAppStore((state) => state.wizardRun.added || state.wizardRun.status === 'running');
  const goToWizardStep = useAppStore((state) => state.goToWizardStep);
  const currentIndex = wizardSteps.indexOf(current);

  return (
    <nav className="stepper" aria-label={t('wizard.stepper.label')}>
      <ol className="stepper__list">
        {wizardSteps.map((step, index) => {
          const state = index < currentIndex ? 'done' : index === currentIndex ? 'current' : 'todo';
          const content = (
            <>
              <span className="stepper__number" aria-hidden="true">
                {state === 'done' ? '✓' : index + 1}
              </span>
              <span className="stepper__name">{t(stepNames[step])}</span>
              {state === 'done' && <span className="visually-hidden">{t('wizard.stepper.done')}</span>}
            </>
          );
          return (
            <li key={step} className={`stepper__item stepper__item--${state}`} aria-current={state === 'current' ? 'step' : undefined}>
              {state === 'done' && !locked ? (
                <button
                  type="button"
                  className="stepper__button"
                  onClick={() => {
                    goToWizardStep(step);
                  }}
                >
                  {content}
                </button>
              ) : (
                <span className="stepper__text">{content}</span>
              )}
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

import type { ReactNode } from 'react';
import { useT } from '../i18n/use-t.ts';
import { orderSteps, type OrderProgress } from '../store/order-progress.ts';

/**
 * Where a running order stands: the step's name with "n/6" beside it, over a bar of six segments
 * (creating order, presenting challenge, waiting for validation, finalizing, downloading,
 * exporting). The bar is a `progressbar` whose `aria-valuetext` reads "Step 3 of 6: Waiting for
 * validation"; the visible step name is a polite live region, so a screen reader hears each new step
 * without the admin moving focus. The dashboard's rows, the certificate page and the wizard's run
 * step all show this one bar.
 */
export function OrderProgressBar({ progress }: { readonly progress: OrderProgress }): ReactNode {
  const t = useT();
  const total = orderSteps.length;
  const step = orderSteps.indexOf(progress.step) + 1;
  const name = t(`step.${progress.step}`);
  return (
    <div className="order-progress">
      <div className="order-progress__label" aria-live="polite">
        <span className="order-progress__name">{name}</span>
        <span className="order-progress__count" aria-hidden="true">
          {t('dashboard.progress.short', { step, total })}
        </span>
      </div>
      <div
        className="order-progress__track"
        role="progressbar"
        aria-label={t('dashboard.progress.label')}
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={step}
        aria-valuetext={t('step.progress', { step, total, name })}
      >
        {orderSteps.map((key, index) => (
          <span
            key={key}
            className={
              index + 1 < step ? 'order-progress__segment order-progress__segment--done' : index + 1 === step ? 'order-progress__segment order-progress__segment--current' : 'order-progress__segment'
            }
          />
        ))}
      </div>
    </div>
  );
}

import { useId, type ReactNode } from 'react';
import type { CertificateSummaryDto } from '../../../preload/contract.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';

/** The rate limits main tracks, with a translated name each; another name is shown as main sends it. */
const knownLimits = ['newOrders', 'failedValidations', 'duplicateCertificates', 'certificatesPerDomain'] as const;

/**
 * What a new order for this certificate would use of the CA account's rate limits: per limit and
 * scope, how many are used of how many, and — when none are left — when the next is allowed.
 * Nothing when main sent no budget (a monitor, or a CA without tracked limits).
 */
export function BudgetCard({ budget }: { readonly budget: NonNullable<CertificateSummaryDto['budget']> }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const titleId = useId();
  if (budget.length === 0) return null;
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId} className="card__title">
        {t('cert.budget.title')}
      </h2>
      <p className="card__intro">{t('cert.budget.intro')}</p>
      <div className="table-scroll">
        <table className="table">
          <thead>
            <tr>
              <th scope="col">{t('cert.budget.limit')}</th>
              <th scope="col">{t('cert.budget.scope')}</th>
              <th scope="col">{t('cert.budget.used')}</th>
              <th scope="col">{t('cert.budget.left')}</th>
            </tr>
          </thead>
          <tbody>
            {budget.map((row) => {
              const known = knownLimits.find((name) => name === row.limit);
              return (
                <tr key={`${row.limit}/${row.scope}`}>
                  <th scope="row">{known === undefined ? row.limit : t(`cert.limit.${known}`)}</th>
                  <td className="wrap-anywhere">{row.scope}</td>
                  <td className="nowrap">{t('cert.budget.usedOf', { used: row.used, max: row.max })}</td>
                  <td>
                    {row.exempt ? (
                      <span className="facts__hint">{t('cert.budget.exempt')}</span>
                    ) : row.left > 0 ? (
                      row.left
                    ) : (
                      <span className="text-danger">{t('cert.budget.allowedAt', { time: formatDateTime(row.allowedAt, locale) })}</span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

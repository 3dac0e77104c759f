import { useId, type ReactNode } from 'react';
import { Link } from 'wouter';
import type { CertificateSummaryDto } from '../../../preload/contract.ts';
import { useT } from '../../i18n/use-t.ts';
import { Fact } from './fact.tsx';

/**
 * For a monitored TLS endpoint: which host and port, and how the certificate it serves compares with
 * what CertDesk holds for that name (`same`, `older` — the new one was not deployed —, `newer`,
 * `other` names, or `none` held), with a link to the certificate that holds it. "Check now" is in
 * the page's actions.
 */
export function EndpointCard({ endpoint }: { readonly endpoint: NonNullable<CertificateSummaryDto['endpoint']> }): ReactNode {
  const t = useT();
  const titleId = useId();
  const warn = endpoint.deployed === 'older' || endpoint.deployed === 'other';
  return (
    <section className="card" aria-labelledby={titleId}>
      <h2 id={titleId} className="card__title">
        {t('cert.endpoint.title')}
      </h2>
      <dl className="facts">
        <Fact label={t('cert.endpoint.address')}>
          <code>
            {endpoint.host}:{endpoint.port}
          </code>
        </Fact>
        <Fact label={t('cert.endpoint.serves')}>
          <span className={warn ? 'cert-endpoint cert-endpoint--warn' : 'cert-endpoint'}>{t(`cert.endpoint.deployed.${endpoint.deployed}`)}</span>
        </Fact>
        {endpoint.heldBy === undefined ? null : (
          <Fact label={t('cert.endpoint.heldBy')}>
            <Link href={`/certificates/${encodeURIComponent(endpoint.heldBy)}`} className="text-link">
              {endpoint.heldBy}
            </Link>
          </Fact>
        )}
      </dl>
    </section>
  );
}

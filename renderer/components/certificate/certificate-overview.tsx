import type { ReactNode } from 'react';
import type { CertificateDetailDto, CertificateSummaryDto } from '../../../preload/contract.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { BudgetCard } from './budget-card.tsx';
import { DefinitionCard } from './definition-card.tsx';
import { EndpointCard } from './endpoint-card.tsx';
import { ExportsCard } from './exports-card.tsx';
import { FailureCard } from './failure-card.tsx';
import { IdentityCard } from './identity-card.tsx';
import { ValidityCard } from './validity-card.tsx';
import { VersionsCard } from './versions-card.tsx';

/**
 * The Overview tab, most urgent first: what failed (explained, with the remedy), validity and
 * renewal, the endpoint check of a monitor, identity and chain, the stored definition (editable),
 * export targets with their last result and hook output, versions with rollback, and the CA's
 * rate-limit budget. Parts that need the detail wait for it; the summary's parts show at once.
 */
export function CertificateOverview({ summary, detail }: { readonly summary: CertificateSummaryDto; readonly detail: CertificateDetailDto | null }): ReactNode {
  const blocked = useAppStore((state) => state.progress[summary.id] !== undefined);
  return (
    <div className="cert-overview">
      <FailureCard summary={summary} />
      <div className="cert-overview__columns">
        <div className="cert-overview__column">
          <ValidityCard summary={summary} />
          {summary.endpoint === undefined ? null : <EndpointCard endpoint={summary.endpoint} />}
          {detail?.config === undefined ? null : <DefinitionCard id={summary.id} config={detail.config} />}
        </div>
        {detail === null ? null : (
          <div className="cert-overview__column">
            <IdentityCard identity={detail.identity} />
          </div>
        )}
      </div>
      {detail === null || summary.monitored !== undefined ? null : <ExportsCard exports={detail.exports} />}
      {detail === null ? null : <VersionsCard id={summary.id} versions={detail.versions} blocked={blocked} />}
      {summary.budget === undefined ? null : <BudgetCard budget={summary.budget} />}
    </div>
  );
}

import { useId, type ReactNode } from 'react';
import { useT } from '../../i18n/use-t.ts';
import { challengeRecordName, type ParsedDomain } from '../../store/domain-input.ts';

/**
 * The TXT records the manual DNS provider will ask for (RFC 8555 §8.4): one `_acme-challenge.<name>`
 * record per domain, the value known only once the order runs. A wildcard and its apex share one
 * name and then need two values side by side, which the table and a note point out.
 */
export function ManualDnsRecords({ domains }: { readonly domains: ReadonlyArray<ParsedDomain> }): ReactNode {
  const t = useT();
  const captionId = useId();
  const byName = new Map<string, ParsedDomain[]>();
  for (const domain of domains) {
    const name = challengeRecordName(domain.ascii);
    byName.set(name, [...(byName.get(name) ?? []), domain]);
  }
  const shared = [...byName.values()].some((group) => group.length > 1);

  return (
    <div className="manual-records">
      <p id={captionId} className="manual-records__intro">
        {t('wizard.manual.intro')}
      </p>
      {domains.length > 0 && (
        <div className="records-scroll">
          <table className="records-table" aria-labelledby={captionId}>
            <thead>
              <tr>
                <th scope="col">{t('wizard.manual.name')}</th>
                <th scope="col">{t('wizard.manual.type')}</th>
                <th scope="col">{t('wizard.manual.value')}</th>
                <th scope="col">{t('wizard.manual.for')}</th>
              </tr>
            </thead>
            <tbody>
              {[...byName.entries()].map(([name, group]) => (
                <tr key={name}>
                  <td>
                    <code>{name}</code>
                  </td>
                  <td>
                    <code>TXT</code>
                  </td>
                  <td className="records-table__pending">{group.length > 1 ? t('wizard.manual.valuesLater', { count: group.length }) : t('wizard.manual.valueLater')}</td>
                  <td>{group.map((domain) => domain.unicode).join(', ')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {shared && <p className="wizard-note">{t('wizard.manual.shared')}</p>}
      <p className="wizard-note wizard-note--warning">{t('wizard.manual.renewal')}</p>
    </div>
  );
}

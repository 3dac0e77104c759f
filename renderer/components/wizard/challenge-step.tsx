import type { ReactNode } from 'react';
import { useLocale, useT } from '../../i18n/use-t.ts';
import { parseDomainList } from '../../store/domain-input.ts';
import { useAppStore } from '../../store/store-context.tsx';
import type { ChallengeChoice } from '../../store/wizard-slice.ts';
import { DnsProviderForm } from '../forms/dns-provider-form.tsx';
import { RadioCards } from '../forms/radio-cards.tsx';
import { SelectInput } from '../forms/select-input.tsx';
import { TextField } from '../forms/text-field.tsx';
import { LoadFailed } from '../settings/admin-list-section.tsx';
import { InlineAdd } from './inline-add.tsx';
import { ManualDnsRecords } from './manual-dns-records.tsx';
import { fieldError, useStepIssues } from './wizard-issues.tsx';

/**
 * Step 3: how the CA checks control of the domains. DNS-01 with a stored DNS provider (or one added
 * here with the Settings form; the manual kind shows the records to create), HTTP-01 with CertDesk's
 * own listener (address and port, 0.0.0.0:80 by default, which must be reachable from the CA), or
 * HTTP-01 through a web server's folder (an absolute path). A wildcard domain allows DNS-01 only.
 */
export function ChallengeStep(): ReactNode {
  const t = useT();
  const draft = useAppStore((state) => state.wizardDraft);
  const updateWizardDraft = useAppStore((state) => state.updateWizardDraft);
  const { issues, attempted } = useStepIssues('challenge');
  const list = parseDomainList(draft.domainsText);
  const wildcardReason = list.hasWildcard ? t('wizard.challenge.wildcardOnlyDns') : undefined;

  return (
    <div className="wizard-step">
      <RadioCards<ChallengeChoice>
        legend={t('wizard.challenge.legend')}
        value={draft.challenge}
        error={fieldError(t, issues, 'challenge', attempted)}
        options={[
          { value: 'dns-01', label: t('wizard.challenge.dns'), description: t('wizard.challenge.dns.description') },
          { value: 'http-01-standalone', label: t('wizard.challenge.standalone'), description: t('wizard.challenge.standalone.description'), disabledReason: wildcardReason },
          { value: 'http-01-webroot', label: t('wizard.challenge.webroot'), description: t('wizard.challenge.webroot.description'), disabledReason: wildcardReason },
        ]}
        onChange={(challenge) => {
          updateWizardDraft({ challenge });
        }}
      />
      {draft.challenge === 'dns-01' && <DnsChoice />}
      {draft.challenge === 'http-01-standalone' && (
        <div className="wizard-part">
          <div className="admin-form__row">
            <TextField
              label={t('wizard.challenge.address')}
              value={draft.httpAddress}
              monospace
              help={t('wizard.challenge.address.help')}
              error={fieldError(t, issues, 'httpAddress', attempted)}
              onChange={(httpAddress) => {
                updateWizardDraft({ httpAddress });
              }}
            />
            <TextField
              label={t('wizard.challenge.port')}
              value={draft.httpPort}
              inputMode="numeric"
              help={t('wizard.challenge.port.help')}
              error={fieldError(t, issues, 'httpPort', attempted)}
              onChange={(httpPort) => {
                updateWizardDraft({ httpPort });
              }}
            />
          </div>
          <p className="wizard-note wizard-note--warning">{t('wizard.challenge.standalone.note', { port: draft.httpPort.trim() || '80' })}</p>
        </div>
      )}
      {draft.challenge === 'http-01-webroot' && (
        <div className="wizard-part">
          <TextField
            label={t('wizard.challenge.webrootPath')}
            value={draft.webroot}
            monospace
            placeholder="/var/www/html"
            help={t('wizard.challenge.webrootPath.help')}
            error={fieldError(t, issues, 'webroot', attempted)}
            onChange={(webroot) => {
              updateWizardDraft({ webroot });
            }}
          />
        </div>
      )}
    </div>
  );
}

/** The DNS provider of a DNS-01 certificate: pick a stored one or add one in place. */
function DnsChoice(): ReactNode {
  const t = useT();
  const locale = useLocale();
  const draft = useAppStore((state) => state.wizardDraft);
  const providers = useAppStore((state) => state.dnsProviders);
  const notes = useAppStore((state) => state.dnsNotes);
  const kinds = useAppStore((state) => state.dnsKinds);
  const status = useAppStore((state) => state.dnsStatus);
  const error = useAppStore((state) => state.dnsError);
  const loadDnsProviders = useAppStore((state) => state.loadDnsProviders);
  const updateWizardDraft = useAppStore((state) => state.updateWizardDraft);
  const { issues, attempted } = useStepIssues('challenge');

  if (status === 'idle' || status === 'loading') return <p className="wizard-step__status">{t('admin.loading')}</p>;
  if (status === 'failed' && error !== null) {
    return (
      <LoadFailed
        error={error}
        onRetry={() => {
          void loadDnsProviders();
        }}
      />
    );
  }
  const selected = providers.find((provider) => provider.name === draft.dnsProvider);
  const note = selected === undefined ? undefined : notes[selected.name];
  const kindLabel = (kind: string): string => kinds.find((k) => k.kind === kind)?.label[locale] ?? kind;

  return (
    <div className="wizard-part">
      {providers.length === 0 ? (
        <div className="wizard-empty">
          <p className="wizard-empty__title">{t('wizard.dns.empty.title')}</p>
          <p>{t('wizard.dns.empty.body')}</p>
          {attempted && <p className="form-field__error">{fieldError(t, issues, 'dnsProvider', true)}</p>}
        </div>
      ) : (
        <SelectInput
          label={t('wizard.dns.provider')}
          value={selected === undefined ? '' : selected.name}
          options={[
            ...(selected === undefined ? [{ value: '', label: t('wizard.dns.choose') }] : []),
            ...providers.map((provider) => ({ value: provider.name, label: `${provider.name} (${kindLabel(provider.provider)})` })),
          ]}
          help={t('wizard.dns.provider.help')}
          error={fieldError(t, issues, 'dnsProvider', attempted)}
          onChange={(dnsProvider) => {
            updateWizardDraft({ dnsProvider });
          }}
        />
      )}
      {selected?.provider === 'manual' && <ManualDnsRecords domains={parseDomainList(draft.domainsText).domains} />}
      {note !== undefined && (
        <div className="admin-item__note" role="note">
          <p className="admin-item__note-title">{t('dns.item.nextStep')}</p>
          <p>{note[locale]}</p>
        </div>
      )}
      <InlineAdd
        required={providers.length === 0}
        addLabel={t('wizard.dns.add')}
        renderForm={({ onAdded, onCancel }) => (
          <DnsProviderForm
            onDone={(provider) => {
              onAdded();
              updateWizardDraft({ dnsProvider: provider.name });
            }}
            onCancel={onCancel}
          />
        )}
      />
    </div>
  );
}

import { useId, type ReactNode } from 'react';
import type { DnsProviderDto, DnsProviderKindDto, Locale } from '../../../preload/contract.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { DnsProviderForm } from '../forms/dns-provider-form.tsx';
import { InlineError } from '../inline-error.tsx';
import { AdminListSection, RemoveAction } from './admin-list-section.tsx';

/** A credential field's label in the active locale, or its key when the kind no longer declares it. */
function fieldLabel(kind: DnsProviderKindDto | undefined, key: string, locale: Locale): string {
  return kind?.fields.find((field) => field.key === key)?.label[locale] ?? key;
}

/**
 * Settings → DNS providers: each stored provider with its kind, its non-secret settings, which
 * secrets are set (never their values: main does not send them) and its propagation check;
 * "Check credentials" (`dns:check`, changes no record) with its result; Remove behind a confirmation;
 * "Add DNS provider" with the shared {@link DnsProviderForm}. An empty list says what a provider is for.
 */
export function DnsProvidersSection({ headingId }: { readonly headingId?: string }): ReactNode {
  const t = useT();
  const providers = useAppStore((state) => state.dnsProviders);
  const status = useAppStore((state) => state.dnsStatus);
  const error = useAppStore((state) => state.dnsError);
  const loadDnsProviders = useAppStore((state) => state.loadDnsProviders);

  return (
    <AdminListSection
      headingId={headingId}
      text={{
        title: t('dns.title'),
        intro: t('dns.intro'),
        add: t('dns.add'),
        emptyTitle: t('dns.empty.title'),
        emptyBody: t('dns.empty.body'),
        emptyAction: t('dns.empty.action'),
        listLabel: t('dns.listLabel'),
      }}
      status={status}
      error={error}
      onRetry={() => void loadDnsProviders()}
      items={providers}
      itemKey={(provider) => provider.name}
      renderItem={(provider, onRemoved) => <ProviderItem provider={provider} onRemoved={onRemoved} />}
      removedMessage={(provider) => t('dns.removed', { name: provider.name })}
      renderForm={({ onAdded, onCancel }) => (
        <DnsProviderForm
          onDone={(provider) => {
            onAdded(t('dns.added', { name: provider.name }));
          }}
          onCancel={onCancel}
        />
      )}
    />
  );
}

function ProviderItem({ provider, onRemoved }: { readonly provider: DnsProviderDto; readonly onRemoved: () => void }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const kind = useAppStore((state) => state.dnsKinds.find((k) => k.kind === provider.provider));
  const check = useAppStore((state) => state.dnsChecks[provider.name]);
  const note = useAppStore((state) => state.dnsNotes[provider.name]);
  const removal = useAppStore((state) => state.dnsProviderRemovals[provider.name]);
  const checkDnsProvider = useAppStore((state) => state.checkDnsProvider);
  const removeDnsProvider = useAppStore((state) => state.removeDnsProvider);
  const titleId = useId();
  const settings = Object.entries(provider.settings);
  const secretKeys = kind?.fields.filter((field) => field.secret).map((field) => field.key) ?? provider.secrets;
  const { propagation } = provider;

  return (
    <li className="admin-item" aria-labelledby={titleId}>
      <div className="admin-item__main">
        <p id={titleId} className="admin-item__title">
          {provider.name}
        </p>
        <p className="admin-item__subtitle">{kind?.label[locale] ?? provider.provider}</p>
        <dl className="admin-facts">
          {settings.map(([key, value]) => (
            <div key={key}>
              <dt>{fieldLabel(kind, key, locale)}</dt>
              <dd>
                <code>{value}</code>
              </dd>
            </div>
          ))}
          {secretKeys.map((key) => (
            <div key={key}>
              <dt>{fieldLabel(kind, key, locale)}</dt>
              <dd>{provider.secrets.includes(key) ? t('dns.item.secretSet') : t('dns.item.secretNotSet')}</dd>
            </div>
          ))}
          <div>
            <dt>{t('dns.item.propagation')}</dt>
            <dd>
              {propagation.enabled
                ? t('dns.item.propagationOn', {
                    timeout: propagation.timeoutSeconds ?? kind?.propagation.timeoutSeconds ?? '—',
                    interval: propagation.intervalSeconds ?? kind?.propagation.intervalSeconds ?? '—',
                  })
                : t('dns.item.propagationOff')}
              {propagation.enabled && propagation.resolver !== undefined && ` · ${t('dns.item.resolver', { resolver: propagation.resolver })}`}
            </dd>
          </div>
        </dl>
        {note === undefined ? null : (
          <div className="admin-item__note" role="note">
            <p className="admin-item__note-title">{t('dns.item.nextStep')}</p>
            <p>{note[locale]}</p>
          </div>
        )}
        <div className="admin-item__check" aria-live="polite">
          {check?.status === 'checking' && <p className="admin-item__checking">{t('dns.check.running')}</p>}
          {check?.status === 'ok' && (
            <p className="admin-ok">
              {check.result.zones === undefined || check.result.zones.length === 0
                ? t('dns.check.ok')
                : t('dns.check.okZones', { zones: check.result.zones.map((zone) => zone.replace(/\.$/, '')).join(', ') })}
            </p>
          )}
          {check?.status === 'failed' && <InlineError error={check.error} />}
        </div>
      </div>
      <div className="admin-item__actions">
        <button
          type="button"
          className="button button--secondary button--small"
          disabled={check?.status === 'checking'}
          aria-label={t('dns.checkLabel', { name: provider.name })}
          onClick={() => void checkDnsProvider(provider.name)}
        >
          {t('dns.check')}
        </button>
        <RemoveAction
          label={t('dns.removeLabel', { name: provider.name })}
          title={t('dns.remove.title', { name: provider.name })}
          confirmLabel={t('dns.remove.confirm')}
          body={t('dns.remove.body')}
          removal={removal}
          remove={() => removeDnsProvider(provider.name)}
          onRemoved={onRemoved}
          small
        />
      </div>
    </li>
  );
}

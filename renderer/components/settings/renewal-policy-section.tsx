import { useId, useState, type SubmitEvent, type ReactNode } from 'react';
import type { PolicyEntryDto } from '../../../preload/contract.ts';
import type { MessageKey } from '../../i18n/en.ts';
import { useT } from '../../i18n/use-t.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { TextField } from '../forms/text-field.tsx';
import { InlineError } from '../inline-error.tsx';

/** A policy key the section knows: its label, what it accepts, and an example for the placeholder. */
interface KnownSetting {
  readonly key: string;
  readonly label: MessageKey;
  readonly help: MessageKey;
}

/** The keys of `policy:get` (main's `renewal/policy.ts`), grouped as an admin thinks of them. */
const groups = [
  {
    title: 'policy.group.renewal',
    settings: [
      { key: 'renewal.remainingFraction', label: 'policy.renewal.remainingFraction', help: 'policy.renewal.remainingFraction.help' },
      { key: 'renewal.daysBeforeExpiry', label: 'policy.renewal.daysBeforeExpiry', help: 'policy.renewal.daysBeforeExpiry.help' },
      { key: 'renewal.emergencyFraction', label: 'policy.renewal.emergencyFraction', help: 'policy.renewal.emergencyFraction.help' },
    ],
  },
  {
    title: 'policy.group.retry',
    settings: [
      { key: 'retry.firstDelay', label: 'policy.retry.firstDelay', help: 'policy.retry.firstDelay.help' },
      { key: 'retry.factor', label: 'policy.retry.factor', help: 'policy.retry.factor.help' },
      { key: 'retry.maxDelay', label: 'policy.retry.maxDelay', help: 'policy.retry.maxDelay.help' },
      { key: 'retry.jitter', label: 'policy.retry.jitter', help: 'policy.retry.jitter.help' },
      { key: 'retry.maxAttempts', label: 'policy.retry.maxAttempts', help: 'policy.retry.maxAttempts.help' },
      { key: 'retry.giveUpAfter', label: 'policy.retry.giveUpAfter', help: 'policy.retry.giveUpAfter.help' },
    ],
  },
  {
    title: 'policy.group.checks',
    settings: [
      { key: 'scheduler.checkInterval', label: 'policy.scheduler.checkInterval', help: 'policy.scheduler.checkInterval.help' },
      { key: 'scheduler.concurrency', label: 'policy.scheduler.concurrency', help: 'policy.scheduler.concurrency.help' },
      { key: 'vault.keepVersions', label: 'policy.vault.keepVersions', help: 'policy.vault.keepVersions.help' },
    ],
  },
  {
    title: 'policy.group.alerts',
    settings: [
      { key: 'alerts.thresholds', label: 'policy.alerts.thresholds', help: 'policy.alerts.thresholds.help' },
      { key: 'alerts.webhook', label: 'policy.alerts.webhook', help: 'policy.alerts.webhook.help' },
      { key: 'alerts.webhookTimeout', label: 'policy.alerts.webhookTimeout', help: 'policy.alerts.webhookTimeout.help' },
    ],
  },
] as const satisfies ReadonlyArray<{ readonly title: MessageKey; readonly settings: ReadonlyArray<KnownSetting> }>;

const knownKeys = new Set<string>(groups.flatMap((group) => group.settings.map((setting) => setting.key)));

/** How main shows a key that has no value (`(none)`): the field is then empty. */
const noValue = /^\(.*\)$/;

/**
 * Settings → Renewal policy: when certificates renew, how failed attempts are retried, how often
 * CertDesk checks, and when expiry alerts fire — every global key of `policy:get`, grouped, each
 * saved on its own through `policy:update` (as `certdesk settings set` does) with main's refusal
 * shown under the field with its remedy, and "Reset to default" for a value the admin set. Keys main
 * adds later still show, under "Other", by their key.
 */
export function RenewalPolicySection({ headingId }: { readonly headingId?: string }): ReactNode {
  const t = useT();
  const generated = useId();
  const titleId = headingId ?? generated;
  const policy = useAppStore((state) => state.policy);
  const status = useAppStore((state) => state.policyStatus);
  const error = useAppStore((state) => state.policyError);
  const loadPolicy = useAppStore((state) => state.loadPolicy);
  const byKey = new Map(policy.map((entry) => [entry.key, entry]));
  const others = policy.filter((entry) => !knownKeys.has(entry.key));

  return (
    <section className="card admin-section" aria-labelledby={titleId}>
      <h2 id={titleId} className="card__title" tabIndex={-1}>
        {t('policy.title')}
      </h2>
      <p className="admin-section__intro">{t('policy.intro')}</p>
      {status === 'loading' && <p className="admin-section__status">{t('admin.loading')}</p>}
      {status === 'failed' && error !== null && (
        <div className="admin-section__failed">
          <InlineError error={error} />
          <button type="button" className="button button--secondary" onClick={() => void loadPolicy()}>
            {t('admin.retry')}
          </button>
        </div>
      )}
      {status === 'ready' &&
        groups.map((group) => {
          const entries = group.settings.flatMap((setting) => {
            const entry = byKey.get(setting.key);
            return entry === undefined ? [] : [{ entry, setting }];
          });
          if (entries.length === 0) return null;
          return (
            <fieldset key={group.title} className="policy-group">
              <legend className="policy-group__title">{t(group.title)}</legend>
              {entries.map(({ entry, setting }) => (
                <PolicyField key={`${entry.key}=${entry.value}/${String(entry.isDefault)}`} entry={entry} label={t(setting.label)} help={t(setting.help)} />
              ))}
            </fieldset>
          );
        })}
      {status === 'ready' && others.length > 0 && (
        <fieldset className="policy-group">
          <legend className="policy-group__title">{t('policy.group.other')}</legend>
          {others.map((entry) => (
            <PolicyField key={`${entry.key}=${entry.value}/${String(entry.isDefault)}`} entry={entry} label={entry.key} help={undefined} />
          ))}
        </fieldset>
      )}
    </section>
  );
}

/**
 * One policy key: its value as main holds it (the component is keyed by it, so a saved or pushed
 * value resets what was typed), Save when changed, Reset to default when set, main's error inline.
 */
function PolicyField({ entry, label, help }: { readonly entry: PolicyEntryDto; readonly label: string; readonly help: string | undefined }): ReactNode {
  const t = useT();
  const field = useAppStore((state) => state.policyFields[entry.key]);
  const savePolicy = useAppStore((state) => state.savePolicy);
  const shownValue = noValue.test(entry.value) ? '' : entry.value;
  const [value, setValue] = useState(shownValue);
  const saving = field?.saving === true;
  const changed = value.trim() !== shownValue;

  const submit = (event: SubmitEvent<HTMLFormElement>): void => {
    event.preventDefault();
    if (!changed || saving) return;
    void savePolicy(entry.key, value.trim() === '' ? null : value.trim());
  };

  return (
    <form className="policy-field" onSubmit={submit}>
      <TextField
        label={label}
        value={value}
        placeholder={shownValue === '' ? t('policy.notSet') : undefined}
        help={
          <>
            {help}
            {entry.isDefault && <span className="policy-field__default"> {t('policy.isDefault')}</span>}
          </>
        }
        error={
          field?.error === null || field === undefined ? null : (
            <>
              {field.error.message}
              {field.error.remedy !== undefined && <span className="form-field__remedy">{t('error.remedy', { remedy: field.error.remedy })}</span>}
            </>
          )
        }
        monospace
        onChange={setValue}
        addon={
          <span className="policy-field__actions">
            <button type="submit" className={`button button--small${changed ? '' : ' button--secondary'}`} disabled={!changed || saving}>
              {saving ? t('policy.saving') : t('policy.save')}
            </button>
            {!entry.isDefault && (
              <button
                type="button"
                className="button button--quiet button--small"
                disabled={saving}
                aria-label={t('policy.resetLabel', { label })}
                onClick={() => void savePolicy(entry.key, null)}
              >
                {t('policy.reset')}
              </button>
            )}
          </span>
        }
      />
    </form>
  );
}

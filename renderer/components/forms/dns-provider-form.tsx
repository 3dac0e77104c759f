import { useId, useState, type ReactNode } from 'react';
import type { AddDnsProviderRequest, CredentialFieldDto, DnsProviderDto, DnsProviderKindDto, PropagationDto } from '../../../preload/contract.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { freeName, namePattern } from './ca-account-form.tsx';
import { CheckboxField } from './checkbox-field.tsx';
import { FormFooter, useFormSubmission } from './form-submission.tsx';
import { PasswordField } from './password-field.tsx';
import { SelectInput } from './select-input.tsx';
import { TextField } from './text-field.tsx';

interface Draft {
  readonly kind: string;
  readonly name: string;
  readonly nameEdited: boolean;
  /** Field key → value as typed, per kind, so switching kinds back and forth keeps what was typed. */
  readonly values: Readonly<Record<string, Readonly<Record<string, string>>>>;
  readonly propagationEnabled: boolean;
  readonly timeoutSeconds: string;
  readonly intervalSeconds: string;
  readonly resolver: string;
}

/** A `host:port` (or bare host) for the propagation check's resolver. */
const resolverPattern = /^(\[[0-9a-f:]+\]|[a-z0-9.-]+)(:\d{1,5})?$/i;

function positiveWhole(text: string): boolean {
  return text.trim() === '' || (/^\d+$/.test(text.trim()) && Number(text) >= 1);
}

/**
 * Adds a DNS provider (`dns:add`): pick a kind from `dns:kinds`, then fill the form that kind
 * declares — each field's label and help in the active locale, secrets as password fields, choices
 * as selects, defaults and examples as placeholders, optional ones marked — plus the propagation
 * check (on/off, timeout and interval with the kind's defaults shown, an optional resolver).
 * Settings and the wizard both use it; `onDone` gets the stored provider.
 */
export function DnsProviderForm({ onDone, onCancel }: { readonly onDone: (provider: DnsProviderDto) => void; readonly onCancel?: (() => void) | undefined }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const titleId = useId();
  const kinds = useAppStore((state) => state.dnsKinds);
  const providers = useAppStore((state) => state.dnsProviders);
  const save = useAppStore((state) => state.dnsProviderSave);
  const addDnsProvider = useAppStore((state) => state.addDnsProvider);
  const resetDnsProviderSave = useAppStore((state) => state.resetDnsProviderSave);
  const [draft, setDraft] = useState<Draft>(() => ({
    kind: kinds[0]?.kind ?? '',
    name: '',
    nameEdited: false,
    values: {},
    propagationEnabled: true,
    timeoutSeconds: '',
    intervalSeconds: '',
    resolver: '',
  }));

  const kind: DnsProviderKindDto | undefined = kinds.find((k) => k.kind === draft.kind);
  const taken = providers.map((provider) => provider.name);
  const name = draft.nameEdited ? draft.name : freeName(draft.kind || 'dns', taken);
  const values = draft.values[draft.kind] ?? {};
  const valueOf = (field: CredentialFieldDto): string => values[field.key] ?? (field.choices !== undefined && !field.optional ? (field.defaultValue ?? field.choices[0] ?? '') : '');

  const fieldErrors: Record<string, string | null> = {};
  for (const field of kind?.fields ?? []) {
    fieldErrors[field.key] = !field.optional && valueOf(field).trim() === '' ? t('dns.form.error.required', { label: field.label[locale] }) : null;
  }
  const errors = {
    kind: kind === undefined ? t('dns.form.error.kind') : null,
    name: !namePattern.test(name) ? t('form.error.name') : taken.includes(name) ? t('dns.form.error.nameTaken', { name }) : null,
    timeoutSeconds: positiveWhole(draft.timeoutSeconds) ? null : t('form.error.wholeNumber'),
    intervalSeconds: positiveWhole(draft.intervalSeconds) ? null : t('form.error.wholeNumber'),
    resolver: draft.resolver.trim() === '' || resolverPattern.test(draft.resolver.trim()) ? null : t('dns.form.error.resolver'),
  };
  const update = (patch: Partial<Draft>): void => {
    setDraft((current) => ({ ...current, ...patch }));
  };
  const setValue = (key: string, value: string): void => {
    setDraft((current) => ({ ...current, values: { ...current.values, [current.kind]: { ...current.values[current.kind], [key]: value } } }));
  };

  const { shown, onSubmit } = useFormSubmission({
    reset: resetDnsProviderSave,
    invalid: kind === undefined || [...Object.values(errors), ...Object.values(fieldErrors)].some((error) => error !== null),
    send: async () => {
      if (kind === undefined) return;
      const credentials: Record<string, string> = {};
      for (const field of kind.fields) {
        const value = valueOf(field).trim();
        if (value !== '') credentials[field.key] = value;
      }
      const propagation: PropagationDto = {
        enabled: draft.propagationEnabled,
        ...(draft.resolver.trim() === '' ? {} : { resolver: draft.resolver.trim() }),
        ...(draft.timeoutSeconds.trim() === '' ? {} : { timeoutSeconds: Number(draft.timeoutSeconds) }),
        ...(draft.intervalSeconds.trim() === '' ? {} : { intervalSeconds: Number(draft.intervalSeconds) }),
      };
      const request: AddDnsProviderRequest = { name, provider: kind.kind, credentials, propagation };
      const result = await addDnsProvider(request);
      if (result.ok) onDone(result.value);
    },
  });

  return (
    <form className="admin-form" aria-labelledby={titleId} noValidate onSubmit={onSubmit}>
      <h3 id={titleId} className="admin-form__title">
        {t('dns.form.title')}
      </h3>
      <SelectInput
        label={t('dns.form.kind')}
        value={draft.kind}
        options={kinds.map((k) => ({ value: k.kind, label: k.label[locale] }))}
        help={kind?.help[locale]}
        error={shown(errors.kind)}
        onChange={(value) => {
          update({ kind: value });
        }}
      />
      <TextField
        label={t('dns.form.name')}
        value={name}
        help={t('dns.form.name.help')}
        error={shown(errors.name)}
        required
        onChange={(value) => {
          update({ name: value, nameEdited: true });
        }}
      />
      {kind !== undefined && kind.fields.length > 0 && (
        <fieldset className="admin-form__group">
          <legend className="admin-form__legend">{t('dns.form.credentials', { kind: kind.label[locale] })}</legend>
          {kind.fields.map((field) => (
            <CredentialInput
              key={`${kind.kind}/${field.key}`}
              field={field}
              value={valueOf(field)}
              error={shown(fieldErrors[field.key])}
              onChange={(value) => {
                setValue(field.key, value);
              }}
            />
          ))}
        </fieldset>
      )}
      {kind?.kind === 'manual' && <p className="admin-form__hint">{t('dns.form.manualNote')}</p>}
      <fieldset className="admin-form__group">
        <legend className="admin-form__legend">{t('dns.form.propagation')}</legend>
        <CheckboxField
          label={t('dns.form.propagation.enabled')}
          checked={draft.propagationEnabled}
          help={t('dns.form.propagation.help')}
          onChange={(propagationEnabled) => {
            update({ propagationEnabled });
          }}
        />
        {draft.propagationEnabled && (
          <div className="admin-form__row">
            <TextField
              label={t('dns.form.timeout')}
              inputMode="numeric"
              value={draft.timeoutSeconds}
              optional
              placeholder={kind === undefined ? undefined : String(kind.propagation.timeoutSeconds)}
              help={kind === undefined ? undefined : t('dns.form.defaultSeconds', { seconds: kind.propagation.timeoutSeconds })}
              error={shown(errors.timeoutSeconds)}
              onChange={(timeoutSeconds) => {
                update({ timeoutSeconds });
              }}
            />
            <TextField
              label={t('dns.form.interval')}
              inputMode="numeric"
              value={draft.intervalSeconds}
              optional
              placeholder={kind === undefined ? undefined : String(kind.propagation.intervalSeconds)}
              help={kind === undefined ? undefined : t('dns.form.defaultSeconds', { seconds: kind.propagation.intervalSeconds })}
              error={shown(errors.intervalSeconds)}
              onChange={(intervalSeconds) => {
                update({ intervalSeconds });
              }}
            />
            <TextField
              label={t('dns.form.resolver')}
              value={draft.resolver}
              optional
              placeholder="192.0.2.53:53"
              help={t('dns.form.resolver.help')}
              error={shown(errors.resolver)}
              monospace
              onChange={(resolver) => {
                update({ resolver });
              }}
            />
          </div>
        )}
      </fieldset>
      <FormFooter save={save} label={t('dns.form.add')} busyLabel={t('dns.form.adding')} disabled={kind === undefined} onCancel={onCancel} />
    </form>
  );
}

/** One credential field as its kind declares it: a password, a choice, or text with an example. */
function CredentialInput({ field, value, error, onChange }: { readonly field: CredentialFieldDto; readonly value: string; readonly error: string | null; readonly onChange: (value: string) => void }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const label = field.label[locale];
  const help = field.help[locale];
  const placeholder = field.example ?? field.defaultValue;
  if (field.secret) {
    return <PasswordField label={label} value={value} help={help} optional={field.optional} required={!field.optional} error={error} placeholder={placeholder} onChange={onChange} />;
  }
  if (field.choices !== undefined) {
    const options = field.choices.map((choice) => ({ value: choice, label: choice }));
    return (
      <SelectInput
        label={label}
        value={value}
        options={field.optional ? [{ value: '', label: field.defaultValue === undefined ? t('dns.form.choiceDefault') : t('dns.form.choiceDefaultIs', { value: field.defaultValue }) }, ...options] : options}
        help={help}
        optional={field.optional}
        error={error}
        onChange={onChange}
      />
    );
  }
  return <TextField label={label} value={value} help={help} optional={field.optional} required={!field.optional} error={error} placeholder={placeholder} monospace onChange={onChange} />;
}

import { useEffect, useId, useRef, useState, type ReactNode } from 'react';
import type { CertificateConfigDto, ChallengeConfigDto, KeyTypeDto, StandbyDto, UpdateCertificateRequest } from '../../../preload/contract.ts';
import { useT } from '../../i18n/use-t.ts';
import { useAppStore, useAppStoreApi } from '../../store/store-context.tsx';

const keyTypes: ReadonlyArray<KeyTypeDto> = ['ec-p256', 'ec-p384', 'rsa-2048', 'rsa-3072', 'rsa-4096'];
const challengeModes = ['dns', 'standalone', 'webroot'] as const;
type ChallengeMode = (typeof challengeModes)[number];

/**
 * A domain name as typed: letters of any script (IDN), digits and hyphens per label, an optional
 * leading `*.`. Lenient on purpose: main normalises and has the last word.
 */
const domainPattern = /^(\*\.)?([\p{L}\p{N}]([\p{L}\p{N}-]{0,61}[\p{L}\p{N}])?\.)+[\p{L}\p{N}-]{2,63}$/u;

/** The form's fields, as typed (numbers stay text until saved). */
interface Draft {
  readonly domains: string;
  readonly mode: ChallengeMode;
  readonly provider: string;
  readonly address: string;
  readonly port: string;
  readonly root: string;
  readonly keyType: KeyTypeDto;
  readonly standbyCa: string;
  readonly standbyAfter: string;
}

/** Messages without placeholders that a field check can give. */
type PlainErrorKey = 'cert.edit.domains.empty' | 'cert.edit.wildcardHttp' | 'cert.edit.required' | 'cert.edit.port.invalid' | 'cert.edit.root.invalid';

/** What is wrong with one field: a message, or the domain that is not one. */
type FieldError = { readonly key: PlainErrorKey } | { readonly key: 'cert.edit.domains.invalid'; readonly domain: string };

/** What is wrong with each field of a {@link Draft}. */
type DraftErrors = Partial<Record<'domains' | 'provider' | 'port' | 'root' | 'standbyAfter', FieldError>>;

function draftOf(config: CertificateConfigDto): Draft {
  const { challenge, standby } = config;
  return {
    domains: config.domains.join('\n'),
    mode: challenge.mode,
    provider: challenge.mode === 'dns' ? challenge.provider : '',
    address: challenge.mode === 'standalone' ? challenge.address : '',
    port: challenge.mode === 'standalone' ? String(challenge.port) : '80',
    root: challenge.mode === 'webroot' ? challenge.root : '',
    keyType: config.keyType,
    standbyCa: standby?.ca ?? '',
    standbyAfter: String(standby?.afterFailures ?? 3),
  };
}

/** The domains typed, one per line or comma-separated, trimmed, without empties. */
function domainsOf(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((domain) => domain.trim())
    .filter((domain) => domain !== '');
}

/** Checks a draft as the admin types; main validates again when it is saved. Pure. */
function validateDraft(draft: Draft): DraftErrors {
  const errors: DraftErrors = {};
  const domains = domainsOf(draft.domains);
  const bad = domains.find((domain) => !domainPattern.test(domain.replace(/\.$/, '')));
  if (domains.length === 0) errors.domains = { key: 'cert.edit.domains.empty' };
  else if (bad !== undefined) errors.domains = { key: 'cert.edit.domains.invalid', domain: bad };
  else if (draft.mode !== 'dns' && domains.some((domain) => domain.startsWith('*.'))) errors.domains = { key: 'cert.edit.wildcardHttp' };
  if (draft.mode === 'dns' && draft.provider.trim() === '') errors.provider = { key: 'cert.edit.required' };
  if (draft.mode === 'standalone') {
    const port = Number(draft.port);
    if (!/^\d+$/.test(draft.port.trim()) || port < 1 || port > 65535) errors.port = { key: 'cert.edit.port.invalid' };
  }
  if (draft.mode === 'webroot' && !/^(\/|[A-Za-z]:[\\/])/.test(draft.root.trim())) errors.root = { key: 'cert.edit.root.invalid' };
  if (draft.standbyCa !== '' && !(/^\d+$/.test(draft.standbyAfter.trim()) && Number(draft.standbyAfter) >= 1)) errors.standbyAfter = { key: 'cert.edit.required' };
  return errors;
}

/** The `cert:update` request for a valid draft: every field the form edits, `standby: null` to drop one. */
function requestOf(id: string, draft: Draft, config: CertificateConfigDto): UpdateCertificateRequest {
  const challenge: ChallengeConfigDto =
    draft.mode === 'dns'
      ? { type: 'dns-01', mode: 'dns', provider: draft.provider.trim() }
      : draft.mode === 'standalone'
        ? { type: 'http-01', mode: 'standalone', address: draft.address.trim(), port: Number(draft.port) }
        : { type: 'http-01', mode: 'webroot', root: draft.root.trim() };
  const standby: StandbyDto | null | undefined =
    draft.standbyCa === ''
      ? config.standby === undefined
        ? undefined
        : null
      : {
          ca: draft.standbyCa,
          afterFailures: Number(draft.standbyAfter),
          ...(config.standby?.ca === draft.standbyCa && config.standby.daysLeft !== undefined ? { daysLeft: config.standby.daysLeft } : {}),
        };
  return { id, domains: domainsOf(draft.domains), challenge, keyType: draft.keyType, ...(standby === undefined ? {} : { standby }) };
}

/**
 * The inline edit form of a managed certificate: domains, validation method (DNS provider, HTTP
 * standalone address/port, or webroot), key type and standby CA. Fields are checked as typed once
 * the admin tried to save; main's own error (with its remedy) shows under the card. `onDone` closes
 * the form after a successful save or on Cancel.
 */
export function EditForm({ id, config, onDone }: { readonly id: string; readonly config: CertificateConfigDto; readonly onDone: () => void }): ReactNode {
  const t = useT();
  const store = useAppStoreApi();
  const formId = useId();
  const [draft, setDraft] = useState<Draft>(() => draftOf(config));
  const [tried, setTried] = useState(false);
  const saving = useAppStore((state) => state.detailActions[id]?.update?.status === 'running');
  const options = useAppStore((state) => state.detailEditOptions);
  // The names of accounts and providers come from main, once, when the form first opens.
  useEffect(() => {
    void store.getState().loadDetailEditOptions();
  }, [store]);
  // The form replaces the list the admin was reading: put the keyboard where the editing starts.
  const firstField = useRef<HTMLTextAreaElement>(null);
  useEffect(() => {
    firstField.current?.focus();
  }, []);

  const errors = tried ? validateDraft(draft) : {};
  const change = (patch: Partial<Draft>): void => {
    setDraft((current) => ({ ...current, ...patch }));
  };
  const fieldId = (name: string): string => `${formId}-${name}`;
  const errorText = (name: keyof DraftErrors): ReactNode => {
    const error = errors[name];
    if (error === undefined) return null;
    const text = error.key === 'cert.edit.domains.invalid' ? t(error.key, { domain: error.domain }) : t(error.key);
    return (
      <p id={fieldId(`${name}-error`)} className="form-field__error">
        {text}
      </p>
    );
  };
  const invalid = (name: keyof DraftErrors): { 'aria-invalid'?: true; 'aria-describedby'?: string } =>
    errors[name] === undefined ? {} : { 'aria-invalid': true, 'aria-describedby': fieldId(`${name}-error`) };

  const accountChoices = withCurrent(options.status === 'ready' ? options.accounts.filter((name) => name !== config.ca) : [], draft.standbyCa);
  const providerChoices = withCurrent(options.status === 'ready' ? options.dnsProviders : [], draft.provider);

  return (
    <form
      className="cert-form"
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        setTried(true);
        if (Object.keys(validateDraft(draft)).length > 0) return;
        void store
          .getState()
          .detailUpdate(requestOf(id, draft, config))
          .then((ok) => {
            if (ok) onDone();
          });
      }}
    >
      <div className="form-field">
        <label htmlFor={fieldId('domains')} className="form-field__label">
          {t('cert.edit.domains')}
        </label>
        <textarea
          ref={firstField}
          id={fieldId('domains')}
          className="input input--mono"
          rows={Math.min(8, Math.max(2, domainsOf(draft.domains).length + 1))}
          value={draft.domains}
          spellCheck={false}
          autoCapitalize="off"
          aria-describedby={errors.domains === undefined ? fieldId('domains-hint') : `${fieldId('domains-hint')} ${fieldId('domains-error')}`}
          {...(errors.domains === undefined ? {} : { 'aria-invalid': true })}
          onChange={(event) => {
            change({ domains: event.currentTarget.value });
          }}
        />
        <p id={fieldId('domains-hint')} className="form-field__hint">
          {t('cert.edit.domains.hint')}
        </p>
        {errorText('domains')}
      </div>

      <div className="form-field">
        <label htmlFor={fieldId('mode')} className="form-field__label">
          {t('cert.edit.challenge')}
        </label>
        <select
          id={fieldId('mode')}
          className="select"
          value={draft.mode}
          onChange={(event) => {
            const mode = challengeModes.find((m) => m === event.currentTarget.value);
            if (mode !== undefined) change({ mode });
          }}
        >
          {challengeModes.map((mode) => (
            <option key={mode} value={mode}>
              {t(`cert.edit.challenge.${mode}`)}
            </option>
          ))}
        </select>
      </div>

      {draft.mode === 'dns' ? (
        <div className="form-field">
          <label htmlFor={fieldId('provider')} className="form-field__label">
            {t('cert.edit.provider')}
          </label>
          {providerChoices.length > 0 ? (
            <select id={fieldId('provider')} className="select" value={draft.provider} {...invalid('provider')} onChange={(event) => { change({ provider: event.currentTarget.value }); }}>
              {providerChoices.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          ) : (
            <input id={fieldId('provider')} className="input" value={draft.provider} {...invalid('provider')} onChange={(event) => { change({ provider: event.currentTarget.value }); }} />
          )}
          {errorText('provider')}
        </div>
      ) : null}

      {draft.mode === 'standalone' ? (
        <div className="form-row">
          <div className="form-field">
            <label htmlFor={fieldId('address')} className="form-field__label">
              {t('cert.edit.address')}
            </label>
            <input id={fieldId('address')} className="input" value={draft.address} placeholder="0.0.0.0" onChange={(event) => { change({ address: event.currentTarget.value }); }} />
          </div>
          <div className="form-field">
            <label htmlFor={fieldId('port')} className="form-field__label">
              {t('cert.edit.port')}
            </label>
            <input id={fieldId('port')} className="input input--short" inputMode="numeric" value={draft.port} {...invalid('port')} onChange={(event) => { change({ port: event.currentTarget.value }); }} />
            {errorText('port')}
          </div>
        </div>
      ) : null}

      {draft.mode === 'webroot' ? (
        <div className="form-field">
          <label htmlFor={fieldId('root')} className="form-field__label">
            {t('cert.edit.root')}
          </label>
          <input id={fieldId('root')} className="input input--mono" value={draft.root} placeholder="/var/www/html" {...invalid('root')} onChange={(event) => { change({ root: event.currentTarget.value }); }} />
          {errorText('root')}
        </div>
      ) : null}

      <div className="form-field">
        <label htmlFor={fieldId('keyType')} className="form-field__label">
          {t('cert.edit.keyType')}
        </label>
        <select
          id={fieldId('keyType')}
          className="select"
          value={draft.keyType}
          onChange={(event) => {
            const keyType = keyTypes.find((k) => k === event.currentTarget.value);
            if (keyType !== undefined) change({ keyType });
          }}
        >
          {keyTypes.map((keyType) => (
            <option key={keyType} value={keyType}>
              {t(`cert.keyType.${keyType}`)}
            </option>
          ))}
        </select>
      </div>

      <div className="form-row">
        <div className="form-field">
          <label htmlFor={fieldId('standby')} className="form-field__label">
            {t('cert.edit.standby')}
          </label>
          {accountChoices.length > 0 || options.status === 'ready' ? (
            <select id={fieldId('standby')} className="select" value={draft.standbyCa} onChange={(event) => { change({ standbyCa: event.currentTarget.value }); }}>
              <option value="">{t('cert.edit.standby.none')}</option>
              {accountChoices.map((name) => (
                <option key={name} value={name}>
                  {name}
                </option>
              ))}
            </select>
          ) : (
            <input id={fieldId('standby')} className="input" value={draft.standbyCa} placeholder={t('cert.edit.standby.none')} onChange={(event) => { change({ standbyCa: event.currentTarget.value.trim() }); }} />
          )}
        </div>
        {draft.standbyCa === '' ? null : (
          <div className="form-field">
            <label htmlFor={fieldId('standbyAfter')} className="form-field__label">
              {t('cert.edit.standbyAfter')}
            </label>
            <input id={fieldId('standbyAfter')} className="input input--short" inputMode="numeric" value={draft.standbyAfter} {...invalid('standbyAfter')} onChange={(event) => { change({ standbyAfter: event.currentTarget.value }); }} />
            {errorText('standbyAfter')}
          </div>
        )}
      </div>

      <div className="form-buttons">
        <button type="submit" className="button" disabled={saving}>
          {saving ? t('cert.edit.saving') : t('cert.edit.save')}
        </button>
        <button type="button" className="button button--secondary" onClick={onDone}>
          {t('cert.edit.cancel')}
        </button>
      </div>
    </form>
  );
}

/** `choices`, with `current` added when it is set and missing (a name main still has but did not list). */
function withCurrent(choices: ReadonlyArray<string>, current: string): ReadonlyArray<string> {
  return current === '' || choices.includes(current) ? choices : [current, ...choices];
}

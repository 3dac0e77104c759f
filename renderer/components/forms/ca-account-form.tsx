import { useId, useState, type ReactNode } from 'react';
import type { AccountDto, AddAccountRequest, CaPresetDto } from '../../../preload/contract.ts';
import type { MessageKey } from '../../i18n/en.ts';
import type { Translate } from '../../i18n/messages.ts';
import { useT } from '../../i18n/use-t.ts';
import { certificateIdFor } from '../../store/domain-input.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { isAbsolutePath } from '../../store/wizard-slice.ts';
import { CheckboxField } from './checkbox-field.tsx';
import { FormFooter, useFormSubmission } from './form-submission.tsx';
import { PasswordField } from './password-field.tsx';
import { SelectInput } from './select-input.tsx';
import { TextField } from './text-field.tsx';

/** The display names of the presets main ships; a preset main adds later shows its id. */
const presetNames = {
  letsencrypt: 'ca.preset.letsencrypt',
  'letsencrypt-staging': 'ca.preset.letsencrypt-staging',
  zerossl: 'ca.preset.zerossl',
  google: 'ca.preset.google',
  'google-staging': 'ca.preset.google-staging',
} as const satisfies Readonly<Record<string, MessageKey>>;

/** A preset's display name ("Let’s Encrypt"), or its id when CertDesk has no name for it. */
export function presetLabel(t: Translate, id: string): string {
  return Object.hasOwn(presetNames, id) ? t(presetNames[id as keyof typeof presetNames]) : id;
}

/** The name of the preset whose directory an account uses, or `undefined` for a custom CA. */
export function presetOfAccount(presets: ReadonlyArray<CaPresetDto>, account: AccountDto): CaPresetDto | undefined {
  return presets.find((preset) => preset.directoryUrl === account.directoryUrl);
}

/** The names main accepts for accounts, providers and certificates (main's `names.ts`). */
export const namePattern = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** A conservative email shape; main checks again. */
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const customPreset = 'custom';

/** The first of `base`, `base-2`, `base-3`, … that no existing name uses. */
export function freeName(base: string, taken: ReadonlyArray<string>): string {
  const clean = certificateIdFor(base) || 'account';
  if (!taken.includes(clean)) return clean;
  for (let n = 2; ; n += 1) {
    const candidate = `${clean.slice(0, 60)}-${String(n)}`;
    if (!taken.includes(candidate)) return candidate;
  }
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text.trim());
    return url.protocol === 'https:' || url.protocol === 'http:';
  } catch {
    return false;
  }
}

interface Draft {
  readonly preset: string;
  readonly directoryUrl: string;
  readonly stagingUrl: string;
  /** The extra CA file of a custom directory, as typed; empty for none. */
  readonly caFile: string;
  readonly name: string;
  readonly nameEdited: boolean;
  readonly email: string;
  readonly eabKid: string;
  readonly eabHmac: string;
  readonly agreeTos: boolean;
}

/**
 * Adds a CA account (`ca:add`): a preset from `ca:presets` — Let's Encrypt, its staging, ZeroSSL,
 * Google Trust Services — or a custom directory URL (optionally with a CA certificate file: the
 * absolute path of a PEM file with the CAs to trust for a private ACME CA such as step-ca, sent as
 * `caFile`; main reads and checks it); a name (derived from the preset until edited),
 * the contact email, the EAB key id and HMAC key when the preset requires External Account Binding
 * (optional for a custom CA), and the required terms-of-service consent. Checks what it can as the
 * admin submits, then shows main's refusal inline with its remedy. Settings and the wizard both use
 * it; `onDone` gets the stored account.
 */
export function CaAccountForm({ onDone, onCancel }: { readonly onDone: (account: AccountDto) => void; readonly onCancel?: (() => void) | undefined }): ReactNode {
  const t = useT();
  const titleId = useId();
  const presets = useAppStore((state) => state.caPresets);
  const accounts = useAppStore((state) => state.accounts);
  const save = useAppStore((state) => state.accountSave);
  const addAccount = useAppStore((state) => state.addAccount);
  const resetAccountSave = useAppStore((state) => state.resetAccountSave);
  const firstPreset = presets[0]?.id ?? customPreset;
  const [draft, setDraft] = useState<Draft>(() => ({
    preset: firstPreset,
    directoryUrl: '',
    stagingUrl: '',
    caFile: '',
    name: '',
    nameEdited: false,
    email: '',
    eabKid: '',
    eabHmac: '',
    agreeTos: false,
  }));

  const taken = accounts.map((account) => account.name);
  const preset = presets.find((p) => p.id === draft.preset);
  const custom = preset === undefined;
  const derivedName = custom ? freeName(hostOf(draft.directoryUrl) ?? 'custom', taken) : freeName(preset.id, taken);
  const name = draft.nameEdited ? draft.name : derivedName;
  const eabRequired = preset?.eab === true;
  const showEab = custom || eabRequired;

  const errors = {
    directoryUrl: custom && !isHttpUrl(draft.directoryUrl) ? t('ca.form.error.url') : null,
    stagingUrl: custom && draft.stagingUrl.trim() !== '' && !isHttpUrl(draft.stagingUrl) ? t('ca.form.error.url') : null,
    caFile: custom && draft.caFile.trim() !== '' && !isAbsolutePath(draft.caFile) ? t('ca.form.error.caFile') : null,
    name: !namePattern.test(name) ? t('form.error.name') : taken.includes(name) ? t('ca.form.error.nameTaken', { name }) : null,
    email: draft.email.trim() !== '' && !emailPattern.test(draft.email.trim()) ? t('ca.form.error.email') : null,
    eabKid: (eabRequired || draft.eabHmac.trim() !== '') && draft.eabKid.trim() === '' ? t('ca.form.error.eabKid') : null,
    eabHmac: (eabRequired || draft.eabKid.trim() !== '') && draft.eabHmac.trim() === '' ? t('ca.form.error.eabHmac') : null,
    agreeTos: draft.agreeTos ? null : t('ca.form.error.tos'),
  };
  const update = (patch: Partial<Draft>): void => {
    setDraft((current) => ({ ...current, ...patch }));
  };

  const { shown, onSubmit } = useFormSubmission({
    reset: resetAccountSave,
    invalid: Object.values(errors).some((error) => error !== null),
    send: async () => {
      const request: AddAccountRequest = {
        name,
        directory: custom ? draft.directoryUrl.trim() : draft.preset,
        agreeTos: true,
        ...(draft.email.trim() === '' ? {} : { email: draft.email.trim() }),
        ...(showEab && draft.eabKid.trim() !== '' ? { eab: { kid: draft.eabKid.trim(), hmacKey: draft.eabHmac.trim() } } : {}),
        ...(custom && draft.stagingUrl.trim() !== '' ? { stagingDirectory: draft.stagingUrl.trim() } : {}),
        ...(custom && draft.caFile.trim() !== '' ? { caFile: draft.caFile.trim() } : {}),
      };
      const result = await addAccount(request);
      if (result.ok) onDone(result.value);
    },
  });

  return (
    <form className="admin-form" aria-labelledby={titleId} noValidate onSubmit={onSubmit}>
      <h3 id={titleId} className="admin-form__title">
        {t('ca.form.title')}
      </h3>
      <SelectInput
        label={t('ca.form.preset')}
        value={draft.preset}
        options={[...presets.map((p) => ({ value: p.id, label: presetLabel(t, p.id) })), { value: customPreset, label: t('ca.preset.custom') }]}
        help={custom ? t('ca.form.preset.customHelp') : preset.eab ? t('ca.form.preset.eabHelp') : preset.stagingDirectoryUrl !== undefined ? t('ca.form.preset.stagingHelp') : undefined}
        onChange={(value) => {
          update({ preset: value });
        }}
      />
      {custom && (
        <>
          <TextField
            label={t('ca.form.directoryUrl')}
            type="url"
            value={draft.directoryUrl}
            placeholder="https://acme.example.net/directory"
            help={t('ca.form.directoryUrl.help')}
            error={shown(errors.directoryUrl)}
            monospace
            required
            onChange={(directoryUrl) => {
              update({ directoryUrl });
            }}
          />
          <TextField
            label={t('ca.form.stagingUrl')}
            type="url"
            value={draft.stagingUrl}
            optional
            help={t('ca.form.stagingUrl.help')}
            error={shown(errors.stagingUrl)}
            monospace
            onChange={(stagingUrl) => {
              update({ stagingUrl });
            }}
          />
          <TextField
            label={t('ca.form.caFile')}
            value={draft.caFile}
            optional
            placeholder="/etc/step-ca/certs/root_ca.crt"
            help={t('ca.form.caFile.help')}
            error={shown(errors.caFile)}
            monospace
            onChange={(caFile) => {
              update({ caFile });
            }}
          />
        </>
      )}
      <TextField
        label={t('ca.form.name')}
        value={name}
        help={t('ca.form.name.help')}
        error={shown(errors.name)}
        required
        onChange={(value) => {
          update({ name: value, nameEdited: true });
        }}
      />
      <TextField
        label={t('ca.form.email')}
        type="email"
        inputMode="email"
        autoComplete="email"
        value={draft.email}
        placeholder="admin@example.com"
        optional
        help={t('ca.form.email.help')}
        error={shown(errors.email)}
        onChange={(email) => {
          update({ email });
        }}
      />
      {showEab && (
        <fieldset className="admin-form__group">
          <legend className="admin-form__legend">{t('ca.form.eab')}</legend>
          <p className="admin-form__hint">{eabRequired ? t('ca.form.eab.required', { ca: presetLabel(t, draft.preset) }) : t('ca.form.eab.optional')}</p>
          <TextField
            label={t('ca.form.eabKid')}
            value={draft.eabKid}
            optional={!eabRequired}
            error={shown(errors.eabKid)}
            monospace
            onChange={(eabKid) => {
              update({ eabKid });
            }}
          />
          <PasswordField
            label={t('ca.form.eabHmac')}
            value={draft.eabHmac}
            optional={!eabRequired}
            help={t('ca.form.eabHmac.help')}
            error={shown(errors.eabHmac)}
            onChange={(eabHmac) => {
              update({ eabHmac });
            }}
          />
        </fieldset>
      )}
      <CheckboxField
        label={t('ca.form.tos')}
        checked={draft.agreeTos}
        required
        help={t('ca.form.tos.help')}
        error={shown(errors.agreeTos)}
        onChange={(agreeTos) => {
          update({ agreeTos });
        }}
      />
      <FormFooter save={save} label={t('ca.form.add')} busyLabel={t('ca.form.adding')} onCancel={onCancel} />
    </form>
  );
}

/** The host of a URL being typed, for a default account name; `undefined` until it parses. */
function hostOf(text: string): string | undefined {
  try {
    return new URL(text.trim()).hostname.replace(/^(www|acme)\./, '') || undefined;
  } catch {
    return undefined;
  }
}

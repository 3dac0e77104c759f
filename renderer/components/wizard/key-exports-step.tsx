import { useId, useState, type ReactNode } from 'react';
import type { KeyTypeDto } from '../../../preload/contract.ts';
import type { MessageKey } from '../../i18n/en.ts';
import { useT } from '../../i18n/use-t.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { keyTypes, type ExportDraft } from '../../store/wizard-slice.ts';
import { PasswordField } from '../forms/password-field.tsx';
import { RadioCards } from '../forms/radio-cards.tsx';
import { SelectInput } from '../forms/select-input.tsx';
import { TextField } from '../forms/text-field.tsx';
import { fieldError, StepPartTitle, useStepIssues } from './wizard-issues.tsx';

/** Each key type's name and the sentence that says when to pick it. */
export const keyTypeText = {
  'ec-p256': { name: 'wizard.key.ec-p256', description: 'wizard.key.ec-p256.description' },
  'ec-p384': { name: 'wizard.key.ec-p384', description: 'wizard.key.ec-p384.description' },
  'rsa-2048': { name: 'wizard.key.rsa-2048', description: 'wizard.key.rsa-2048.description' },
  'rsa-3072': { name: 'wizard.key.rsa-3072', description: 'wizard.key.rsa-3072.description' },
  'rsa-4096': { name: 'wizard.key.rsa-4096', description: 'wizard.key.rsa-4096.description' },
} as const satisfies Readonly<Record<KeyTypeDto, { readonly name: MessageKey; readonly description: MessageKey }>>;

/**
 * Step 4: the private key type (EC P-256 by default, each with a line on when to choose it) and the
 * export targets: none or more folders (absolute paths) the certificate is written to after every
 * renewal, as PEM files or a password-protected PFX, each with an optional deploy hook command.
 */
export function KeyExportsStep(): ReactNode {
  const t = useT();
  const draft = useAppStore((state) => state.wizardDraft);
  const updateWizardDraft = useAppStore((state) => state.updateWizardDraft);
  const addWizardExport = useAppStore((state) => state.addWizardExport);
  const exportsTitleId = useId();
  // The row just added takes the focus, so a keyboard user types its folder right away.
  const [focusKey, setFocusKey] = useState<number | null>(null);

  return (
    <div className="wizard-step">
      <RadioCards<KeyTypeDto>
        legend={t('wizard.key.legend')}
        value={draft.keyType}
        options={keyTypes.map((keyType) => ({ value: keyType, label: t(keyTypeText[keyType].name), description: t(keyTypeText[keyType].description) }))}
        onChange={(keyType) => {
          updateWizardDraft({ keyType });
        }}
      />
      <div className="wizard-part" role="group" aria-labelledby={exportsTitleId}>
        <StepPartTitle id={exportsTitleId}>{t('wizard.exports.title')}</StepPartTitle>
        <p className="wizard-step__intro">{t('wizard.exports.intro')}</p>
        {draft.exports.length === 0 && <p className="wizard-empty">{t('wizard.exports.empty')}</p>}
        {draft.exports.map((target, index) => (
          <ExportEditor key={target.key} target={target} index={index} autoFocus={target.key === focusKey} />
        ))}
        <button
          type="button"
          className="button button--secondary wizard-step__add"
          onClick={() => {
            setFocusKey(addWizardExport());
          }}
        >
          {t('wizard.exports.add')}
        </button>
      </div>
    </div>
  );
}

/** One export target's fields: folder, format, the PFX password for PFX, the deploy hook; and Remove. */
function ExportEditor({ target, index, autoFocus }: { readonly target: ExportDraft; readonly index: number; readonly autoFocus: boolean }): ReactNode {
  const t = useT();
  const updateWizardExport = useAppStore((state) => state.updateWizardExport);
  const removeWizardExport = useAppStore((state) => state.removeWizardExport);
  const { issues, attempted } = useStepIssues('key');
  const prefix = `exports.${String(target.key)}`;
  const update = (patch: Partial<Omit<ExportDraft, 'key'>>): void => {
    updateWizardExport(target.key, patch);
  };
  return (
    <fieldset className="export-editor">
      <legend className="export-editor__legend">{t('wizard.exports.target', { n: index + 1 })}</legend>
      <TextField
        label={t('wizard.exports.dir')}
        value={target.dir}
        monospace
        placeholder="/etc/nginx/certs/example.com"
        help={t('wizard.exports.dir.help')}
        error={fieldError(t, issues, `${prefix}.dir`, attempted)}
        autoFocus={autoFocus}
        onChange={(dir) => {
          update({ dir });
        }}
      />
      <SelectInput<'pem' | 'pfx'>
        label={t('wizard.exports.format')}
        value={target.format}
        options={[
          { value: 'pem', label: t('wizard.exports.format.pem') },
          { value: 'pfx', label: t('wizard.exports.format.pfx') },
        ]}
        help={target.format === 'pem' ? t('wizard.exports.format.pem.help') : t('wizard.exports.format.pfx.help')}
        onChange={(format) => {
          update({ format });
        }}
      />
      {target.format === 'pfx' && (
        <PasswordField
          label={t('wizard.exports.pfxPassword')}
          value={target.pfxPassword}
          help={t('wizard.exports.pfxPassword.help')}
          error={fieldError(t, issues, `${prefix}.pfxPassword`, attempted)}
          onChange={(pfxPassword) => {
            update({ pfxPassword });
          }}
        />
      )}
      <TextField
        label={t('wizard.exports.hook')}
        value={target.hook}
        monospace
        optional
        placeholder="systemctl reload nginx"
        help={t('wizard.exports.hook.help')}
        onChange={(hook) => {
          update({ hook });
        }}
      />
      <div className="export-editor__actions">
        <button
          type="button"
          className="button button--quiet button--danger-text button--small"
          aria-label={t('wizard.exports.removeLabel', { n: index + 1 })}
          onClick={() => {
            removeWizardExport(target.key);
          }}
        >
          {t('admin.remove')}
        </button>
      </div>
    </fieldset>
  );
}

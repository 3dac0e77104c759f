import type { ReactNode } from 'react';
import { useT } from '../../i18n/use-t.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { CaAccountForm, presetLabel, presetOfAccount } from '../forms/ca-account-form.tsx';
import { CheckboxField } from '../forms/checkbox-field.tsx';
import { RadioCards } from '../forms/radio-cards.tsx';
import { SelectInput } from '../forms/select-input.tsx';
import { TextField } from '../forms/text-field.tsx';
import { LoadFailed } from '../settings/admin-list-section.tsx';
import { InlineAdd } from './inline-add.tsx';
import { fieldError, StepPartTitle, useStepIssues } from './wizard-issues.tsx';

/** Main's failover defaults (`main/core/renewal/failover.ts`), shown as placeholders. */
const defaultAfterFailures = 3;
const defaultDaysLeft = 7;

/**
 * Step 2: the CA account to order from — a stored one, or a new one added right here with the same
 * form as Settings (with no account yet, the form is shown at once) — and an optional standby CA
 * that takes over after repeated failures or when few days are left.
 */
export function AccountStep(): ReactNode {
  const t = useT();
  const draft = useAppStore((state) => state.wizardDraft);
  const accounts = useAppStore((state) => state.accounts);
  const presets = useAppStore((state) => state.caPresets);
  const status = useAppStore((state) => state.accountsStatus);
  const error = useAppStore((state) => state.accountsError);
  const loadAccounts = useAppStore((state) => state.loadAccounts);
  const updateWizardDraft = useAppStore((state) => state.updateWizardDraft);
  const { issues, attempted } = useStepIssues('account');

  if (status === 'idle' || status === 'loading') return <p className="wizard-step__status">{t('admin.loading')}</p>;
  if (status === 'failed' && error !== null) {
    return (
      <LoadFailed
        error={error}
        onRetry={() => {
          void loadAccounts();
        }}
      />
    );
  }

  const standbyChoices = accounts.filter((account) => account.name !== draft.ca);
  return (
    <div className="wizard-step">
      {accounts.length === 0 ? (
        <div className="wizard-empty">
          <p className="wizard-empty__title">{t('wizard.account.empty.title')}</p>
          <p>{t('wizard.account.empty.body')}</p>
          {attempted && <p className="form-field__error">{fieldError(t, issues, 'ca', true)}</p>}
        </div>
      ) : (
        <RadioCards
          legend={t('wizard.account.legend')}
          value={draft.ca}
          error={fieldError(t, issues, 'ca', attempted)}
          options={accounts.map((account) => {
            const preset = presetOfAccount(presets, account);
            return {
              value: account.name,
              label: (
                <>
                  <span className="radio-card__title">{account.name}</span>
                  <span className="radio-card__meta">{preset === undefined ? t('ca.preset.custom') : presetLabel(t, preset.id)}</span>
                </>
              ),
              description: (
                <>
                  <code className="path">{account.directoryUrl}</code>
                  <span>
                    {account.email ?? t('ca.item.noEmail')}
                    {' · '}
                    {account.stagingDirectoryUrl === undefined ? t('wizard.account.noStaging') : t('wizard.account.hasStaging')}
                  </span>
                </>
              ),
            };
          })}
          onChange={(ca) => {
            updateWizardDraft({ ca });
          }}
        />
      )}
      <InlineAdd
        required={accounts.length === 0}
        addLabel={t('wizard.account.add')}
        renderForm={({ onAdded, onCancel }) => (
          <CaAccountForm
            onDone={(account) => {
              onAdded();
              updateWizardDraft({ ca: account.name });
            }}
            onCancel={onCancel}
          />
        )}
      />
      {accounts.length > 0 && (
        <div className="wizard-part">
          <StepPartTitle>{t('wizard.standby.title')}</StepPartTitle>
          <CheckboxField
            label={t('wizard.standby.enable')}
            checked={draft.standbyEnabled}
            disabled={accounts.length < 2 && !draft.standbyEnabled}
            help={accounts.length < 2 ? t('wizard.standby.needTwo') : t('wizard.standby.help')}
            onChange={(standbyEnabled) => {
              updateWizardDraft({ standbyEnabled });
            }}
          />
          {draft.standbyEnabled && (
            <div className="wizard-part__fields">
              <SelectInput
                label={t('wizard.standby.ca')}
                value={standbyChoices.some((account) => account.name === draft.standbyCa) ? draft.standbyCa : ''}
                options={[{ value: '', label: t('wizard.standby.choose') }, ...standbyChoices.map((account) => ({ value: account.name, label: account.name }))]}
                error={fieldError(t, issues, 'standbyCa', attempted)}
                onChange={(standbyCa) => {
                  updateWizardDraft({ standbyCa });
                }}
              />
              <div className="admin-form__row">
                <TextField
                  label={t('wizard.standby.afterFailures')}
                  inputMode="numeric"
                  value={draft.standbyAfterFailures}
                  optional
                  placeholder={String(defaultAfterFailures)}
                  help={t('wizard.standby.afterFailures.help', { count: defaultAfterFailures })}
                  error={fieldError(t, issues, 'standbyAfterFailures', attempted)}
                  onChange={(standbyAfterFailures) => {
                    updateWizardDraft({ standbyAfterFailures });
                  }}
                />
                <TextField
                  label={t('wizard.standby.daysLeft')}
                  inputMode="numeric"
                  value={draft.standbyDaysLeft}
                  optional
                  placeholder={String(defaultDaysLeft)}
                  help={t('wizard.standby.daysLeft.help', { days: defaultDaysLeft })}
                  error={fieldError(t, issues, 'standbyDaysLeft', attempted)}
                  onChange={(standbyDaysLeft) => {
                    updateWizardDraft({ standbyDaysLeft });
                  }}
                />
              </div>
            </div>
          )}
        </div>
      )}
    </div>
  );
}

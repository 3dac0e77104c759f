import { useId, type ReactNode } from 'react';
import type { AccountDto } from '../../../preload/contract.ts';
import { useT } from '../../i18n/use-t.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { CaAccountForm, presetLabel, presetOfAccount } from '../forms/ca-account-form.tsx';
import { AdminListSection, RemoveAction } from './admin-list-section.tsx';

/**
 * Settings → CA accounts: the stored accounts (CA, directory, contact, EAB key id, staging, whether
 * registered yet), "Add CA account" with the shared {@link CaAccountForm}, and Remove behind a
 * confirmation that shows main's refusal (an account certificates still use) with its remedy.
 * An empty list says what an account is for and opens the way to add one.
 */
export function CaAccountsSection({ headingId }: { readonly headingId?: string }): ReactNode {
  const t = useT();
  const accounts = useAppStore((state) => state.accounts);
  const status = useAppStore((state) => state.accountsStatus);
  const error = useAppStore((state) => state.accountsError);
  const loadAccounts = useAppStore((state) => state.loadAccounts);

  return (
    <AdminListSection
      headingId={headingId}
      text={{
        title: t('ca.title'),
        intro: t('ca.intro'),
        add: t('ca.add'),
        emptyTitle: t('ca.empty.title'),
        emptyBody: t('ca.empty.body'),
        emptyAction: t('ca.empty.action'),
        listLabel: t('ca.listLabel'),
      }}
      status={status}
      error={error}
      onRetry={() => void loadAccounts()}
      items={accounts}
      itemKey={(account) => account.name}
      renderItem={(account, onRemoved) => <AccountItem account={account} onRemoved={onRemoved} />}
      removedMessage={(account) => t('ca.removed', { name: account.name })}
      renderForm={({ onAdded, onCancel }) => (
        <CaAccountForm
          onDone={(account) => {
            onAdded(t('ca.added', { name: account.name }));
          }}
          onCancel={onCancel}
        />
      )}
    />
  );
}

function AccountItem({ account, onRemoved }: { readonly account: AccountDto; readonly onRemoved: () => void }): ReactNode {
  const t = useT();
  const presets = useAppStore((state) => state.caPresets);
  const removal = useAppStore((state) => state.accountRemovals[account.name]);
  const removeAccount = useAppStore((state) => state.removeAccount);
  const preset = presetOfAccount(presets, account);
  const titleId = useId();

  return (
    <li className="admin-item" aria-labelledby={titleId}>
      <div className="admin-item__main">
        <p id={titleId} className="admin-item__title">
          {account.name}
        </p>
        <p className="admin-item__subtitle">{preset === undefined ? t('ca.preset.custom') : presetLabel(t, preset.id)}</p>
        <dl className="admin-facts">
          <div>
            <dt>{t('ca.item.directory')}</dt>
            <dd>
              <code className="path">{account.directoryUrl}</code>
            </dd>
          </div>
          <div>
            <dt>{t('ca.item.email')}</dt>
            <dd>{account.email ?? t('ca.item.noEmail')}</dd>
          </div>
          {account.eabKid !== undefined && (
            <div>
              <dt>{t('ca.item.eabKid')}</dt>
              <dd>
                <code>{account.eabKid}</code>
              </dd>
            </div>
          )}
          <div>
            <dt>{t('ca.item.staging')}</dt>
            <dd>{account.stagingDirectoryUrl === undefined ? t('ca.item.noStaging') : <code className="path">{account.stagingDirectoryUrl}</code>}</dd>
          </div>
          <div>
            <dt>{t('ca.item.registration')}</dt>
            <dd>{account.registered ? t('ca.item.registered') : t('ca.item.notRegistered')}</dd>
          </div>
        </dl>
      </div>
      <div className="admin-item__actions">
        <RemoveAction
          label={t('ca.removeLabel', { name: account.name })}
          title={t('ca.remove.title', { name: account.name })}
          confirmLabel={t('ca.remove.confirm')}
          body={t('ca.remove.body')}
          removal={removal}
          remove={() => removeAccount(account.name)}
          onRemoved={onRemoved}
        />
      </div>
    </li>
  );
}

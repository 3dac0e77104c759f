import { useId, useRef, useState, type ReactNode } from 'react';
import type { AccountDto } from '../../../preload/contract.ts';
import { useT } from '../../i18n/use-t.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { CaAccountForm, presetLabel, presetOfAccount } from '../forms/ca-account-form.tsx';
import { ConfirmDialog } from '../confirm-dialog.tsx';
import { InlineError } from '../inline-error.tsx';

/**
 * Settings → CA accounts: the stored accounts (CA, directory, contact, EAB key id, staging, whether
 * registered yet), "Add CA account" with the shared {@link CaAccountForm}, and Remove behind a
 * confirmation that shows main's refusal (an account certificates still use) with its remedy.
 * An empty list says what an account is for and opens the way to add one.
 */
export function CaAccountsSection({ headingId }: { readonly headingId?: string }): ReactNode {
  const t = useT();
  const generated = useId();
  const titleId = headingId ?? generated;
  const accounts = useAppStore((state) => state.accounts);
  const status = useAppStore((state) => state.accountsStatus);
  const error = useAppStore((state) => state.accountsError);
  const loadAccounts = useAppStore((state) => state.loadAccounts);
  const [adding, setAdding] = useState(false);
  const [announcement, setAnnouncement] = useState('');
  const addButton = useRef<HTMLButtonElement>(null);

  return (
    <section className="card admin-section" aria-labelledby={titleId}>
      <div className="admin-section__head">
        <h2 id={titleId} className="card__title" tabIndex={-1}>
          {t('ca.title')}
        </h2>
        {status === 'ready' && !adding && (
          <button
            ref={addButton}
            type="button"
            className="button button--secondary"
            onClick={() => {
              setAdding(true);
              setAnnouncement('');
            }}
          >
            {t('ca.add')}
          </button>
        )}
      </div>
      <p className="admin-section__intro">{t('ca.intro')}</p>
      <p className="visually-hidden" role="status">
        {announcement}
      </p>
      {status === 'loading' && <p className="admin-section__status">{t('admin.loading')}</p>}
      {status === 'failed' && error !== null && (
        <div className="admin-section__failed">
          <InlineError error={error} />
          <button type="button" className="button button--secondary" onClick={() => void loadAccounts()}>
            {t('admin.retry')}
          </button>
        </div>
      )}
      {status === 'ready' && accounts.length === 0 && !adding && (
        <div className="admin-empty">
          <p className="admin-empty__title">{t('ca.empty.title')}</p>
          <p>{t('ca.empty.body')}</p>
          <button
            type="button"
            className="button"
            onClick={() => {
              setAdding(true);
            }}
          >
            {t('ca.empty.action')}
          </button>
        </div>
      )}
      {status === 'ready' && accounts.length > 0 && (
        <ul className="admin-list" aria-label={t('ca.listLabel')}>
          {accounts.map((account) => (
            <AccountItem
              key={account.name}
              account={account}
              onRemoved={() => {
                setAnnouncement(t('ca.removed', { name: account.name }));
                document.getElementById(titleId)?.focus();
              }}
            />
          ))}
        </ul>
      )}
      {adding && (
        <div className="admin-section__form">
          <CaAccountForm
            onDone={(account) => {
              setAdding(false);
              setAnnouncement(t('ca.added', { name: account.name }));
            }}
            onCancel={() => {
              setAdding(false);
              addButton.current?.focus();
            }}
          />
        </div>
      )}
    </section>
  );
}

function AccountItem({ account, onRemoved }: { readonly account: AccountDto; readonly onRemoved: () => void }): ReactNode {
  const t = useT();
  const presets = useAppStore((state) => state.caPresets);
  const removal = useAppStore((state) => state.accountRemovals[account.name]);
  const removeAccount = useAppStore((state) => state.removeAccount);
  const [confirming, setConfirming] = useState(false);
  // Only a refusal of this dialog's own attempt is shown, not one from an earlier, cancelled dialog.
  const [tried, setTried] = useState(false);
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
        <button
          type="button"
          className="button button--quiet button--danger-text"
          aria-label={t('ca.removeLabel', { name: account.name })}
          onClick={() => {
            setConfirming(true);
            setTried(false);
          }}
        >
          {t('admin.remove')}
        </button>
      </div>
      {confirming && (
        <ConfirmDialog
          title={t('ca.remove.title', { name: account.name })}
          confirmLabel={t('ca.remove.confirm')}
          cancelLabel={t('form.cancel')}
          tone="danger"
          busy={removal?.status === 'saving'}
          error={tried && removal?.status === 'failed' ? removal.error : null}
          onCancel={() => {
            setConfirming(false);
          }}
          onConfirm={() => {
            setTried(true);
            void removeAccount(account.name).then((result) => {
              if (result.ok) onRemoved();
            });
          }}
        >
          <p>{t('ca.remove.body')}</p>
        </ConfirmDialog>
      )}
    </li>
  );
}

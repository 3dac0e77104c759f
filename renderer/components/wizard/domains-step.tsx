import { useMemo, useState, type ReactNode } from 'react';
import { useT } from '../../i18n/use-t.ts';
import { parseDomainList, splitDomainInput } from '../../store/domain-input.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { effectiveId } from '../../store/wizard-slice.ts';
import { TextField } from '../forms/text-field.tsx';
import { domainIssueText, fieldError, useStepIssues } from './wizard-issues.tsx';

/**
 * Step 1: the domains, checked as they are typed (commas, spaces or new lines between them): each
 * accepted name is listed in the form a person reads and, for an IDN, the punycode form the
 * certificate holds; a problem names the token it is about. The name still being typed (no
 * separator after it yet) is left alone until the field loses focus or Next is pressed. Also the
 * certificate id, derived from the first domain until edited.
 */
export function DomainsStep(): ReactNode {
  const t = useT();
  const draft = useAppStore((state) => state.wizardDraft);
  const updateWizardDraft = useAppStore((state) => state.updateWizardDraft);
  const { issues, attempted } = useStepIssues('domains');
  const [blurred, setBlurred] = useState(false);
  const text = draft.domainsText;
  const list = useMemo(() => parseDomainList(text), [text]);

  // The last token is still being typed unless a separator follows it.
  const tokens = splitDomainInput(text);
  const typing = tokens.length > 0 && !blurred && !attempted && text === text.trimEnd() && !/[,;，；、]$/.test(text);
  const lastToken = typing ? tokens[tokens.length - 1] : undefined;
  const shownIssues = list.issues.filter((issue, index) => lastToken === undefined || index !== list.issues.length - 1 || issue.input !== lastToken);
  const emptyError = attempted && tokens.length === 0 ? fieldError(t, issues, 'domains', true) : null;

  return (
    <div className="wizard-step">
      <p className="wizard-step__intro">{t('wizard.domains.intro')}</p>
      <TextField
        label={t('wizard.domains.label')}
        value={text}
        multiline
        rows={4}
        monospace
        placeholder={'example.com\nwww.example.com'}
        help={t('wizard.domains.help')}
        error={
          shownIssues.length > 0 ? (
            <ul className="wizard-issues">
              {shownIssues.map((issue, index) => (
                <li key={`${issue.input}/${String(index)}`}>{domainIssueText(t, issue)}</li>
              ))}
            </ul>
          ) : (
            emptyError
          )
        }
        onBlur={() => {
          setBlurred(true);
        }}
        onChange={(domainsText) => {
          setBlurred(false);
          updateWizardDraft({ domainsText });
        }}
      />
      {list.domains.length > 0 && (
        <div className="wizard-domains">
          <p className="wizard-domains__title" id="wizard-domains-title">
            {t('wizard.domains.preview', { count: list.domains.length })}
          </p>
          <ul className="wizard-domains__list" aria-labelledby="wizard-domains-title">
            {list.domains.map((domain) => (
              <li key={domain.ascii} className="domain-chip">
                <span className="domain-chip__name">{domain.unicode}</span>
                {domain.unicode !== domain.ascii && (
                  <span className="domain-chip__ascii">
                    {t('wizard.domains.ascii')} <code>{domain.ascii}</code>
                  </span>
                )}
                {domain.wildcard && <span className="domain-chip__tag">{t('wizard.domains.wildcard')}</span>}
              </li>
            ))}
          </ul>
        </div>
      )}
      {list.warnings.map((warning) => (
        <p key={`${warning.code}/${warning.input}`} className="wizard-note wizard-note--warning">
          {warning.code === 'wildcard_needs_dns' ? t('wizard.domains.wildcardNote', { input: warning.input }) : t('wizard.domains.coveredNote', { input: warning.input })}
        </p>
      ))}
      <CertificateIdField />
    </div>
  );
}

/** The certificate id: derived from the first domain until edited; "Use the derived id" goes back to that. */
function CertificateIdField(): ReactNode {
  const t = useT();
  const draft = useAppStore((state) => state.wizardDraft);
  const updateWizardDraft = useAppStore((state) => state.updateWizardDraft);
  const { issues, attempted } = useStepIssues('domains');
  const id = effectiveId(draft);
  const shown = attempted || draft.idEdited || issues.some((issue) => issue.code === 'id_taken');
  return (
    <div className="wizard-id">
      <TextField
        label={t('wizard.id.label')}
        value={id}
        monospace
        help={t('wizard.id.help')}
        error={id === '' && !attempted ? null : fieldError(t, issues, 'id', shown)}
        onChange={(value) => {
          updateWizardDraft({ id: value, idEdited: true });
        }}
      />
      {draft.idEdited && (
        <button
          type="button"
          className="button button--quiet button--small"
          onClick={() => {
            updateWizardDraft({ id: '', idEdited: false });
          }}
        >
          {t('wizard.id.derive')}
        </button>
      )}
    </div>
  );
}

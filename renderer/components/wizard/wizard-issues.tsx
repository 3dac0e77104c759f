import type { ReactNode } from 'react';
import type { MessageKey } from '../../i18n/en.ts';
import type { Translate } from '../../i18n/messages.ts';
import type { DomainIssue } from '../../store/domain-input.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { wizardIssues, type WizardIssue, type WizardStep } from '../../store/wizard-slice.ts';

/** The sentence for each wizard issue code. */
const issueKeys = {
  domains_empty: 'wizard.issue.domains_empty',
  domains_invalid: 'wizard.issue.domains_invalid',
  id_invalid: 'wizard.issue.id_invalid',
  id_taken: 'wizard.issue.id_taken',
  ca_missing: 'wizard.issue.ca_missing',
  standby_missing: 'wizard.issue.standby_missing',
  standby_same: 'wizard.issue.standby_same',
  standby_number: 'wizard.issue.standby_number',
  provider_missing: 'wizard.issue.provider_missing',
  wildcard_needs_dns: 'wizard.issue.wildcard_needs_dns',
  address_invalid: 'wizard.issue.address_invalid',
  port_invalid: 'wizard.issue.port_invalid',
  path_not_absolute: 'wizard.issue.path_not_absolute',
  dir_duplicate: 'wizard.issue.dir_duplicate',
  pfx_password_missing: 'wizard.issue.pfx_password_missing',
} as const satisfies Readonly<Record<WizardIssue['code'], MessageKey>>;

/** The sentence for each problem a typed domain can have; `{input}` is the token as typed. */
const domainIssueKeys = {
  ip_address: 'domain.issue.ip_address',
  invalid_chars: 'domain.issue.invalid_chars',
  empty_label: 'domain.issue.empty_label',
  bad_hyphen: 'domain.issue.bad_hyphen',
  label_too_long: 'domain.issue.label_too_long',
  name_too_long: 'domain.issue.name_too_long',
  single_label: 'domain.issue.single_label',
  numeric_tld: 'domain.issue.numeric_tld',
  wildcard_position: 'domain.issue.wildcard_position',
  wildcard_bare: 'domain.issue.wildcard_bare',
  wildcard_too_broad: 'domain.issue.wildcard_too_broad',
  duplicate: 'domain.issue.duplicate',
} as const satisfies Readonly<Record<DomainIssue['code'], MessageKey>>;

/** A wizard issue as a sentence in the active locale. */
export function issueText(t: Translate, issue: WizardIssue): string {
  return t(issueKeys[issue.code]);
}

/** A typed domain's problem as a sentence naming the token. */
export function domainIssueText(t: Translate, issue: DomainIssue): string {
  return t(domainIssueKeys[issue.code], { input: issue.input });
}

/**
 * A step's issues and whether they are shown yet (after Next was pressed on it), worked out from
 * the store in render: the result is a fresh array, so it is computed here rather than selected.
 */
export function useStepIssues(step: WizardStep): { readonly issues: ReadonlyArray<WizardIssue>; readonly attempted: boolean } {
  const draft = useAppStore((state) => state.wizardDraft);
  const accounts = useAppStore((state) => state.accounts);
  const dnsProviders = useAppStore((state) => state.dnsProviders);
  const certificateIds = useAppStore((state) => state.certificateIds);
  const attempted = useAppStore((state) => state.wizardAttempted.includes(step));
  return { issues: wizardIssues(step, draft, { accounts, dnsProviders, certificateIds }), attempted };
}

/** The first issue of `field` as a sentence, or `null` (also while the step was not attempted yet). */
export function fieldError(t: Translate, issues: ReadonlyArray<WizardIssue>, field: string, shown: boolean): string | null {
  if (!shown) return null;
  const issue = issues.find((candidate) => candidate.field === field);
  return issue === undefined ? null : issueText(t, issue);
}

/** A heading inside a step, for its parts (the export targets, the standby CA). */
export function StepPartTitle({ id, children }: { readonly id?: string; readonly children: ReactNode }): ReactNode {
  return (
    <h3 id={id} className="wizard-part__title">
      {children}
    </h3>
  );
}

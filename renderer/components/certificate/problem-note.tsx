import type { ReactNode } from 'react';
import type { Locale, LocalizedText } from '../../../preload/contract.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';

/** The namespace of ACME error type URNs (RFC 8555 §6.7); a log may carry the full URN. */
const acmeErrorNamespace = 'urn:ietf:params:acme:error:';

/** A problem type as written in a log entry, reduced to its short name (`dns` for `urn:ietf:params:acme:error:dns`). */
export function shortProblemType(type: string): string {
  return type.startsWith(acmeErrorNamespace) ? type.slice(acmeErrorNamespace.length) : type;
}

/**
 * A {@link LocalizedText} main sent in a log entry's data, validated (data crosses the bridge as
 * `unknown`): `undefined` unless it is an object with a string for every locale.
 */
export function localizedTextOf(value: unknown): LocalizedText | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const record = value as Partial<Record<Locale, unknown>>;
  return typeof record.en === 'string' && typeof record['zh-CN'] === 'string' ? { en: record.en, 'zh-CN': record['zh-CN'] } : undefined;
}

/**
 * A failure explained: its type, what happened and what to do, as a labelled block. The texts are
 * main's own (a failed entry's `data.explanation`/`data.remedy`, or the last error's), in every
 * locale; an entry written without them gets a generic explanation naming the type, so nothing is
 * ever left unexplained.
 */
export function ProblemNote(props: { readonly type: string; readonly explanation?: LocalizedText | undefined; readonly remedy?: LocalizedText | undefined }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const type = shortProblemType(props.type);
  return (
    <div className="problem-note">
      <p className="problem-note__type">{t('log.problem.heading', { type })}</p>
      <dl className="problem-note__texts">
        <dt>{t('log.problem.explanation')}</dt>
        <dd>{props.explanation?.[locale] ?? t('log.problem.other.explanation', { type })}</dd>
        <dt>{t('log.problem.remedy')}</dt>
        <dd>{props.remedy?.[locale] ?? t('log.problem.other.remedy')}</dd>
      </dl>
    </div>
  );
}

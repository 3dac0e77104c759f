import { memo, type ReactNode } from 'react';
import type { Locale, OrderLogEntryDto } from '../../../preload/contract.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import { entryLevel, entryProblem } from '../../store/order-log-slice.ts';
import { localizedTextOf, ProblemNote, shortProblemType } from '../certificate/problem-note.tsx';

const timeFormats = new Map<Locale, Intl.DateTimeFormat>();

/** An entry's time to the second in the locale's style (`14:03:27`); one cached formatter per locale. */
export function formatLogTime(iso: string, locale: Locale): string {
  let format = timeFormats.get(locale);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
    timeFormats.set(locale, format);
  }
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : format.format(ms);
}

/**
 * One line of the order log: time (the full timestamp in its title), level as a word (colour is
 * never the only signal), the event's translated name, main's message, and — for a failure that names
 * a problem — what happened and what to do (`explain`; otherwise just the problem's name, when an
 * earlier entry of the same run explained it). Structured data is behind a "Details" disclosure.
 * Memoised: a live append re-renders only the new line.
 */
export const LogEntry = memo(function LogEntry({ entry, explain }: { readonly entry: OrderLogEntryDto; readonly explain: boolean }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const level = entryLevel(entry);
  const problem = level === 'info' ? undefined : entryProblem(entry);
  const data = entry.data === undefined || Object.keys(entry.data).length === 0 ? undefined : entry.data;
  return (
    <li className={`log-entry log-entry--${level}`}>
      <div className="log-entry__head">
        <time className="log-entry__time" dateTime={entry.time} title={entry.time}>
          {formatLogTime(entry.time, locale)}
        </time>
        <span className={`log-level log-level--${level}`}>{t(`log.level.${level}`)}</span>
        <span className="log-entry__event">{t(`log.event.${entry.event}`)}</span>
      </div>
      <p className="log-entry__message">{entry.message}</p>
      {problem === undefined ? null : explain ? (
        <ProblemNote type={problem} explanation={localizedTextOf(entry.data?.['explanation'])} remedy={localizedTextOf(entry.data?.['remedy'])} />
      ) : (
        <p className="problem-note__type">{t('log.problem.heading', { type: shortProblemType(problem) })}</p>
      )}
      {data === undefined ? null : (
        <details className="disclosure log-entry__data">
          <summary>{t('log.details')}</summary>
          <pre className="output">{JSON.stringify(data, null, 2)}</pre>
        </details>
      )}
    </li>
  );
});

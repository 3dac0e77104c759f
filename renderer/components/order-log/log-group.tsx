import { useId, useState, type ReactNode } from 'react';
import type { OrderLogEntryDto } from '../../../preload/contract.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import { entryLevel, entryProblem, type OrderGroup } from '../../store/order-log-slice.ts';
import { localizedTextOf } from '../certificate/problem-note.tsx';
import { formatDuration } from '../expiry-countdown.tsx';
import { LogEntry } from './log-entry.tsx';

/**
 * Most entries a group shows before "Show all": an order that polled a slow CA for an hour can log
 * thousands of requests; the latest are what the admin reads first.
 */
const entryCap = 200;

/**
 * One order (or dry run, or other activity) as a disclosure: the header says what it was, when it
 * started, how it ended and how long it took; expanding it lists its entries oldest first. A
 * collapsed group renders nothing but its header, which keeps a long history cheap.
 */
export function LogGroup(props: {
  readonly group: OrderGroup;
  /** The entries that pass the filters (all of them when none apply). */
  readonly visible: ReadonlyArray<OrderLogEntryDto>;
  readonly expanded: boolean;
  readonly onToggle: () => void;
  /** The newest group of a certificate whose order is running now. */
  readonly running: boolean;
}): ReactNode {
  const t = useT();
  const locale = useLocale();
  const listId = useId();
  const [showAll, setShowAll] = useState(false);
  const { group, visible, expanded } = props;
  const outcome =
    group.outcome === 'open'
      ? props.running
        ? t('log.outcome.running')
        : t('log.outcome.unfinished')
      : group.outcome === 'activity'
        ? null
        : t(`log.outcome.${group.outcome}`);
  const tone = group.outcome === 'failed' ? 'attention' : group.outcome === 'open' ? (props.running ? 'renewing' : 'none') : 'valid';
  const took = Date.parse(group.end) - Date.parse(group.start);
  const shown = showAll || visible.length <= entryCap ? visible : visible.slice(-entryCap);
  const explained = explainedEntries(shown);

  return (
    <li className="log-group">
      <h3 className="log-group__heading">
        <button type="button" className="log-group__toggle" aria-expanded={expanded} aria-controls={expanded ? listId : undefined} onClick={props.onToggle}>
          <span className="log-group__chevron" aria-hidden="true" />
          <span className="log-group__kind">{t(`log.group.${group.kind}`)}</span>
          <time className="log-group__start" dateTime={group.start}>
            {formatDateTime(group.start, locale)}
          </time>
          {outcome === null ? null : <span className={`badge badge--${tone}`}>{outcome}</span>}
          {group.kind === 'activity' || Number.isNaN(took) ? null : <span className="log-group__meta">{took < 1000 ? t('log.group.tookUnderSecond') : t('log.group.took', { duration: formatDuration(took, t) })}</span>}
          <span className="log-group__meta">
            {visible.length === group.entries.length ? t('log.group.entries', { count: group.entries.length }) : t('log.group.shown', { shown: visible.length, count: group.entries.length })}
          </span>
        </button>
      </h3>
      {expanded ? (
        <div id={listId} className="log-group__body">
          {shown.length < visible.length ? (
            <button
              type="button"
              className="button button--small button--secondary log-group__more"
              onClick={() => {
                setShowAll(true);
              }}
            >
              {t('log.moreEntries', { count: visible.length })}
            </button>
          ) : null}
          <ol className="log-entries">
            {shown.map((entry, index) => (
              <LogEntry key={`${entry.time}/${entry.event}/${String(index + visible.length - shown.length)}`} entry={entry} explain={explained.has(entry)} />
            ))}
          </ol>
        </div>
      ) : null}
    </li>
  );
}

/**
 * The entries that explain their problem, one per problem type in a run (later ones only name it):
 * the first that carries main's explanation (`cert_failed` does), else the first that names it.
 */
function explainedEntries(entries: ReadonlyArray<OrderLogEntryDto>): ReadonlySet<OrderLogEntryDto> {
  const chosen = new Map<string, OrderLogEntryDto>();
  for (const entry of entries) {
    const problem = entryLevel(entry) === 'info' ? undefined : entryProblem(entry);
    if (problem === undefined) continue;
    const current = chosen.get(problem);
    if (current === undefined || (!hasExplanation(current) && hasExplanation(entry))) chosen.set(problem, entry);
  }
  return new Set(chosen.values());
}

/** Whether main sent its own explanation with the entry. */
function hasExplanation(entry: OrderLogEntryDto): boolean {
  return localizedTextOf(entry.data?.['explanation']) !== undefined;
}

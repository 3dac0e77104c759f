import { useDeferredValue, useEffect, useId, useMemo, useState, type ReactNode } from 'react';
import type { OrderLogEntryDto } from '../../../preload/contract.ts';
import { useT } from '../../i18n/use-t.ts';
import { entriesJsonl, entriesText, entryLevel, groupOrders, logLevels, matchesQuery, type LogLevel } from '../../store/order-log-slice.ts';
import { useAppStore, useAppStoreApi } from '../../store/store-context.tsx';
import { copyText } from '../certificate/copy-button.tsx';
import { InlineError } from '../inline-error.tsx';
import { LogGroup } from './log-group.tsx';
import { saveFile } from './save-file.ts';

/** Groups shown at first (newest first); older ones come in pages of this size on request. */
const groupPage = 20;

const noEntries: ReadonlyArray<OrderLogEntryDto> = [];
const allLevels: Readonly<Record<LogLevel, boolean>> = { info: true, warning: true, error: true };

/**
 * A certificate's order log: the whole history (`order:log`) plus the entries main pushes while the
 * viewer is open, grouped by order (newest first; the newest and any running one expanded), each
 * failure explained with its remedy. Filter by level, search the whole history (messages, event
 * names, data), copy what is shown as text, or save it as a text or JSON Lines file for a support
 * request. Only expanded groups render their entries, and only {@link groupPage} groups at a time,
 * so years of history stay fast. New notable entries (an order starting or ending, warnings, errors)
 * are announced through a polite live region; routine steps are not.
 */
export function OrderLogViewer({ certId }: { readonly certId: string }): ReactNode {
  const t = useT();
  const store = useAppStoreApi();
  const searchId = useId();
  const log = useAppStore((state) => state.orderLogs[certId]);
  const running = useAppStore((state) => state.progress[certId] !== undefined);
  const [levels, setLevels] = useState(allLevels);
  const [query, setQuery] = useState('');
  const deferredQuery = useDeferredValue(query);
  const [groupLimit, setGroupLimit] = useState(groupPage);
  const [toggled, setToggled] = useState<Readonly<Record<string, boolean>>>({});
  const [notice, setNotice] = useState('');

  useEffect(() => store.getState().watchOrderLog(certId), [store, certId]);

  const entries = log?.entries ?? noEntries;
  const groups = useMemo(() => groupOrders(entries), [entries]);
  const filtering = deferredQuery.trim() !== '' || logLevels.some((level) => !levels[level]);
  const view = useMemo(() => {
    const shown = groups.map((group) => ({
      group,
      visible: filtering ? group.entries.filter((entry) => levels[entryLevel(entry)] && matchesQuery(entry, deferredQuery, t(`log.event.${entry.event}`))) : group.entries,
    }));
    return shown.filter((item) => item.visible.length > 0).reverse();
  }, [groups, filtering, levels, deferredQuery, t]);
  const shownEntries = useMemo(() => [...view].reverse().flatMap((item) => item.visible), [view]);

  const announcement = log?.announcement ?? null;
  const newestKey = groups.at(-1)?.key;

  if (log === undefined || (log.status === 'loading' && entries.length === 0)) {
    return (
      <p className="loading" role="status">
        {t('log.loading')}
      </p>
    );
  }

  return (
    <section className="order-log" aria-label={t('log.title')}>
      {log.status === 'failed' && log.error !== null ? (
        <div className="order-log__failed">
          <InlineError error={log.error} />
          <button type="button" className="button" onClick={() => void store.getState().loadOrderLog(certId)}>
            {t('cert.retry')}
          </button>
        </div>
      ) : null}

      <div className="order-log__toolbar">
        <div className="order-log__search">
          <label htmlFor={searchId} className="form-field__label">
            {t('log.search')}
          </label>
          <input
            id={searchId}
            type="search"
            className="input"
            value={query}
            placeholder={t('log.search.placeholder')}
            onChange={(event) => {
              setQuery(event.currentTarget.value);
              setGroupLimit(groupPage);
            }}
          />
        </div>
        <fieldset className="order-log__levels">
          <legend className="form-field__label">{t('log.levels')}</legend>
          {logLevels.map((level) => (
            <label key={level} className={`level-toggle level-toggle--${level}`}>
              <input
                type="checkbox"
                checked={levels[level]}
                onChange={(event) => {
                  const checked = event.currentTarget.checked;
                  setLevels((current) => ({ ...current, [level]: checked }));
                }}
              />
              {t(`log.level.${level}`)}
            </label>
          ))}
        </fieldset>
        <div className="order-log__export">
          <button
            type="button"
            className="button button--secondary"
            aria-label={t('log.copy.label')}
            disabled={shownEntries.length === 0}
            onClick={() => {
              void copyText(entriesText(certId, shownEntries)).then((ok) => {
                setNotice(ok ? t('log.copied', { count: shownEntries.length }) : t('log.copyFailed'));
              });
            }}
          >
            {t('log.copy')}
          </button>
          <button
            type="button"
            className="button button--secondary"
            disabled={shownEntries.length === 0}
            onClick={() => {
              const file = `certdesk-${certId}-log.txt`;
              saveFile(file, entriesText(certId, shownEntries), 'text/plain;charset=utf-8');
              setNotice(t('log.saved', { file }));
            }}
          >
            {t('log.saveText')}
          </button>
          <button
            type="button"
            className="button button--secondary"
            disabled={shownEntries.length === 0}
            onClick={() => {
              const file = `certdesk-${certId}-log.jsonl`;
              saveFile(file, entriesJsonl(shownEntries), 'application/x-ndjson');
              setNotice(t('log.saved', { file }));
            }}
          >
            {t('log.saveJsonl')}
          </button>
        </div>
      </div>

      <div className="order-log__status">
        <p className="order-log__count">{t('log.count', { shown: shownEntries.length, total: entries.length })}</p>
        {running ? (
          <p className="order-log__live">
            <span className="live-dot" aria-hidden="true" />
            {t('log.live')}
          </p>
        ) : null}
        <p role="status" className="order-log__notice">
          {notice}
        </p>
      </div>
      <p className="visually-hidden" aria-live="polite">
        {announcement === null ? '' : t('log.announce', { event: t(`log.event.${announcement.event}`), message: announcement.message })}
      </p>

      {entries.length === 0 ? (
        <p className="card empty-state order-log__empty">{t('log.empty')}</p>
      ) : view.length === 0 ? (
        <div className="card empty-state order-log__empty">
          <p>{t('log.emptyFiltered')}</p>
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              setQuery('');
              setLevels(allLevels);
            }}
          >
            {t('log.clearFilters')}
          </button>
        </div>
      ) : (
        <>
          <ol className="log-groups">
            {view.slice(0, groupLimit).map(({ group, visible }) => {
              const expanded = toggled[group.key] ?? (filtering || group.key === newestKey);
              return (
                <LogGroup
                  key={group.key}
                  group={group}
                  visible={visible}
                  expanded={expanded}
                  running={running && group.key === newestKey}
                  onToggle={() => {
                    setToggled((current) => ({ ...current, [group.key]: !expanded }));
                  }}
                />
              );
            })}
          </ol>
          {view.length > groupLimit ? (
            <button
              type="button"
              className="button button--secondary order-log__older"
              onClick={() => {
                setGroupLimit((limit) => limit + groupPage);
              }}
            >
              {t('log.olderGroups', { count: Math.min(groupPage, view.length - groupLimit) })}
            </button>
          ) : null}
        </>
      )}
    </section>
  );
}

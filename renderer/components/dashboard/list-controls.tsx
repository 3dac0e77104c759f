import { memo, useId, type ReactNode } from 'react';
import { useLocale, useT } from '../../i18n/use-t.ts';
import type { Translate } from '../../i18n/messages.ts';
import { isFiltered, sortKeys, statusFilters, type CaFilter, type DashboardView, type StatusFilter } from '../../store/dashboard-view.ts';
import { SelectField, type SelectOption } from '../select-field.tsx';
import { formatCount } from './summary-bar.tsx';

/**
 * The list's toolbar: a search box (by domain, as typed), the status and CA account filters, the sort
 * order, how many certificates are shown of how many (a polite live region, so a screen reader hears
 * the result of a search), and "Clear filters" while anything is hidden. Changes go to `onChange`
 * as a whole new view. Memoised: the dashboard's once-a-minute re-render passes the same props.
 */
export const ListControls = memo(function ListControls({
  view,
  onChange,
  caOptions,
  shown,
  total,
}: {
  readonly view: DashboardView;
  readonly onChange: (view: DashboardView) => void;
  readonly caOptions: ReadonlyArray<CaFilter>;
  readonly shown: number;
  readonly total: number;
}): ReactNode {
  const t = useT();
  const locale = useLocale();
  const searchId = useId();
  const statusOptions: ReadonlyArray<SelectOption<StatusFilter>> = statusFilters.map((value) => ({ value, label: statusFilterLabel(value, t) }));
  const cas: Array<SelectOption<CaFilter>> = [
    { value: 'all', label: t('dashboard.filter.ca.all') },
    ...caOptions.map((value) => ({ value, label: value === 'monitored' ? t('dashboard.filter.ca.monitored') : value.slice('ca:'.length) })),
  ];
  // A CA picked earlier whose last certificate went away still shows (and can be cleared).
  if (!cas.some((option) => option.value === view.ca)) cas.push({ value: view.ca, label: view.ca.slice('ca:'.length) });
  const sorts = sortKeys.map((value) => ({ value, label: t(`dashboard.sort.${value}`) }));

  return (
    <div className="list-controls" role="search" aria-label={t('dashboard.controls.label')}>
      <div className="list-controls__search">
        <label htmlFor={searchId} className="field__label">
          {t('dashboard.search.label')}
        </label>
        <input
          id={searchId}
          type="search"
          className="input list-controls__input"
          value={view.query}
          placeholder={t('dashboard.search.placeholder')}
          autoComplete="off"
          spellCheck={false}
          onChange={(event) => {
            onChange({ ...view, query: event.currentTarget.value });
          }}
        />
      </div>
      <SelectField
        label={t('dashboard.filter.status')}
        value={view.status}
        options={statusOptions}
        onChange={(status) => {
          onChange({ ...view, status });
        }}
      />
      <SelectField
        label={t('dashboard.filter.ca')}
        value={view.ca}
        options={cas}
        onChange={(ca) => {
          onChange({ ...view, ca });
        }}
      />
      <SelectField
        label={t('dashboard.sort')}
        value={view.sort}
        options={sorts}
        onChange={(sort) => {
          onChange({ ...view, sort });
        }}
      />
      <div className="list-controls__result">
        <p role="status" className="list-controls__count">
          {t('dashboard.results', { shown: formatCount(shown, locale), total: formatCount(total, locale) })}
        </p>
        {isFiltered(view) ? (
          <button
            type="button"
            className="button button--secondary"
            onClick={() => {
              onChange({ ...view, query: '', status: 'all', ca: 'all' });
            }}
          >
            {t('dashboard.clearFilters')}
          </button>
        ) : null}
      </div>
    </div>
  );
});

/** The status picker's words for a filter. */
function statusFilterLabel(filter: StatusFilter, t: Translate): string {
  switch (filter) {
    case 'all':
      return t('dashboard.filter.status.all');
    case 'health:failing':
      return t('dashboard.summary.failing');
    case 'health:expiring':
      return t('dashboard.summary.expiring');
    case 'health:ok':
      return t('dashboard.summary.ok');
    case 'health:pending':
      return t('dashboard.summary.pending');
    case 'state:renewing':
      return t('dashboard.filter.status.renewing');
    case 'state:retrying':
      return t('dashboard.filter.status.retrying');
    case 'state:attention':
      return t('dashboard.filter.status.attention');
    case 'state:expired':
      return t('dashboard.filter.status.expired');
  }
}

import { memo, useDeferredValue, useEffect, useId, useMemo, useRef, useState, type ReactNode } from 'react';
import type { CertificateSummaryDto, Locale } from '../../../preload/contract.ts';
import { certificateHealth, expiringWithinMs, type CertificateHealth } from '../../../preload/health.ts';
import { useClockValue } from '../../hooks/use-now.ts';
import { formatDate } from '../../i18n/format.ts';
import type { Translate } from '../../i18n/messages.ts';
import { useLocale, useT } from '../../i18n/use-t.ts';
import { certificateFacts, periodCounts, renewalTimeMs } from '../../store/dashboard-view.ts';
import { useAppStore } from '../../store/store-context.tsx';
import { formatCount } from './summary-bar.tsx';

const hourMs = 60 * 60 * 1000;
const dayMs = 24 * hourMs;

/** The axis spans at least a month, so a few certificates expiring soon are not stretched across the width. */
const minSpanMs = 30 * dayMs;

/**
 * And at most 400 days: a monitored 10-year internal certificate would otherwise squeeze every ACME
 * certificate (90 days) into the first few pixels. Later expiries sit in a "Later" gutter.
 */
const maxSpanMs = 400 * dayMs;

/** Up to this many certificates, each is drawn as its own shapes with a hover title; above, as one path per health (thousands of nodes would cost more than the whole list). */
const individualMarksMax = 150;

/** The chart's height and its plot band, in CSS pixels (the width follows the card). */
const chartHeight = 132;
const plotTop = 20;
const plotBottom = 100;
const gutterWidth = 44;

/** Widths used before the card is measured (and where nothing measures, like jsdom). */
const fallbackWidth = 720;

/** The tick steps the axis chooses from, in days: the smallest that gives at most eight labels. */
const tickStepsDays = [1, 2, 7, 14, 30, 61, 91, 182, 365] as const;

/** Draw order: the ones that need the admin on top. */
const healthOrder: ReadonlyArray<CertificateHealth> = ['ok', 'pending', 'expiring', 'failing'];

interface Mark {
  readonly id: string;
  readonly name: string;
  readonly health: CertificateHealth;
  /** Where in its band the mark sits, 0…1 (see {@link laneOf}). */
  readonly lane: number;
  /** The expiry's x, or `undefined` when the certificate has no expiry date. */
  readonly x: number | undefined;
  readonly renewalX: number | undefined;
  readonly expiryMs: number;
  readonly renewalMs: number;
}

interface Scale {
  readonly startMs: number;
  readonly endMs: number;
  readonly left: number;
  readonly right: number;
  readonly expiredGutter: boolean;
  readonly laterGutter: boolean;
  readonly x: (ms: number) => number;
}

/**
 * The expiry timeline: an SVG chart with a time axis from now to the latest expiry (at most 400 days;
 * later ones in a "Later" gutter, expired ones in an "Expired" gutter on the left), one dot per
 * certificate at its expiry and one tick at its renewal (or next attempt) time, coloured by health
 * (the tray's rule), the next 14 days shaded. Up to 150 certificates each mark has a hover title
 * and a line joining renewal to expiry.
 *
 * For people who cannot see the chart (it is one `role="img"` with a label), a text summary beside
 * it names the count expiring soon (as the summary counts them), the next expiry and the latest one, and "Show as a
 * table" lists, per period, how many expire and how many renewals fall due. The chart follows the
 * hour, not the second: at 400 days across, an hour is less than a pixel. Memoised (it takes no
 * props): the dashboard re-rendering each minute does not redraw it.
 */
export const ExpiryTimeline = memo(function ExpiryTimeline(): ReactNode {
  const t = useT();
  const locale = useLocale();
  const titleId = useId();
  // Drawn just after the list: the first paint shows the rows (what the admin came for), and the
  // chart of thousands of marks follows in a background render a moment later.
  const certificates = useDeferredValue(useAppStore((state) => state.certificates), noCertificates);
  const certificateIds = useDeferredValue(useAppStore((state) => state.certificateIds), noIds);
  const drawn = certificateIds !== noIds;
  const nowMs = useClockValue(hourOf);
  const [width, setWidth] = useState(fallbackWidth);
  const boxRef = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const box = boxRef.current;
    if (box === null || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      const measured = Math.round(entry?.contentRect.width ?? 0);
      if (measured > 0) setWidth(measured);
    });
    observer.observe(box);
    return () => {
      observer.disconnect();
    };
  }, []);

  const chart = useMemo(() => layout(certificates, certificateIds, nowMs, width), [certificates, certificateIds, nowMs, width]);
  const periods = useMemo(() => periodCounts(certificates, certificateIds, nowMs), [certificates, certificateIds, nowMs]);

  return (
    <section className="card timeline" aria-labelledby={titleId}>
      <div className="timeline__head">
        <h2 id={titleId} className="card__title">
          {t('dashboard.timeline.title')}
        </h2>
        <Legend t={t} />
      </div>
      <div ref={boxRef} className="timeline__chart">
        <svg className="timeline__svg" width={width} height={chartHeight} viewBox={`0 0 ${String(width)} ${String(chartHeight)}`} role="img" aria-label={t('dashboard.timeline.chartLabel')}>
          <Axis scale={chart.scale} nowMs={nowMs} locale={locale} t={t} />
          {chart.marks.length <= individualMarksMax ? <IndividualMarks marks={chart.marks} locale={locale} t={t} /> : <PathMarks marks={chart.marks} />}
        </svg>
      </div>
      <p className="timeline__summary">{drawn ? summaryText(chart.marks, nowMs, locale, t) : '\u00a0'}</p>
      <details className="timeline__details">
        <summary>{t('dashboard.timeline.showTable')}</summary>
        <table className="timeline__table">
          <caption>{t('dashboard.timeline.table.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('dashboard.timeline.table.period')}</th>
              <th scope="col">{t('dashboard.timeline.table.expiring')}</th>
              <th scope="col">{t('dashboard.timeline.table.renewals')}</th>
            </tr>
          </thead>
          <tbody>
            {periods.map((row) => (
              <tr key={row.period}>
                <th scope="row">{t(`dashboard.timeline.period.${row.period}`)}</th>
                <td>{formatCount(row.expiring, locale)}</td>
                <td>{formatCount(row.renewals, locale)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
});

const noCertificates: Readonly<Record<string, CertificateSummaryDto>> = {};
const noIds: ReadonlyArray<string> = [];

/** The hour turns for the chart 30 s past the clock's hour (see {@link hourOf}). */
const hourTurnOffsetMs = 30_000;

/**
 * The hour the chart is drawn for. It turns 30 s past the hour, so its redraw never lands on the
 * same tick as the list's once-a-minute update (each stays well inside one frame on its own).
 */
function hourOf(nowMs: number): number {
  return Math.floor((nowMs - hourTurnOffsetMs) / hourMs) * hourMs + hourTurnOffsetMs;
}

/** Places every certificate on the time axis; heights are the renderer's business. */
function layout(certificates: Readonly<Record<string, CertificateSummaryDto>>, ids: ReadonlyArray<string>, nowMs: number, width: number): { scale: Scale; marks: ReadonlyArray<Mark> } {
  let latest = nowMs;
  let expired = false;
  for (const id of ids) {
    const summary = certificates[id];
    if (summary === undefined) continue;
    const { expiryMs } = certificateFacts(summary);
    if (Number.isNaN(expiryMs)) continue;
    if (expiryMs > latest) latest = expiryMs;
    if (expiryMs <= nowMs) expired = true;
  }
  const span = Math.min(maxSpanMs, Math.max(minSpanMs, Math.ceil((latest - nowMs) / dayMs) * dayMs));
  const laterGutter = latest - nowMs > span;
  const left = expired ? gutterWidth : 12;
  const right = Math.max(left + 40, width - (laterGutter ? gutterWidth : 16));
  const endMs = nowMs + span;
  const x = (ms: number): number => left + ((ms - nowMs) / span) * (right - left);
  const scale: Scale = { startMs: nowMs, endMs, left, right, expiredGutter: expired, laterGutter, x };
  const place = (ms: number): number | undefined => {
    if (Number.isNaN(ms)) return undefined;
    if (ms <= nowMs) return expired ? left - gutterWidth / 2 : left;
    if (ms > endMs) return right + gutterWidth / 2;
    return x(ms);
  };

  const marks: Mark[] = [];
  for (const id of ids) {
    const summary = certificates[id];
    if (summary === undefined) continue;
    const facts = certificateFacts(summary);
    const renewalMs = renewalTimeMs(summary);
    marks.push({
      id,
      name: facts.name,
      health: certificateHealth(summary, nowMs),
      lane: laneOf(id),
      x: place(facts.expiryMs),
      renewalX: Number.isNaN(facts.expiryMs) || renewalMs > facts.expiryMs ? undefined : place(renewalMs),
      expiryMs: facts.expiryMs,
      renewalMs,
    });
  }
  return { scale, marks };
}

/**
 * A certificate's place across a band, 0…1, from a hash of its id: stable across renders and
 * sorts, and spread out, so certificates expiring the same day stack up instead of hiding each other.
 */
function laneOf(id: string): number {
  let hash = 2166136261;
  for (let i = 0; i < id.length; i += 1) hash = Math.imul(hash ^ id.charCodeAt(i), 16777619) >>> 0;
  return (hash % 1000) / 999;
}

/** A lane's height within the band from `top` to `bottom`, kept `inset` pixels off both edges. */
function yIn(lane: number, top: number, bottom: number, inset: number): number {
  return top + inset + lane * (bottom - top - 2 * inset);
}

const tickFormats = new Map<string, Intl.DateTimeFormat>();

/** A tick label: day and month, or month and year for long steps. Formatters are built once per locale. */
function tickLabel(ms: number, stepDays: number, locale: Locale): string {
  const style = stepDays >= 182 ? 'month' : 'day';
  const key = `${locale}/${style}`;
  let format = tickFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, style === 'month' ? { year: 'numeric', month: 'short' } : { month: 'short', day: 'numeric' });
    tickFormats.set(key, format);
  }
  return format.format(ms);
}

function Axis({ scale, nowMs, locale, t }: { readonly scale: Scale; readonly nowMs: number; readonly locale: Locale; readonly t: Translate }): ReactNode {
  const spanDays = (scale.endMs - scale.startMs) / dayMs;
  const pixelsPerDay = (scale.right - scale.left) / spanDays;
  // At most eight labels, and never closer than ~70px (a Chinese or English short date fits).
  const stepDays = tickStepsDays.find((step) => spanDays / step <= 8 && step * pixelsPerDay >= 70) ?? 365;
  const ticks: number[] = [];
  for (let day = stepDays; day < spanDays; day += stepDays) ticks.push(nowMs + day * dayMs);
  const zoneEnd = Math.min(scale.right, scale.x(nowMs + expiringWithinMs));
  return (
    <g className="timeline__axis">
      <rect className="timeline__zone" x={scale.left} y={plotTop - 14} width={Math.max(0, zoneEnd - scale.left)} height={plotBottom - plotTop + 14} />
      <text className="timeline__zone-label" x={scale.left + 4} y={plotTop - 4}>
        {t('dashboard.timeline.expiringZone')}
      </text>
      <line className="timeline__baseline" x1={scale.left} x2={scale.right} y1={plotBottom} y2={plotBottom} />
      {ticks.map((ms) => (
        <g key={ms}>
          <line className="timeline__grid" x1={scale.x(ms)} x2={scale.x(ms)} y1={plotTop} y2={plotBottom + 4} />
          <text className="timeline__tick" x={scale.x(ms)} y={plotBottom + 18} textAnchor="middle">
            {tickLabel(ms, stepDays, locale)}
          </text>
        </g>
      ))}
      <line className="timeline__now" x1={scale.left} x2={scale.left} y1={plotTop - 14} y2={plotBottom + 4} />
      <text className="timeline__tick timeline__tick--now" x={scale.left} y={plotBottom + 18} textAnchor={scale.expiredGutter ? 'middle' : 'start'}>
        {t('dashboard.timeline.now')}
      </text>
      {scale.expiredGutter ? (
        <text className="timeline__tick timeline__tick--gutter" x={scale.left - gutterWidth / 2} y={plotTop - 4} textAnchor="middle">
          {t('dashboard.timeline.expired')}
        </text>
      ) : null}
      {scale.laterGutter ? (
        <>
          <line className="timeline__grid" x1={scale.right} x2={scale.right} y1={plotTop} y2={plotBottom + 4} />
          <text className="timeline__tick timeline__tick--gutter" x={scale.right + gutterWidth / 2} y={plotTop - 4} textAnchor="middle">
            {t('dashboard.timeline.later')}
          </text>
        </>
      ) : null}
    </g>
  );
}

/** A few certificates: each its own group, with a hover title, and a line from renewal to expiry. */
function IndividualMarks({ marks, locale, t }: { readonly marks: ReadonlyArray<Mark>; readonly locale: Locale; readonly t: Translate }): ReactNode {
  const ordered = [...marks].sort((a, b) => healthOrder.indexOf(a.health) - healthOrder.indexOf(b.health));
  return (
    <g className="timeline__marks">
      {ordered.map((mark) => {
        const y = yIn(mark.lane, plotTop, plotBottom, 6);
        return (
        <g key={mark.id} className={`timeline__mark timeline__mark--${mark.health}`}>
          {mark.x !== undefined && mark.renewalX !== undefined ? <line className="timeline__link" x1={mark.renewalX} x2={mark.x} y1={y} y2={y} /> : null}
          {mark.renewalX === undefined ? null : (
            <path className="timeline__renewal" d={`M${mark.renewalX.toFixed(1)} ${(y - 5).toFixed(1)}v10`}>
              <title>{t('dashboard.timeline.markRenewal', { name: mark.name, date: formatDate(new Date(mark.renewalMs).toISOString(), locale) })}</title>
            </path>
          )}
          {mark.x === undefined ? null : (
            <circle className="timeline__expiry" cx={mark.x} cy={y} r={4.5}>
              <title>{t('dashboard.timeline.markExpiry', { name: mark.name, date: formatDate(new Date(mark.expiryMs).toISOString(), locale) })}</title>
            </circle>
          )}
        </g>
        );
      })}
    </g>
  );
}

/**
 * Many certificates: two bands, expiries (dots) above renewals (ticks), each drawn as one path per
 * health, a handful of DOM nodes for thousands of marks. Memoised on `marks`, which only changes with
 * the certificates, the hour or the width.
 */
const PathMarks = memo(function PathMarks({ marks }: { readonly marks: ReadonlyArray<Mark> }): ReactNode {
  const middle = (plotTop + plotBottom) / 2;
  const dots = new Map<CertificateHealth, string[]>();
  const ticks = new Map<CertificateHealth, string[]>();
  for (const mark of marks) {
    if (mark.x !== undefined) push(dots, mark.health, `M${mark.x.toFixed(1)} ${yIn(mark.lane, plotTop, middle, 5).toFixed(1)}h0`);
    if (mark.renewalX !== undefined) push(ticks, mark.health, `M${mark.renewalX.toFixed(1)} ${(yIn(mark.lane, middle, plotBottom, 6) - 3).toFixed(1)}v6`);
  }
  return (
    <g className="timeline__marks timeline__marks--banded">
      <line className="timeline__band" x1={0} x2="100%" y1={middle} y2={middle} />
      {healthOrder.map((health) => (
        <g key={health} className={`timeline__mark timeline__mark--${health}`}>
          <path className="timeline__renewal" d={(ticks.get(health) ?? []).join('')} />
          <path className="timeline__dots" d={(dots.get(health) ?? []).join('')} />
        </g>
      ))}
    </g>
  );
});

function push(map: Map<CertificateHealth, string[]>, health: CertificateHealth, segment: string): void {
  const list = map.get(health);
  if (list === undefined) map.set(health, [segment]);
  else list.push(segment);
}

function Legend({ t }: { readonly t: Translate }): ReactNode {
  return (
    <ul className="timeline__legend">
      {(['failing', 'expiring', 'ok'] as const).map((health) => (
        <li key={health} className={`timeline__legend-item timeline__mark--${health}`}>
          <svg width="10" height="10" aria-hidden="true">
            <circle className="timeline__expiry" cx="5" cy="5" r="4" />
          </svg>
          {t(`dashboard.summary.${health}`)}
        </li>
      ))}
      <li className="timeline__legend-item">
        <svg width="10" height="10" aria-hidden="true" className="timeline__legend-symbol">
          <circle cx="5" cy="5" r="4" />
        </svg>
        {t('dashboard.timeline.legend.expiry')}
      </li>
      <li className="timeline__legend-item">
        <svg width="10" height="10" aria-hidden="true" className="timeline__legend-symbol">
          <path d="M5 0v10" />
        </svg>
        {t('dashboard.timeline.legend.renewal')}
      </li>
    </ul>
  );
}

/** The chart in words: how many are expiring soon (the summary's rule), which expires next, and the latest expiry. */
function summaryText(marks: ReadonlyArray<Mark>, nowMs: number, locale: Locale, t: Translate): string {
  let next: Mark | undefined;
  let latest: Mark | undefined;
  let soon = 0;
  for (const mark of marks) {
    if (Number.isNaN(mark.expiryMs)) continue;
    if (mark.health === 'expiring') soon += 1;
    if (mark.expiryMs > nowMs && (next === undefined || mark.expiryMs < next.expiryMs)) next = mark;
    if (latest === undefined || mark.expiryMs > latest.expiryMs) latest = mark;
  }
  if (latest === undefined) return t('dashboard.timeline.summary.none');
  const date = (ms: number): string => formatDate(new Date(ms).toISOString(), locale);
  return [
    t('dashboard.timeline.summary.soon', { count: formatCount(soon, locale) }),
    next === undefined ? '' : t('dashboard.timeline.summary.next', { name: next.name, date: date(next.expiryMs) }),
    t('dashboard.timeline.summary.latest', { date: date(latest.expiryMs) }),
  ]
    .filter((part) => part !== '')
    // Chinese sentences end with a full-width stop and need no space between them.
    .join(locale === 'zh-CN' ? '' : ' ');
}

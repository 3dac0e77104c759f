import type { ReactNode } from 'react';
import type { CertificateSummaryDto, Locale } from '../../preload/contract.ts';
import { useClockValue } from '../hooks/use-now.ts';
import { formatDateTime } from '../i18n/format.ts';
import type { Translate } from '../i18n/messages.ts';
import { useLocale, useT } from '../i18n/use-t.ts';
import { displayStatus, type DisplayStatus } from '../store/display-status.ts';
import { useAppStore } from '../store/store-context.tsx';

/**
 * A certificate's status as a coloured badge with a text label (colour is never the only signal):
 * valid / expiring / renewing / retrying at … / needs attention / expired / not obtained yet. The
 * full retry date and time are in the badge's title.
 *
 * Expiry can flip the badge while the window is open, so it follows the shared clock, but it
 * re-renders only when its label changes (a few times in a certificate's life), not on every tick.
 * `id` lets a row name itself by its badge (`aria-labelledby`).
 */
export function StatusBadge({ summary, id }: { readonly summary: CertificateSummaryDto; readonly id?: string }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const progress = useAppStore((state) => state.progress[summary.id]);
  const badge = useClockValue((now) => badgeText(displayStatus(summary, progress, now), t, locale, now));
  const [kind, label] = splitBadge(badge);
  const title = kind === 'retrying' && summary.nextAttemptAt !== undefined ? formatDateTime(summary.nextAttemptAt, locale) : undefined;
  return (
    <span id={id} className={`badge badge--${kind}`} title={title}>
      {label}
    </span>
  );
}

/** The badge's kind and label as one string (`kind|label`), so the clock can compare it cheaply. */
function badgeText(status: DisplayStatus, t: Translate, locale: Locale, nowMs: number): string {
  return `${status.kind}|${statusLabel(status, t, locale, nowMs)}`;
}

function splitBadge(text: string): [DisplayStatus['kind'], string] {
  const bar = text.indexOf('|');
  return [text.slice(0, bar) as DisplayStatus['kind'], text.slice(bar + 1)];
}

const timeFormats = new Map<Locale, Intl.DateTimeFormat>();

/** A time as the locale writes it without a date (`2:13 PM`, `14:13`); built once per locale. */
function formatTime(ms: number, locale: Locale): string {
  let format = timeFormats.get(locale);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, { timeStyle: 'short' });
    timeFormats.set(locale, format);
  }
  return format.format(ms);
}

/** Within this span the retry time is shown without its date ("Retrying at 2:13 PM"): the badge stays short. */
const timeOnlyWithinMs = 12 * 60 * 60 * 1000;

/**
 * The words of a {@link DisplayStatus}, as the badge shows them at `nowMs`: a retry within the next
 * 12 hours by its time alone, a later one with its date.
 */
export function statusLabel(status: DisplayStatus, t: Translate, locale: Locale, nowMs: number): string {
  switch (status.kind) {
    case 'retrying': {
      const at = status.at === undefined ? Number.NaN : Date.parse(status.at);
      if (Number.isNaN(at) || status.at === undefined) return t('status.retrying', { time: '—' });
      return t('status.retrying', { time: Math.abs(at - nowMs) < timeOnlyWithinMs ? formatTime(at, locale) : formatDateTime(status.at, locale) });
    }
    case 'attention':
      return t('status.attention');
    default:
      return t(`status.${status.kind}`);
  }
}

import type { Locale } from '../../preload/contract.ts';

const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** One cached formatter per locale and style: building an `Intl.DateTimeFormat` is slow, 5,000 rows use it. */
function formatter(locale: Locale, style: 'datetime' | 'date'): Intl.DateTimeFormat {
  const key = `${locale}/${style}`;
  let format = dateTimeFormats.get(key);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, style === 'date' ? { dateStyle: 'medium' } : { dateStyle: 'medium', timeStyle: 'short' });
    dateTimeFormats.set(key, format);
  }
  return format;
}

/** An ISO date as the locale writes a date and time (`Dec 2, 2026, 3:04 PM`, `2026年12月2日 15:04`); `—` when unreadable. */
export function formatDateTime(iso: string, locale: Locale): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '—' : formatter(locale, 'datetime').format(ms);
}

/** An ISO date as the locale writes a date; `—` when unreadable. */
export function formatDate(iso: string, locale: Locale): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? '—' : formatter(locale, 'date').format(ms);
}

/** A span in whole days, hours, minutes and seconds (each below its next unit). */
export interface DurationParts {
  readonly days: number;
  readonly hours: number;
  readonly minutes: number;
  readonly seconds: number;
}

/** Splits a span of milliseconds (its absolute value) into {@link DurationParts}, rounding down to the second. */
export function durationParts(ms: number): DurationParts {
  const total = Math.floor(Math.abs(ms) / 1000);
  return {
    days: Math.floor(total / 86_400),
    hours: Math.floor((total % 86_400) / 3600),
    minutes: Math.floor((total % 3600) / 60),
    seconds: total % 60,
  };
}

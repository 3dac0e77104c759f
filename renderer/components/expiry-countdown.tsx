import type { ReactNode } from 'react';
import { useClockValue } from '../hooks/use-now.ts';
import { durationParts, formatDateTime } from '../i18n/format.ts';
import type { Translate } from '../i18n/messages.ts';
import { useLocale, useT } from '../i18n/use-t.ts';

/**
 * A live countdown to `notAfter` ("Expires in 12d 4h 3m", seconds once under a day; "Expired 2h 5m
 * ago"), driven by the window's one clock, never by a timer of its own. It re-renders only when its
 * text changes: once a minute while more than a day is left, every second under a day. The exact
 * date is in the `<time>` element's `dateTime`, and in the locale's words in its title (a hover).
 * `id` lets a row refer to it (`aria-describedby`).
 */
export function ExpiryCountdown({ notAfter, id }: { readonly notAfter: string | undefined; readonly id?: string }): ReactNode {
  const t = useT();
  const locale = useLocale();
  const ms = notAfter === undefined ? Number.NaN : Date.parse(notAfter);
  const text = useClockValue((now) => (Number.isNaN(ms) ? '' : countdownText(ms - now, t)));
  if (notAfter === undefined || Number.isNaN(ms)) {
    return (
      <span id={id} className="countdown countdown--none">
        {t('countdown.unknown')}
      </span>
    );
  }
  // The text says whether it is past ("Expired … ago"); the class follows it, not a second clock read.
  const past = text.startsWith(pastMarker);
  return (
    <time id={id} className={past ? 'countdown countdown--past' : 'countdown'} dateTime={notAfter} title={formatDateTime(notAfter, locale)}>
      {past ? text.slice(pastMarker.length) : text}
    </time>
  );
}

/** Prefixes a countdown text that is in the past (never shown). */
const pastMarker = '\u0000';

/** The countdown's words for `left` ms (negative once past), with {@link pastMarker} in front when past. */
function countdownText(left: number, t: Translate): string {
  return left > 0 ? t('countdown.expiresIn', { duration: formatDuration(left, t) }) : pastMarker + t('countdown.expiredAgo', { duration: formatDuration(left, t) });
}

/** A span as days/hours/minutes, with seconds once under a day (when each second matters). */
export function formatDuration(ms: number, t: Translate): string {
  const { days, hours, minutes, seconds } = durationParts(ms);
  if (days > 0) return t('countdown.days', { days, hours, minutes });
  if (hours > 0) return t('countdown.hours', { hours, minutes, seconds });
  return t('countdown.minutes', { minutes, seconds });
}

import type { Currency } from '../../signaling/protocol/domain.js';
import { intlLocale } from './i18n/index.js';

const formats = new Map<string, Intl.DateTimeFormat>();

/**
 * One Intl.DateTimeFormat per locale and options, made once: making one is slow (locale and time-zone data), and the
 * join page's two dates, six formatters a render, cost about 150 ms on a phone-speed CPU (bench/client.ts).
 */
function dateTimeFormat(locale: string, options: Intl.DateTimeFormatOptions): Intl.DateTimeFormat {
  const key = `${locale} ${JSON.stringify(options)}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, options);
    formats.set(key, f);
  }
  return f;
}

/** Date and time in the user's locale, with the time zone shown (hearings are often cross-border). */
export function formatDateTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  try {
    const loc = intlLocale();
    const date = dateTimeFormat(loc, { year: 'numeric', month: 'short', day: 'numeric', weekday: 'short' }).format(d);
    const time = dateTimeFormat(loc, { hour: '2-digit', minute: '2-digit' }).format(d);
    const tz = dateTimeFormat(loc, { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value;
    return tz ? `${date} ${time} (${tz})` : `${date} ${time}`;
  } catch {
    return d.toString();
  }
}

export function formatDate(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return dateTimeFormat(intlLocale(), { year: 'numeric', month: 'short', day: 'numeric' }).format(d);
}

export function formatTime(d: Date): string {
  return dateTimeFormat(intlLocale(), { hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(d);
}

/** The amount is an exact decimal string; Intl only decorates it (12 digits + 2 decimals stay exact in a double). */
export function formatMoney(amount: string, currency: Currency): string {
  const n = Number(amount);
  if (!Number.isFinite(n)) return `${amount} ${currency}`;
  try {
    return new Intl.NumberFormat(intlLocale(), { style: 'currency', currency, currencyDisplay: 'code' }).format(n);
  } catch {
    return `${amount} ${currency}`;
  }
}

export function timeZoneName(): string {
  try {
    const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
    const off = offsetString(new Date());
    return tz ? `${tz} (UTC${off})` : `UTC${off}`;
  } catch {
    return `UTC${offsetString(new Date())}`;
  }
}

function pad(n: number, w = 2): string {
  return String(Math.abs(Math.trunc(n))).padStart(w, '0');
}

function offsetString(d: Date): string {
  const minutes = -d.getTimezoneOffset();
  const sign = minutes >= 0 ? '+' : '-';
  return `${sign}${pad(minutes / 60)}:${pad(minutes % 60)}`;
}

/** A `datetime-local` value (local wall time) to ISO 8601 with the local offset, e.g. 2025-03-01T10:00:00+08:00. */
export function localInputToIso(value: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?$/.exec(value);
  if (!m) return null;
  const [, y, mo, d, h, mi, s] = m;
  const date = new Date(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (Number.isNaN(date.getTime())) return null;
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${offsetString(date)}`
  );
}

/** A Date as a `datetime-local` value in local time. */
export function toLocalInput(d: Date): string {
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

export function shortHash(h: string | null | undefined): string {
  return h ? h.slice(0, 12) : '—';
}

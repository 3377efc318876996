/** Dates, money, countries and the time left to answer, in the reader's own locale. */
import type { Money } from '../api/types.js';

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const date = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
let countries: Intl.DisplayNames | undefined;

export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
/** A calendar date (YYYY-MM-DD) as written, whatever the reader's time zone. */
export const formatDate = (isoDate: string) => date.format(new Date(`${isoDate.slice(0, 10)}T00:00:00Z`));

export function formatMoney(money: Money): string {
  try {
    return new Intl.NumberFormat(undefined, { style: 'currency', currency: money.currency }).format(
      money.amount,
    );
  } catch {
    return `${money.amount} ${money.currency}`;
  }
}

export function countryName(code: string): string {
  try {
    countries ??= new Intl.DisplayNames(undefined, { type: 'region' });
    return countries.of(code) ?? code;
  } catch {
    return code;
  }
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** How long is left before `respondBy`, in words ("3 days 4 hours left"); "No time left" after it. */
export function timeLeft(respondBy: string, now = Date.now()): { text: string; urgent: boolean } {
  const left = new Date(respondBy).getTime() - now;
  if (left <= 0) return { text: 'No time left', urgent: true };
  const days = Math.floor(left / DAY);
  const hours = Math.floor((left % DAY) / HOUR);
  const plural = (n: number, unit: string) => `${n} ${unit}${n === 1 ? '' : 's'}`;
  const text =
    days > 0
      ? `${plural(days, 'day')}${hours > 0 ? ` ${plural(hours, 'hour')}` : ''} left`
      : hours > 0
        ? `${plural(hours, 'hour')} left`
        : `${plural(Math.max(1, Math.ceil(left / 60_000)), 'minute')} left`;
  return { text, urgent: left < 2 * DAY };
}

/** Every ISO 4217 code the browser knows, for currency pickers. */
export function currencyCodes(): string[] {
  return typeof Intl.supportedValuesOf === 'function'
    ? Intl.supportedValuesOf('currency')
    : ['EUR', 'USD', 'GBP', 'CHF', 'JPY'];
}

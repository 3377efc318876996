/**
 * The console's words for time and money (console/src/shared/format.ts): the time left to answer
 * at its boundaries, calendar dates that do not shift with the reader's time zone, and money in
 * any ISO 4217 currency.
 */
import { currencyCodes, formatDate, formatMoney, timeLeft } from '../../console/src/shared/format.js';

const HOUR = 3_600_000;
const respondBy = '2026-12-09T10:00:00.000Z';
const at = (msBefore: number) => new Date(respondBy).getTime() - msBefore;

describe('timeLeft', () => {
  it('says days and hours while more than a day is left, calm until the last two days', () => {
    expect(timeLeft(respondBy, at(14 * 24 * HOUR))).toEqual({ text: '14 days left', urgent: false });
    expect(timeLeft(respondBy, at(13 * 24 * HOUR + 23 * HOUR + 59_000))).toEqual({
      text: '13 days 23 hours left',
      urgent: false,
    });
    expect(timeLeft(respondBy, at(2 * 24 * HOUR))).toEqual({ text: '2 days left', urgent: false });
    expect(timeLeft(respondBy, at(2 * 24 * HOUR - 1))).toEqual({ text: '1 day 23 hours left', urgent: true });
  });

  it('counts hours, then minutes, in the last day', () => {
    expect(timeLeft(respondBy, at(24 * HOUR - 1))).toEqual({ text: '23 hours left', urgent: true });
    expect(timeLeft(respondBy, at(HOUR))).toEqual({ text: '1 hour left', urgent: true });
    expect(timeLeft(respondBy, at(HOUR - 1))).toEqual({ text: '60 minutes left', urgent: true });
    expect(timeLeft(respondBy, at(1))).toEqual({ text: '1 minute left', urgent: true });
  });

  it('has no time left from the deadline on', () => {
    expect(timeLeft(respondBy, at(0))).toEqual({ text: 'No time left', urgent: true });
    expect(timeLeft(respondBy, at(-HOUR))).toEqual({ text: 'No time left', urgent: true });
  });
});

describe('formatDate and formatMoney', () => {
  it('shows a calendar date as written, whatever the time zone', () => {
    const text = formatDate('2027-03-31');
    expect(text).toMatch(/31/);
    expect(text).toMatch(/2027/);
    expect(text).not.toMatch(/30/);
  });

  it('formats any currency the browser knows, and falls back to the bare code', () => {
    expect(formatMoney({ amount: 120000, currency: 'EUR' })).toMatch(/120[,.\s\u202f]?000/);
    expect(formatMoney({ amount: 5, currency: 'EURO' })).toBe('5 EURO');
    expect(currencyCodes()).toEqual(expect.arrayContaining(['EUR', 'USD', 'JPY']));
  });
});

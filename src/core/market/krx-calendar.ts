/**
 * The KRX derivatives calendar: market holidays, expiry days and regular-session hours.
 *
 * Holidays 2024–2027 come from the Korean public-holiday calendar plus KRX's own closures (Labour Day,
 * the year-end closing day, election days). Dates later than the table fall back to weekends only, and
 * `isCalendarKnown` tells callers so. Verify additions against KRX's published market calendar.
 */
import { addDays, dayOfWeek, isoDate } from './kst.ts';
import type { IsoDate } from './kst.ts';

// prettier-ignore
export const KRX_HOLIDAYS: ReadonlySet<IsoDate> = new Set([
  // 2024
  '2024-01-01', '2024-02-09', '2024-02-12', '2024-03-01', '2024-04-10', '2024-05-01', '2024-05-06',
  '2024-05-15', '2024-06-06', '2024-08-15', '2024-09-16', '2024-09-17', '2024-09-18', '2024-10-01',
  '2024-10-03', '2024-10-09', '2024-12-25', '2024-12-31',
  // 2025
  '2025-01-01', '2025-01-27', '2025-01-28', '2025-01-29', '2025-01-30', '2025-03-03', '2025-05-01',
  '2025-05-05', '2025-05-06', '2025-06-03', '2025-06-06', '2025-08-15', '2025-10-03', '2025-10-06',
  '2025-10-07', '2025-10-08', '2025-10-09', '2025-12-25', '2025-12-31',
  // 2026
  '2026-01-01', '2026-02-16', '2026-02-17', '2026-02-18', '2026-03-02', '2026-05-01', '2026-05-05',
  '2026-05-25', '2026-06-03', '2026-08-17', '2026-09-24', '2026-09-25', '2026-10-05', '2026-10-09',
  '2026-12-25', '2026-12-31',
  // 2027
  '2027-01-01', '2027-02-08', '2027-02-09', '2027-03-01', '2027-05-05', '2027-05-13', '2027-08-16',
  '2027-09-14', '2027-09-15', '2027-09-16', '2027-10-04', '2027-10-11', '2027-12-27', '2027-12-31',
]);

/**
 * Days the regular session is shifted: the first trading day of each year opens at 10:00, and on the
 * national college entrance exam (CSAT) day the market opens at 10:00 and closes at 16:45.
 */
const SHIFTED_SESSIONS: ReadonlyMap<IsoDate, { open: string; close: string }> = new Map([
  ['2024-11-14', { open: '100000', close: '164500' }],
  ['2025-11-13', { open: '100000', close: '164500' }],
  ['2026-11-19', { open: '100000', close: '164500' }],
]);

export const CALENDAR_FIRST_YEAR = 2024;
export const CALENDAR_LAST_YEAR = 2027;

export function isCalendarKnown(date: IsoDate): boolean {
  const year = Number(date.slice(0, 4));
  return year >= CALENDAR_FIRST_YEAR && year <= CALENDAR_LAST_YEAR;
}

export function isTradingDay(date: IsoDate): boolean {
  let trading = tradingDayCache.get(date);
  if (trading === undefined) {
    const dow = dayOfWeek(date);
    trading = dow !== 0 && dow !== 6 && !KRX_HOLIDAYS.has(date);
    tradingDayCache.set(date, trading);
  }
  return trading;
}

const tradingDayCache = new Map<IsoDate, boolean>();

export function previousTradingDay(date: IsoDate): IsoDate {
  let day = addDays(date, -1);
  while (!isTradingDay(day)) day = addDays(day, -1);
  return day;
}

export function nextTradingDay(date: IsoDate): IsoDate {
  let day = addDays(date, 1);
  while (!isTradingDay(day)) day = addDays(day, 1);
  return day;
}

/** Trading days from `from` to `to`, both inclusive. */
export function tradingDays(from: IsoDate, to: IsoDate): IsoDate[] {
  const days: IsoDate[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) if (isTradingDay(day)) days.push(day);
  return days;
}

/**
 * Last trading day of a monthly KOSPI200 contract: the second Thursday of the month, moved to the
 * preceding trading day when that Thursday is a holiday.
 */
export function expiryDate(year: number, month: number): IsoDate {
  const key = year * 100 + month;
  let expiry = expiryCache.get(key);
  if (expiry === undefined) {
    expiry = computeExpiryDate(year, month);
    expiryCache.set(key, expiry);
  }
  return expiry;
}

// Readers look these up once per row; the answers never change, so they are memoised.
const expiryCache = new Map<number, IsoDate>();
const sessionCache = new Map<string, Session>();

function computeExpiryDate(year: number, month: number): IsoDate {
  const firstDow = dayOfWeek(isoDate(year, month, 1));
  const firstThursday = 1 + ((4 - firstDow + 7) % 7);
  const secondThursday = isoDate(year, month, firstThursday + 7);
  return isTradingDay(secondThursday) ? secondThursday : previousTradingDay(secondThursday);
}

export interface Session {
  /** KST 'hhmmss', inclusive. */
  open: string;
  /** KST 'hhmmss', inclusive (the closing call's trades carry the closing time). */
  close: string;
}

export const REGULAR_SESSION: Session = { open: '084500', close: '154500' };
export const EXPIRY_DAY_CLOSE = '152000';

/**
 * The regular session of a trading day for a contract expiring on `expiry` (08:45–15:45 KST; 15:20 on
 * its expiry day; 10:00 open on the year's first trading day; shifted on CSAT days).
 */
export function sessionOf(date: IsoDate, expiry?: IsoDate): Session {
  // Readers ask for the same day and contract row after row: the last answer short-circuits the map.
  if (date === lastSession.date && expiry === lastSession.expiry) return lastSession.session;
  const key = `${date}|${expiry ?? ''}`;
  let session = sessionCache.get(key);
  if (session === undefined) {
    session = computeSession(date, expiry);
    sessionCache.set(key, session);
  }
  lastSession = { date, expiry, session };
  return session;
}

let lastSession: { date: IsoDate; expiry?: IsoDate; session: Session } = {
  date: '',
  session: REGULAR_SESSION,
};

function computeSession(date: IsoDate, expiry?: IsoDate): Session {
  const shifted = SHIFTED_SESSIONS.get(date);
  let { open, close } = shifted ?? REGULAR_SESSION;
  if (!shifted && isFirstTradingDayOfYear(date)) open = '100000';
  if (expiry !== undefined && date === expiry) close = EXPIRY_DAY_CLOSE;
  return { open, close };
}

function isFirstTradingDayOfYear(date: IsoDate): boolean {
  if (!isTradingDay(date)) return false;
  return previousTradingDay(date).slice(0, 4) !== date.slice(0, 4);
}

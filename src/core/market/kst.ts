/**
 * Korea Standard Time (UTC+9, no daylight saving) helpers. KRX data carries KST wall-clock times; the
 * lake stores UTC instants plus the KST trade date, so every conversion goes through here.
 */
export const KST_OFFSET_MS = 9 * 60 * 60 * 1000;

/** A calendar date as 'YYYY-MM-DD'. */
export type IsoDate = string;

/** UTC epoch milliseconds of a KST wall-clock time. */
export function kstToUtcMs(date: IsoDate, hhmmss: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const hh = Number(hhmmss.slice(0, 2));
  const mm = Number(hhmmss.slice(2, 4));
  const ss = Number(hhmmss.slice(4, 6));
  return Date.UTC(y, m - 1, d, hh, mm, ss) - KST_OFFSET_MS;
}

/** The KST calendar date of a UTC instant (the last day's bounds are kept: callers ask tick after tick). */
export function kstDateOf(utcMs: number): IsoDate {
  if (utcMs >= lastDay.startMs && utcMs < lastDay.endMs) return lastDay.date;
  const date = new Date(utcMs + KST_OFFSET_MS).toISOString().slice(0, 10);
  const startMs = Date.parse(`${date}T00:00:00Z`) - KST_OFFSET_MS;
  lastDay = { date, startMs, endMs: startMs + 86_400_000 };
  return date;
}

let lastDay = { date: '', startMs: 0, endMs: 0 };

/** The KST wall-clock time of a UTC instant as 'hhmmss'. */
export function kstTimeOf(utcMs: number): string {
  return new Date(utcMs + KST_OFFSET_MS).toISOString().slice(11, 19).replace(/:/g, '');
}

/** Day of week of a calendar date, 0 = Sunday. */
export function dayOfWeek(date: IsoDate): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

export function addDays(date: IsoDate, days: number): IsoDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

export function isoDate(year: number, month: number, day: number): IsoDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** 'YYYYMMDD' → 'YYYY-MM-DD' (no validation beyond shape). */
export function compactToIsoDate(yyyymmdd: string): IsoDate {
  return `${yyyymmdd.slice(0, 4)}-${yyyymmdd.slice(4, 6)}-${yyyymmdd.slice(6, 8)}`;
}

/**
 * Session filters for metrics: which snapshots are market time. The engine writes a snapshot every
 * second from the first event to the last, closed hours and weekends included; returns built from those
 * would add runs of zero returns that the annualisation (trading days × session length) does not count.
 */
import { isTradingDay, sessionOf } from './krx-calendar.ts';
import { kstDateOf, kstToUtcMs } from './kst.ts';

const sessionBounds = new Map<string, { openMs: number; closeMs: number } | null>();

/**
 * Whether a snapshot stamped at `ts` (the end of its second, exclusive) covers KRX regular-session time:
 * a KRX trading day, in (open, close + 1 s] KST (08:45–15:45 on ordinary days, with the calendar's
 * exceptions such as the year's first trading day; the close is inclusive, its second included).
 */
export function krxRegularSession(ts: number): boolean {
  const date = kstDateOf(ts);
  let bounds = sessionBounds.get(date);
  if (bounds === undefined) {
    if (isTradingDay(date)) {
      const session = sessionOf(date);
      bounds = { openMs: kstToUtcMs(date, session.open), closeMs: kstToUtcMs(date, session.close) };
    } else {
      bounds = null;
    }
    sessionBounds.set(date, bounds);
  }
  return bounds !== null && ts > bounds.openMs && ts <= bounds.closeMs + 1000;
}

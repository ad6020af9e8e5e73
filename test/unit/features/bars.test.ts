import { describe, expect, it } from 'vitest';
import {
  buildMinuteBars,
  byClock,
  MINUTE_MS,
  MinuteBarBuilder,
  minuteStart,
} from '../../../src/core/features/bars.ts';
import type { BarTick, MinuteBar } from '../../../src/core/features/bars.ts';
import { kstToUtcMs } from '../../../src/core/market/kst.ts';
import { byCode, findRow, realDay } from './real-day.ts';
import { HEAVY_TEST_TIMEOUT_MS } from '../../support/timeouts.ts';

/*
 * Expected values come from a throwaway Python script (standard library only) over the two XML files:
 * ElementTree reads the rows in file order; a tick's minute is its `itime` HH:MM; per code the grid runs
 * from the minute of its first tick to 15:45, each traded minute taking o = first `c`, h = max, l = min,
 * c = last `c` in file order, v = sum of `ccnt`, tick_count = number of rows, oi_last = last `oi`; an
 * empty minute copies the previous close (o = h = l = c, v = 0, tick_count = 0).
 */
describe('minute bars of the real day (2025-12-01)', { timeout: HEAVY_TEST_TIMEOUT_MS }, () => {
  it('puts every code on the clock grid from its first trade to the 15:45 close', async () => {
    const { calls, puts } = await realDay();
    const { bars, rejected } = buildMinuteBars([...calls, ...puts]);
    expect(rejected).toEqual({ late: 0, outsideSession: 0 });

    // Python: 22,351 call bars and 37,316 put bars over 59 + 105 codes; 1,054 + 1,150 traded minutes,
    // so 57,463 of the 59,667 bars are carried forward.
    const sides = { CALL: 0, PUT: 0 };
    for (const bar of bars) sides[bar.side]++;
    expect(sides).toEqual({ CALL: 22_351, PUT: 37_316 });
    expect(bars.filter((b) => b.tick_count > 0 && b.side === 'CALL')).toHaveLength(1_054);
    expect(bars.filter((b) => b.tick_count > 0 && b.side === 'PUT')).toHaveLength(1_150);
    expect(bars.filter((b) => b.tick_count === 0)).toHaveLength(57_463);

    const series = byCode(bars);
    expect(series.size).toBe(164);
    const ticksByCode = byCode([...calls, ...puts]);
    const close = kstToUtcMs('2025-12-01', '154500');
    for (const [code, codeBars] of series) {
      const ticks = ticksByCode.get(code)!;
      const firstMinute = minuteStart(Math.min(...ticks.map((t) => t.ts)));
      // One bar per minute from the first trade's minute to the close minute, with no gap.
      expect(codeBars.length, code).toBe((close - firstMinute) / MINUTE_MS + 1);
      codeBars.forEach((bar, i) => expect(bar.bar_ts, code).toBe(firstMinute + i * MINUTE_MS));
      expect(codeBars.at(-1)!.minute).toBe('15:45');
      // Nothing lost or invented: ticks and contracts add up per code.
      expect(
        codeBars.reduce((n, b) => n + b.tick_count, 0),
        code,
      ).toBe(ticks.length);
      expect(
        codeBars.reduce((n, b) => n + b.v, 0),
        code,
      ).toBe(ticks.reduce((n, t) => n + t.ccnt, 0));
      for (const bar of codeBars) {
        expect(
          bar.l <= Math.min(bar.o, bar.c) && Math.max(bar.o, bar.c) <= bar.h,
          `${code} ${bar.minute}`,
        ).toBe(true);
      }
    }
    // The most traded call starts at the open: a full 421-minute grid (08:45..15:45).
    expect(series.get('B0161680')).toHaveLength(421);
  });

  it('matches the XML at a busy minute, a put, ticks sharing a second, an empty minute and the close', async () => {
    const { calls, puts } = await realDay();
    const { bars } = buildMinuteBars([...calls, ...puts]);
    const pick = (code: string, minute: string) => {
      const { ymcode, side, strike, trade_date, bar_ts, o, h, l, c, v, tick_count, oi_last } = findRow(
        bars,
        code,
        minute,
      );
      return { ymcode, side, strike, trade_date, bar_ts, o, h, l, c, v, tick_count, oi_last };
    };
    const at = (hhmm: string) => kstToUtcMs('2025-12-01', `${hhmm.replace(':', '')}00`);
    const day = { ymcode: '202601', trade_date: '2025-12-01', oi_last: 0 };

    // B0161680 (the most traded call) at 08:55: 8 ticks from 08:55:18 to 08:55:59, all at 0.49,
    // ccnt 3+5+1+5+1+5+1+3 = 24.
    expect(pick('B0161680', '08:55')).toEqual({
      ...day,
      side: 'CALL',
      strike: 680,
      bar_ts: at('08:55'),
      o: 0.49,
      h: 0.49,
      l: 0.49,
      c: 0.49,
      v: 24,
      tick_count: 8,
    });
    // C0161547 (the 547.5 put: the strike comes from the code, the XML says 547) at 11:12: 18 ticks,
    // 16.25 at 11:12:26 down to 16.10 at 11:12:59, 24 contracts.
    expect(pick('C0161547', '11:12')).toEqual({
      ...day,
      side: 'PUT',
      strike: 547.5,
      bar_ts: at('11:12'),
      o: 16.25,
      h: 16.25,
      l: 16.1,
      c: 16.1,
      v: 24,
      tick_count: 18,
    });
    // B0161680 at 10:01: 0.34 at 10:01:10, then 0.36 and 0.34 both at 10:01:24. The close is the last
    // of the two same-second ticks in arrival (tcnt 188 then 187) order: 0.34, not 0.36.
    expect(pick('B0161680', '10:01')).toEqual({
      ...day,
      side: 'CALL',
      strike: 680,
      bar_ts: at('10:01'),
      o: 0.34,
      h: 0.36,
      l: 0.34,
      c: 0.34,
      v: 4,
      tick_count: 3,
    });
    // B0161535 at 09:59: 16 ticks in the single second 09:59:13 at 29.20 (ccnt summing to 23), then
    // one at 09:59:27 at 29.15.
    expect(pick('B0161535', '09:59')).toMatchObject({
      o: 29.2,
      h: 29.2,
      l: 29.15,
      c: 29.15,
      v: 24,
      tick_count: 17,
    });
    // C0161547 at 11:15: no trade; carries 11:14's close of 16.20.
    expect(pick('C0161547', '11:15')).toMatchObject({
      o: 16.2,
      h: 16.2,
      l: 16.2,
      c: 16.2,
      v: 0,
      tick_count: 0,
    });
    // The closing call's only print: B0161660 at 15:45:00, 0.58 for 1 contract.
    expect(pick('B0161660', '15:45')).toMatchObject({ o: 0.58, c: 0.58, v: 1, tick_count: 1 });
  });

  it('gives the same bars whether the files come one after the other or interleaved in time', async () => {
    const { calls, puts } = await realDay();
    // File order (code by code), fed straight into the builder without the batch's sort.
    const builder = new MinuteBarBuilder();
    const fileOrder: MinuteBar[] = [];
    for (const tick of [...puts, ...calls]) fileOrder.push(...builder.push(tick));
    fileOrder.push(...builder.finish());
    expect(fileOrder.sort(byClock)).toEqual(buildMinuteBars([...calls, ...puts]).bars);
  });
});

describe('the bar builder at the edges', () => {
  const tick = (code: string, kstTime: string, c: number, date = '2025-12-01', ccnt = 1): BarTick => ({
    ymcode: '202601',
    side: code.startsWith('B') ? 'CALL' : 'PUT',
    code,
    ts: kstToUtcMs(date, kstTime),
    c,
    ccnt,
    oi: 0,
  });

  it('drops a tick for a minute the clock already closed, and counts it', () => {
    const builder = new MinuteBarBuilder();
    builder.push(tick('B0161600', '100005', 4.5));
    const closed = builder.closeThrough(kstToUtcMs('2025-12-01', '100200'));
    expect(closed.map((b) => [b.minute, b.c])).toEqual([
      ['10:00', 4.5],
      ['10:01', 4.5],
    ]);
    expect(builder.push(tick('B0161600', '100150', 4.6))).toEqual([]);
    expect(builder.rejected).toEqual({ late: 1, outsideSession: 0 });
    // The late price never reaches a bar: 10:02 carries 4.5 forward. A clock in the middle of 10:03
    // does not close 10:03, so a tick later in that minute still counts.
    expect(builder.closeThrough(kstToUtcMs('2025-12-01', '100330'))).toMatchObject([
      { minute: '10:02', c: 4.5, tick_count: 0 },
    ]);
    expect(builder.push(tick('B0161600', '100340', 4.7))).toEqual([]);
    expect(builder.rejected.late).toBe(1);
    expect(builder.finish()[0]).toMatchObject({ minute: '10:03', o: 4.7, c: 4.7, tick_count: 1 });
  });

  it('rejects ticks outside the session and ends the grid at 15:20 on the contract expiry day', () => {
    // 202601 expires on the second Thursday of January 2026, 2026-01-08: the session closes at 15:20.
    const builder = new MinuteBarBuilder();
    expect(builder.push(tick('C0161500', '084400', 3, '2026-01-08'))).toEqual([]);
    expect(builder.push(tick('C0161500', '152001', 3, '2026-01-08'))).toEqual([]);
    expect(builder.rejected).toEqual({ late: 0, outsideSession: 2 });
    builder.push(tick('C0161500', '150030', 3, '2026-01-08'));
    const bars = builder.finish();
    expect(bars).toHaveLength(21); // 15:00 .. 15:20
    expect(bars.at(-1)!.minute).toBe('15:20');
  });

  it('closes a day out to its session close when the next day starts, with nothing carried over', () => {
    const builder = new MinuteBarBuilder();
    builder.push(tick('B0161600', '153000', 4.5, '2025-12-01', 2));
    const closed = builder.push(tick('B0161600', '090010', 5.1, '2025-12-02', 3));
    expect(closed.map((b) => b.minute)).toEqual(
      Array.from({ length: 16 }, (_, i) => `15:${String(30 + i).padStart(2, '0')}`),
    );
    expect(closed.every((b) => b.trade_date === '2025-12-01')).toBe(true);
    // Day two starts at its own first trade with its own prices; nothing of day one's close carries over.
    const dayTwo = builder.finish();
    expect(dayTwo[0]).toMatchObject({ trade_date: '2025-12-02', minute: '09:00', o: 5.1, c: 5.1, v: 3 });
    expect(dayTwo).toHaveLength(406); // 09:00 .. 15:45
    // A tick for the finished day is late.
    builder.push(tick('B0161600', '153500', 4.4, '2025-12-01'));
    expect(builder.rejected.late).toBe(1);
  });
});

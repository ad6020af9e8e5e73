/**
 * The minute signal strategy in the engine, on a generated market: it wakes at bar closes inside the
 * session and nowhere else (not every second, not at night), and decides exactly what the old 1 s timer
 * decided, bar for bar.
 */
import { createReadStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { isTradingDay, sessionOf } from '../../../src/core/market/krx-calendar.ts';
import { krxTradeEvents } from '../../../src/core/market/krx-events.ts';
import type { EventColumns } from '../../../src/core/market/events.ts';
import { kstDateOf, kstToUtcMs } from '../../../src/core/market/kst.ts';
import { runBacktest } from '../../../src/core/sim/index.ts';
import type { Strategy } from '../../../src/core/sim/index.ts';
import { readKrxXmlAll } from '../../../src/core/xml/krx-xml-reader.ts';
import { backtestConfig } from '../../../src/usecases/backtest-setup.ts';
import { generateMarket } from '../../../src/usecases/generate.ts';

let events: EventColumns;

beforeAll(async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'quotelab-signal-')), 'market');
  const generated = await generateMarket({
    out,
    seed: 'signal-wake',
    start: '2025-12-01',
    days: 2,
    ticksPerDay: 600,
  });
  const ticks = [];
  for (const file of generated.files.filter((f) => f.kind === 'tick'))
    ticks.push(
      ...(await readKrxXmlAll(createReadStream(join(out, file.name)), { srcFile: file.name })).ticks,
    );
  events = krxTradeEvents(ticks);
}, 120_000);

/** Every decide call (time, instrument) and the non-empty decisions (instrument, bar, action, order). */
function backtest(params: Record<string, string>, record: boolean) {
  const { config } = backtestConfig('krx', { strategy: 'signal', params, snapshots: 'none' });
  const calls: Array<{ nowMs: number; instrument: string }> = [];
  const decisions: string[] = [];
  const result: { stats: { endMs: number } } = { stats: { endMs: events.ts[events.length - 1]! } };
  const run = runBacktest(events, {
    ...config,
    // The gate reviews the account across codes, so the order of same-instant wake-ups would matter to it;
    // the strategy's own decisions do not depend on it.
    riskGate: undefined,
    strategy: (spec) => {
      const inner = config.strategy(spec)!;
      const wrapped: Strategy = {
        name: inner.name,
        refresh: inner.refresh,
        decide: (market, account, nowMs) => {
          if (record) calls.push({ nowMs, instrument: spec.name });
          const decision = inner.decide(market, account, nowMs);
          const d = decision.diagnostics;
          // A bar closing after the data ends has no wake-up on the schedule; the 1 s grid could still
          // decide on it when a trade stamped exactly at the minute's end closed it early.
          const closesInData = d !== undefined && Number(d.barTs) + 61_000 <= result.stats.endMs;
          if (closesInData) decisions.push(`${spec.name} ${d.barTs} ${d.action} ${decision.marketOrder}`);
          return decision;
        },
      };
      return wrapped;
    },
  });
  return { calls, decisions: decisions.sort(), result: run };
}

describe('the signal strategy in the engine', () => {
  it('wakes only at bar closes inside the session, and decides what the 1 s timer decided', () => {
    const atBarCloses = backtest({}, true);
    const everySecond = backtest({ wakeIntervalMs: '1000' }, false);
    expect(atBarCloses.decisions.length).toBeGreaterThan(100);
    expect(atBarCloses.decisions).toEqual(everySecond.decisions);
    expect(atBarCloses.result.totals.realizedPnl).toBeCloseTo(everySecond.result.totals.realizedPnl, 6);

    for (const { nowMs } of atBarCloses.calls) {
      const barEnd = nowMs - 1000; // the default close delay
      expect(barEnd % 60_000).toBe(0);
      const date = kstDateOf(barEnd - 60_000);
      expect(isTradingDay(date)).toBe(true);
      const session = sessionOf(date);
      expect(barEnd).toBeGreaterThan(kstToUtcMs(date, session.open));
      expect(barEnd).toBeLessThanOrEqual(kstToUtcMs(date, session.close) + 60_000);
    }
    // At most one call per code per session minute (421 bars a day), two days.
    const codes = new Set(atBarCloses.calls.map((c) => c.instrument)).size;
    expect(atBarCloses.calls.length).toBeLessThanOrEqual(codes * 421 * 2);
    expect(atBarCloses.result.stats.strategyCalls * 20).toBeLessThan(everySecond.result.stats.strategyCalls);
  }, 300_000);
});

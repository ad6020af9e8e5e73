import { describe, expect, it } from 'vitest';
import { computeRunMetrics, utcDateOf } from '../../../src/core/report/metrics.ts';
import { krxRegularSession } from '../../../src/core/market/krx-session.ts';
import type { RunRecord } from '../../../src/core/report/metrics.ts';
import { HOUR, JAN5, snapshot, trade } from './run-fixtures.ts';

/**
 * Three KST days, initial capital 1,000. Snapshots (UTC; KST = UTC + 9 h):
 *   Jan 5 00:00 equity 1,050 pos  0 range   | Jan 5 06:00 equity 1,100 pos  1 range
 *   Jan 6 00:00 equity 1,150 pos  2 trend   | Jan 6 06:00 equity   990 pos −1 trend
 *   Jan 7 00:00 equity 1,089 pos  0 range
 * Daily closes 1,100 / 990 / 1,089 → daily PnL +100, −110, +99 (total 89), returns +10 %, −10 %, +10 %.
 */
function threeDayRun(): RunRecord {
  const equities = [1_050, 1_100, 1_150, 990, 1_089];
  const positions = [0, 1, 2, -1, 0];
  const regimes = ['range', 'range', 'trend', 'trend', 'range'];
  const times = [JAN5, JAN5 + 6 * HOUR, JAN5 + 24 * HOUR, JAN5 + 30 * HOUR, JAN5 + 48 * HOUR];
  return {
    initialCapital: 1_000,
    equityAtStart: 1_000, // the engine started the account with 1,000 of cash
    ordersSent: 10,
    snapshots: times.map((ts, i) =>
      snapshot({ ts, equity: equities[i]!, position: positions[i]!, regime: regimes[i]! }),
    ),
    trades: [
      trade({
        ts: JAN5 + 1 * HOUR,
        side: 'buy',
        price: 100,
        quantity: 1,
        fee: 0.1,
        positionAfter: 1,
        profitable: true,
      }),
      trade({
        ts: JAN5 + 2 * HOUR,
        side: 'buy',
        price: 100,
        quantity: 2,
        fee: 0.2,
        positionAfter: 3,
        profitable: false,
      }),
      trade({
        ts: JAN5 + 25 * HOUR,
        side: 'sell',
        price: 110,
        quantity: 4,
        fee: 0.44,
        positionAfter: -1,
        liquidity: 'taker',
        profitable: true,
      }),
      trade({ ts: JAN5 + 48.5 * HOUR, side: 'buy', price: 90, quantity: 1, rebate: 0.05, positionAfter: 0 }),
    ],
  };
}

describe('computeRunMetrics on a hand-computed three-day run', () => {
  const metrics = computeRunMetrics(threeDayRun(), { returnBasis: 'daily' });

  it('total and daily PnL', () => {
    expect(metrics.instrument).toBe('BTCUSDT');
    expect(metrics.finalEquity).toBe(1_089);
    expect(metrics.totalPnl).toBe(89);
    expect(metrics.totalReturn).toBeCloseTo(0.089, 12);
    expect(metrics.daily.map((day) => [day.day, day.pnl, day.closeEquity, day.fills])).toEqual([
      ['2026-01-05', 100, 1_100, 2],
      ['2026-01-06', -110, 990, 1],
      ['2026-01-07', 99, 1_089, 1],
    ]);
    expect(metrics.daily.map((day) => day.return)).toEqual([
      expect.closeTo(0.1, 12),
      expect.closeTo(-0.1, 12),
      expect.closeTo(0.1, 12),
    ]);
  });

  it('Sharpe and Sortino from daily returns × √252, with the method stated', () => {
    // returns 0.1, −0.1, 0.1: mean 1/30, s.d. 0.11547 → 0.288675 = 1/(2√3); × √252 = √84 / 2 = 4.582576
    expect(metrics.returns).toMatchObject({ basis: 'daily', count: 3, periodsPerYear: 252 });
    expect(metrics.returns.sharpe).toBeCloseTo(Math.sqrt(84) / 2, 9);
    expect(metrics.returns.sharpe).toBeCloseTo(4.582576, 6);
    // downside deviation √(0.01 / 3) = 0.057735; mean / that = 1/√3; × √252 = √84 = 9.165151
    expect(metrics.returns.sortino).toBeCloseTo(9.165151, 6);
    expect(metrics.returns.method).toContain('× √252');
    expect(metrics.returns.method).toContain('risk-free rate 0');
    expect(metrics.returns.basisReason).toBe('daily: chosen by the caller');
  });

  it('max drawdown (absolute and %) and CVaR 95 % of the same returns', () => {
    // running peak 1,150 (Jan 6 00:00) → 990 (Jan 6 06:00): 160, and 160 / 1,150 = 13.913 %
    expect(metrics.maxDrawdown).toEqual({
      amount: 160,
      fraction: expect.closeTo(160 / 1_150, 12),
      peakTs: JAN5 + 24 * HOUR,
      troughTs: JAN5 + 30 * HOUR,
    });
    // 3 returns, αn = 0.15 < 1: the worst return alone, −10 % → a 10 % loss per day
    expect(metrics.cvar.value).toBeCloseTo(0.1, 12);
    expect(metrics.cvar.level).toBe(0.95);
    expect(metrics.cvar.method).toContain('historical expected shortfall at 95 % of the 3 daily returns');
  });

  it('turnover, fill rate, inventory, maker/taker, fees and profitable ratio', () => {
    // notional 100 + 200 + 440 + 90 = 830; mean equity (1,050 + 1,100 + 1,150 + 990 + 1,089) / 5 = 1,075.8
    expect(metrics.turnover.tradedNotional).toBe(830);
    expect(metrics.turnover.averageEquity).toBeCloseTo(1_075.8, 9);
    expect(metrics.turnover.turnover).toBeCloseTo(830 / 1_075.8, 12);
    expect(metrics.fillRate).toEqual({ fills: 4, ordersSent: 10, rate: 0.4 });
    // |positions| 0, 1, 2, 1, 0 → mean 0.8; signed 0 + 1 + 2 − 1 + 0 → 0.4; flat 2 of 5; max 3 after the second fill
    expect(metrics.inventory).toEqual({
      meanAbsPosition: 0.8,
      meanPosition: 0.4,
      maxAbsPosition: 3,
      fractionFlat: 0.4,
    });
    // maker: fills 1, 2, 4 (100 + 200 + 90 = 390); taker: fill 3 (440)
    expect(metrics.liquidity).toEqual({
      makerFills: 3,
      takerFills: 1,
      makerNotional: 390,
      takerNotional: 440,
      makerShare: 0.75,
      makerNotionalShare: 390 / 830,
    });
    // fees 0.1 + 0.2 + 0.44 = 0.74; rebates 0.05; net 0.69
    expect(metrics.fees.feesPaid).toBeCloseTo(0.74, 12);
    expect(metrics.fees.rebates).toBe(0.05);
    expect(metrics.fees.netFees).toBeCloseTo(0.69, 12);
    // labelled: fills 1, 2, 3 (2 profitable); fill 4 unlabelled
    expect(metrics.profitableTrades).toEqual({ labelled: 3, profitable: 2, ratio: 2 / 3 });
  });

  it('attributes each equity change to the regime in force at the earlier snapshot', () => {
    // range: +50 (capital → first snapshot) +50 (00:00 → 06:00) +50 (Jan 5 06:00 → Jan 6 00:00) = 150, over 6 h + 18 h
    // trend: −160 (Jan 6 00:00 → 06:00) +99 (→ Jan 7 00:00) = −61, over 6 h + 18 h; 150 − 61 = 89 = total PnL
    expect(metrics.pnlByRegime).toEqual([
      { regime: 'range', pnl: 150, durationMs: 24 * HOUR, intervals: 3 },
      { regime: 'trend', pnl: -61, durationMs: 24 * HOUR, intervals: 2 },
    ]);
  });

  it('takes regimes from a RegimeSeries when one is given', () => {
    const split = computeRunMetrics(threeDayRun(), {
      returnBasis: 'daily',
      regimes: { at: (ts) => (ts < JAN5 + 24 * HOUR ? 'early' : 'late') },
    });
    // early: the first three intervals (+150); late: the last two (−61)
    expect(split.pnlByRegime.map((entry) => [entry.regime, entry.pnl])).toEqual([
      ['early', 150],
      ['late', -61],
    ]);
  });
});

describe('computeRunMetrics choices', () => {
  it('uses per-minute returns annualised by √(252 × 420) when the run is shorter than 20 days', () => {
    const metrics = computeRunMetrics(threeDayRun());
    // five snapshots in five different minutes → five returns, the first over the initial capital
    expect(metrics.returns).toMatchObject({ basis: 'minute', count: 5, periodsPerYear: 252 * 420 });
    expect(metrics.returns.basisReason).toBe(
      'per-minute: the run spans 3 day(s), fewer than the 20 needed for daily returns',
    );
    expect(metrics.returns.method).toContain('× √(252 days × 420 minutes)');
  });

  it('counts days on the KST calendar by default, so a KRX session is one day', () => {
    // 23:50 UTC on Jan 4 is 08:50 KST on Jan 5, the same KST day as 06:00 UTC on Jan 5.
    const run: RunRecord = {
      initialCapital: 100,
      equityAtStart: 100,
      ordersSent: 0,
      trades: [],
      snapshots: [
        snapshot({ ts: JAN5 - 600_000, equity: 101 }),
        snapshot({ ts: JAN5 + 6 * HOUR, equity: 103 }),
      ],
    };
    expect(computeRunMetrics(run).daily.map((day) => [day.day, day.pnl])).toEqual([['2026-01-05', 3]]);
    expect(computeRunMetrics(run, { dayOf: utcDateOf }).daily.map((day) => [day.day, day.pnl])).toEqual([
      ['2026-01-04', 1],
      ['2026-01-05', 2],
    ]);
    // no orders sent: the fill rate is undefined, not a division error
    expect(computeRunMetrics(run).fillRate.rate).toBeNaN();
  });

  it('with a session filter, measures returns and inventory over market time only', () => {
    const kst = (day: number, hh: number, mm: number): number => Date.UTC(2026, 0, day, hh - 9, mm);
    const session = [
      snapshot({ ts: kst(5, 15, 43), equity: 1_000 }),
      snapshot({ ts: kst(5, 15, 44), equity: 1_010 }),
      snapshot({ ts: kst(5, 15, 45), equity: 1_000 }),
    ];
    // the engine keeps snapshotting overnight: every 10 minutes here, holding 1 lot at an unchanged mark
    const night = Array.from({ length: 100 }, (_, i) =>
      snapshot({ ts: kst(5, 15, 50) + i * 600_000, equity: 1_000, position: 1 }),
    );
    const morning = [
      snapshot({ ts: kst(6, 8, 46), equity: 1_010 }),
      snapshot({ ts: kst(6, 8, 47), equity: 1_020 }),
    ];
    const run: RunRecord = {
      initialCapital: 1_000,
      equityAtStart: 1_000,
      ordersSent: 0,
      trades: [],
      snapshots: [...session, ...night, ...morning],
    };
    const filtered = computeRunMetrics(run, { inSession: krxRegularSession });
    // five market-time minutes: 0 (over the capital), +1 %, −0.990 %, +1 %, +0.990 %
    expect(filtered.returns.count).toBe(5);
    expect(filtered.period).toMatchObject({ snapshots: 105, marketSnapshots: 5, days: 2 });
    expect(filtered.returns.mean).toBeCloseTo((0 + 0.01 - 10 / 1010 + 0.01 + 10 / 1010) / 5, 12);
    expect(filtered.returns.method).toContain('market-time snapshots only');
    expect(filtered.inventory.fractionFlat).toBe(1); // the overnight lot is outside market time
    expect(filtered.totalPnl).toBe(20);
    const unfiltered = computeRunMetrics(run);
    expect(unfiltered.returns.count).toBe(105);
    expect(unfiltered.inventory.fractionFlat).toBeCloseTo(5 / 105, 12);
  });

  it('knows the KRX regular session: 08:45–15:45 KST on trading days, the closing second included', () => {
    const kst = (day: number, hh: number, mm: number, ss = 0): number =>
      Date.UTC(2026, 0, day, hh - 9, mm, ss);
    // Monday 5 January 2026. A snapshot is stamped at the end of the second it describes.
    expect(krxRegularSession(kst(5, 8, 45, 0))).toBe(false); // covers 08:44:59–08:45:00
    expect(krxRegularSession(kst(5, 8, 45, 1))).toBe(true);
    expect(krxRegularSession(kst(5, 15, 45, 1))).toBe(true); // the closing second
    expect(krxRegularSession(kst(5, 15, 45, 2))).toBe(false);
    expect(krxRegularSession(kst(10, 12, 0))).toBe(false); // Saturday
    // Friday 2 January 2026, the year's first trading day, opens at 10:00.
    expect(krxRegularSession(kst(2, 9, 30))).toBe(false);
    expect(krxRegularSession(kst(2, 10, 0, 1))).toBe(true);
  });

  it('asks which instrument to report on when the run holds several, and filters to it', () => {
    const run = threeDayRun();
    const other = {
      ...run,
      snapshots: [...run.snapshots, snapshot({ ts: JAN5, equity: 5, instrument: 'ETHUSDT' })],
    };
    expect(() => computeRunMetrics(other)).toThrow('the run holds 2 instruments (BTCUSDT, ETHUSDT)');
    expect(computeRunMetrics(other, { instrument: 'BTCUSDT', returnBasis: 'daily' }).totalPnl).toBe(89);
  });

  it('measures PnL-only snapshots (engine initialCash 0) against the given capital', () => {
    const absolute = threeDayRun();
    const pnlOnly: RunRecord = {
      ...absolute,
      equityAtStart: undefined, // default 0: snapshot equity is the PnL (50, 100, 150, −10, 89)
      snapshots: absolute.snapshots.map((s) => ({ ...s, equity: s.equity - 1_000 })),
    };
    const a = computeRunMetrics(absolute, { returnBasis: 'daily' });
    const b = computeRunMetrics(pnlOnly, { returnBasis: 'daily' });
    expect(b.equityAtStart).toBe(0);
    expect(b.finalEquity).toBe(1_089);
    expect(b.totalPnl).toBe(89);
    expect(b.returns.sharpe).toBeCloseTo(a.returns.sharpe, 12);
    expect(b.maxDrawdown).toEqual(a.maxDrawdown);
    expect(b.pnlByRegime).toEqual(a.pnlByRegime);
  });

  it('reports an empty run with NaN rather than failing', () => {
    const metrics = computeRunMetrics({ initialCapital: 1_000, ordersSent: 0, trades: [], snapshots: [] });
    expect(metrics.totalPnl).toBeNaN();
    expect(metrics.returns.sharpe).toBeNaN();
    expect(metrics.daily).toEqual([]);
    expect(() => computeRunMetrics({ initialCapital: 0, ordersSent: 0, trades: [], snapshots: [] })).toThrow(
      RangeError,
    );
  });
});

describe('hit rate and profit factor', () => {
  it('count the fills that closed a position: winners / closers and gross profit / gross loss', () => {
    const run = threeDayRun();
    // opening fills realise nothing; three closing fills realise +30, −10 and +5
    const realised = [0, 30, -10, 5];
    const metrics = computeRunMetrics({
      ...run,
      trades: run.trades.map((t, i) => ({ ...t, realizedPnl: realised[i]! })),
    });
    expect(metrics.closedTrades).toMatchObject({
      closing: 3,
      winning: 2,
      hitRate: 2 / 3,
      grossProfit: 35,
      grossLoss: 10,
      profitFactor: 3.5,
    });
    expect(metrics.closedTrades.method).toMatch(/before fees/);
  });

  it('are NaN without closing fills, and the profit factor is ∞ with no losing one', () => {
    const run = threeDayRun();
    expect(computeRunMetrics(run).closedTrades.hitRate).toBeNaN();
    expect(computeRunMetrics(run).closedTrades.profitFactor).toBeNaN();
    const winners = computeRunMetrics({ ...run, trades: run.trades.map((t) => ({ ...t, realizedPnl: 1 })) });
    expect(winners.closedTrades.profitFactor).toBe(Infinity);
    expect(winners.closedTrades.hitRate).toBe(1);
  });
});

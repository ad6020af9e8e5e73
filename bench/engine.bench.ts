/**
 * Throughput of the backtesting engine (src/core/sim), single-threaded, so events/s is per core:
 *   - a fixed-spread quoter (one bid and one ask around the mid, woken on every event) over a seeded
 *     10 M-event synthetic stream (BBO + trades) with trade-through fills, then with the conservative
 *     queue model, then with the queue model plus feed and order latency (two books, in-flight messages);
 *   - the same quoter on the bundled BTCUSDT capture (BBO + trades + depth) with both fill models.
 * The figures include everything a run produces: fills, the trade log, per-second snapshots. Each figure
 * is the median of several runs after a warm-up run. Prints figures; asserts nothing.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { readBinanceCapture } from '../src/core/market/binance/index.ts';
import type { EventColumns } from '../src/core/market/events.ts';
import type { BacktestConfig, BacktestResult } from '../src/core/sim/config.ts';
import { runBacktest } from '../src/core/sim/engine.ts';
import { BINANCE_SPOT_FEES } from '../src/core/sim/fees.ts';
import type { FillModel } from '../src/core/sim/fill-model.ts';
import { BTCUSDT_SPEC, spotSpec } from '../src/core/market/instrument-specs.ts';
import { conservativeQueue } from '../src/core/sim/queue-fill.ts';
import { syntheticEvents } from '../src/core/sim/synthetic-events.ts';
import { tradeThrough } from '../src/core/sim/trade-through.ts';
import type { AccountView, Decision, MarketView, QuoteIntent, Strategy } from '../src/core/sim/types.ts';
import type { BenchResult } from './types.ts';

const CAPTURE = new URL('../data/crypto/binance-spot-btcusdt-20240808.gz', import.meta.url);
const STREAM_EVENTS = 10_000_000;

/**
 * The benchmark's test strategy: bid and ask `halfSpreadTicks` around the mid on the tick grid, one lot
 * each, no quote on a side that would pass ±maxPosition. Allocates only when its quotes change.
 */
class FixedSpreadQuoter implements Strategy {
  readonly name = 'fixed-spread';
  readonly refresh = { onEvents: true };
  private readonly halfSpreadTicks: number;
  private readonly size: number;
  private readonly maxPosition: number;
  private bid = NaN;
  private ask = NaN;
  private position = NaN;
  private decision: Decision = { quotes: [], marketOrder: 0 };

  constructor(halfSpreadTicks: number, size: number, maxPosition: number) {
    this.halfSpreadTicks = halfSpreadTicks;
    this.size = size;
    this.maxPosition = maxPosition;
  }

  decide(market: MarketView, account: AccountView): Decision {
    const mid = market.mid;
    if (!(mid > 0)) return this.decision;
    const tick = market.instrument.tickSize(mid);
    const bid = Math.floor(mid / tick - this.halfSpreadTicks + 1e-9) * tick;
    const ask = Math.ceil(mid / tick + this.halfSpreadTicks - 1e-9) * tick;
    const position = account.position;
    if (bid === this.bid && ask === this.ask && position === this.position) return this.decision;
    this.bid = bid;
    this.ask = ask;
    this.position = position;
    const quotes: QuoteIntent[] = [];
    if (position + this.size <= this.maxPosition) quotes.push({ side: 1, price: bid, quantity: this.size });
    if (position - this.size >= -this.maxPosition) quotes.push({ side: -1, price: ask, quantity: this.size });
    this.decision = { quotes, marketOrder: 0 };
    return this.decision;
  }
}

function backtest(
  events: EventColumns,
  fillModel: () => FillModel,
  extra: Partial<BacktestConfig>,
  lot: number,
) {
  return runBacktest(events, {
    instrument: (name) => (name === 'BTCUSDT' ? BTCUSDT_SPEC : spotSpec(name, 0.01, 0.001)),
    strategy: () => new FixedSpreadQuoter(0.5, lot, 10 * lot),
    fees: BINANCE_SPOT_FEES,
    fillModel: fillModel(),
    ...extra,
  });
}

/** Events per second: the median of `rounds` timed runs after one warm-up run. */
function throughput(rounds: number, work: () => BacktestResult): { perSecond: number; last: BacktestResult } {
  let last = work();
  const seconds: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    last = work();
    seconds.push((performance.now() - started) / 1000);
  }
  seconds.sort((a, b) => a - b);
  return { perSecond: last.stats.events / seconds[Math.floor(rounds / 2)]!, last };
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];

  const generating = performance.now();
  const stream = syntheticEvents({ events: STREAM_EVENTS, seed: 'bench' });
  const generated = (performance.now() - generating) / 1000;
  results.push({
    name: 'synthetic stream generation (10 M events)',
    value: STREAM_EVENTS / generated,
    unit: 'events/s',
  });

  const label = (what: string, result: BacktestResult) =>
    `${what} (${(result.stats.fills / 1000).toFixed(0)}k fills, ${(result.stats.ordersSent / 1000).toFixed(0)}k orders)`;
  const cases: Array<[string, () => FillModel, Partial<BacktestConfig>]> = [
    ['10 M synthetic, quoter on every event, trade-through', () => tradeThrough(), {}],
    ['10 M synthetic, quoter on every event, conservative queue', () => conservativeQueue(), {}],
    [
      '10 M synthetic, queue + feed 0.5 ms + order 1 ms latency',
      () => conservativeQueue(),
      { feedLatency: 0.5, orderLatency: 1 },
    ],
  ];
  for (const [what, model, extra] of cases) {
    const { perSecond, last } = throughput(3, () => backtest(stream, model, extra, 1));
    results.push({ name: label(what, last), value: perSecond, unit: 'events/s' });
  }

  const capture = (await readBinanceCapture(createReadStream(CAPTURE).pipe(createGunzip()))).events;
  for (const [what, model] of [
    ['BTCUSDT capture, quoter, trade-through', () => tradeThrough()],
    ['BTCUSDT capture, quoter, conservative queue', () => conservativeQueue()],
  ] as const) {
    const { perSecond, last } = throughput(15, () => backtest(capture, model, {}, 0.01));
    results.push({
      name: label(`${what}, ${(capture.length / 1000).toFixed(0)}k events`, last),
      value: perSecond,
      unit: 'events/s',
    });
  }
  return results;
}

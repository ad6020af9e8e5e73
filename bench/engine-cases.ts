/**
 * The engine benchmark's cases, each run in a process of its own (engine-case-child.ts): V8 optimises a
 * call site for the classes it has seen, and a process that ran a fixed-spread quoter and two fill models
 * before A&S would measure A&S through polymorphic call sites that a real run (one strategy, one fill
 * model) does not have. Forking per case is what JMH does for the same reason.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { readBinanceCapture } from '../src/core/market/binance/index.ts';
import type { EventColumns } from '../src/core/market/events.ts';
import { BTCUSDT_SPEC, spotSpec } from '../src/core/market/instrument-specs.ts';
import type { BacktestConfig, BacktestResult } from '../src/core/sim/config.ts';
import { runBacktest as runCurrent } from '../src/core/sim/driver.ts';
import { runBacktest as runLegacy } from './legacy-engine/engine.ts';
import { conservativeQueue as legacyConservativeQueue } from './legacy-engine/queue-fill.ts';
import { tradeThrough as legacyTradeThrough } from './legacy-engine/trade-through.ts';
import { BINANCE_SPOT_FEES } from '../src/core/market/fees.ts';
import type { FillModel } from '../src/core/sim/fill-model.ts';
import { conservativeQueue } from '../src/core/sim/queue-fill.ts';
import { syntheticEvents } from '../src/core/sim/synthetic-events.ts';
import { tradeThrough } from '../src/core/sim/trade-through.ts';
import type { Strategy } from '../src/core/trading/types.ts';
import {
  AvellanedaStoikovStrategy,
  CRYPTO_AS_OPTIONS,
  FixedSpreadQuoter,
} from '../src/core/strategy/index.ts';

const CAPTURE = new URL('../data/crypto/binance-spot-btcusdt-20240808.gz', import.meta.url);
export const STREAM_EVENTS = 10_000_000;

/** The fixed-spread quoter, or A&S (crypto preset) woken when the touch or mid moves, or on every event. */
type StrategyKind = 'quoter' | 'as-touch' | 'as-every-event';

export interface EngineCase {
  name: string;
  data: 'synthetic' | 'capture';
  strategy: StrategyKind;
  fill: 'trade-through' | 'queue';
  latency?: { feedMs: number; orderMs: number };
}

export const ENGINE_CASES: readonly EngineCase[] = [
  {
    name: '10 M synthetic, quoter on every event, trade-through',
    data: 'synthetic',
    strategy: 'quoter',
    fill: 'trade-through',
  },
  {
    name: '10 M synthetic, quoter on every event, conservative queue',
    data: 'synthetic',
    strategy: 'quoter',
    fill: 'queue',
  },
  {
    name: '10 M synthetic, quoter, queue + feed 0.5 ms + order 1 ms latency',
    data: 'synthetic',
    strategy: 'quoter',
    fill: 'queue',
    latency: { feedMs: 0.5, orderMs: 1 },
  },
  {
    name: '10 M synthetic, A&S (wakes on touch/mid moves + 1 s), trade-through',
    data: 'synthetic',
    strategy: 'as-touch',
    fill: 'trade-through',
  },
  {
    name: '10 M synthetic, A&S (wakes on touch/mid moves + 1 s), conservative queue',
    data: 'synthetic',
    strategy: 'as-touch',
    fill: 'queue',
  },
  {
    name: '10 M synthetic, A&S (wakes on every event), trade-through',
    data: 'synthetic',
    strategy: 'as-every-event',
    fill: 'trade-through',
  },
  {
    name: '10 M synthetic, A&S (wakes on every event), conservative queue',
    data: 'synthetic',
    strategy: 'as-every-event',
    fill: 'queue',
  },
  {
    name: 'BTCUSDT capture, quoter, trade-through',
    data: 'capture',
    strategy: 'quoter',
    fill: 'trade-through',
  },
  { name: 'BTCUSDT capture, quoter, conservative queue', data: 'capture', strategy: 'quoter', fill: 'queue' },
  {
    name: 'BTCUSDT capture, A&S (touch/mid + 1 s), trade-through',
    data: 'capture',
    strategy: 'as-touch',
    fill: 'trade-through',
  },
  {
    name: 'BTCUSDT capture, A&S (touch/mid + 1 s), conservative queue',
    data: 'capture',
    strategy: 'as-touch',
    fill: 'queue',
  },
  {
    name: 'BTCUSDT capture, A&S (every event), trade-through',
    data: 'capture',
    strategy: 'as-every-event',
    fill: 'trade-through',
  },
  {
    name: 'BTCUSDT capture, A&S (every event), conservative queue',
    data: 'capture',
    strategy: 'as-every-event',
    fill: 'queue',
  },
];

export async function loadEvents(data: EngineCase['data']): Promise<EventColumns> {
  if (data === 'synthetic') return syntheticEvents({ events: STREAM_EVENTS, seed: 'bench' });
  return (await readBinanceCapture(createReadStream(CAPTURE).pipe(createGunzip()))).events;
}

/** Which engine runs a case: the one in src/core/sim, or the frozen copy from before its split. */
export type EngineBuild = 'current' | 'legacy';

export function runCase(events: EventColumns, c: EngineCase, build: EngineBuild = 'current'): BacktestResult {
  const lot = c.data === 'synthetic' ? 1 : 0.01;
  const extra: Partial<BacktestConfig> = c.latency
    ? { feedLatency: c.latency.feedMs, orderLatency: c.latency.orderMs }
    : {};
  const strategy = (): Strategy =>
    c.strategy === 'quoter'
      ? new FixedSpreadQuoter({ halfSpreadTicks: 0.5, size: lot, maxPosition: 10 * lot })
      : // Seed B's 0.1 % minimum spread fills nothing on a tight book; 0.002 % keeps fills in the figure.
        new AvellanedaStoikovStrategy(CRYPTO_AS_OPTIONS, {
          orderSize: lot,
          maxPositionQuantity: 10 * lot,
          maxPositionNotional: undefined,
          minSpreadFraction: 0.00002,
          gamma: 0.1,
          wakeOn: c.strategy === 'as-touch' ? 'touch' : 'event',
        });
  const config = {
    instrument: (name: string) => (name === 'BTCUSDT' ? BTCUSDT_SPEC : spotSpec(name, 0.01, 0.001)),
    strategy,
    fees: BINANCE_SPOT_FEES,
    ...extra,
  };
  // Each build with its own fill models: they work on that build's order and book classes.
  if (build === 'legacy')
    return runLegacy(events, {
      ...config,
      fillModel: c.fill === 'trade-through' ? legacyTradeThrough() : legacyConservativeQueue(),
    }) as unknown as BacktestResult;
  const fillModel: FillModel = c.fill === 'trade-through' ? tradeThrough() : conservativeQueue();
  return runCurrent(events, { ...config, fillModel });
}

/**
 * Throughput of the backtesting engine (src/core/sim), single-threaded, so events/s is per core:
 *   - a fixed-spread quoter (one bid and one ask around the mid, woken on every event) over a seeded
 *     10 M-event synthetic stream (BBO + trades) with trade-through fills, then with the conservative
 *     queue model, then with the queue model plus feed and order latency (two books, in-flight messages);
 *   - the Avellaneda–Stoikov strategy (src/core/strategy, the crypto preset: σ and κ estimators, inventory
 *     skew, re-quote rule) on the same stream, with both fill models, woken as the preset does (when the
 *     best bid, best ask or mid moves, on its fills, every second) and woken on every event;
 *   - the same on the bundled BTCUSDT capture (BBO + trades + depth).
 * Each case runs in its own process (see engine-cases.ts for why). The figures include everything a run
 * produces: fills, the trade log, per-second snapshots. Each case runs on the engine in src/core/sim and
 * on the frozen copy of the engine from before its split (bench/legacy-engine), one after the other, so
 * the two are measured in the same run on the same machine state. Prints figures; asserts nothing.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ENGINE_CASES, STREAM_EVENTS } from './engine-cases.ts';
import { syntheticEvents } from '../src/core/sim/synthetic-events.ts';
import type { BenchResult } from './types.ts';

const CHILD = fileURLToPath(new URL('./engine-case-child.ts', import.meta.url));

interface CaseFigures {
  perSecond: number;
  events: number;
  fills: number;
  orders: number;
  strategyCalls: number;
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const generating = performance.now();
  syntheticEvents({ events: STREAM_EVENTS, seed: 'bench' });
  results.push({
    name: 'synthetic stream generation (10 M events)',
    value: STREAM_EVENTS / ((performance.now() - generating) / 1000),
    unit: 'events/s',
  });
  for (const [index, c] of ENGINE_CASES.entries()) {
    for (const build of ['current', 'legacy'] as const) {
      const child = spawnSync(process.execPath, [CHILD, String(index), build], { encoding: 'utf8' });
      if (child.status !== 0) throw new Error(`engine case ${c.name} (${build}) failed: ${child.stderr}`);
      const f = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as CaseFigures;
      const k = (n: number) => `${(n / 1000).toFixed(0)}k`;
      results.push({
        name: `${c.name} [${build}] (${k(f.events)} events, ${k(f.strategyCalls)} strategy calls, ${k(f.fills)} fills, ${k(f.orders)} orders)`,
        value: f.perSecond,
        unit: 'events/s',
      });
    }
  }
  return results;
}

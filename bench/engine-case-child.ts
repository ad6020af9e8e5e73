/**
 * Runs one engine benchmark case (by its index in ENGINE_CASES, on the `current` or the `legacy` engine)
 * in this process and prints JSON: events/s
 * (the median of several timed runs after a warm-up run), events, fills, orders, strategy calls.
 */
import { ENGINE_CASES, loadEvents, runCase } from './engine-cases.ts';
import type { EngineBuild } from './engine-cases.ts';

const c = ENGINE_CASES[Number(process.argv[2])]!;
const build = (process.argv[3] ?? 'current') as EngineBuild;
const events = await loadEvents(c.data);
const rounds = Number(process.env.QUOTELAB_BENCH_ROUNDS ?? (c.data === 'synthetic' ? 3 : 15));
let last = runCase(events, c, build);
const seconds: number[] = [];
for (let i = 0; i < rounds; i++) {
  const started = performance.now();
  last = runCase(events, c, build);
  seconds.push((performance.now() - started) / 1000);
}
seconds.sort((a, b) => a - b);
const s = last.stats;
console.log(
  JSON.stringify({
    perSecond: s.events / seconds[Math.floor(rounds / 2)]!,
    events: s.events,
    fills: s.fills,
    orders: s.ordersSent,
    strategyCalls: s.strategyCalls,
  }),
);

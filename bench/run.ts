/**
 * `npm run bench`: runs every benchmark module and prints what it measured, with the machine it ran on.
 * Benchmarks never assert: targets are compared in the issue notes, not in tests.
 *   npm run bench             all modules
 *   npm run bench -- stores   only modules whose name contains "stores"
 */
import '../src/cli/quiet-warnings.ts';
import { availableParallelism, cpus } from 'node:os';
import type { BenchResult } from './types.ts';

const MODULES: Record<string, () => Promise<{ run: () => Promise<BenchResult[]> }>> = {
  stores: () => import('./stores.bench.ts'),
  generate: () => import('./generate.bench.ts'),
  binance: () => import('./binance.bench.ts'),
  iceberg: () => import('./iceberg.bench.ts'),
  xml: () => import('./xml.bench.ts'),
  ingest: () => import('./ingest.bench.ts'),
  quarantine: () => import('./quarantine.bench.ts'),
  engine: () => import('./engine.bench.ts'),
  tune: () => import('./tune.bench.ts'),
  seedb: () => import('./seedb.bench.ts'),
  signal: () => import('./signal.bench.ts'),
  query: () => import('./query.bench.ts'),
  'query-plan': () => import('./query-plan.bench.ts'),
};

const filter = process.argv[2];
console.log(
  `quotelab bench — Node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model ?? 'unknown CPU'}), ${new Date().toISOString()}`,
);
for (const [name, load] of Object.entries(MODULES)) {
  if (filter && !name.includes(filter)) continue;
  console.log(`\n## ${name}`);
  for (const result of await (await load()).run()) {
    const value =
      result.value >= 100 ? Math.round(result.value).toLocaleString('en-US') : result.value.toFixed(2);
    console.log(`  ${result.name.padEnd(60)} ${value.padStart(12)} ${result.unit}`);
  }
}

/**
 * `quotelab query` against plain DuckDB on the same Parquet files, in one process (issue 14 point 3): the
 * real KRX day ingested into a fresh local lake, then each standard query run through the platform's
 * QueryEngine (views over each mentioned table's Iceberg file plan, cached per snapshot) and through a
 * bare DuckDB connection over `read_parquet` of the same files. Medians of 15 runs after a warm-up.
 * Prints figures; asserts nothing.
 *
 *   npm run bench -- query-plan
 */
import { readFileSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { LOCAL_NAMESPACE, openLocalPlatform } from '../src/adapters/local/local-platform.ts';
import type { FsObjectStore } from '../src/adapters/local/fs-object-store.ts';
import { LakeViews } from '../src/adapters/local/lake-views.ts';
import { STANDARD_QUERIES } from '../src/core/lake/standard-queries.ts';
import { ingestKeys } from '../src/usecases/ingest-keys.ts';
import type { BenchResult } from './types.ts';

const DAY = fileURLToPath(new URL('../data/krx-options-20251201/', import.meta.url));
const RUNS = 15;

async function median(run: () => Promise<unknown>): Promise<number> {
  await run();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = performance.now();
    await run();
    ms.push(performance.now() - started);
  }
  return ms.sort((a, b) => a - b)[Math.floor(RUNS / 2)]!;
}

export async function run(): Promise<BenchResult[]> {
  const home = mkdtempSync(join(tmpdir(), 'quotelab-bench-query-plan-'));
  const platform = openLocalPlatform(home);
  const keys: string[] = [];
  for (const file of readdirSync(DAY).filter((name) => name.endsWith('.xml'))) {
    await platform.data.put(`incoming/${file}`, readFileSync(join(DAY, file)));
    keys.push(`incoming/${file}`);
  }
  await ingestKeys(platform, keys);
  // The same files, for the plain connection: each table's current plan, as the lake engine reads it.
  const views = new LakeViews(platform.lake, platform.data as FsObjectStore, LOCAL_NAMESPACE);
  const plain = await (await DuckDBInstance.create(':memory:')).connect();
  for (const name of await views.names()) {
    const source = await views.source(name);
    if (source.files.length === 0) {
      const columns = source.columns.map((c) => `CAST(NULL AS ${c.type}) AS "${c.name}"`).join(', ');
      await plain.run(`CREATE VIEW ${name} AS SELECT ${columns} WHERE false`);
      continue;
    }
    const files = source.files.map((file) => `'${file}'`).join(', ');
    await plain.run(`CREATE VIEW ${name} AS SELECT * FROM read_parquet([${files}])`);
  }
  const results: BenchResult[] = [];
  for (const query of STANDARD_QUERIES) {
    const lake = await median(() => platform.query.query(query.sql, { maxRows: 10_000 }));
    const bare = await median(async () => (await plain.runAndReadAll(query.sql)).getRowsJson());
    results.push({ name: `${query.name}: quotelab (lake engine)`, value: lake, unit: 'ms' });
    results.push({ name: `${query.name}: plain DuckDB, same files`, value: bare, unit: 'ms' });
    results.push({ name: `${query.name}: ratio`, value: lake / bare, unit: '×' });
  }
  plain.closeSync();
  await platform.close();
  return results;
}

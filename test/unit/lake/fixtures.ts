/**
 * A local lake in a temp folder (FsObjectStore + SQLite catalog), and KRX-tick-shaped rows: the table the
 * ETL will write, partitioned by day(ts) and side.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsObjectStore } from '../../../src/adapters/local/fs-object-store.ts';
import { KeyValueCatalog } from '../../../src/adapters/local/kv-catalog.ts';
import { SqliteKeyValueStore } from '../../../src/adapters/local/sqlite-key-value.ts';
import { daysFromIsoDate, definePartitionSpec, defineSchema } from '../../../src/core/lake/iceberg/index.ts';
import type { Lake, Row } from '../../../src/core/lake/iceberg/index.ts';

export interface LocalLake extends Lake {
  root: string;
  /** Another lake on the same folder and SQLite file: what a second process would open. */
  reopen(): LocalLake;
}

export function openLocalLake(dir = mkdtempSync(join(tmpdir(), 'quotelab-lake-'))): LocalLake {
  const root = join(dir, 'objects');
  const kv = new SqliteKeyValueStore(join(dir, 'kv.sqlite'), 'state');
  return {
    root,
    store: new FsObjectStore(root),
    catalog: new KeyValueCatalog(kv),
    uriRoot: `file://${root}/`,
    reopen: () => openLocalLake(dir),
  };
}

export const TICKS = { namespace: 'quotelab', name: 'ticks' };

export const tickSchema = defineSchema([
  { id: 1, name: 'code', type: 'string', required: true },
  { id: 2, name: 'side', type: 'string', required: true },
  { id: 3, name: 'ts', type: 'timestamptz', required: true },
  { id: 4, name: 'trade_date', type: 'date', required: true },
  { id: 5, name: 'price', type: 'double' },
  { id: 6, name: 'contracts', type: 'int' },
  { id: 7, name: 'tcnt', type: 'int' },
  { id: 8, name: 'src_file', type: 'string', required: true },
  { id: 9, name: 'src_row', type: 'long', required: true },
]);

export const tickSpec = definePartitionSpec(tickSchema, [
  { column: 'ts', transform: 'day' },
  { column: 'side', transform: 'identity' },
]);

/** A small deterministic generator (mulberry32), so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Ticks of one source file: `count` rows on the trading days given, both sides, a few codes, with the
 * occasional null price/contracts (so null counts and nullable columns are exercised).
 */
export function tickRows(srcFile: string, count: number, days: readonly string[], seed = 1): Row[] {
  const next = random(seed);
  const rows: Row[] = [];
  for (let i = 0; i < count; i++) {
    const day = days[i % days.length]!;
    const dayNumber = daysFromIsoDate(day);
    // The KRX session, 09:00–15:30 KST, is 00:00–06:30 UTC: every tick falls on its trading day in UTC.
    const micros = BigInt(dayNumber) * 86_400_000_000n + BigInt(Math.floor(next() * 6.5 * 3600e6));
    rows.push({
      code: `201V${8300 + Math.floor(next() * 8) * 5}`,
      side: next() < 0.5 ? 'B' : 'S',
      ts: micros,
      trade_date: dayNumber,
      price: next() < 0.02 ? null : Math.round(next() * 5000) / 100,
      contracts: next() < 0.02 ? null : 1 + Math.floor(next() * 50),
      tcnt: Math.floor(next() * 1000),
      src_file: srcFile,
      src_row: BigInt(i),
    });
  }
  return rows;
}

/** A stable order for comparing row sets. */
export function sortRows(rows: Row[]): Row[] {
  return [...rows].sort((a, b) =>
    a.src_file === b.src_file
      ? Number((a.src_row as bigint) - (b.src_row as bigint))
      : String(a.src_file) < String(b.src_file)
        ? -1
        : 1,
  );
}

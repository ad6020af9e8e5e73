/**
 * Writing Iceberg from TypeScript on the local lake (FsObjectStore + SQLite catalog): 1,000,000 tick-like
 * rows into one table partitioned by day(ts) and side, in 10 appends of one trading day each (as the ETL
 * loads one source file per day). Measures, separately:
 *   - Parquet encoding alone on the same columns: hyparquet-writer (one JS value per cell) against our
 *     typed encoder (typed-parquet.ts, the one every table uses), both with zstd,
 *   - writing the data files (validation, partitioning, encoding, metrics, store put),
 *   - the commit (manifest, manifest list, metadata file, catalog compare-and-swap),
 *   - reading the whole table back with our reader.
 * Prints figures; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsObjectStore } from '../src/adapters/local/fs-object-store.ts';
import { KeyValueCatalog } from '../src/adapters/local/kv-catalog.ts';
import { SqliteKeyValueStore } from '../src/adapters/local/sqlite-key-value.ts';
import { rowsToColumns } from '../src/core/lake/iceberg/data-writer.ts';
import {
  IcebergTable,
  daysFromIsoDate,
  definePartitionSpec,
  defineSchema,
  readPlan,
  writeDataFiles,
} from '../src/core/lake/iceberg/index.ts';
import type { Row } from '../src/core/lake/iceberg/index.ts';
import { writeParquet } from '../src/core/lake/iceberg/parquet-writer.ts';
import { typedFromCanonical } from '../src/core/lake/iceberg/typed-columns.ts';
import { writeTypedParquet } from '../src/core/lake/iceberg/typed-parquet.ts';
import type { BenchResult } from './types.ts';

const ROWS = 1_000_000;
const APPENDS = 10;
const MB = 1e6;

const schema = defineSchema([
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
const spec = definePartitionSpec(schema, [
  { column: 'ts', transform: 'day' },
  { column: 'side', transform: 'identity' },
]);

/** One trading day of ticks: codes from a small strike grid, prices on a 0.01 tick, times in session. */
function dayOfTicks(day: number, count: number): Row[] {
  const srcFile = `incoming/krx/ticks-${day}.xml`;
  const dayMicros = BigInt(day) * 86_400_000_000n;
  let seed = day * 7919;
  const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  const rows: Row[] = new Array(count);
  for (let i = 0; i < count; i++) {
    rows[i] = {
      code: `201V${8200 + Math.floor(next() * 40) * 5}`,
      side: next() < 0.5 ? 'B' : 'S',
      ts: dayMicros + BigInt(Math.floor((i / count) * 6.5 * 3600e6)),
      trade_date: day,
      price: Math.round(next() * 2000) / 100,
      contracts: 1 + Math.floor(next() * 30),
      tcnt: i,
      src_file: srcFile,
      src_row: BigInt(i),
    };
  }
  return rows;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'quotelab-bench-iceberg-'));
  try {
    const root = join(dir, 'objects');
    const kv = new SqliteKeyValueStore(join(dir, 'kv.sqlite'), 'bench');
    const lake = {
      store: new FsObjectStore(root),
      catalog: new KeyValueCatalog(kv),
      uriRoot: `file://${root}/`,
    };
    const table = await IcebergTable.createIfAbsent(
      lake,
      { namespace: 'bench', name: 'ticks' },
      { schema, spec },
    );
    const firstDay = daysFromIsoDate('2024-08-01');
    const perAppend = ROWS / APPENDS;

    let encodeSeconds = 0;
    let encodedBytes = 0;
    let typedSeconds = 0;
    let typedBytes = 0;
    let writeSeconds = 0;
    let writtenBytes = 0;
    const commitMs: number[] = [];
    for (let i = 0; i < APPENDS; i++) {
      const rows = dayOfTicks(firstDay + i, perAppend);

      // Encoding alone, on columns already checked: what hyparquet-writer + zstd cost.
      const columns = rowsToColumns(schema, rows);
      let started = performance.now();
      encodedBytes += (await writeParquet(schema, columns)).bytes.byteLength;
      encodeSeconds += (performance.now() - started) / 1000;
      started = performance.now();
      const typed = schema.fields.map((field, c) => typedFromCanonical(field.type, columns[c]!));
      typedBytes += writeTypedParquet(schema, typed).bytes.byteLength;
      typedSeconds += (performance.now() - started) / 1000;

      started = performance.now();
      const files = await writeDataFiles(lake, table.metadata, rows, { sourceKey: `ticks-${i}.xml` });
      writeSeconds += (performance.now() - started) / 1000;
      writtenBytes += files.reduce((sum, f) => sum + f.fileSizeInBytes, 0);

      started = performance.now();
      await table.commitChange({ added: files, summary: { 'quotelab.src-file': `ticks-${i}.xml` } }, files);
      commitMs.push(performance.now() - started);
    }

    let started = performance.now();
    const plan = await table.plan();
    let readRows = 0;
    for await (const batch of readPlan(lake, plan)) readRows += batch.length;
    const readSeconds = (performance.now() - started) / 1000;
    started = performance.now();
    await table.plan({ filter: [{ column: 'side', op: '=', value: 'B' }] });
    const planMs = performance.now() - started;
    kv.close();

    const label = `${(ROWS / 1e6).toFixed(0)}M rows × 9 cols, ${APPENDS} appends`;
    return [
      {
        name: `Parquet encode, hyparquet-writer + zstd (${label})`,
        value: ROWS / encodeSeconds,
        unit: 'rows/s',
      },
      {
        name: 'Parquet encode, hyparquet-writer, output',
        value: encodedBytes / MB / encodeSeconds,
        unit: 'MB/s',
      },
      {
        name: `Parquet encode, typed columns + zstd level 1 (conversion included; ${label})`,
        value: ROWS / typedSeconds,
        unit: 'rows/s',
      },
      { name: 'Parquet encode, typed, output', value: typedBytes / MB / typedSeconds, unit: 'MB/s' },
      {
        name: 'data files (check + partition + encode + metrics + put)',
        value: ROWS / writeSeconds,
        unit: 'rows/s',
      },
      { name: 'data files, output', value: writtenBytes / MB / writeSeconds, unit: 'MB/s' },
      { name: 'data files, bytes per row (zstd)', value: writtenBytes / ROWS, unit: 'B/row' },
      {
        name: 'commit latency, median (manifests + list + metadata + CAS)',
        value: median(commitMs),
        unit: 'ms',
      },
      { name: 'commit latency, max', value: Math.max(...commitMs), unit: 'ms' },
      {
        name: `full read back (${plan.files.length} files, hyparquet)`,
        value: readRows / readSeconds,
        unit: 'rows/s',
      },
      { name: 'plan with partition filter (side = B)', value: planMs, unit: 'ms' },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Conformance of the real lake: after the ETL ingests the real KRX day, PyIceberg, DuckDB's iceberg
 * extension and icebird open every table and must agree with quotelab's reader, column by column, on the
 * current snapshot and on an earlier one (after the first tick file only).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../src/adapters/local/local-platform.ts';
import { IcebergTable } from '../../src/core/lake/iceberg/index.ts';
import type { Row } from '../../src/core/lake/iceberg/index.ts';
import { LAKE_TABLES } from '../../src/core/lake/tables.ts';
import type { Platform } from '../../src/core/platform.ts';
import { ingestObject } from '../../src/usecases/ingest.ts';
import { ensurePythonTools, venvBin } from '../support/python-tools.ts';
import { serveFileUrls } from '../support/file-url-fetch.ts';

const SCRIPT = fileURLToPath(new URL('./lake_tables.py', import.meta.url));
const REAL = fileURLToPath(new URL('../../data/krx-options-20251201/', import.meta.url));
const FILES = [
  '202601_20251219_CODE_CALL.xml',
  '202601_20251219_CODE_PUT.xml',
  '202601_20251201_TICK_CALL.xml',
  '202601_20251201_TICK_PUT.xml',
];

type Aggregates = Record<string, string | number>;

/** The same per-column aggregates as lake_tables.py, from rows. */
function aggregate(table: IcebergTable, rows: Row[]): Aggregates {
  const out: Aggregates = { rows: String(rows.length) };
  for (const field of table.schema.fields) {
    const values = rows.map((row) => row[field.name]).filter((v) => v !== null && v !== undefined);
    switch (field.type) {
      case 'double':
      case 'float':
        out[field.name] = values.reduce<number>((sum, v) => sum + (v as number), 0);
        break;
      case 'boolean':
        out[field.name] = String(values.filter((v) => v === true).length);
        break;
      case 'string':
        out[field.name] = `${values.length}/${new Set(values).size}`;
        break;
      default:
        out[field.name] = String(values.reduce<bigint>((sum, v) => sum + BigInt(v as number | bigint), 0n));
    }
  }
  return out;
}

function expectAgreement(theirs: Aggregates, ours: Aggregates, what: string): void {
  expect(Object.keys(theirs).sort(), what).toEqual(Object.keys(ours).sort());
  for (const [name, value] of Object.entries(ours)) {
    if (typeof value === 'number') {
      expect(Math.abs((theirs[name] as number) - value), `${what}: ${name}`).toBeLessThanOrEqual(
        Math.abs(value) * 1e-9 + 1e-9,
      );
    } else {
      expect(theirs[name], `${what}: ${name}`).toBe(value);
    }
  }
}

describe('the real day’s lake, read by PyIceberg, DuckDB iceberg and icebird', () => {
  let platform: Platform;
  const requests: Array<{ table: string; metadata: string; snapshots: string[]; metadataFiles: string[] }> =
    [];
  const ours: Record<string, Aggregates> = {};
  let report: { pyiceberg: Record<string, Aggregates>; duckdb: Record<string, Aggregates> };
  let restoreFetch: () => void;

  beforeAll(async () => {
    ensurePythonTools((line) => console.log(`[conformance] ${line}`));
    restoreFetch = serveFileUrls();
    platform = openLocalPlatform(mkdtempSync(join(tmpdir(), 'quotelab-conformance-')));
    const deps = {
      data: platform.data,
      lake: platform.lake,
      namespace: platform.namespace,
      ledger: platform.ingestLedger,
    };
    const earlier = new Map<string, { snapshot: string; metadata: string }>();
    for (const file of FILES) {
      await platform.data.put(`incoming/${file}`, readFileSync(join(REAL, file)));
      await ingestObject(deps, `incoming/${file}`);
      if (file.includes('TICK_CALL')) {
        // Remember each table's state after the first tick file: the "earlier snapshot" to time-travel to.
        for (const { name } of LAKE_TABLES) {
          const table = await IcebergTable.load(platform.lake, { namespace: platform.namespace, name }).catch(
            () => undefined,
          );
          const snapshot = table?.currentSnapshot();
          if (table && snapshot)
            earlier.set(name, {
              snapshot: String(snapshot['snapshot-id']),
              metadata: table.metadataLocation,
            });
        }
      }
    }
    // Regime labels for the real day (a labelling of one's own), with one line that is not a label.
    await platform.data.put(
      'incoming/labels_20251201.csv',
      'date,minute,regime\n2025-12-01,09:00,range\n2025-12-01,09:01,volatile\n2025-12-01,09:02,calm\n2025-12-01,15:44,range\n',
    );
    await ingestObject(deps, 'incoming/labels_20251201.csv');
    for (const { name } of await platform.catalog.listTables(platform.namespace)) {
      const table = await IcebergTable.load(platform.lake, { namespace: platform.namespace, name });
      const current = table.currentSnapshot();
      if (!current) continue; // a table created but never written
      const snapshots = [String(current['snapshot-id'])];
      const metadataFiles = [table.metadataLocation];
      const before = earlier.get(name);
      if (before && before.snapshot !== snapshots[0]) {
        snapshots.push(before.snapshot);
        metadataFiles.push(before.metadata);
      }
      requests.push({
        table: name,
        metadata: fileURLToPath(table.metadataLocation),
        snapshots,
        metadataFiles,
      });
      for (const snapshot of snapshots)
        ours[`${name}@${snapshot}`] = aggregate(table, await table.read({ snapshotId: BigInt(snapshot) }));
    }
    const run = spawnSync(venvBin('python'), [SCRIPT, JSON.stringify(requests)], {
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    });
    if (run.status !== 0) throw new Error(`lake_tables.py failed:\n${run.stderr}`);
    report = JSON.parse(run.stdout);
  }, 300_000);

  afterAll(async () => {
    restoreFetch?.();
    await platform?.close();
  });

  it('reads every non-empty table, and an earlier snapshot of the tables the PUT file changed', () => {
    expect(requests.map((r) => r.table).sort()).toEqual(
      [
        'bronze_codes',
        'bronze_ticks',
        'dim_contract',
        'gold_bars_1m',
        'gold_features_1m',
        'gold_labels_1m',
        'ingest_log',
        'quarantine',
        'regime_labels_1m',
        'silver_ticks',
      ].sort(),
    );
    expect(requests.find((r) => r.table === 'silver_ticks')!.snapshots).toHaveLength(2);
    expect(ours[`silver_ticks@${requests.find((r) => r.table === 'silver_ticks')!.snapshots[1]}`]!.rows).toBe(
      '1549',
    );
  });

  it('PyIceberg agrees with our reader on every column of every table and snapshot', () => {
    for (const key of Object.keys(ours))
      expectAgreement(report.pyiceberg[key]!, ours[key]!, `pyiceberg ${key}`);
  });

  it('DuckDB’s iceberg extension agrees too', () => {
    for (const key of Object.keys(ours)) expectAgreement(report.duckdb[key]!, ours[key]!, `duckdb ${key}`);
  });

  it('icebird agrees on row counts and numeric columns (current and earlier snapshots)', async () => {
    for (const request of requests) {
      const table = await IcebergTable.load(platform.lake, {
        namespace: platform.namespace,
        name: request.table,
      });
      for (const [i, snapshot] of request.snapshots.entries()) {
        const rows = (await icebergRead({
          tableUrl: table.metadata.location,
          metadataFileName: request.metadataFiles[i]!.split('/').pop(),
        })) as Array<Record<string, unknown>>;
        const expected = ours[`${request.table}@${snapshot}`]!;
        expect(String(rows.length), `icebird ${request.table}@${snapshot} rows`).toBe(expected.rows);
        for (const field of table.schema.fields.filter((f) => f.type === 'double')) {
          const sum = rows.reduce((total, row) => total + ((row[field.name] as number | null) ?? 0), 0);
          expect(
            Math.abs(sum - (expected[field.name] as number)),
            `icebird ${request.table}.${field.name}`,
          ).toBeLessThanOrEqual(Math.abs(expected[field.name] as number) * 1e-9 + 1e-9);
        }
      }
    }
  });
});

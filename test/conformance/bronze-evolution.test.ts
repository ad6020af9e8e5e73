/**
 * Conformance of bronze_ticks' partition evolution: a table the old ETL wrote with day(ts), then evolved by
 * the current ETL to the KST trade date, opened by PyIceberg, DuckDB's iceberg extension and icebird the
 * way folder readers open a table: by its folder, through metadata/version-hint.text. They must see the
 * current snapshot (both specs' files), the old snapshot as it was, and the session's 08:45 KST ticks in
 * their own trade date's partition.
 */
import { spawnSync } from 'node:child_process';
import { createReadStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../src/adapters/local/local-platform.ts';
import { bronzeTickRow } from '../../src/core/lake/etl/rows.ts';
import {
  IcebergTable,
  daysFromIsoDate,
  definePartitionSpec,
  defineSchema,
} from '../../src/core/lake/iceberg/index.ts';
import { BRONZE_TICKS } from '../../src/core/lake/tables.ts';
import type { Platform } from '../../src/core/platform.ts';
import { readKrxXmlAll } from '../../src/core/xml/krx-xml-reader.ts';
import { ingestObject } from '../../src/usecases/ingest.ts';
import { ensurePythonTools, venvBin } from '../support/python-tools.ts';
import { serveFileUrls } from '../support/file-url-fetch.ts';

const SCRIPT = fileURLToPath(new URL('./bronze_evolution.py', import.meta.url));
const REAL = fileURLToPath(new URL('../../data/krx-options-20251201/', import.meta.url));
const CALLS = '202601_20251201_TICK_CALL.xml';
const PUTS = '202601_20251201_TICK_PUT.xml';
/** PyIceberg gives date partition values as days since 1970, as they are stored. */
const TRADE_DATE = String(daysFromIsoDate('2025-12-01'));

interface ReaderReport {
  rows: number;
  rows_with_trade_date: number;
  early_rows: number;
  old_rows: number;
  old_columns: string[];
}

interface Report {
  pyiceberg: ReaderReport & {
    current_snapshot_id: string;
    specs: Record<string, [string, string, number][]>;
    default_spec_id: number;
    early_files: Record<string, string>[];
    files: { spec_id: number; partition: Record<string, string> }[];
  };
  duckdb: ReaderReport;
}

describe('bronze_ticks evolved from day(ts) to the trade date, read by PyIceberg and DuckDB from its folder', () => {
  let platform: Platform;
  let table: IcebergTable;
  let report: Report;
  const oldColumns = BRONZE_TICKS.schema.fields.map((f) => f.name).filter((name) => name !== 'trade_date');

  beforeAll(async () => {
    ensurePythonTools((line) => console.log(`[conformance] ${line}`));
    platform = openLocalPlatform(mkdtempSync(join(tmpdir(), 'quotelab-bronze-conformance-')));
    const identifier = { namespace: platform.namespace, name: 'bronze_ticks' };
    // The old ETL's table: no trade_date column, partitioned by day(ts) and side; the real PUT file.
    const oldSchema = defineSchema(BRONZE_TICKS.schema.fields.filter((f) => f.name !== 'trade_date'));
    const old = await IcebergTable.createIfAbsent(platform.lake, identifier, {
      schema: oldSchema,
      spec: definePartitionSpec(oldSchema, [
        { column: 'ts', transform: 'day' },
        { column: 'side', transform: 'identity' },
      ]),
    });
    const source = { key: `incoming/${PUTS}`, sha256: '0'.repeat(64), ingestMs: Date.UTC(2025, 11, 1, 8) };
    const { ticks } = await readKrxXmlAll(createReadStream(join(REAL, PUTS)), { srcFile: source.key });
    const oldSnapshot = (await old.append(
      ticks.map((tick) => {
        const { trade_date: _new, ...row } = bronzeTickRow(tick, source);
        return row;
      }),
      { sourceKey: source.key },
    ))!;
    // The current ETL: evolves the table, then writes the CALL file with the new spec.
    await platform.data.put(`incoming/${CALLS}`, readFileSync(join(REAL, CALLS)));
    await ingestObject(
      {
        data: platform.data,
        lake: platform.lake,
        namespace: platform.namespace,
        ledger: platform.ingestLedger,
      },
      `incoming/${CALLS}`,
    );
    table = await IcebergTable.load(platform.lake, identifier);

    const folder = fileURLToPath(table.metadata.location);
    const run = spawnSync(venvBin('python'), [SCRIPT, folder, String(oldSnapshot['snapshot-id'])], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (run.status !== 0) throw new Error(`bronze_evolution.py failed (exit ${run.status}):\n${run.stderr}`);
    report = JSON.parse(run.stdout) as Report;
  }, 300_000);

  afterAll(() => platform?.close());

  it('icebird, given only the table folder, follows version-hint.text to the current snapshot', async () => {
    const restore = serveFileUrls();
    try {
      const rows = (await icebergRead({ tableUrl: table.metadata.location })) as Array<
        Record<string, unknown>
      >;
      expect(rows).toHaveLength(1798 + 1549);
      expect(rows.filter((row) => row.trade_date !== null && row.trade_date !== undefined)).toHaveLength(
        1549,
      );
    } finally {
      restore();
    }
  });

  it('PyIceberg finds the current metadata through version-hint.text and sees both specs', () => {
    expect(report.pyiceberg.current_snapshot_id).toBe(String(table.currentSnapshot()!['snapshot-id']));
    expect(report.pyiceberg.specs).toEqual({
      '0': [
        ['ts_day', 'day', 1000],
        ['side', 'identity', 1001],
      ],
      '1': [
        ['trade_date', 'identity', 1002],
        ['side', 'identity', 1001],
      ],
    });
    expect(report.pyiceberg.default_spec_id).toBe(1);
    const callFiles = report.pyiceberg.files.filter((f) => f.partition.side === 'CALL');
    expect(callFiles).toEqual([{ spec_id: 1, partition: { trade_date: TRADE_DATE, side: 'CALL' } }]);
    expect(
      report.pyiceberg.files.filter((f) => f.partition.side === 'PUT').every((f) => f.spec_id === 0),
    ).toBe(true);
  });

  for (const reader of ['pyiceberg', 'duckdb'] as const) {
    it(`${reader} reads the evolved table and the old snapshot as our reader does`, async () => {
      const theirs = report[reader];
      expect(theirs.rows).toBe(1798 + 1549);
      expect(theirs.rows_with_trade_date).toBe(1549); // the old ETL's rows predate the column
      expect(theirs.old_rows).toBe(1798);
      expect(theirs.old_columns).toEqual(oldColumns);
      // The CALL session's 91 ticks from the 08:45 KST open are on trade date 2025-12-01.
      expect(theirs.early_rows).toBe(91);
      expect(await table.read()).toHaveLength(theirs.rows);
    });
  }

  it('PyIceberg plans the 08:45 KST ticks from the 2025-12-01 partition of spec 1', () => {
    // The new spec prunes to the trade date's partition; of the old spec's files only the UTC day
    // before (where day(ts) had put the 08:45–09:00 KST ticks) can still hold ts < 09:00 KST.
    const sorted = (files: Record<string, string>[]) => files.map((f) => JSON.stringify(f)).sort();
    expect(sorted(report.pyiceberg.early_files)).toEqual(
      sorted([
        { trade_date: TRADE_DATE, side: 'CALL' },
        { ts_day: String(Number(TRADE_DATE) - 1), side: 'PUT' },
      ]),
    );
  });
});

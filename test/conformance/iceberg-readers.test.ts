/**
 * Conformance: tables written by our TypeScript Iceberg writer, read by independent implementations.
 * PyIceberg and DuckDB's iceberg extension (Python, from the pinned test venv) and icebird (npm) must
 * agree with our own reader on the current snapshot and on earlier ones: row counts, column sums, day
 * ranges, per-side counts, and for PyIceberg also the files its planner keeps.
 *
 * This tier always runs: if the Python tools cannot be installed it fails (in CI and locally alike).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { icebergRead } from 'icebird';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IcebergTable } from '../../src/core/lake/iceberg/index.ts';
import type { Row, Snapshot } from '../../src/core/lake/iceberg/index.ts';
import { ensurePythonTools, venvBin } from '../support/python-tools.ts';
import { TICKS, openLocalLake, tickRows, tickSchema, tickSpec } from '../unit/lake/fixtures.ts';
import { serveFileUrls } from '../support/file-url-fetch.ts';

const SCRIPT = fileURLToPath(new URL('./iceberg_readers.py', import.meta.url));

interface Aggregates {
  rows: string;
  sum_price: number;
  sum_contracts: string;
  sum_tcnt: string;
  sum_src_row: string;
  sum_ts?: string;
  min_trade_date: string;
  max_trade_date: string;
  codes?: string;
  rows_buy: string;
  files?: string;
  files_buy?: string;
  types?: Record<string, string>;
}

interface PythonReport {
  versions: Record<string, string>;
  current_snapshot_id: string;
  snapshot_ids: string[];
  pyiceberg: Record<string, Aggregates>;
  duckdb: Record<string, Aggregates>;
  duckdb_snapshots: string[];
  warnings: string[];
}

/** The same aggregates from rows (ours, or icebird's after normalising its Dates). */
function aggregate(rows: Row[]): Aggregates {
  const sum = (name: string) =>
    rows.reduce((total, row) => total + BigInt((row[name] as number | bigint | null) ?? 0), 0n);
  const days = rows.map((row) => row.trade_date as number);
  return {
    rows: String(rows.length),
    sum_price: rows.reduce((total, row) => total + ((row.price as number | null) ?? 0), 0),
    sum_contracts: String(sum('contracts')),
    sum_tcnt: String(sum('tcnt')),
    sum_src_row: String(sum('src_row')),
    sum_ts: String(sum('ts')),
    min_trade_date: String(Math.min(...days)),
    max_trade_date: String(Math.max(...days)),
    codes: String(new Set(rows.map((row) => row.code)).size),
    rows_buy: String(rows.filter((row) => row.side === 'B').length),
  };
}

function expectAgreement(theirs: Aggregates, ours: Aggregates, reader: string): void {
  const { sum_price: theirPrice, ...theirExact } = theirs;
  const { sum_price: ourPrice, ...ourExact } = ours;
  for (const key of Object.keys(theirExact) as (keyof typeof theirExact)[]) {
    if (key === 'types' || key === 'files' || key === 'files_buy') continue;
    expect(theirExact[key], `${reader}: ${key}`).toBe(ourExact[key]);
  }
  // Floating-point sums in another order: equal to a few ulps.
  expect(Math.abs(theirPrice - ourPrice), `${reader}: sum_price`).toBeLessThanOrEqual(
    Math.abs(ourPrice) * 1e-12,
  );
}

describe('Iceberg tables written in TypeScript, read by PyIceberg, DuckDB and icebird', () => {
  const lake = openLocalLake();
  let table: IcebergTable;
  const snapshots: Snapshot[] = [];
  /** The metadata file current right after each snapshot (icebird time-travels by metadata file). */
  const metadataAfter: string[] = [];
  let report: PythonReport;
  let restoreFetch: () => void;

  beforeAll(async () => {
    ensurePythonTools((line) => console.log(`[conformance] ${line}`));
    restoreFetch = serveFileUrls();

    table = await IcebergTable.createIfAbsent(lake, TICKS, { schema: tickSchema, spec: tickSpec });
    const steps = [
      () => table.append(tickRows('a.xml', 3000, ['2024-08-08', '2024-08-09'], 1), { sourceKey: 'a.xml' }),
      () => table.append(tickRows('b.xml', 2000, ['2024-08-09', '2024-08-12'], 2), { sourceKey: 'b.xml' }),
      () => table.replaceSource('a.xml', tickRows('a.xml', 1500, ['2024-08-08'], 3)),
    ];
    for (const step of steps) {
      snapshots.push((await step())!);
      metadataAfter.push(table.metadataLocation);
    }

    const metadataPath = fileURLToPath(table.metadataLocation);
    const ids = snapshots.map((s) => s['snapshot-id'].toString());
    const run = spawnSync(venvBin('python'), [SCRIPT, metadataPath, ...ids], {
      encoding: 'utf8',
      maxBuffer: 1 << 26,
    });
    if (run.status !== 0) throw new Error(`iceberg_readers.py failed (exit ${run.status}):\n${run.stderr}`);
    report = JSON.parse(run.stdout) as PythonReport;
    console.log(`[conformance] readers: ${JSON.stringify(report.versions)}`);
    if (run.stderr.trim() || report.warnings.length > 0) {
      console.log(`[conformance] reader warnings: ${JSON.stringify(report.warnings)}\n${run.stderr.trim()}`);
    }
  });

  afterAll(() => restoreFetch?.());

  it('PyIceberg sees our snapshots, with exact 63-bit ids, and the current one', () => {
    expect(report.snapshot_ids).toEqual(snapshots.map((s) => s['snapshot-id'].toString()));
    expect(report.current_snapshot_id).toBe(snapshots.at(-1)!['snapshot-id'].toString());
    expect(report.pyiceberg[snapshots[0]!['snapshot-id'].toString()]!.types).toMatchObject({
      code: 'string',
      ts: 'timestamp[us, tz=UTC]',
      trade_date: 'date32[day]',
      price: 'double',
      contracts: 'int32',
      src_row: 'int64',
    });
  });

  it('PyIceberg agrees with our reader on every snapshot (current and time travel)', async () => {
    for (const snapshot of snapshots) {
      const id = snapshot['snapshot-id'];
      const theirs = report.pyiceberg[id.toString()]!;
      expectAgreement(theirs, aggregate(await table.read({ snapshotId: id })), `PyIceberg @${id}`);
      // PyIceberg's planner keeps the same files ours does, with and without a partition filter.
      expect(theirs.files).toBe(String((await table.plan({ snapshotId: id })).files.length));
      const buys = await table.plan({ snapshotId: id, filter: [{ column: 'side', op: '=', value: 'B' }] });
      expect(theirs.files_buy).toBe(String(buys.files.length));
    }
  });

  it("DuckDB's iceberg extension agrees with our reader on every snapshot", async () => {
    expect(report.duckdb_snapshots.sort()).toEqual(snapshots.map((s) => s['snapshot-id'].toString()).sort());
    for (const snapshot of snapshots) {
      const id = snapshot['snapshot-id'];
      expectAgreement(
        report.duckdb[id.toString()]!,
        aggregate(await table.read({ snapshotId: id })),
        `DuckDB @${id}`,
      );
    }
  });

  it('icebird agrees with our reader on the current and an earlier snapshot', async () => {
    const tableUrl = table.metadata.location;
    for (const index of [snapshots.length - 1, 1]) {
      const metadataFileName = metadataAfter[index]!.split('/').pop()!;
      const rows = (await icebergRead({ tableUrl, metadataFileName })) as Record<string, unknown>[];
      // icebird returns dates and timestamps as JS Dates (millisecond precision): compare days, not micros.
      const normalised: Row[] = rows.map((row) => ({
        ...(row as Row),
        trade_date: (row.trade_date as Date).getTime() / 86_400_000,
        ts: 0n,
      }));
      const ours = aggregate(await table.read({ snapshotId: snapshots[index]!['snapshot-id'] }));
      expectAgreement({ ...aggregate(normalised), sum_ts: ours.sum_ts }, ours, `icebird @${index}`);
    }
  });
});

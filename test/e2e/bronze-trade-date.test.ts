/**
 * bronze_ticks is partitioned by the KST trade date, not the UTC day: KRX opens at 08:45 KST (23:45 UTC of
 * the day before), so day(ts) split every session in two. A lake written with the old spec is evolved in
 * place (partition evolution): its old files keep spec 0 and its old snapshots still read, new files use
 * spec 1, and replacing an old source moves its rows to the new layout. Each commit also publishes
 * metadata/version-hint.text for readers that open a table folder.
 */
import { createReadStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../src/adapters/local/local-platform.ts';
import { bronzeTickRow } from '../../src/core/lake/etl/rows.ts';
import {
  IcebergTable,
  VERSION_HINT_FILE,
  daysFromIsoDate,
  definePartitionSpec,
  defineSchema,
  keyOf,
  parseMetadata,
} from '../../src/core/lake/iceberg/index.ts';
import type { Row, Snapshot } from '../../src/core/lake/iceberg/index.ts';
import { metadataVersionOf } from '../../src/core/lake/iceberg/metadata.ts';
import { BRONZE_TICKS } from '../../src/core/lake/tables.ts';
import { getText } from '../../src/core/ports/object-store.ts';
import type { Platform } from '../../src/core/platform.ts';
import { readKrxXmlAll } from '../../src/core/xml/krx-xml-reader.ts';
import { ingestObject } from '../../src/usecases/ingest.ts';

const REAL = fileURLToPath(new URL('../../data/krx-options-20251201/', import.meta.url));
const CALLS = '202601_20251201_TICK_CALL.xml';
const PUTS = '202601_20251201_TICK_PUT.xml';
const TRADE_DATE = daysFromIsoDate('2025-12-01');
/** 2025-12-01 09:00 KST: ticks before it (from the 08:45 open) are on 2025-11-30 in UTC. */
const KST_MIDNIGHT_UTC_MICROS = BigInt(Date.UTC(2025, 11, 1, 0, 0, 0)) * 1000n;

const deps = (platform: Platform) => ({
  data: platform.data,
  lake: platform.lake,
  namespace: platform.namespace,
  ledger: platform.ingestLedger,
});
const BRONZE = (platform: Platform) => ({ namespace: platform.namespace, name: 'bronze_ticks' });
const scalar = async (platform: Platform, sql: string) => (await platform.query.query(sql)).rows[0]![0];

async function ingest(platform: Platform, file: string): Promise<void> {
  await platform.data.put(`incoming/${file}`, readFileSync(join(REAL, file)));
  expect((await ingestObject(deps(platform), `incoming/${file}`)).outcome).toBe('ingested');
}

/** The partition tuple of every live data file, with the spec it was written with. */
async function files(table: IcebergTable) {
  return (await table.plan()).files.map(({ file }) => ({ specId: file.specId, partition: file.partition }));
}

/** The metadata a folder reader finds: metadata/version-hint.text → metadata/v<N>.metadata.json. */
async function hinted(platform: Platform, table: IcebergTable) {
  const folder = `${keyOf(platform.lake, table.metadata.location)}/metadata`;
  const hint = await getText(platform.lake.store, `${folder}/${VERSION_HINT_FILE}`);
  return { hint, metadata: await getText(platform.lake.store, `${folder}/v${hint}.metadata.json`) };
}

describe('bronze_ticks by KST trade date, on a new lake', () => {
  let platform: Platform;
  beforeAll(async () => {
    platform = openLocalPlatform(mkdtempSync(join(tmpdir(), 'quotelab-bronze-')));
    await ingest(platform, CALLS);
  });
  afterAll(() => platform?.close());

  it('puts the whole session, from the 08:45 KST open, in one trade_date partition per side', async () => {
    const table = await IcebergTable.load(platform.lake, BRONZE(platform));
    expect(table.spec.fields.map((f) => `${f.name}:${f.transform}`)).toEqual([
      'trade_date:identity',
      'side:identity',
    ]);
    const rows = await table.read({ columns: ['ts', 'trade_date'] });
    const beforeNineKst = rows.filter((row) => (row.ts as bigint) < KST_MIDNIGHT_UTC_MICROS);
    expect(beforeNineKst).toHaveLength(91); // the real CALL file's ticks from 08:45 to 08:59 KST
    expect(new Set(rows.map((row) => row.trade_date))).toEqual(new Set([TRADE_DATE]));
    expect(await files(table)).toEqual([{ specId: 0, partition: { trade_date: TRADE_DATE, side: 'CALL' } }]);
    expect(
      await scalar(
        platform,
        "SELECT count(*) FROM bronze_ticks WHERE trade_date = DATE '2025-12-01' AND ts < TIMESTAMPTZ '2025-12-01 09:00:00+09:00'",
      ),
    ).toBe(91);
  });

  it('writes metadata/version-hint.text with the current version, next to v<N>.metadata.json', async () => {
    const table = await IcebergTable.load(platform.lake, BRONZE(platform));
    const { hint, metadata } = await hinted(platform, table);
    expect(hint).toBe(String(metadataVersionOf(table.metadataLocation)));
    expect(Number(hint)).toBeGreaterThan(0);
    expect(metadata).toBe(await getText(platform.lake.store, keyOf(platform.lake, table.metadataLocation)));
  });
});

describe('bronze_ticks written by day(ts), evolved to the trade date', () => {
  let platform: Platform;
  let oldRows: Row[];
  let before: Snapshot;
  let afterCalls: Snapshot;

  beforeAll(async () => {
    platform = openLocalPlatform(mkdtempSync(join(tmpdir(), 'quotelab-bronze-evolve-')));
    // What the ETL wrote before: the bronze schema without trade_date, partitioned by day(ts) and side.
    const oldSchema = defineSchema(BRONZE_TICKS.schema.fields.filter((f) => f.name !== 'trade_date'));
    const oldSpec = definePartitionSpec(oldSchema, [
      { column: 'ts', transform: 'day' },
      { column: 'side', transform: 'identity' },
    ]);
    const old = await IcebergTable.createIfAbsent(platform.lake, BRONZE(platform), {
      schema: oldSchema,
      spec: oldSpec,
    });
    const source = { key: `incoming/${PUTS}`, sha256: '0'.repeat(64), ingestMs: Date.UTC(2025, 11, 1, 8) };
    const { ticks } = await readKrxXmlAll(createReadStream(join(REAL, PUTS)), { srcFile: source.key });
    oldRows = ticks.map((tick) => {
      const { trade_date: _dropped, ...row } = bronzeTickRow(tick, source);
      return row;
    });
    before = (await old.append(oldRows, { sourceKey: source.key }))!;
    // The old layout split the session: 08:45–09:00 KST went to the previous UTC day.
    expect(new Set((await files(old)).map((f) => f.partition.ts_day))).toEqual(
      new Set([TRADE_DATE - 1, TRADE_DATE]),
    );

    await ingest(platform, CALLS); // the current ETL: evolves the table, then writes
    afterCalls = (await IcebergTable.load(platform.lake, BRONZE(platform))).currentSnapshot()!;
  }, 120_000);
  afterAll(() => platform?.close());

  it('adds spec 1 (trade_date, side) as the default, keeping spec 0 and its partition field ids', async () => {
    const { metadata } = await IcebergTable.load(platform.lake, BRONZE(platform));
    expect(metadata['partition-specs']).toEqual([
      {
        'spec-id': 0,
        fields: [
          { 'source-id': 12, 'field-id': 1000, name: 'ts_day', transform: 'day' },
          { 'source-id': 5, 'field-id': 1001, name: 'side', transform: 'identity' },
        ],
      },
      {
        'spec-id': 1,
        fields: [
          { 'source-id': 21, 'field-id': 1002, name: 'trade_date', transform: 'identity' },
          { 'source-id': 5, 'field-id': 1001, name: 'side', transform: 'identity' },
        ],
      },
    ]);
    expect(metadata['default-spec-id']).toBe(1);
    expect(metadata['last-partition-id']).toBe(1002);
    expect(metadata.schemas.map((s) => s['schema-id'])).toEqual([0, 1]);
    expect(metadata['current-schema-id']).toBe(1);
    expect(metadata['last-column-id']).toBe(21);
    expect(metadata.schemas[1]!.fields.at(-1)).toMatchObject({ id: 21, name: 'trade_date', required: false });
    expect(before['schema-id']).toBe(0);
    expect(afterCalls['schema-id']).toBe(1);
  });

  it('keeps the old files on spec 0 and writes the new ones on spec 1, one trade date for the session', async () => {
    const table = await IcebergTable.load(platform.lake, BRONZE(platform));
    const live = await files(table);
    expect(new Set(live.filter((f) => f.partition.side === 'PUT').map((f) => f.specId))).toEqual(
      new Set([0]),
    );
    expect(live.filter((f) => f.partition.side === 'CALL')).toEqual([
      { specId: 1, partition: { trade_date: TRADE_DATE, side: 'CALL' } },
    ]);
    // Old rows read with the column they predate as null; DuckDB reads the files by field id as well.
    expect(await scalar(platform, 'SELECT count(*) FROM bronze_ticks')).toBe(1798 + 1549);
    expect(await scalar(platform, 'SELECT count(trade_date) FROM bronze_ticks')).toBe(1549);
  });

  it('still reads the old snapshot exactly as it was written (schema 0, spec 0)', async () => {
    const table = await IcebergTable.load(platform.lake, BRONZE(platform));
    const plan = await table.plan({ snapshotId: before['snapshot-id'] });
    expect(plan.schema.fields.map((f) => f.name)).not.toContain('trade_date');
    const rows = await table.read({ snapshotId: before['snapshot-id'] });
    expect(rows).toHaveLength(oldRows.length);
    expect(Object.keys(rows[0]!).sort()).toEqual(Object.keys(oldRows[0]!).sort());
    const key = (row: Row) => `${String(row.src_row)}|${String(row.ts)}|${String(row.c)}`;
    expect(rows.map(key).sort()).toEqual(oldRows.map(key).sort());
  });

  it('moves a re-ingested old source to the new layout, and the earlier snapshots stay readable', async () => {
    await ingest(platform, PUTS); // replaces the rows of the source the old ETL wrote
    const table = await IcebergTable.load(platform.lake, BRONZE(platform));
    expect(await files(table)).toEqual(
      expect.arrayContaining([
        { specId: 1, partition: { trade_date: TRADE_DATE, side: 'CALL' } },
        { specId: 1, partition: { trade_date: TRADE_DATE, side: 'PUT' } },
      ]),
    );
    expect((await files(table)).every((f) => f.specId === 1)).toBe(true);
    expect(await scalar(platform, 'SELECT count(trade_date) FROM bronze_ticks')).toBe(1798 + 1549);
    expect(await table.read({ snapshotId: before['snapshot-id'] })).toHaveLength(1798);
    expect(await table.read({ snapshotId: afterCalls['snapshot-id'] })).toHaveLength(1798 + 1549);
    const { hint, metadata } = await hinted(platform, table);
    expect(Number(hint)).toBe(metadataVersionOf(table.metadataLocation));
    expect(parseMetadata(metadata)['current-snapshot-id']).toBe(table.currentSnapshot()!['snapshot-id']);
  });
});

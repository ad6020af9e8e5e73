/**
 * The local lake's tables as DuckDB views: a query plans only the tables it mentions, once per snapshot;
 * a commit is seen by the next query; an evolved table is read by field id. On real KRX files.
 */
import { createReadStream, readFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openLocalPlatform } from '../../../src/adapters/local/local-platform.ts';
import { bronzeTickRow } from '../../../src/core/lake/etl/rows.ts';
import { IcebergTable, definePartitionSpec, defineSchema } from '../../../src/core/lake/iceberg/index.ts';
import { BRONZE_TICKS } from '../../../src/core/lake/tables.ts';
import { readKrxXmlAll } from '../../../src/core/xml/krx-xml-reader.ts';
import type { Platform } from '../../../src/core/platform.ts';
import { ingestKeys } from '../../../src/usecases/ingest-keys.ts';
import { HEAVY_HOOK_TIMEOUT_MS, HEAVY_TEST_TIMEOUT_MS } from '../../support/timeouts.ts';

const FILE = '202601_20251201_TICK_CALL.xml';
const PUTS = '202601_20251201_TICK_PUT.xml';
const DAY = fileURLToPath(new URL('../../../data/krx-options-20251201/', import.meta.url));
const xml = readFileSync(join(DAY, FILE));

let platform: Platform;
beforeAll(async () => {
  platform = openLocalPlatform(mkdtempSync(join(tmpdir(), 'quotelab-views-')));
  await platform.data.put(`incoming/${FILE}`, xml, { contentType: 'application/xml' });
  const [handled] = await ingestKeys(platform, [`incoming/${FILE}`]);
  expect(handled!.error).toBeUndefined();
}, HEAVY_HOOK_TIMEOUT_MS);
afterAll(() => platform.close());

describe('LakeViews', () => {
  it(
    'plans the tables a query mentions, once per snapshot, and follows a new commit',
    async () => {
      const plan = vi.spyOn(IcebergTable.prototype, 'plan');
      try {
        const count = async (table: string) =>
          (await platform.query.query(`SELECT count(*) FROM ${table}`)).rows[0]![0];
        const silver = Number(await count('silver_ticks'));
        expect(silver).toBeGreaterThan(0);
        expect(plan).toHaveBeenCalledTimes(1); // silver only, not the lake's other tables
        expect(Number(await count('silver_ticks'))).toBe(silver);
        expect(plan).toHaveBeenCalledTimes(1); // same snapshot: no new plan
        await count('bronze_ticks');
        expect(plan).toHaveBeenCalledTimes(2);
        // The same file changed (one tick fewer) replaces its rows in a new snapshot: the next query sees it.
        const text = xml.toString('utf8');
        const tag = '<_x0032_02601_20251201_TICK_CALL>';
        const closing = '</_x0032_02601_20251201_TICK_CALL>';
        const lastRow = text.lastIndexOf(tag);
        const end = text.indexOf(closing, lastRow) + closing.length;
        await platform.data.put(`incoming/${FILE}`, text.slice(0, lastRow) + text.slice(end), {
          contentType: 'application/xml',
        });
        const [again] = await ingestKeys(platform, [`incoming/${FILE}`]);
        expect(again!.error).toBeUndefined();
        expect(Number(await count('silver_ticks'))).toBe(silver - 1);
      } finally {
        plan.mockRestore();
      }
    },
    HEAVY_TEST_TIMEOUT_MS,
  );
});

describe('LakeViews on an evolved table', () => {
  it(
    'reads files by field id once the schema changed: old files give null for the column they lack',
    async () => {
      const evolved = openLocalPlatform(mkdtempSync(join(tmpdir(), 'quotelab-views-evolved-')));
      try {
        const identifier = { namespace: evolved.namespace, name: 'bronze_ticks' };
        // The old ETL's bronze: no trade_date column; the real PUT file.
        const oldSchema = defineSchema(BRONZE_TICKS.schema.fields.filter((f) => f.name !== 'trade_date'));
        const old = await IcebergTable.createIfAbsent(evolved.lake, identifier, {
          schema: oldSchema,
          spec: definePartitionSpec(oldSchema, [{ column: 'side', transform: 'identity' }]),
        });
        const source = {
          key: `incoming/${PUTS}`,
          sha256: '0'.repeat(64),
          ingestMs: Date.UTC(2025, 11, 1, 8),
        };
        const { ticks } = await readKrxXmlAll(createReadStream(join(DAY, PUTS)), { srcFile: source.key });
        await old.append(
          ticks.map((tick) => {
            const { trade_date: _new, ...row } = bronzeTickRow(tick, source);
            return row;
          }),
          { sourceKey: source.key },
        );
        // The current ETL evolves it (adds trade_date) and writes the CALL file.
        await evolved.data.put(`incoming/${FILE}`, xml, { contentType: 'application/xml' });
        const [handled] = await ingestKeys(evolved, [`incoming/${FILE}`]);
        expect(handled!.error).toBeUndefined();
        const [rows, withDate] = (
          await evolved.query.query('SELECT count(*), count(trade_date) FROM bronze_ticks')
        ).rows[0] as number[];
        const calls = (await readKrxXmlAll(createReadStream(join(DAY, FILE)), { srcFile: FILE })).ticks
          .length;
        expect([rows, withDate]).toEqual([ticks.length + calls, calls]);
      } finally {
        await evolved.close();
      }
    },
    HEAVY_TEST_TIMEOUT_MS,
  );
});

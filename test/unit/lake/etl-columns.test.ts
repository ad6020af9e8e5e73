import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  bronzeTickAppender,
  silverTickAppender,
  tickBatch,
  tickPartitionKey,
} from '../../../src/core/lake/etl/columns.ts';
import { bronzeTickRow, silverTickRow } from '../../../src/core/lake/etl/rows.ts';
import { rowsToColumns } from '../../../src/core/lake/iceberg/data-writer.ts';
import { typedLength, typedValueAt } from '../../../src/core/lake/iceberg/typed-columns.ts';
import type { TypedColumn } from '../../../src/core/lake/iceberg/typed-columns.ts';
import { BRONZE_TICKS, SILVER_TICKS } from '../../../src/core/lake/tables.ts';
import type { LakeTable } from '../../../src/core/lake/tables.ts';
import { applyTransform, definePartitionSpec } from '../../../src/core/lake/iceberg/partition.ts';
import type { Row } from '../../../src/core/lake/iceberg/index.ts';
import { readKrxXmlAll } from '../../../src/core/xml/krx-xml-reader.ts';
import type { TickRow } from '../../../src/core/xml/krx-rows.ts';

const PUTS = fileURLToPath(
  new URL('../../../data/krx-options-20251201/202601_20251201_TICK_PUT.xml', import.meta.url),
);
/** Typed columns back as canonical values, to compare with the row mappers' columns. */
function canonicalColumns(columns: TypedColumn[]) {
  return columns.map((column) =>
    Array.from({ length: typedLength(column) }, (_, i) => typedValueAt(column, i)),
  );
}

const source = {
  key: 'incoming/202601_20251201_TICK_PUT.xml',
  sha256: 'f'.repeat(64),
  ingestMs: Date.UTC(2025, 11, 1, 8),
};

describe('the ETL’s column builders', () => {
  let ticks: TickRow[];
  beforeAll(async () => {
    ticks = (await readKrxXmlAll(createReadStream(PUTS), { srcFile: source.key })).ticks;
  });

  it('build exactly the bronze columns the row mappers give (real PUT file)', () => {
    const batch = tickBatch(BRONZE_TICKS);
    const append = bronzeTickAppender(batch, source);
    for (const tick of ticks) append(tick);
    expect(canonicalColumns(batch.finish())).toStrictEqual(
      rowsToColumns(
        BRONZE_TICKS.schema,
        ticks.map((t) => bronzeTickRow(t, source)),
      ),
    );
  });

  it('build exactly the silver columns the row mappers give, decoding .5 strikes', () => {
    const batch = tickBatch(SILVER_TICKS);
    const append = silverTickAppender(batch, source);
    for (const tick of ticks) append(tick);
    const columns = canonicalColumns(batch.finish());
    expect(columns).toStrictEqual(
      rowsToColumns(
        SILVER_TICKS.schema,
        ticks.map((t) => silverTickRow(t, source)),
      ),
    );
    expect(columns[SILVER_TICKS.schema.fields.findIndex((f) => f.name === 'strike')]).toContain(547.5);
  });
});

describe('tickPartitionKey', () => {
  let ticks: TickRow[];
  beforeAll(async () => {
    const real = (await readKrxXmlAll(createReadStream(PUTS), { srcFile: source.key })).ticks;
    // The real ticks, and copies moved across UTC and KST midnights, on both sides.
    ticks = real.flatMap((tick, i) => [
      tick,
      { ...tick, ts: tick.ts + ((i % 7) - 3) * 5 * 3_600_000, side: i % 2 ? 'CALL' : 'PUT' },
    ]);
  });

  /** The Iceberg partition tuple of a tick's row, as the writer computes it from the spec. */
  const partitionOf = (table: LakeTable, row: Row) =>
    JSON.stringify(
      table.spec.fields.map((field) => {
        const column = table.schema.fields.find((f) => f.id === field['source-id'])!;
        const value = row[column.name];
        // The row mappers give instants as microseconds in a number; Iceberg's canonical value is a bigint.
        const canonical = column.type.startsWith('timestamp') ? BigInt(value as number) : value;
        return String(applyTransform(field.transform, column.type, canonical as never));
      }),
    );

  const oldBronze: LakeTable = {
    ...BRONZE_TICKS,
    spec: definePartitionSpec(BRONZE_TICKS.schema, [
      { column: 'ts', transform: 'day' },
      { column: 'side', transform: 'identity' },
    ]),
  };

  for (const [table, toRow] of [
    [BRONZE_TICKS, bronzeTickRow],
    [SILVER_TICKS, silverTickRow],
    [oldBronze, bronzeTickRow],
  ] as const) {
    it(`groups ticks exactly as ${table.name}'s spec (${table.spec.fields.map((f) => `${f.transform}(${f.name})`).join(', ')}) partitions their rows`, () => {
      const keyOf = tickPartitionKey(table);
      const partitionByKey = new Map<number, string>();
      const keyByPartition = new Map<string, number>();
      for (const tick of ticks) {
        const key = keyOf(tick);
        const partition = partitionOf(table, toRow(tick, source));
        expect(partitionByKey.get(key) ?? partition).toBe(partition);
        expect(keyByPartition.get(partition) ?? key).toBe(key);
        partitionByKey.set(key, partition);
        keyByPartition.set(partition, key);
      }
      expect(keyByPartition.size).toBeGreaterThanOrEqual(4); // days and sides apart
    });
  }

  it('refuses a spec on a column a tick does not give', () => {
    const byStrike: LakeTable = {
      ...BRONZE_TICKS,
      spec: definePartitionSpec(BRONZE_TICKS.schema, [{ column: 'strike', transform: 'identity' }]),
    };
    expect(() => tickPartitionKey(byStrike)).toThrow(/bronze_ticks is partitioned by strike/);
  });
});

import { createReadStream } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { bronzeTickAppender, silverTickAppender, tickBatch } from '../../../src/core/lake/etl/columns.ts';
import { bronzeTickRow, silverTickRow } from '../../../src/core/lake/etl/rows.ts';
import { rowsToColumns } from '../../../src/core/lake/iceberg/data-writer.ts';
import { typedLength, typedValueAt } from '../../../src/core/lake/iceberg/typed-columns.ts';
import type { TypedColumn } from '../../../src/core/lake/iceberg/typed-columns.ts';
import { BRONZE_TICKS, SILVER_TICKS } from '../../../src/core/lake/tables.ts';
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

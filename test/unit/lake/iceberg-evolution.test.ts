import { describe, expect, it } from 'vitest';
import {
  IcebergTable,
  VERSION_HINT_FILE,
  definePartitionSpec,
  defineSchema,
  keyOf,
  parseMetadata,
} from '../../../src/core/lake/iceberg/index.ts';
import type { Lake } from '../../../src/core/lake/iceberg/index.ts';
import { publishVersionHint } from '../../../src/core/lake/iceberg/version-hint.ts';
import { getText } from '../../../src/core/ports/object-store.ts';
import { TICKS, openLocalLake, sortRows, tickRows, tickSchema, tickSpec } from './fixtures.ts';

/** The ticks table with a new optional column and the trade date in place of day(ts). */
const evolvedSchema = defineSchema([
  ...tickSchema.fields,
  { id: 10, name: 'venue', type: 'string', doc: 'added later' },
]);
const evolvedSpec = definePartitionSpec(evolvedSchema, [
  { column: 'trade_date', transform: 'identity' },
  { column: 'side', transform: 'identity' },
]);

const hintOf = (lake: Lake, table: IcebergTable) =>
  getText(lake.store, `${keyOf(lake, table.metadata.location)}/metadata/${VERSION_HINT_FILE}`);

describe('schema and partition evolution of an existing table', () => {
  it('adds the new column and spec in one metadata-only commit, and does nothing the second time', async () => {
    const lake = openLocalLake();
    const table = await IcebergTable.createIfAbsent(lake, TICKS, { schema: tickSchema, spec: tickSpec });
    const old = (await table.append(tickRows('a.xml', 200, ['2024-08-08', '2024-08-09'], 1)))!;
    const before = table.metadataLocation;

    await table.evolve({ schema: evolvedSchema, spec: evolvedSpec });
    expect(table.metadataLocation).not.toBe(before);
    expect(table.snapshots()).toHaveLength(1); // no new snapshot
    expect(table.metadata['default-spec-id']).toBe(1);
    expect(table.spec.fields.map((f) => [f.name, f['field-id']])).toEqual([
      ['trade_date', 1002],
      ['side', 1001], // the same field as in spec 0, so the same id
    ]);
    expect(table.schema['schema-id']).toBe(1);
    expect(table.schema.fields.at(-1)!.name).toBe('venue');

    const evolved = table.metadataLocation;
    await table.evolve({ schema: evolvedSchema, spec: evolvedSpec });
    expect(table.metadataLocation).toBe(evolved);

    // New files use spec 1; the old ones and the old snapshot keep spec 0 and read as before.
    const rows = tickRows('b.xml', 100, ['2024-08-12'], 2).map((row) => ({ ...row, venue: 'KRX' }));
    await table.append(rows);
    const specs = (await table.plan()).files.map((f) => f.file.specId);
    expect(specs.filter((id) => id === 0)).toHaveLength(4);
    expect(specs.filter((id) => id === 1)).toHaveLength(2);
    const current = await table.read({ columns: ['venue'] });
    expect(current.filter((row) => row.venue === null)).toHaveLength(200);
    expect(sortRows(await table.read({ snapshotId: old['snapshot-id'] }))).toEqual(
      sortRows(tickRows('a.xml', 200, ['2024-08-08', '2024-08-09'], 1)),
    );
  });

  it('refuses a required new column (old files have no values) and a changed column type', async () => {
    const lake = openLocalLake();
    const table = await IcebergTable.createIfAbsent(lake, TICKS, { schema: tickSchema, spec: tickSpec });
    const required = defineSchema([
      ...tickSchema.fields,
      { id: 10, name: 'venue', type: 'string', required: true },
    ]);
    await expect(table.evolve({ schema: required, spec: tickSpec })).rejects.toThrow(
      /venue cannot be added as required/,
    );
    const retyped = defineSchema(
      tickSchema.fields.map((f) => (f.name === 'price' ? { ...f, type: 'float' as const } : f)),
    );
    await expect(table.evolve({ schema: retyped, spec: tickSpec })).rejects.toThrow(/type changes/);
    expect(table.metadata.schemas).toHaveLength(1);
  });
});

describe('metadata/version-hint.text', () => {
  it('holds the current version from the create on, and never moves backwards', async () => {
    const lake = openLocalLake();
    const table = await IcebergTable.createIfAbsent(lake, TICKS, { schema: tickSchema, spec: tickSpec });
    expect(await hintOf(lake, table)).toBe('0');
    await table.append(tickRows('a.xml', 10, ['2024-08-08'], 1));
    await table.append(tickRows('b.xml', 10, ['2024-08-08'], 2));
    expect(await hintOf(lake, table)).toBe('2');
    const v2 = await getText(lake.store, `${keyOf(lake, table.metadata.location)}/metadata/v2.metadata.json`);
    expect(v2).toBe(await getText(lake.store, keyOf(lake, table.metadataLocation)));

    // A slow writer of an older version publishing last leaves the hint where it is.
    const first = table.metadata['metadata-log'][0]!['metadata-file'];
    const firstMetadata = parseMetadata(await getText(lake.store, keyOf(lake, first)));
    expect(await publishVersionHint(lake, firstMetadata, first)).toBe(true);
    expect(await hintOf(lake, table)).toBe('2');
  });
});

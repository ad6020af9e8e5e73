import avsc from 'avsc';
import { describe, expect, it } from 'vitest';
import { readAvroFile, writeAvroFile } from '../../../src/core/lake/iceberg/avro.ts';
import { EntryStatus } from '../../../src/core/lake/iceberg/data-file.ts';
import type { DataFile, ManifestEntry } from '../../../src/core/lake/iceberg/data-file.ts';
import {
  decodeManifest,
  decodeManifestList,
  encodeManifest,
  encodeManifestList,
  summarizeManifest,
} from '../../../src/core/lake/iceberg/manifest.ts';
import { columnMetrics } from '../../../src/core/lake/iceberg/metrics.ts';
import {
  metadataVersionOf,
  newTableMetadata,
  parseMetadata,
  randomSnapshotId,
  serializeMetadata,
} from '../../../src/core/lake/iceberg/metadata.ts';
import { applyTransform, partitionPath } from '../../../src/core/lake/iceberg/partition.ts';
import { projectFilter, bindFilter, rangeMightMatch } from '../../../src/core/lake/iceberg/predicate.ts';
import {
  compareValues,
  daysFromIsoDate,
  deserializeValue,
  serializeValue,
  toCanonical,
} from '../../../src/core/lake/iceberg/types.ts';
import { tickSchema, tickSpec } from './fixtures.ts';

const MAX_ID = 2n ** 63n - 1n; // the largest snapshot id: 9223372036854775807
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');

describe('Iceberg single-value serialization', () => {
  it('is little-endian for numbers and UTF-8 for strings, and round-trips', () => {
    expect(hex(serializeValue('int', 1))).toBe('01000000');
    expect(hex(serializeValue('date', -1))).toBe('ffffffff');
    expect(hex(serializeValue('long', 1n))).toBe('0100000000000000');
    expect(hex(serializeValue('timestamptz', MAX_ID))).toBe('ffffffffffffff7f');
    expect(hex(serializeValue('double', 1))).toBe('000000000000f03f');
    expect(hex(serializeValue('float', 1))).toBe('0000803f');
    expect(hex(serializeValue('string', 'é'))).toBe('c3a9');
    expect(hex(serializeValue('boolean', true))).toBe('01');
    const samples = [
      ['int', -123456],
      ['long', -(2n ** 63n)],
      ['timestamp', 1_723_075_200_123_456n],
      ['double', -0.1],
      ['string', '201V8330 옵션'],
      ['date', 19943],
      ['boolean', false],
    ] as const;
    for (const [type, value] of samples)
      expect(deserializeValue(type, serializeValue(type, value))).toEqual(value);
  });

  it('checks values against their types, accepting safe-integer numbers for longs', () => {
    expect(toCanonical('long', 5, 'x')).toBe(5n);
    expect(toCanonical('timestamptz', 1_723_075_200_000_000, 'x')).toBe(1_723_075_200_000_000n);
    expect(() => toCanonical('int', 2 ** 31, 'row 3, column contracts')).toThrow(/row 3, column contracts/);
    expect(() => toCanonical('long', 2 ** 60, 'x')).toThrow(TypeError); // not exactly representable
    expect(() => toCanonical('long', 2n ** 63n, 'x')).toThrow(TypeError);
    expect(() => toCanonical('string', 5, 'x')).toThrow(TypeError);
    expect(() => toCanonical('date', 1.5, 'x')).toThrow(TypeError);
  });

  it('orders strings by code point (UTF-8 byte order), not UTF-16 code unit', () => {
    // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts before U+1F600 (F0 9F 98 80), though its code unit is larger.
    expect('\uff5e' < '\u{1f600}').toBe(false);
    expect(compareValues('string', '\uff5e', '\u{1f600}')).toBeLessThan(0);
    expect(Buffer.compare(Buffer.from('\uff5e'), Buffer.from('\u{1f600}'))).toBeLessThan(0);
    expect(compareValues('string', 'ab', 'abc')).toBeLessThan(0);
  });
});

describe('partition transforms and filter projection', () => {
  it('maps timestamps to days since the epoch, flooring before 1970', () => {
    const day = 86_400_000_000n;
    expect(applyTransform('day', 'timestamptz', 0n)).toBe(0);
    expect(applyTransform('day', 'timestamptz', day - 1n)).toBe(0);
    expect(applyTransform('day', 'timestamptz', -1n)).toBe(-1);
    expect(applyTransform('day', 'timestamp', BigInt(daysFromIsoDate('2024-08-08')) * day + 5n)).toBe(19943);
    expect(applyTransform('day', 'date', 19943)).toBe(19943);
    expect(partitionPath(tickSpec, tickSchema, { ts_day: 19943, side: 'B' })).toBe(
      'ts_day=2024-08-08/side=B',
    );
    expect(partitionPath(tickSpec, tickSchema, { ts_day: null, side: 'a/b' })).toBe('ts_day=null/side=a%2Fb');
  });

  it('projects strict comparisons onto day() exactly at day boundaries', () => {
    const midnight = BigInt(daysFromIsoDate('2024-08-09')) * 86_400_000_000n;
    const project = (op: '<' | '<=' | '>' | '>=' | '=', value: bigint) =>
      projectFilter(tickSchema, tickSpec, bindFilter(tickSchema, [{ column: 'ts', op, value }])).map((p) => [
        p.op,
        p.value,
      ]);
    expect(project('<', midnight)).toEqual([['<=', 19943]]);
    expect(project('<=', midnight)).toEqual([['<=', 19944]]);
    expect(project('>', midnight - 1n)).toEqual([['>=', 19944]]);
    expect(project('>=', midnight)).toEqual([['>=', 19944]]);
    expect(project('=', midnight + 5n)).toEqual([['=', 19944]]);
  });

  it('decides from bounds whether a range might hold a match', () => {
    expect(rangeMightMatch('int', '=', 5, 1, 9)).toBe(true);
    expect(rangeMightMatch('int', '=', 10, 1, 9)).toBe(false);
    expect(rangeMightMatch('int', '<', 1, 1, 9)).toBe(false);
    expect(rangeMightMatch('int', '<=', 1, 1, 9)).toBe(true);
    expect(rangeMightMatch('int', '>', 9, 1, 9)).toBe(false);
    expect(rangeMightMatch('int', '>=', 9, 1, 9)).toBe(true);
    expect(rangeMightMatch('int', '>', 100, undefined, undefined)).toBe(true);
  });
});

describe('column metrics', () => {
  it('counts values, nulls and NaNs, and keeps NaN and null out of the bounds', () => {
    expect(columnMetrics('double', [3, null, Number.NaN, -2, 7.5])).toEqual({
      valueCount: 5,
      nullCount: 1,
      nanCount: 1,
      lower: -2,
      upper: 7.5,
    });
    expect(columnMetrics('string', ['b', 'a', null])).toEqual({
      valueCount: 3,
      nullCount: 1,
      lower: 'a',
      upper: 'b',
    });
    expect(columnMetrics('long', [null, null])).toEqual({ valueCount: 2, nullCount: 2 });
  });
});

describe('table metadata JSON', () => {
  it('keeps 63-bit snapshot ids exact, written as plain digits', () => {
    const metadata = newTableMetadata({
      location: 'file:///t',
      schema: tickSchema,
      spec: tickSpec,
      nowMs: 1,
    });
    const snapshot = {
      'snapshot-id': MAX_ID,
      'parent-snapshot-id': MAX_ID - 1n,
      'sequence-number': 1,
      'timestamp-ms': 2,
      'manifest-list': 'file:///t/metadata/snap.avro',
      summary: { operation: 'append' as const },
      'schema-id': 0,
    };
    metadata.snapshots.push(snapshot);
    metadata['current-snapshot-id'] = MAX_ID;
    metadata.refs.main = { 'snapshot-id': MAX_ID, type: 'branch' };
    metadata['snapshot-log'].push({ 'timestamp-ms': 2, 'snapshot-id': MAX_ID });
    const text = serializeMetadata(metadata);
    expect(text).toContain('"current-snapshot-id":9223372036854775807');
    expect(text).toContain('"parent-snapshot-id":9223372036854775806');
    expect(text).not.toContain('9223372036854775808'); // what a JS number would have printed
    const parsed = parseMetadata(text);
    expect(parsed['current-snapshot-id']).toBe(MAX_ID);
    expect(parsed.snapshots[0]!['parent-snapshot-id']).toBe(MAX_ID - 1n);
    expect(parsed.refs.main!['snapshot-id']).toBe(MAX_ID);
    expect(parsed['snapshot-log'][0]!['snapshot-id']).toBe(MAX_ID);
    expect(parsed).toEqual(metadata);
  });

  it('writes an empty table with current-snapshot-id -1, the v2 fields, and reads it back', () => {
    const metadata = newTableMetadata({
      location: 'file:///t/',
      schema: tickSchema,
      spec: tickSpec,
      nowMs: 5,
    });
    const json = JSON.parse(serializeMetadata(metadata)) as Record<string, unknown>;
    expect(json).toMatchObject({
      'format-version': 2,
      location: 'file:///t',
      'last-sequence-number': 0,
      'last-column-id': 9,
      'last-partition-id': 1001,
      'current-snapshot-id': -1,
      'default-sort-order-id': 0,
      'sort-orders': [{ 'order-id': 0, fields: [] }],
    });
    expect(parseMetadata(serializeMetadata(metadata))['current-snapshot-id']).toBeNull();
    expect(metadataVersionOf('file:///t/metadata/00012-0b4f.metadata.json')).toBe(12);
  });

  it('draws positive 63-bit snapshot ids', () => {
    const ids = Array.from({ length: 200 }, randomSnapshotId);
    expect(ids.every((id) => id > 0n && id <= MAX_ID)).toBe(true);
    expect(ids.some((id) => id > 2n ** 53n)).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

function sampleFile(path: string, partition: DataFile['partition']): DataFile {
  return {
    path,
    format: 'PARQUET',
    specId: 0,
    partition,
    recordCount: 10,
    fileSizeInBytes: 1234,
    columnSizes: { 1: 100 },
    valueCounts: { 1: 10, 5: 10 },
    nullValueCounts: { 1: 0, 5: 2 },
    nanValueCounts: { 5: 0 },
    lowerBounds: { 5: serializeValue('double', 1.5) },
    upperBounds: { 5: serializeValue('double', 9.5) },
    splitOffsets: [4],
  };
}

/** Every field-id and element-id in an Avro schema JSON, depth first. */
function idsIn(schema: unknown, key: 'field-id' | 'element-id'): number[] {
  if (Array.isArray(schema)) return schema.flatMap((s) => idsIn(s, key));
  if (schema && typeof schema === 'object') {
    const own = key in schema ? [(schema as Record<string, number>)[key]!] : [];
    return [...own, ...Object.values(schema).flatMap((v) => idsIn(v, key))];
  }
  return [];
}

describe('Avro manifests and manifest lists', () => {
  const entries: ManifestEntry[] = [
    {
      status: EntryStatus.ADDED,
      snapshotId: MAX_ID,
      sequenceNumber: null,
      fileSequenceNumber: null,
      dataFile: sampleFile('file:///t/data/a.parquet', { ts_day: 19943, side: 'B' }),
    },
    {
      status: EntryStatus.EXISTING,
      snapshotId: 42n,
      sequenceNumber: 3,
      fileSequenceNumber: 3,
      dataFile: sampleFile('file:///t/data/b.parquet', { ts_day: 19945, side: null }),
    },
  ];

  it('keeps field-id and element-id in the file header, as avsc itself reads it back', () => {
    const bytes = encodeManifest(tickSchema, tickSpec, entries);
    // avsc's own header reader (not ours) sees the raw schema, ids intact.
    const header = avsc.Type.forSchema({
      type: 'record',
      name: 'Header',
      fields: [
        { name: 'magic', type: { type: 'fixed', name: 'Magic', size: 4 } },
        { name: 'meta', type: { type: 'map', values: 'bytes' } },
        { name: 'sync', type: { type: 'fixed', name: 'Sync', size: 16 } },
      ],
    }).decode(Buffer.from(bytes), 0).value as { meta: Record<string, Buffer> };
    const schema = JSON.parse(header.meta['avro.schema']!.toString()) as unknown;
    expect(idsIn(schema, 'field-id').sort((a, b) => a - b)).toEqual(
      [
        0, 1, 2, 3, 4, 100, 101, 102, 103, 104, 108, 109, 110, 117, 118, 119, 120, 121, 122, 125, 126, 127,
        128, 129, 130, 131, 132, 134, 135, 137, 138, 139, 140, 1000, 1001,
      ].sort((a, b) => a - b),
    );
    expect(idsIn(schema, 'element-id').sort()).toEqual([133, 136]);
    const meta = Object.fromEntries(Object.entries(header.meta).map(([k, v]) => [k, v.toString()]));
    expect(meta).toMatchObject({
      'format-version': '2',
      content: 'data',
      'schema-id': '0',
      'partition-spec-id': '0',
      'avro.codec': 'deflate',
    });
    expect(JSON.parse(meta.schema!)).toEqual(tickSchema);
    expect(JSON.parse(meta['partition-spec']!)).toEqual(tickSpec.fields);

    const list = encodeManifestList({ snapshotId: MAX_ID, parentSnapshotId: null, sequenceNumber: 1 }, []);
    const listSchema = readAvroFile(list).schema;
    expect(idsIn(listSchema, 'field-id')).toEqual(
      expect.arrayContaining([500, 501, 502, 503, 507, 509, 510, 511, 517, 518, 519]),
    );
    expect(idsIn(listSchema, 'element-id')).toEqual([508]);
  });

  it('round-trips entries, with 63-bit snapshot ids exact', () => {
    const decoded = decodeManifest(encodeManifest(tickSchema, tickSpec, entries));
    expect(decoded.entries).toEqual(entries);
    expect(decoded.entries[0]!.snapshotId).toBe(MAX_ID);
  });

  it('summarizes partitions and assigns the snapshot sequence number in the list', () => {
    const summary = summarizeManifest(tickSchema, tickSpec, entries, {
      path: 'file:///t/m.avro',
      length: 99,
      addedSnapshotId: MAX_ID,
    });
    expect(summary).toMatchObject({
      addedFilesCount: 1,
      existingFilesCount: 1,
      addedRowsCount: 10,
      minSequenceNumber: 3,
    });
    expect(summary.partitions[0]).toEqual({
      containsNull: false,
      containsNan: false,
      lowerBound: serializeValue('date', 19943),
      upperBound: serializeValue('date', 19945),
    });
    expect(summary.partitions[1]!.containsNull).toBe(true);

    const bytes = encodeManifestList(
      { snapshotId: MAX_ID, parentSnapshotId: MAX_ID - 7n, sequenceNumber: 4 },
      [summary],
    );
    const [listed] = decodeManifestList(bytes);
    expect(listed).toEqual({ ...summary, sequenceNumber: 4 });
    expect(listed!.addedSnapshotId).toBe(MAX_ID);
    expect(readAvroFile(bytes).metadata).toEqual({
      'snapshot-id': '9223372036854775807',
      'parent-snapshot-id': '9223372036854775800',
      'sequence-number': '4',
      'format-version': '2',
    });
  });

  it('rejects corrupt files', () => {
    const bytes = writeAvroFile('long', [1n, 2n, MAX_ID]);
    expect(readAvroFile(bytes).records).toEqual([1n, 2n, MAX_ID]);
    const corrupt = bytes.slice();
    corrupt[corrupt.length - 1]! ^= 0xff; // the block's sync marker
    expect(() => readAvroFile(corrupt)).toThrow(/sync marker/);
    expect(() => readAvroFile(new TextEncoder().encode('PAR1 not avro'))).toThrow(/not an Avro file/);
  });
});

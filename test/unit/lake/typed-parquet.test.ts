import { describe, expect, it } from 'vitest';
import { columnMetrics } from '../../../src/core/lake/iceberg/metrics.ts';
import { readParquetRows } from '../../../src/core/lake/iceberg/parquet-reader.ts';
import { writeParquet } from '../../../src/core/lake/iceberg/parquet-writer.ts';
import { defineSchema } from '../../../src/core/lake/iceberg/schema.ts';
import {
  DictionaryColumnBuilder,
  DoubleColumnBuilder,
  Int32ColumnBuilder,
  Int64ColumnBuilder,
  StringColumnBuilder,
  gatherTyped,
  typedFromCanonical,
  typedValueAt,
} from '../../../src/core/lake/iceberg/typed-columns.ts';
import type { TypedColumn } from '../../../src/core/lake/iceberg/typed-columns.ts';
import { rleBitPackedHybrid, writeTypedParquet } from '../../../src/core/lake/iceberg/typed-parquet.ts';
import { HEAVY_TEST_TIMEOUT_MS } from '../../support/timeouts.ts';

const schema = defineSchema([
  { id: 1, name: 'code', type: 'string', required: true },
  { id: 2, name: 'price', type: 'double', required: true },
  { id: 3, name: 'tcnt', type: 'int', required: true },
  { id: 4, name: 'ts', type: 'timestamptz', required: true },
  { id: 5, name: 'oi', type: 'long' },
  { id: 6, name: 'note', type: 'string' },
  { id: 7, name: 'day', type: 'date', required: true },
  { id: 8, name: 'strike', type: 'double', required: true },
  { id: 9, name: 'text', type: 'string' },
]);

/** Rows spanning several pages, negative and large longs, NaN, -0, non-ASCII and NULL strings. */
function sample(rows: number): TypedColumn[] {
  const code = new DictionaryColumnBuilder();
  const price = new DoubleColumnBuilder();
  const tcnt = new Int32ColumnBuilder();
  const ts = new Int64ColumnBuilder();
  const oi = new Int64ColumnBuilder();
  const note = new DictionaryColumnBuilder();
  const day = new Int32ColumnBuilder();
  const strike = new DictionaryColumnBuilder();
  const text = new StringColumnBuilder();
  for (let i = 0; i < rows; i++) {
    code.push(`C${String(Math.floor(i / 1000) % 37).padStart(3, '0')}`);
    price.push(i === 5 ? Number.NaN : i === 6 ? -0 : (i % 997) * 0.01 - 3);
    tcnt.push(i % 3 === 0 ? -i : i);
    ts.push(1_764_547_200_000_000 + i * 1_000_003);
    oi.push(i % 2 === 0 ? -(2 ** 52) + i : 2 ** 40 + i * 4_294_967_297);
    note.push(i % 11 === 0 ? null : i % 7 === 0 ? '한글 ✓' : `n${i % 300}`);
    day.push(20_423 + (i % 2));
    strike.push(300 + (i % 40) * 2.5);
    text.push(
      i % 13 === 0 ? null : i % 17 === 0 ? '' : i % 19 === 0 ? `시각 ${i} 😀` : `2025-12-01T09:${i % 60}`,
    );
  }
  return [code, price, tcnt, ts, oi, note, day, strike, text].map((builder) => builder.finish());
}

describe('typed Parquet encoder', { timeout: HEAVY_TEST_TIMEOUT_MS }, () => {
  it('writes files hyparquet reads back value for value, across pages, with exact metrics', async () => {
    const rows = 300_001; // three data pages, the last one short and not a multiple of 8
    const columns = sample(rows);
    const written = writeTypedParquet(schema, columns);
    const read = await readParquetRows(written.bytes, schema);
    expect(read).toHaveLength(rows);
    for (const i of [0, 1, 5, 6, 7, 11, 131_071, 131_072, 262_143, 262_144, rows - 1]) {
      schema.fields.forEach((field, c) => {
        const expected = typedValueAt(columns[c]!, i);
        expect(read[i]![field.name], `${field.name}[${i}]`).toStrictEqual(expected);
      });
    }
    // Every value of every column: metrics computed from the decoded values equal the encoder's.
    schema.fields.forEach((field, c) => {
      const decoded = read.map((row) => row[field.name] ?? null);
      expect(written.metrics[c], field.name).toStrictEqual(columnMetrics(field.type, decoded));
    });
  });

  it('hands columns over on finish and starts afresh: later pushes change neither the column nor its dictionary', () => {
    const values = (column: TypedColumn) => Array.from({ length: 3 }, (_, i) => typedValueAt(column, i));
    const builders = [
      new DictionaryColumnBuilder(),
      new DoubleColumnBuilder(),
      new Int32ColumnBuilder(),
      new Int64ColumnBuilder(),
      new StringColumnBuilder(),
    ];
    const first = [
      ['a', 'b', 'a'],
      [1.5, 2.5, 3.5],
      [1, 2, 3],
      [10, 20, 30],
      ['x', 'é', 'z'],
    ] as const;
    const second = [
      ['c', 'c', 'd'],
      [7.5, 8.5, 9.5],
      [7, 8, 9],
      [70, 80, 90],
      ['p', '', 'r'],
    ] as const;
    const fill = (rows: readonly (readonly (string | number)[])[]) =>
      builders.map((builder, b) => {
        for (const value of rows[b]!) (builder as { push(v: string | number): void }).push(value);
        return builder.finish();
      });
    const before = fill(first);
    const after = fill(second);
    builders.forEach((_, b) => {
      const expected = (rows: readonly (string | number)[]) => rows.map((v) => (b === 3 ? BigInt(v) : v)); // longs read back as bigints
      expect(values(before[b]!), `builder ${b}, first column`).toEqual(expected(first[b]!));
      expect(values(after[b]!), `builder ${b}, second column`).toEqual(expected(second[b]!));
    });
    expect(before[0]).toMatchObject({ dictionary: ['a', 'b'] });
    expect(after[0]).toMatchObject({ dictionary: ['c', 'd'] });
  });

  it('slices columns of every kind by row indexes, values and metrics following the rows', async () => {
    const columns = sample(5_000);
    const indexes = Int32Array.from({ length: 2_000 }, (_, i) => (i * 7919) % 5_000);
    const sliced = columns.map((column) => gatherTyped(column, indexes));
    const written = writeTypedParquet(schema, sliced);
    const read = await readParquetRows(written.bytes, schema);
    schema.fields.forEach((field, c) => {
      const expected = Array.from(indexes, (row) => typedValueAt(columns[c]!, row));
      expect(
        read.map((row) => row[field.name] ?? null),
        field.name,
      ).toStrictEqual(expected);
      expect(written.metrics[c], field.name).toStrictEqual(columnMetrics(field.type, expected));
    });
  });

  it('slices a dictionary column by row indexes with bounds of the referenced entries only', () => {
    const builder = new DictionaryColumnBuilder();
    for (const value of ['b', 'a', 'c', 'a']) builder.push(value);
    const sliced = gatherTyped(builder.finish(), Int32Array.of(0, 3));
    const written = writeTypedParquet(defineSchema([{ id: 1, name: 'x', type: 'string', required: true }]), [
      sliced,
    ]);
    expect(written.metrics[0]).toMatchObject({ valueCount: 2, nullCount: 0, lower: 'a', upper: 'b' });
  });

  it('ends with one footer length that is the size of the Thrift footer', async () => {
    const written = writeTypedParquet(schema, sample(10));
    const bytes = written.bytes;
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const footerLength = view.getUint32(bytes.length - 8, true);
    const { parquetMetadata } = await import('hyparquet');
    const buffer = bytes.slice().buffer;
    expect(parquetMetadata(buffer).metadata_length).toBe(footerLength);
    // The footer starts right after the last column chunk: no stray bytes between.
    const last = parquetMetadata(buffer).row_groups[0]!.columns.at(-1)!.meta_data!;
    const lastStart = Number(last.dictionary_page_offset ?? last.data_page_offset);
    expect(bytes.length - 8 - footerLength).toBe(lastStart + Number(last.total_compressed_size));
    // Readers stop at the Thrift STOP byte, so a footer followed by a second copy of its length still
    // reads; the file is then malformed all the same (this encoder once wrote the length twice).
    expect(view.getUint32(bytes.length - 12, true)).not.toBe(footerLength - 4);
  });

  it('keeps -0 and 0 apart in dictionaries, and a leading U+FEFF in strings', async () => {
    const floats = defineSchema([
      { id: 1, name: 'f', type: 'float' },
      { id: 2, name: 'd', type: 'double' },
      { id: 3, name: 's', type: 'string' },
    ]);
    const values = [
      [0, -0, Number.NaN, 1.5, -0, 0],
      [-0, 0, 0, -0, 2.5, null],
      ['\uFEFFb', 'a', null, '\uFEFF', 'b', 'a'],
    ];
    const dictionaryOfDoubles = new DictionaryColumnBuilder();
    for (const value of values[1]!) dictionaryOfDoubles.push(value);
    const plain = new StringColumnBuilder();
    for (const value of values[2]!) plain.push(value as string | null);
    const columns = [typedFromCanonical('float', values[0]!), dictionaryOfDoubles.finish(), plain.finish()];
    const written = writeTypedParquet(floats, columns);
    const read = await readParquetRows(written.bytes, floats);
    floats.fields.forEach((field, c) => {
      const back = read.map((row) => row[field.name] ?? null);
      back.forEach((value, i) => expect(Object.is(value, values[c]![i]), `${field.name}[${i}]`).toBe(true));
      expect(written.metrics[c], field.name).toStrictEqual(columnMetrics(field.type, values[c]!));
    });
    expect(written.metrics[2]!.upper).toBe('\uFEFFb');
  });

  it('refuses nulls in a required column and a column kind the type cannot hold', () => {
    const nullable = new DictionaryColumnBuilder();
    nullable.push(null);
    const required = defineSchema([{ id: 1, name: 'x', type: 'string', required: true }]);
    expect(() => writeTypedParquet(required, [nullable.finish()])).toThrow(/required column x has nulls/);
    const doubles = new DoubleColumnBuilder();
    doubles.push(1.5);
    const ints = defineSchema([{ id: 1, name: 'n', type: 'int', required: true }]);
    expect(() => writeTypedParquet(ints, [doubles.finish()])).toThrow(/double column cannot hold int/);
    const longs = new Int64ColumnBuilder();
    longs.push(0.5);
    const longSchema = defineSchema([{ id: 1, name: 'n', type: 'long', required: true }]);
    expect(() => writeTypedParquet(longSchema, [longs.finish()])).toThrow(/not a safe integer/);
    const withNaN = new Int64ColumnBuilder();
    for (const value of [1, Number.NaN, 3]) withNaN.push(value);
    expect(() => writeTypedParquet(longSchema, [withNaN.finish()])).toThrow(/not a safe integer/);
  });
});

describe('typed columns from canonical values (the row path of every table)', () => {
  const nullable = defineSchema([
    { id: 1, name: 'f', type: 'double' },
    { id: 2, name: 'n', type: 'int' },
    { id: 3, name: 'big', type: 'long' },
    { id: 4, name: 'at', type: 'timestamp' },
    { id: 5, name: 'flag', type: 'boolean' },
    { id: 6, name: 'must', type: 'boolean', required: true },
    { id: 7, name: 's', type: 'string' },
    { id: 8, name: 'r', type: 'float' },
  ]);
  const rows = 1_000;
  const columns = [
    Array.from({ length: rows }, (_, i) => (i % 5 === 0 ? null : i % 7 === 0 ? Number.NaN : i / 8 - 40)),
    Array.from({ length: rows }, (_, i) => (i % 3 === 0 ? null : -i * 1_000)),
    // Beyond 2^53: the column falls back to a dictionary, which keeps bigints exact.
    Array.from({ length: rows }, (_, i) => (i % 4 === 0 ? null : 2n ** 62n + BigInt(i) * -7n)),
    Array.from({ length: rows }, (_, i) => (i % 9 === 0 ? null : 1_700_000_000_000_000n + BigInt(i))),
    Array.from({ length: rows }, (_, i) => (i % 6 === 0 ? null : i % 2 === 0)),
    Array.from({ length: rows }, (_, i) => i % 3 === 1),
    Array.from({ length: rows }, (_, i) => (i % 10 === 0 ? null : `s${i % 13}`)),
    Array.from({ length: rows }, (_, i) => (i % 8 === 0 ? null : Math.fround(i / 3))),
  ];

  it('reads back what hyparquet-writer writes from the same values, with the same metrics', async () => {
    const typed = nullable.fields.map((field, c) => typedFromCanonical(field.type, columns[c]!));
    expect(typed.map((column) => column.kind)).toStrictEqual([
      'double',
      'int32',
      'dictionary',
      'int64',
      'boolean',
      'boolean',
      'dictionary',
      'dictionary',
    ]);
    const ours = writeTypedParquet(nullable, typed);
    const reference = await writeParquet(nullable, columns);
    const [oursRows, referenceRows] = await Promise.all([
      readParquetRows(ours.bytes, nullable),
      readParquetRows(reference.bytes, nullable),
    ]);
    expect(oursRows).toStrictEqual(referenceRows);
    nullable.fields.forEach((field, c) => {
      expect(ours.metrics[c], field.name).toStrictEqual(columnMetrics(field.type, columns[c]!));
    });
  });
});

describe('RLE/bit-packed hybrid', () => {
  /** A decoder written from the Parquet spec, independent of the encoder's structure. */
  function decode(bytes: Uint8Array, bitWidth: number, count: number): number[] {
    const out: number[] = [];
    let p = 0;
    const varint = (): number => {
      let value = 0;
      for (let shift = 0; ; shift += 7) {
        const byte = bytes[p++]!;
        value += (byte & 0x7f) * 2 ** shift;
        if (byte < 0x80) return value;
      }
    };
    while (out.length < count) {
      const header = varint();
      if (header % 2 === 0) {
        let value = 0;
        for (let b = 0; b < (bitWidth + 7) >> 3; b++) value += bytes[p++]! * 2 ** (8 * b);
        for (let k = 0; k < header / 2; k++) out.push(value);
      } else {
        const total = ((header - 1) / 2) * 8;
        let bit = 0;
        for (let k = 0; k < total; k++) {
          let value = 0;
          for (let b = 0; b < bitWidth; b++, bit++) {
            if ((bytes[p + (bit >> 3)]! >> (bit & 7)) & 1) value += 2 ** b;
          }
          out.push(value);
        }
        p += (total * bitWidth) / 8;
      }
    }
    return out.slice(0, count);
  }

  it.each([1, 3, 8, 13, 20, 31])('round-trips mixed runs at bit width %i', (bitWidth) => {
    const max = 2 ** bitWidth - 1;
    const values: number[] = [];
    let seed = bitWidth;
    const random = (): number => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    while (values.length < 5_000) {
      const value = Math.floor(random() * (max + 1));
      const repeat = random() < 0.3 ? 1 + Math.floor(random() * 40) : 1;
      for (let k = 0; k < repeat; k++) values.push(value);
    }
    const encoded = rleBitPackedHybrid(Int32Array.from(values), bitWidth);
    expect(decode(encoded, bitWidth, values.length)).toStrictEqual(values);
  });
});

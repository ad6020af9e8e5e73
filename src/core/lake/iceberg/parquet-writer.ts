/**
 * Parquet data files for Iceberg, written with hyparquet-writer.
 *
 * Iceberg needs two things plain Parquet writers leave out: a `field_id` on every column (readers map
 * columns to the table by id, not name) and types annotated the way the spec maps them (spec, "Parquet"):
 *   boolean → BOOLEAN            int → INT32                 long → INT64
 *   float → FLOAT                double → DOUBLE             string → BYTE_ARRAY (STRING / UTF8)
 *   date → INT32 (DATE)          timestamp → INT64 TIMESTAMP(MICROS, isAdjustedToUTC=false)
 *   timestamptz → INT64 TIMESTAMP(MICROS, isAdjustedToUTC=true)
 * The legacy converted type TIMESTAMP_MICROS is only set for timestamptz: it implies UTC-adjusted values,
 * which a zone-less timestamp is not.
 *
 * Pages are compressed with zstd from Node's zlib (Node ≥ 22.15); hyparquet-writer takes a compressor
 * function per codec. The footer also carries the Iceberg schema under `iceberg.schema`, as Java writers
 * do, which helps readers that look for it (icebird).
 */
import { zstdCompressSync } from 'node:zlib';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { SchemaElement } from 'hyparquet';
import type { Schema, SchemaField } from './schema.ts';
import type { IcebergValue } from './types.ts';

export type ParquetCodec = 'ZSTD' | 'SNAPPY' | 'UNCOMPRESSED';

export interface ParquetWriteOptions {
  codec?: ParquetCodec;
  /** Rows per row group; the default keeps a typical data file in one row group. */
  rowGroupSize?: number;
}

export interface WrittenParquet {
  bytes: Uint8Array;
  /** Compressed bytes per column field id, summed over row groups. */
  columnSizes: Record<number, number>;
  /** Byte offset where each row group starts. */
  splitOffsets: number[];
}

const DEFAULT_ROW_GROUP_SIZE = 1 << 20;

const compressZstd = (input: Uint8Array): Uint8Array => zstdCompressSync(input);

/** The Parquet schema (flat list, root first) of an Iceberg schema, with field ids. */
export function parquetSchemaOf(schema: Schema): SchemaElement[] {
  return [
    { name: 'table', num_children: schema.fields.length },
    ...schema.fields.map((field) => parquetElementOf(field)),
  ];
}

/** The Parquet schema element of one Iceberg field (type annotations as in the table above). */
export function parquetElementOf(field: SchemaField): SchemaElement {
  const base = {
    name: field.name,
    field_id: field.id,
    repetition_type: field.required ? ('REQUIRED' as const) : ('OPTIONAL' as const),
  };
  switch (field.type) {
    case 'boolean':
      return { ...base, type: 'BOOLEAN' };
    case 'int':
      return { ...base, type: 'INT32' };
    case 'long':
      return { ...base, type: 'INT64' };
    case 'float':
      return { ...base, type: 'FLOAT' };
    case 'double':
      return { ...base, type: 'DOUBLE' };
    case 'string':
      return { ...base, type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'STRING' } };
    case 'date':
      return { ...base, type: 'INT32', converted_type: 'DATE', logical_type: { type: 'DATE' } };
    case 'timestamp':
      return {
        ...base,
        type: 'INT64',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: false, unit: 'MICROS' },
      };
    case 'timestamptz':
      return {
        ...base,
        type: 'INT64',
        converted_type: 'TIMESTAMP_MICROS',
        logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MICROS' },
      };
  }
}

/**
 * Encodes one Parquet file. `columns[i]` holds the canonical values of `schema.fields[i]` (null = NULL),
 * all of one length.
 */
export async function writeParquet(
  schema: Schema,
  columns: ReadonlyArray<ReadonlyArray<IcebergValue | null>>,
  options: ParquetWriteOptions = {},
): Promise<WrittenParquet> {
  if (columns.length !== schema.fields.length) {
    throw new TypeError(`expected ${schema.fields.length} columns, got ${columns.length}`);
  }
  const writer = new ByteWriter();
  const parquet = new ParquetWriter({
    writer,
    schema: parquetSchemaOf(schema),
    codec: options.codec ?? 'ZSTD',
    compressors: { ZSTD: compressZstd },
    statistics: true,
    kvMetadata: [{ key: 'iceberg.schema', value: JSON.stringify(schema) }],
    createdBy: 'quotelab (hyparquet-writer)',
  });
  // hyparquet-writer's column data is loosely typed (any decoded array); our values are canonical already.
  const columnData = schema.fields.map((field, i) => ({ name: field.name, data: columns[i] as unknown[] }));
  await parquet.write({ columnData, rowGroupSize: options.rowGroupSize ?? DEFAULT_ROW_GROUP_SIZE });
  await parquet.finish();

  const columnSizes: Record<number, number> = {};
  const splitOffsets: number[] = [];
  for (const group of parquet.row_groups) {
    const first = group.columns[0]?.meta_data;
    if (first) splitOffsets.push(Number(first.dictionary_page_offset ?? first.data_page_offset));
    group.columns.forEach((chunk, i) => {
      const id = schema.fields[i]!.id;
      columnSizes[id] = (columnSizes[id] ?? 0) + Number(chunk.meta_data?.total_compressed_size ?? 0n);
    });
  }
  return { bytes: writer.getBytes(), columnSizes, splitOffsets };
}

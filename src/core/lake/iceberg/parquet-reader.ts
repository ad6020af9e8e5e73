/**
 * Reads rows of one Parquet data file with hyparquet, mapped to the table schema by field id (so a renamed
 * or re-ordered column still finds its data; a column the file predates reads as null).
 *
 * Values come back canonical (see types.ts): hyparquet's default parsers turn dates and timestamps into
 * JS Dates, which would lose the microseconds, so we pass parsers that keep the raw numbers.
 */
import { zstdDecompressSync } from 'node:zlib';
import { parquetMetadata, parquetReadObjects } from 'hyparquet';
import type { Schema, SchemaField } from './schema.ts';
import type { IcebergValue, Row } from './types.ts';

// ignoreBOM: hyparquet's default decoder drops a U+FEFF that begins a value; it is part of the value.
const UTF8 = new TextDecoder('utf-8', { ignoreBOM: true });

const PARSERS = {
  stringFromBytes: (bytes: Uint8Array | undefined) => bytes && UTF8.decode(bytes),
  timestampFromMilliseconds: (millis: bigint) => millis * 1000n,
  timestampFromMicroseconds: (micros: bigint) => micros,
  timestampFromNanoseconds: (nanos: bigint) => nanos / 1000n,
  dateFromDays: (days: number) => days,
};

const DECOMPRESSORS = {
  ZSTD: (input: Uint8Array) => new Uint8Array(zstdDecompressSync(input)),
};

/** Rows of the file for the given fields (all of the schema's by default), keyed by field name. */
export async function readParquetRows(
  bytes: Uint8Array,
  schema: Schema,
  fields: readonly SchemaField[] = schema.fields,
): Promise<Row[]> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const metadata = parquetMetadata(buffer);
  const columnById = new Map<number, string>();
  for (const element of metadata.schema.slice(1)) {
    if (element.field_id !== undefined && element.num_children === undefined)
      columnById.set(element.field_id, element.name);
  }
  const present = fields.filter((f) => columnById.has(f.id));
  const records = await parquetReadObjects({
    file: buffer,
    metadata,
    columns: present.map((f) => columnById.get(f.id)!),
    compressors: DECOMPRESSORS,
    parsers: PARSERS,
  });
  return records.map((record) => {
    const row: Row = {};
    for (const field of fields) {
      const column = columnById.get(field.id);
      row[field.name] = column === undefined ? null : canonical(field, record[column]);
    }
    return row;
  });
}

function canonical(field: SchemaField, value: unknown): IcebergValue | null {
  if (value === null || value === undefined) return null;
  // A long written by another engine as INT32 would read as a number; keep the bigint contract.
  if (
    (field.type === 'long' || field.type === 'timestamp' || field.type === 'timestamptz') &&
    typeof value === 'number'
  ) {
    return BigInt(value);
  }
  return value as IcebergValue;
}

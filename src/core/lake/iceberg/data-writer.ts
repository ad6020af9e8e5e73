/**
 * Turns rows into the table's Parquet data files: one file (or more, past `maxRowsPerFile`) per partition,
 * under `data/<partition path>/`, with exact column metrics for the manifest. Every path ends in typed
 * columns and the typed encoder (typed-parquet.ts): rows and canonical columns are checked, converted,
 * and written the same way as the ETL's bulk columns.
 *
 * Source files: the ETL loads one source (an XML file) per call, and must later be able to replace
 * exactly the data files that source produced. Each file name starts with a stable hash of the source key,
 * `<srcHash>-<uuid>.parquet` (srcHash = the first 16 hex digits of SHA-256 of the key). The name is the one
 * piece of a data file that every engine keeps verbatim in the manifest, so the association survives
 * manifest rewrites by us or by Athena/Spark maintenance (which copies entries, not snapshot summaries).
 * Files written without a source are `<uuid>.parquet`; a UUID never starts with 16 hex digits and a dash,
 * so the two cannot be confused.
 */
import type { DataFile } from './data-file.ts';
import { keyOf, uriOf } from './lake.ts';
import type { Lake } from './lake.ts';
import { serializedBounds } from './metrics.ts';
import type { ColumnMetrics } from './metrics.ts';
import { currentSchema, defaultSpec } from './metadata.ts';
import type { TableMetadata } from './metadata.ts';
import type { WrittenParquet } from './parquet-writer.ts';
import { applyTransform, partitionPath, sourceType } from './partition.ts';
import type { PartitionField, PartitionSpec, PartitionValues } from './partition.ts';
import { gatherTyped, typedFromCanonical, typedLength, typedValueAt } from './typed-columns.ts';
import type { TypedColumn } from './typed-columns.ts';
import { writeTypedParquet } from './typed-parquet.ts';
import type { Schema } from './schema.ts';
import { canonicalOrUndefined, toCanonical } from './types.ts';
import type { IcebergValue, PrimitiveType, Row } from './types.ts';

export interface WriteDataOptions {
  /** The source these rows come from (e.g. the XML object key); its hash prefixes every file name. */
  sourceKey?: string;
  /** Split a partition's rows into files of at most this many rows (default 2,000,000). */
  maxRowsPerFile?: number;
}

const DEFAULT_MAX_ROWS_PER_FILE = 2_000_000;
const SOURCE_HASH_LENGTH = 16;
const SOURCE_HASH_PREFIX = new RegExp(`^([0-9a-f]{${SOURCE_HASH_LENGTH}})-`);

/** The stable hash of a source key that prefixes its data file names. */
export async function sourceHashOf(sourceKey: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(sourceKey));
  return Buffer.from(digest).toString('hex').slice(0, SOURCE_HASH_LENGTH);
}

/** The source hash in a data file's path, or undefined for a file written without a source. */
export function sourceHashOfPath(path: string): string | undefined {
  return SOURCE_HASH_PREFIX.exec(path.slice(path.lastIndexOf('/') + 1))?.[1];
}

/**
 * Checks every value against the schema and returns the rows as canonical columns (schema order).
 * Column names outside the schema are looked for in the first row only: a typo shows there, and a
 * per-row check would cost as much as the conversion.
 */
export function rowsToColumns(schema: Schema, rows: readonly Row[]): (IcebergValue | null)[][] {
  const known = new Set(schema.fields.map((f) => f.name));
  for (const name of Object.keys(rows[0] ?? {})) {
    if (!known.has(name)) throw new TypeError(`column ${JSON.stringify(name)} is not in the table schema`);
  }
  return schema.fields.map((field) => {
    const column = new Array<IcebergValue | null>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const value = rows[i]![field.name];
      if (value === null || value === undefined) {
        if (field.required) throw new TypeError(`row ${i}: required column ${field.name} is null`);
        column[i] = null;
      } else {
        // The checked-or-undefined form keeps the loop free of per-value closures and messages.
        const canonical = canonicalOrUndefined(field.type, value);
        column[i] = canonical ?? toCanonical(field.type, value, `row ${i}, column ${field.name}`);
      }
    }
    return column;
  });
}

/** Writes rows as Parquet data files of the table's current schema and default spec (not committed). */
export async function writeDataFiles(
  lake: Lake,
  metadata: TableMetadata,
  rows: readonly Row[],
  options: WriteDataOptions = {},
): Promise<DataFile[]> {
  if (rows.length === 0) return [];
  const schema = currentSchema(metadata);
  const columns = rowsToColumns(schema, rows); // checked: types, required columns
  const typed = schema.fields.map((field, i) => typedFromCanonical(field.type, columns[i]!));
  return writeTypedDataFiles(lake, metadata, typed, options);
}

/**
 * The same from typed columns (schema order; see typed-columns.ts), which the ETL builds for the tick
 * tables directly; encoded by typed-parquet.ts, with the metrics taken from the encoder's single pass.
 */
export async function writeTypedDataFiles(
  lake: Lake,
  metadata: TableMetadata,
  columns: readonly TypedColumn[],
  options: WriteDataOptions = {},
): Promise<DataFile[]> {
  const schema = currentSchema(metadata);
  const spec = defaultSpec(metadata);
  const rowCount = columns[0] === undefined ? 0 : typedLength(columns[0]);
  if (columns.length !== schema.fields.length || columns.some((column) => typedLength(column) !== rowCount)) {
    throw new TypeError(`expected ${schema.fields.length} columns of ${rowCount} values in schema order`);
  }
  if (rowCount === 0) return [];
  const tableKey = keyOf(lake, metadata.location);
  const prefix = options.sourceKey === undefined ? '' : `${await sourceHashOf(options.sourceKey)}-`;
  const maxRows = options.maxRowsPerFile ?? DEFAULT_MAX_ROWS_PER_FILE;

  const files: DataFile[] = [];
  for (const group of groupTypedByPartition(schema, spec, columns, rowCount)) {
    for (let start = 0; start < group.rows.length; start += maxRows) {
      const indexes = group.rows.subarray(start, start + maxRows);
      const slice =
        indexes.length === rowCount ? columns : columns.map((column) => gatherTyped(column, indexes));
      const folder = spec.fields.length > 0 ? `data/${partitionPath(spec, schema, group.partition)}` : 'data';
      const key = `${tableKey}/${folder}/${prefix}${crypto.randomUUID()}.parquet`;
      const parquet = writeTypedParquet(schema, slice);
      await lake.store.put(key, parquet.bytes, {
        ifAbsent: true,
        contentType: 'application/vnd.apache.parquet',
      });
      const file = describeFile(lake, key, spec, group.partition, indexes.length, parquet);
      schema.fields.forEach((field, i) => addMetrics(file, field.id, field.type, parquet.metrics[i]!));
      files.push(file);
    }
  }
  return files;
}

/**
 * Groups the rows of typed columns by partition tuple, in first-seen order. Tick files arrive in long runs
 * of one day and side, so a row whose partition source values equal the previous row's joins its group
 * without computing the tuple again.
 */
function groupTypedByPartition(
  schema: Schema,
  spec: PartitionSpec,
  columns: readonly TypedColumn[],
  rowCount: number,
): { partition: PartitionValues; rows: Int32Array }[] {
  if (spec.fields.length === 0) {
    return [{ partition: {}, rows: Int32Array.from({ length: rowCount }, (_, i) => i) }];
  }
  const sources = spec.fields.map((field) => {
    const index = schema.fields.findIndex((f) => f.id === field['source-id']);
    return { field, type: sourceType(schema, field), column: columns[index]! };
  });
  const transformedAt = (source: (typeof sources)[number], row: number): IcebergValue | null => {
    const value = typedValueAt(source.column, row);
    return value === null ? null : applyTransform(source.field.transform, source.type, value);
  };
  const raws = sources.map((source) => rawColumn(source.field, source.column, rowCount));
  const groups: { partition: PartitionValues; count: number }[] = [];
  const groupByKey = new Map<string, number>();
  const groupOf = new Int32Array(rowCount);
  let current = -1;
  for (let row = 0; row < rowCount; row++) {
    let changed = row === 0;
    for (let i = 0; i < raws.length && !changed; i++) changed = raws[i]![row] !== raws[i]![row - 1];
    if (changed) {
      const values = sources.map((source) => transformedAt(source, row));
      let key = '';
      for (const value of values) key += value === null ? '\0\u0001' : `${typeof value}:${value}\u0001`;
      let group = groupByKey.get(key);
      if (group === undefined) {
        group = groups.length;
        const partition = Object.fromEntries(sources.map((source, i) => [source.field.name, values[i]!]));
        groups.push({ partition, count: 0 });
        groupByKey.set(key, group);
      }
      current = group;
    }
    groupOf[row] = current;
    groups[current]!.count++;
  }
  const rows = groups.map((group) => new Int32Array(group.count));
  const filled = new Int32Array(groups.length);
  for (let row = 0; row < rowCount; row++) {
    const group = groupOf[row]!;
    rows[group]![filled[group]!++] = row;
  }
  return groups.map((group, i) => ({ partition: group.partition, rows: rows[i]! }));
}

/**
 * A cheap stand-in for each row's partition source value that changes whenever the partition value can:
 * the dictionary index, the day of a timestamp under a day transform, otherwise the number itself (NaN,
 * never equal to anything, where there is no such number: the tuple is then computed for every row).
 */
function rawColumn(field: PartitionField, column: TypedColumn, rowCount: number): Float64Array {
  if (column.kind === 'dictionary') return Float64Array.from(column.indexes);
  if (column.kind === 'string') return new Float64Array(rowCount).fill(Number.NaN);
  const raw = Float64Array.from(column.values);
  if (column.present)
    for (let row = 0; row < rowCount; row++) if (!column.present[row]) raw[row] = Number.NaN;
  if (column.kind === 'int64' && field.transform === 'day') {
    for (let row = 0; row < rowCount; row++) raw[row] = Math.floor(raw[row]! / 86_400_000_000);
  }
  return raw;
}

/** The data file entry of a written Parquet file, metrics still empty. */
function describeFile(
  lake: Lake,
  key: string,
  spec: PartitionSpec,
  partition: PartitionValues,
  recordCount: number,
  parquet: WrittenParquet,
): DataFile {
  return {
    path: uriOf(lake, key),
    format: 'PARQUET',
    specId: spec['spec-id'],
    partition,
    recordCount,
    fileSizeInBytes: parquet.bytes.byteLength,
    columnSizes: parquet.columnSizes,
    valueCounts: {},
    nullValueCounts: {},
    nanValueCounts: {},
    lowerBounds: {},
    upperBounds: {},
    splitOffsets: parquet.splitOffsets,
  };
}

function addMetrics(file: DataFile, fieldId: number, type: PrimitiveType, metrics: ColumnMetrics): void {
  file.valueCounts[fieldId] = metrics.valueCount;
  file.nullValueCounts[fieldId] = metrics.nullCount;
  if (metrics.nanCount !== undefined) file.nanValueCounts[fieldId] = metrics.nanCount;
  const bounds = serializedBounds(type, metrics);
  if (bounds) {
    file.lowerBounds[fieldId] = bounds.lower;
    file.upperBounds[fieldId] = bounds.upper;
  }
}

/**
 * Manifests and manifest lists (spec, "Manifests" and "Manifest Lists", format version 2), with the exact
 * Avro schemas of the spec: field names, field ids, element ids and record names as Iceberg's Java writer
 * emits them, so every reader resolves them (PyIceberg by field id, DuckDB and icebird by name).
 */
import { compileSchema, readAvroFile, writeAvroFile } from './avro.ts';
import type { AvroSchema } from './avro.ts';
import { UNASSIGNED_SEQUENCE_NUMBER, isLive } from './data-file.ts';
import type { DataFile, EntryStatus, FieldSummary, ManifestEntry, ManifestFile } from './data-file.ts';
import { resultType } from './partition.ts';
import type { PartitionSpec, PartitionValues } from './partition.ts';
import type { Schema } from './schema.ts';
import { compareValues, serializeValue } from './types.ts';
import type { IcebergValue, PrimitiveType } from './types.ts';

const FORMAT_VERSION = '2';

/** Avro type of a primitive, with the logical types the spec's Avro mapping names. */
export function avroTypeOf(type: PrimitiveType): AvroSchema {
  switch (type) {
    case 'date':
      return { type: 'int', logicalType: 'date' };
    case 'timestamp':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': false };
    case 'timestamptz':
      return { type: 'long', logicalType: 'timestamp-micros', 'adjust-to-utc': true };
    default:
      return type;
  }
}

function optional(type: AvroSchema, fieldId: number, name: string): AvroSchema {
  return { name, type: ['null', type], default: null, 'field-id': fieldId };
}

/** Iceberg stores int-keyed maps in Avro as arrays of key/value records (logicalType "map"). */
function intMap(
  fieldId: number,
  name: string,
  keyId: number,
  valueId: number,
  value: AvroSchema,
): AvroSchema {
  return optional(
    {
      type: 'array',
      logicalType: 'map',
      items: {
        type: 'record',
        name: `k${keyId}_v${valueId}`,
        fields: [
          { name: 'key', type: 'int', 'field-id': keyId },
          { name: 'value', type: value, 'field-id': valueId },
        ],
      },
    },
    fieldId,
    name,
  );
}

/** The partition struct (field 102) of a spec: one optional field per partition field, by its field id. */
export function partitionAvroSchema(schema: Schema, spec: PartitionSpec): AvroSchema {
  return {
    type: 'record',
    name: 'r102',
    fields: spec.fields.map((field) =>
      optional(avroTypeOf(resultType(schema, field)), field['field-id'], field.name),
    ),
  };
}

/** `manifest_entry` of format v2, with `data_file` typed for the spec's partition struct. */
export function manifestEntrySchema(schema: Schema, spec: PartitionSpec): AvroSchema {
  return {
    type: 'record',
    name: 'manifest_entry',
    fields: [
      { name: 'status', type: 'int', 'field-id': 0 },
      optional('long', 1, 'snapshot_id'),
      optional('long', 3, 'sequence_number'),
      optional('long', 4, 'file_sequence_number'),
      {
        name: 'data_file',
        'field-id': 2,
        type: {
          type: 'record',
          name: 'r2',
          fields: [
            { name: 'content', type: 'int', 'field-id': 134 },
            { name: 'file_path', type: 'string', 'field-id': 100 },
            { name: 'file_format', type: 'string', 'field-id': 101 },
            { name: 'partition', type: partitionAvroSchema(schema, spec), 'field-id': 102 },
            { name: 'record_count', type: 'long', 'field-id': 103 },
            { name: 'file_size_in_bytes', type: 'long', 'field-id': 104 },
            intMap(108, 'column_sizes', 117, 118, 'long'),
            intMap(109, 'value_counts', 119, 120, 'long'),
            intMap(110, 'null_value_counts', 121, 122, 'long'),
            intMap(137, 'nan_value_counts', 138, 139, 'long'),
            intMap(125, 'lower_bounds', 126, 127, 'bytes'),
            intMap(128, 'upper_bounds', 129, 130, 'bytes'),
            optional('bytes', 131, 'key_metadata'),
            optional({ type: 'array', items: 'long', 'element-id': 133 }, 132, 'split_offsets'),
            optional({ type: 'array', items: 'int', 'element-id': 136 }, 135, 'equality_ids'),
            optional('int', 140, 'sort_order_id'),
          ],
        },
      },
    ],
  };
}

/** `manifest_file` of format v2 (one record per manifest in a manifest list). */
export const MANIFEST_LIST_SCHEMA: AvroSchema = {
  type: 'record',
  name: 'manifest_file',
  fields: [
    { name: 'manifest_path', type: 'string', 'field-id': 500 },
    { name: 'manifest_length', type: 'long', 'field-id': 501 },
    { name: 'partition_spec_id', type: 'int', 'field-id': 502 },
    { name: 'content', type: 'int', 'field-id': 517 },
    { name: 'sequence_number', type: 'long', 'field-id': 515 },
    { name: 'min_sequence_number', type: 'long', 'field-id': 516 },
    { name: 'added_snapshot_id', type: 'long', 'field-id': 503 },
    { name: 'added_files_count', type: 'int', 'field-id': 504 },
    { name: 'existing_files_count', type: 'int', 'field-id': 505 },
    { name: 'deleted_files_count', type: 'int', 'field-id': 506 },
    { name: 'added_rows_count', type: 'long', 'field-id': 512 },
    { name: 'existing_rows_count', type: 'long', 'field-id': 513 },
    { name: 'deleted_rows_count', type: 'long', 'field-id': 514 },
    optional(
      {
        type: 'array',
        'element-id': 508,
        items: {
          type: 'record',
          name: 'r508',
          fields: [
            { name: 'contains_null', type: 'boolean', 'field-id': 509 },
            optional('boolean', 518, 'contains_nan'),
            optional('bytes', 510, 'lower_bound'),
            optional('bytes', 511, 'upper_bound'),
          ],
        },
      },
      507,
      'partitions',
    ),
    optional('bytes', 519, 'key_metadata'),
  ],
};

// Compile once at load: a typo in the schemas above fails every test, not one code path.
compileSchema(MANIFEST_LIST_SCHEMA);

// ---------------------------------------------------------------------------------------------------
// Manifests

interface AvroKeyValue<V> {
  key: number;
  value: V;
}

interface AvroDataFile {
  content: number;
  file_path: string;
  file_format: string;
  partition: Record<string, unknown>;
  record_count: bigint;
  file_size_in_bytes: bigint;
  column_sizes: AvroKeyValue<bigint>[] | null;
  value_counts: AvroKeyValue<bigint>[] | null;
  null_value_counts: AvroKeyValue<bigint>[] | null;
  nan_value_counts: AvroKeyValue<bigint>[] | null;
  lower_bounds: AvroKeyValue<Uint8Array>[] | null;
  upper_bounds: AvroKeyValue<Uint8Array>[] | null;
  key_metadata: Uint8Array | null;
  split_offsets: bigint[] | null;
  equality_ids: number[] | null;
  sort_order_id: number | null;
}

interface AvroManifestEntry {
  status: number;
  snapshot_id: bigint | null;
  sequence_number: bigint | null;
  file_sequence_number: bigint | null;
  data_file: AvroDataFile;
}

function toAvroMap<V, W>(record: Record<number, V>, convert: (value: V) => W): AvroKeyValue<W>[] | null {
  const keys = Object.keys(record).map(Number);
  if (keys.length === 0) return null;
  return keys.sort((a, b) => a - b).map((key) => ({ key, value: convert(record[key]!) }));
}

function fromAvroMap<V, W>(
  list: AvroKeyValue<V>[] | null | undefined,
  convert: (value: V) => W,
): Record<number, W> {
  const record: Record<number, W> = {};
  for (const { key, value } of list ?? []) record[key] = convert(value);
  return record;
}

const toBuffer = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const toBytes = (buffer: Uint8Array) => new Uint8Array(buffer);
const toOptionalLong = (value: number | bigint | null) => (value === null ? null : BigInt(value));
const toOptionalNumber = (value: bigint | null | undefined) => (value == null ? null : Number(value));

function partitionToAvro(spec: PartitionSpec, values: PartitionValues): Record<string, unknown> {
  // Canonical values already have Avro's JS types (bigint for long and timestamps, number for int/date).
  return Object.fromEntries(spec.fields.map((field) => [field.name, values[field.name] ?? null]));
}

function dataFileToAvro(spec: PartitionSpec, file: DataFile): AvroDataFile {
  return {
    content: 0,
    file_path: file.path,
    file_format: file.format,
    partition: partitionToAvro(spec, file.partition),
    record_count: BigInt(file.recordCount),
    file_size_in_bytes: BigInt(file.fileSizeInBytes),
    column_sizes: toAvroMap(file.columnSizes, BigInt),
    value_counts: toAvroMap(file.valueCounts, BigInt),
    null_value_counts: toAvroMap(file.nullValueCounts, BigInt),
    nan_value_counts: toAvroMap(file.nanValueCounts, BigInt),
    lower_bounds: toAvroMap(file.lowerBounds, toBuffer),
    upper_bounds: toAvroMap(file.upperBounds, toBuffer),
    key_metadata: null,
    split_offsets: file.splitOffsets.length > 0 ? file.splitOffsets.map(BigInt) : null,
    equality_ids: null,
    sort_order_id: null,
  };
}

function dataFileFromAvro(record: AvroDataFile, specId: number): DataFile {
  if (record.content !== 0) throw new Error(`delete files are not supported (content ${record.content})`);
  if (record.file_format.toUpperCase() !== 'PARQUET') {
    throw new Error(`only Parquet data files are supported, got ${record.file_format}`);
  }
  return {
    path: record.file_path,
    format: 'PARQUET',
    specId,
    partition: { ...record.partition } as PartitionValues,
    recordCount: Number(record.record_count),
    fileSizeInBytes: Number(record.file_size_in_bytes),
    columnSizes: fromAvroMap(record.column_sizes, Number),
    valueCounts: fromAvroMap(record.value_counts, Number),
    nullValueCounts: fromAvroMap(record.null_value_counts, Number),
    nanValueCounts: fromAvroMap(record.nan_value_counts, Number),
    lowerBounds: fromAvroMap(record.lower_bounds, toBytes),
    upperBounds: fromAvroMap(record.upper_bounds, toBytes),
    splitOffsets: (record.split_offsets ?? []).map(Number),
  };
}

/** Encodes a manifest of data files written under `spec`, with the header keys the spec requires. */
export function encodeManifest(
  schema: Schema,
  spec: PartitionSpec,
  entries: readonly ManifestEntry[],
): Uint8Array {
  const records: AvroManifestEntry[] = entries.map((entry) => ({
    status: entry.status,
    snapshot_id: entry.snapshotId,
    sequence_number: toOptionalLong(entry.sequenceNumber),
    file_sequence_number: toOptionalLong(entry.fileSequenceNumber),
    data_file: dataFileToAvro(spec, entry.dataFile),
  }));
  return writeAvroFile(manifestEntrySchema(schema, spec), records, {
    schema: JSON.stringify(schema),
    'schema-id': String(schema['schema-id']),
    'partition-spec': JSON.stringify(spec.fields),
    'partition-spec-id': String(spec['spec-id']),
    'format-version': FORMAT_VERSION,
    content: 'data',
  });
}

export interface DecodedManifest {
  specId: number;
  entries: ManifestEntry[];
}

export function decodeManifest(bytes: Uint8Array): DecodedManifest {
  const { metadata, records } = readAvroFile<AvroManifestEntry>(bytes);
  if (metadata.content !== undefined && metadata.content !== 'data') {
    throw new Error(`delete manifests are not supported (content ${metadata.content})`);
  }
  const specId = Number(metadata['partition-spec-id'] ?? 0);
  return {
    specId,
    entries: records.map((record) => ({
      status: record.status as EntryStatus,
      snapshotId: record.snapshot_id ?? null,
      sequenceNumber: toOptionalNumber(record.sequence_number),
      fileSequenceNumber: toOptionalNumber(record.file_sequence_number),
      dataFile: dataFileFromAvro(record.data_file, specId),
    })),
  };
}

/**
 * The manifest-list record of a manifest: entry counts, sequence numbers, and per partition field the
 * null/NaN flags and value bounds over every entry (what lets readers skip whole manifests).
 */
export function summarizeManifest(
  schema: Schema,
  spec: PartitionSpec,
  entries: readonly ManifestEntry[],
  location: { path: string; length: number; addedSnapshotId: bigint },
): ManifestFile {
  const count = (status: EntryStatus) => entries.filter((e) => e.status === status);
  const rows = (list: ManifestEntry[]) => list.reduce((sum, e) => sum + e.dataFile.recordCount, 0);
  const added = count(1);
  const existing = count(0);
  const deleted = count(2);
  const explicit = entries
    .filter(isLive)
    .flatMap((e) => (e.sequenceNumber === null ? [] : [e.sequenceNumber]));
  return {
    path: location.path,
    length: location.length,
    specId: spec['spec-id'],
    content: 0,
    sequenceNumber: UNASSIGNED_SEQUENCE_NUMBER,
    // Inherited (null) sequence numbers are the new snapshot's, above every explicit one.
    minSequenceNumber: explicit.length > 0 ? Math.min(...explicit) : UNASSIGNED_SEQUENCE_NUMBER,
    addedSnapshotId: location.addedSnapshotId,
    addedFilesCount: added.length,
    existingFilesCount: existing.length,
    deletedFilesCount: deleted.length,
    addedRowsCount: rows(added),
    existingRowsCount: rows(existing),
    deletedRowsCount: rows(deleted),
    partitions: spec.fields.map((field) =>
      summarizePartitionField(
        resultType(schema, field),
        entries.map((e) => e.dataFile.partition[field.name] ?? null),
      ),
    ),
  };
}

function summarizePartitionField(type: PrimitiveType, values: (IcebergValue | null)[]): FieldSummary {
  const floating = type === 'float' || type === 'double';
  let lower: IcebergValue | undefined;
  let upper: IcebergValue | undefined;
  let containsNull = false;
  let containsNan = false;
  for (const value of values) {
    if (value === null) containsNull = true;
    else if (floating && Number.isNaN(value)) containsNan = true;
    else {
      if (lower === undefined || compareValues(type, value, lower) < 0) lower = value;
      if (upper === undefined || compareValues(type, value, upper) > 0) upper = value;
    }
  }
  return {
    containsNull,
    containsNan,
    lowerBound: lower === undefined ? null : serializeValue(type, lower),
    upperBound: upper === undefined ? null : serializeValue(type, upper),
  };
}

// ---------------------------------------------------------------------------------------------------
// Manifest lists

interface AvroManifestFile {
  manifest_path: string;
  manifest_length: bigint;
  partition_spec_id: number;
  content: number;
  sequence_number: bigint;
  min_sequence_number: bigint;
  added_snapshot_id: bigint;
  added_files_count: number;
  existing_files_count: number;
  deleted_files_count: number;
  added_rows_count: bigint;
  existing_rows_count: bigint;
  deleted_rows_count: bigint;
  partitions:
    | {
        contains_null: boolean;
        contains_nan: boolean | null;
        lower_bound: Uint8Array | null;
        upper_bound: Uint8Array | null;
      }[]
    | null;
  key_metadata: Uint8Array | null;
}

export interface ManifestListHeader {
  snapshotId: bigint;
  parentSnapshotId: bigint | null;
  sequenceNumber: number;
}

/**
 * Encodes a snapshot's manifest list. Manifests written for this commit carry UNASSIGNED sequence
 * numbers; they get the snapshot's sequence number here.
 */
export function encodeManifestList(
  header: ManifestListHeader,
  manifests: readonly ManifestFile[],
): Uint8Array {
  const assign = (n: number) => BigInt(n === UNASSIGNED_SEQUENCE_NUMBER ? header.sequenceNumber : n);
  const records: AvroManifestFile[] = manifests.map((m) => ({
    manifest_path: m.path,
    manifest_length: BigInt(m.length),
    partition_spec_id: m.specId,
    content: m.content,
    sequence_number: assign(m.sequenceNumber),
    min_sequence_number: assign(m.minSequenceNumber),
    added_snapshot_id: m.addedSnapshotId,
    added_files_count: m.addedFilesCount,
    existing_files_count: m.existingFilesCount,
    deleted_files_count: m.deletedFilesCount,
    added_rows_count: BigInt(m.addedRowsCount),
    existing_rows_count: BigInt(m.existingRowsCount),
    deleted_rows_count: BigInt(m.deletedRowsCount),
    partitions: m.partitions.map((p) => ({
      contains_null: p.containsNull,
      contains_nan: p.containsNan,
      lower_bound: p.lowerBound && toBuffer(p.lowerBound),
      upper_bound: p.upperBound && toBuffer(p.upperBound),
    })),
    key_metadata: null,
  }));
  return writeAvroFile(MANIFEST_LIST_SCHEMA, records, {
    'snapshot-id': header.snapshotId.toString(),
    'parent-snapshot-id': header.parentSnapshotId === null ? 'null' : header.parentSnapshotId.toString(),
    'sequence-number': String(header.sequenceNumber),
    'format-version': FORMAT_VERSION,
  });
}

export function decodeManifestList(bytes: Uint8Array): ManifestFile[] {
  return readAvroFile<AvroManifestFile>(bytes).records.map((r) => {
    if (r.content !== 0) throw new Error(`delete manifests are not supported (content ${r.content})`);
    return {
      path: r.manifest_path,
      length: Number(r.manifest_length),
      specId: r.partition_spec_id,
      content: 0,
      sequenceNumber: Number(r.sequence_number),
      minSequenceNumber: Number(r.min_sequence_number),
      addedSnapshotId: r.added_snapshot_id,
      addedFilesCount: r.added_files_count,
      existingFilesCount: r.existing_files_count,
      deletedFilesCount: r.deleted_files_count,
      addedRowsCount: Number(r.added_rows_count),
      existingRowsCount: Number(r.existing_rows_count),
      deletedRowsCount: Number(r.deleted_rows_count),
      partitions: (r.partitions ?? []).map((p) => ({
        containsNull: p.contains_null,
        containsNan: p.contains_nan ?? null,
        lowerBound: p.lower_bound && toBytes(p.lower_bound),
        upperBound: p.upper_bound && toBytes(p.upper_bound),
      })),
    };
  });
}

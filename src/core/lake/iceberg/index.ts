/**
 * Apache Iceberg (format v2) written and read in TypeScript: see docs/decisions/0003.
 */
export { IcebergTable, SOURCE_HASH_PROPERTY } from './table.ts';
export type { AppendOptions, CreateTableOptions, ReplaceOptions } from './table.ts';
export type { TableDefinition } from './evolution.ts';
export { VERSION_HINT_FILE, hintedMetadataFileName } from './version-hint.ts';
export type { Lake } from './lake.ts';
export { uriOf, keyOf } from './lake.ts';
export { defineSchema } from './schema.ts';
export type { FieldDefinition, Schema, SchemaField } from './schema.ts';
export { definePartitionSpec, unpartitioned } from './partition.ts';
export type { PartitionField, PartitionFieldDefinition, PartitionSpec, Transform } from './partition.ts';
export { daysFromIsoDate, isoDateFromDays, microsFromDate } from './types.ts';
export type { IcebergValue, PrimitiveType, Row } from './types.ts';
export type { Predicate, ComparisonOp } from './predicate.ts';
export { planFiles, readAllRows, readPlan, selectSnapshot } from './scan.ts';
export type { FilePlan, PlannedFile, ReadOptions, ScanOptions } from './scan.ts';
export { CommitFailedError, DEFAULT_RETRY_POLICY, loadTableState } from './commit.ts';
export type { TableState } from './commit.ts';
export type { RetryPolicy } from './lake.ts';
export { parseMetadata, serializeMetadata, currentSnapshot, snapshotAsOf } from './metadata.ts';
export type { Snapshot, SnapshotSummary, TableMetadata } from './metadata.ts';
export type { DataFile } from './data-file.ts';
export { sourceHashOf, sourceHashOfPath, writeDataFiles, writeTypedDataFiles } from './data-writer.ts';
export {
  DictionaryColumnBuilder,
  DoubleColumnBuilder,
  Int32ColumnBuilder,
  Int64ColumnBuilder,
  StringColumnBuilder,
  grow as growTypedArray,
  typedLength,
  typedValueAt,
} from './typed-columns.ts';
export type { TypedColumn } from './typed-columns.ts';
export type { FileChange } from './snapshot-producer.ts';

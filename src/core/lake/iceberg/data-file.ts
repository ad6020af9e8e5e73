/**
 * What the table records about one data file (spec, "Manifests": the `data_file` struct), in the shape the
 * rest of the code works with: camelCase, plain numbers for counts and sizes (all far below 2^53), and
 * metrics keyed by column field id. manifest.ts maps it to and from the Avro records.
 */
import type { PartitionValues } from './partition.ts';

export interface DataFile {
  /** Absolute URI (s3://… or file://…), as every Iceberg reader expects. */
  path: string;
  format: 'PARQUET';
  specId: number;
  partition: PartitionValues;
  recordCount: number;
  fileSizeInBytes: number;
  /** Compressed bytes per column (the column chunks' sizes in the Parquet footer). */
  columnSizes: Record<number, number>;
  /** Values per column, nulls included. */
  valueCounts: Record<number, number>;
  nullValueCounts: Record<number, number>;
  /** NaNs per float/double column. */
  nanValueCounts: Record<number, number>;
  /** Single-value serialized bounds over the non-null, non-NaN values; absent when there are none. */
  lowerBounds: Record<number, Uint8Array>;
  upperBounds: Record<number, Uint8Array>;
  /** Byte offsets of the Parquet row groups (split points for parallel readers). */
  splitOffsets: number[];
}

/** Manifest entry status (spec): 0 EXISTING, 1 ADDED, 2 DELETED. */
export const EntryStatus = { EXISTING: 0, ADDED: 1, DELETED: 2 } as const;
export type EntryStatus = (typeof EntryStatus)[keyof typeof EntryStatus];

export interface ManifestEntry {
  status: EntryStatus;
  /** The snapshot that added (or, for DELETED, removed) the file. Null = inherit from the manifest list. */
  snapshotId: bigint | null;
  /** Data sequence number. Null = inherit (only allowed for ADDED entries). */
  sequenceNumber: number | null;
  /** File sequence number. Null = inherit (only allowed for ADDED entries). */
  fileSequenceNumber: number | null;
  dataFile: DataFile;
}

/** A manifest as listed in a manifest list (spec, "Manifest Lists": the `manifest_file` struct). */
export interface ManifestFile {
  path: string;
  length: number;
  specId: number;
  /** 0 = data files (we write no delete files). */
  content: 0;
  /** The sequence number of the snapshot that added this manifest; UNASSIGNED until the commit. */
  sequenceNumber: number;
  /** The lowest data sequence number of its live entries; UNASSIGNED until the commit. */
  minSequenceNumber: number;
  addedSnapshotId: bigint;
  addedFilesCount: number;
  existingFilesCount: number;
  deletedFilesCount: number;
  addedRowsCount: number;
  existingRowsCount: number;
  deletedRowsCount: number;
  partitions: FieldSummary[];
}

/** Per partition field: does the manifest hold nulls/NaNs, and the bounds of its non-null values. */
export interface FieldSummary {
  containsNull: boolean;
  containsNan: boolean | null;
  lowerBound: Uint8Array | null;
  upperBound: Uint8Array | null;
}

/**
 * The sequence number of a manifest written before its commit: the manifest-list writer replaces it
 * with the new snapshot's sequence number (the same trick Iceberg's Java writer uses), so a manifest of
 * new files can be written once and reused when a commit is retried on a newer base.
 */
export const UNASSIGNED_SEQUENCE_NUMBER = -1;

export function isLive(entry: ManifestEntry): boolean {
  return entry.status !== EntryStatus.DELETED;
}

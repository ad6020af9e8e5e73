/**
 * Reading a table: pick a snapshot (current, by id, or as of a time), plan the data files that can hold
 * matching rows, then read those rows.
 *
 * Planning prunes in two steps, cheapest first: whole manifests by the partition bounds the manifest list
 * records for them, then single files by their partition values and column bounds. Time travel reads
 * the snapshot's own schema, so old snapshots keep the columns they had.
 */
import { appendAll } from '../../arrays.ts';
import { isLive } from './data-file.ts';
import type { DataFile, ManifestFile } from './data-file.ts';
import { keyOf } from './lake.ts';
import type { Lake } from './lake.ts';
import { decodeManifest, decodeManifestList } from './manifest.ts';
import {
  currentSchema,
  currentSnapshot,
  schemaById,
  snapshotAsOf,
  snapshotById,
  specById,
} from './metadata.ts';
import type { Snapshot, TableMetadata } from './metadata.ts';
import { readParquetRows } from './parquet-reader.ts';
import { bindFilter, partitionMightMatch, projectFilter, rangeMightMatch, rowMatches } from './predicate.ts';
import type { BoundPredicate, PartitionPredicate, Predicate } from './predicate.ts';
import type { PartitionSpec } from './partition.ts';
import type { Schema, SchemaField } from './schema.ts';
import { deserializeValue } from './types.ts';
import type { Row } from './types.ts';

export interface ScanOptions {
  /** Read this snapshot (time travel by id)… */
  snapshotId?: bigint;
  /** …or the snapshot that was current at this time (ms since the epoch). Default: the current one. */
  asOfTimestampMs?: number;
  /** A conjunction of comparisons; files that cannot match are skipped, and rows are filtered. */
  filter?: readonly Predicate[];
}

export interface PlannedFile {
  file: DataFile;
  /** The snapshot that added the file. */
  snapshotId: bigint;
  dataSequenceNumber: number;
}

export interface FilePlan {
  /** Undefined when the table had no snapshot at the requested point: the plan is empty. */
  snapshot: Snapshot | undefined;
  schema: Schema;
  filter: BoundPredicate[];
  files: PlannedFile[];
  stats: { manifests: number; manifestsSkipped: number; dataFiles: number; dataFilesSkipped: number };
}

export function selectSnapshot(metadata: TableMetadata, options: ScanOptions = {}): Snapshot | undefined {
  if (options.snapshotId !== undefined && options.asOfTimestampMs !== undefined) {
    throw new TypeError('time travel takes a snapshot id or a timestamp, not both');
  }
  if (options.snapshotId !== undefined) return snapshotById(metadata, options.snapshotId);
  if (options.asOfTimestampMs !== undefined) return snapshotAsOf(metadata, options.asOfTimestampMs);
  return currentSnapshot(metadata);
}

export async function planFiles(
  lake: Lake,
  metadata: TableMetadata,
  options: ScanOptions = {},
): Promise<FilePlan> {
  const snapshot = selectSnapshot(metadata, options);
  const schema = snapshot ? schemaById(metadata, snapshot['schema-id']) : currentSchema(metadata);
  const filter = bindFilter(schema, options.filter);
  const plan: FilePlan = {
    snapshot,
    schema,
    filter,
    files: [],
    stats: { manifests: 0, manifestsSkipped: 0, dataFiles: 0, dataFilesSkipped: 0 },
  };
  if (!snapshot) return plan;

  const manifests = decodeManifestList(await lake.store.getBytes(keyOf(lake, snapshot['manifest-list'])));
  for (const manifest of manifests) {
    plan.stats.manifests++;
    const spec = specById(metadata, manifest.specId);
    const projected = projectFilter(schema, spec, filter);
    if (!manifestMightMatch(manifest, spec, projected)) {
      plan.stats.manifestsSkipped++;
      continue;
    }
    const { entries } = decodeManifest(await lake.store.getBytes(keyOf(lake, manifest.path)));
    for (const entry of entries.filter(isLive)) {
      plan.stats.dataFiles++;
      if (
        !partitionMightMatch(projected, entry.dataFile.partition) ||
        !metricsMightMatch(entry.dataFile, filter)
      ) {
        plan.stats.dataFilesSkipped++;
        continue;
      }
      plan.files.push({
        file: entry.dataFile,
        snapshotId: entry.snapshotId ?? manifest.addedSnapshotId,
        dataSequenceNumber: entry.sequenceNumber ?? manifest.sequenceNumber,
      });
    }
  }
  return plan;
}

/** Partition summaries are positional: the i-th summary belongs to the spec's i-th field. */
function manifestMightMatch(
  manifest: ManifestFile,
  spec: PartitionSpec,
  projected: readonly PartitionPredicate[],
): boolean {
  return projected.every(({ field, type, op, value }) => {
    const summary = manifest.partitions[spec.fields.indexOf(field)];
    if (!summary) return true;
    // No bounds: every value is null (or NaN), and comparisons with those are never true.
    if (summary.lowerBound === null && summary.upperBound === null) return false;
    return rangeMightMatch(
      type,
      op,
      value,
      summary.lowerBound === null ? undefined : deserializeValue(type, summary.lowerBound),
      summary.upperBound === null ? undefined : deserializeValue(type, summary.upperBound),
    );
  });
}

function metricsMightMatch(file: DataFile, filter: readonly BoundPredicate[]): boolean {
  return filter.every(({ field, op, value }) => {
    const values = file.valueCounts[field.id];
    const nulls = file.nullValueCounts[field.id];
    if (values !== undefined && nulls !== undefined && values === nulls) return false; // only nulls
    const lower = file.lowerBounds[field.id];
    const upper = file.upperBounds[field.id];
    return rangeMightMatch(
      field.type,
      op,
      value,
      lower && deserializeValue(field.type, lower),
      upper && deserializeValue(field.type, upper),
    );
  });
}

export interface ReadOptions {
  /** Only these columns (by name), in this order. Default: every column of the plan's schema. */
  columns?: readonly string[];
}

/** Rows of a plan, one batch per data file, filtered by the plan's filter. */
export async function* readPlan(
  lake: Lake,
  plan: FilePlan,
  options: ReadOptions = {},
): AsyncGenerator<Row[]> {
  const output = options.columns?.map((name) => fieldNamed(plan.schema, name)) ?? plan.schema.fields;
  const needed = [...new Set([...output, ...plan.filter.map((p) => p.field)])];
  for (const { file } of plan.files) {
    const rows = await readParquetRows(
      await lake.store.getBytes(keyOf(lake, file.path)),
      plan.schema,
      needed,
    );
    const matching = plan.filter.length > 0 ? rows.filter((row) => rowMatches(plan.filter, row)) : rows;
    yield needed.length === output.length ? matching : matching.map((row) => pick(row, output));
  }
}

/** Every matching row of a plan, in memory: for tests and small reads. */
export async function readAllRows(lake: Lake, plan: FilePlan, options: ReadOptions = {}): Promise<Row[]> {
  const rows: Row[] = [];
  for await (const batch of readPlan(lake, plan, options)) appendAll(rows, batch);
  return rows;
}

function fieldNamed(schema: Schema, name: string): SchemaField {
  const field = schema.fields.find((f) => f.name === name);
  if (!field) throw new TypeError(`no column ${JSON.stringify(name)} in the snapshot's schema`);
  return field;
}

function pick(row: Row, fields: readonly SchemaField[]): Row {
  const picked: Row = {};
  for (const field of fields) picked[field.name] = row[field.name];
  return picked;
}

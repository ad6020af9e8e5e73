/**
 * Table metadata (spec, "Table Metadata", format version 2): the JSON file a catalog points at. It holds
 * schemas, partition specs, sort orders, snapshots and their logs; every commit writes a new one.
 *
 * Snapshot ids are random 63-bit integers, beyond what a JS number holds exactly (2^53), so in memory they
 * are BigInts and in JSON they are written as exact digits (`JSON.rawJSON`) and read back from the source
 * text (the `context.source` of a JSON.parse reviver), both available in Node ≥ 21.
 */
import { highestPartitionFieldId } from './partition.ts';
import type { PartitionSpec } from './partition.ts';
import { highestFieldId, validateSchema } from './schema.ts';
import type { Schema } from './schema.ts';

export type Operation = 'append' | 'overwrite' | 'delete' | 'replace';

export interface SnapshotSummary {
  operation: Operation;
  [property: string]: string;
}

export interface Snapshot {
  'snapshot-id': bigint;
  'parent-snapshot-id'?: bigint;
  'sequence-number': number;
  'timestamp-ms': number;
  'manifest-list': string;
  summary: SnapshotSummary;
  'schema-id': number;
}

export interface SnapshotRef {
  'snapshot-id': bigint;
  type: 'branch' | 'tag';
}

export interface SortOrder {
  'order-id': number;
  fields: unknown[];
}

export interface TableMetadata {
  'format-version': 2;
  'table-uuid': string;
  location: string;
  'last-sequence-number': number;
  'last-updated-ms': number;
  'last-column-id': number;
  'current-schema-id': number;
  schemas: Schema[];
  'default-spec-id': number;
  'partition-specs': PartitionSpec[];
  'last-partition-id': number;
  'default-sort-order-id': number;
  'sort-orders': SortOrder[];
  properties: Record<string, string>;
  /** Null while the table has no snapshot (written as -1, as Iceberg's Java writer does). */
  'current-snapshot-id': bigint | null;
  refs: Record<string, SnapshotRef>;
  snapshots: Snapshot[];
  'snapshot-log': { 'timestamp-ms': number; 'snapshot-id': bigint }[];
  'metadata-log': { 'timestamp-ms': number; 'metadata-file': string }[];
}

export const MAIN_BRANCH = 'main';

/** How many previous metadata files the metadata log keeps (Iceberg's default for the same property). */
export const PREVIOUS_VERSIONS_MAX = 100;

export const DEFAULT_PROPERTIES: Record<string, string> = {
  'write.format.default': 'parquet',
  'write.parquet.compression-codec': 'zstd',
  'write.metadata.previous-versions-max': String(PREVIOUS_VERSIONS_MAX),
};

export interface NewTableOptions {
  location: string;
  schema: Schema;
  spec: PartitionSpec;
  properties?: Record<string, string>;
  nowMs: number;
}

/** Metadata of a new, empty table (no snapshot yet). */
export function newTableMetadata(options: NewTableOptions): TableMetadata {
  validateSchema(options.schema);
  return {
    'format-version': 2,
    'table-uuid': crypto.randomUUID(),
    location: options.location.replace(/\/+$/, ''),
    'last-sequence-number': 0,
    'last-updated-ms': options.nowMs,
    'last-column-id': highestFieldId(options.schema),
    'current-schema-id': options.schema['schema-id'],
    schemas: [options.schema],
    'default-spec-id': options.spec['spec-id'],
    'partition-specs': [options.spec],
    'last-partition-id': highestPartitionFieldId(options.spec),
    'default-sort-order-id': 0,
    'sort-orders': [{ 'order-id': 0, fields: [] }],
    properties: { ...DEFAULT_PROPERTIES, ...options.properties },
    'current-snapshot-id': null,
    refs: {},
    snapshots: [],
    'snapshot-log': [],
    'metadata-log': [],
  };
}

// ---------------------------------------------------------------------------------------------------
// JSON with exact 63-bit ids

const ID_KEYS = new Set(['snapshot-id', 'parent-snapshot-id', 'current-snapshot-id']);

const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;
type Reviver = (key: string, value: unknown, context?: { source?: string }) => unknown;
const parseJSON = JSON.parse as (text: string, reviver: Reviver) => unknown;

export function serializeMetadata(metadata: TableMetadata): string {
  const json = { ...metadata, 'current-snapshot-id': metadata['current-snapshot-id'] ?? -1n };
  return JSON.stringify(json, (_key, value: unknown) =>
    typeof value === 'bigint' ? rawJSON(value.toString()) : value,
  );
}

export function parseMetadata(text: string): TableMetadata {
  const parsed = parseJSON(text, (key, value, context) => {
    if (!ID_KEYS.has(key) || typeof value !== 'number') return value;
    if (context?.source !== undefined) return BigInt(context.source);
    if (Number.isSafeInteger(value)) return BigInt(value);
    throw new Error(`cannot read ${key} exactly: this runtime lacks JSON.parse source text access`);
  }) as TableMetadata & { 'current-snapshot-id'?: bigint | null };
  if (parsed['format-version'] !== 2) {
    throw new Error(`only Iceberg format version 2 is supported, got ${String(parsed['format-version'])}`);
  }
  const current = parsed['current-snapshot-id'];
  parsed['current-snapshot-id'] =
    current === undefined || current === null || current === -1n ? null : current;
  parsed.refs ??= {};
  parsed.snapshots ??= [];
  parsed['snapshot-log'] ??= [];
  parsed['metadata-log'] ??= [];
  parsed.properties ??= {};
  return parsed;
}

// ---------------------------------------------------------------------------------------------------
// Lookups

export function currentSchema(metadata: TableMetadata): Schema {
  return schemaById(metadata, metadata['current-schema-id']);
}

export function schemaById(metadata: TableMetadata, schemaId: number): Schema {
  const schema = metadata.schemas.find((s) => s['schema-id'] === schemaId);
  if (!schema) throw new Error(`table metadata has no schema ${schemaId}`);
  return schema;
}

export function defaultSpec(metadata: TableMetadata): PartitionSpec {
  return specById(metadata, metadata['default-spec-id']);
}

export function specById(metadata: TableMetadata, specId: number): PartitionSpec {
  const spec = metadata['partition-specs'].find((s) => s['spec-id'] === specId);
  if (!spec) throw new Error(`table metadata has no partition spec ${specId}`);
  return spec;
}

export function currentSnapshot(metadata: TableMetadata): Snapshot | undefined {
  const id = metadata['current-snapshot-id'];
  return id === null ? undefined : snapshotById(metadata, id);
}

export function snapshotById(metadata: TableMetadata, snapshotId: bigint): Snapshot {
  const snapshot = metadata.snapshots.find((s) => s['snapshot-id'] === snapshotId);
  if (!snapshot) throw new Error(`table has no snapshot ${snapshotId}`);
  return snapshot;
}

/**
 * The snapshot that was current at `timestampMs`: the last entry of the snapshot log at or before it
 * (the log records what `main` pointed at, in commit order). Undefined if the table was empty then.
 */
export function snapshotAsOf(metadata: TableMetadata, timestampMs: number): Snapshot | undefined {
  let found: bigint | undefined;
  for (const entry of metadata['snapshot-log']) {
    if (entry['timestamp-ms'] <= timestampMs) found = entry['snapshot-id'];
  }
  return found === undefined ? undefined : snapshotById(metadata, found);
}

/** A random positive 63-bit snapshot id (never 0, never negative, as the spec and readers expect). */
export function randomSnapshotId(): bigint {
  for (;;) {
    const [random] = crypto.getRandomValues(new BigUint64Array(1));
    const id = random! & 0x7fff_ffff_ffff_ffffn;
    if (id !== 0n) return id;
  }
}

// ---------------------------------------------------------------------------------------------------
// Metadata file names: metadata/<5-digit version>-<uuid>.metadata.json

export function metadataFileName(version: number): string {
  return `${String(version).padStart(5, '0')}-${crypto.randomUUID()}.metadata.json`;
}

/** The version number in a metadata file name, or -1 when it follows another convention. */
export function metadataVersionOf(location: string): number {
  const match = /(?:^|\/)(\d+)-[^/]*\.metadata\.json$/.exec(location);
  return match ? Number(match[1]) : -1;
}

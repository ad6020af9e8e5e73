/**
 * An Iceberg table handle: create or load it through the catalog, append rows, replace the rows of one
 * source file, and read it back (current or time travel).
 *
 * A handle caches the version it last saw. Writes start from that version and, when another writer has
 * moved the table on, are re-applied on the newer version (commit.ts), so many handles (in one process or
 * many Lambdas) can write one table concurrently. Data files are written once per operation, before the
 * commit loop; if the operation finally fails, they are deleted again.
 */
import { DATA_BUCKET_PREFIXES } from '../../runtime-contract/prefixes.ts';
import type { TableIdentifier } from '../../ports/catalog.ts';
import { PreconditionFailedError } from '../../ports/errors.ts';
import {
  CommitFailedError,
  commitWithRetry,
  deleteQuietly,
  requireTableState,
  writeMetadataFile,
} from './commit.ts';
import type { TableState } from './commit.ts';
import type { DataFile } from './data-file.ts';
import { sourceHashOf, sourceHashOfPath, writeDataFiles } from './data-writer.ts';
import type { WriteDataOptions } from './data-writer.ts';
import { evolveMetadata } from './evolution.ts';
import type { TableDefinition } from './evolution.ts';
import { keyOf, nowMs, uriOf } from './lake.ts';
import type { Lake } from './lake.ts';
import { currentSchema, currentSnapshot, defaultSpec, newTableMetadata, snapshotById } from './metadata.ts';
import type { Snapshot, TableMetadata } from './metadata.ts';
import { unpartitioned } from './partition.ts';
import type { PartitionSpec } from './partition.ts';
import { planFiles, readAllRows } from './scan.ts';
import type { FilePlan, ReadOptions, ScanOptions } from './scan.ts';
import type { Schema } from './schema.ts';
import { SnapshotProducer } from './snapshot-producer.ts';
import type { FileChange } from './snapshot-producer.ts';
import type { Row } from './types.ts';
import { publishVersionHint } from './version-hint.ts';

export interface CreateTableOptions {
  schema: Schema;
  /** Default: unpartitioned. */
  spec?: PartitionSpec;
  /** Store key of the table folder. Default: `lake/<namespace>/<name>`. */
  location?: string;
  properties?: Record<string, string>;
}

export interface AppendOptions extends Omit<WriteDataOptions, 'sourceKey'> {
  /** The source file the rows come from: its hash goes into the data file names (see data-writer.ts). */
  sourceKey?: string;
  /** Extra snapshot summary properties, e.g. `quotelab.src-file`, `quotelab.src-sha256`. */
  summary?: Record<string, string>;
}

export type ReplaceOptions = Omit<AppendOptions, 'sourceKey'>;

/** Summary property naming the source hash a snapshot wrote (for people and audits; files carry it too). */
export const SOURCE_HASH_PROPERTY = 'quotelab.src-hash';

export class IcebergTable {
  readonly identifier: TableIdentifier;
  private readonly lake: Lake;
  private state: TableState;

  private constructor(lake: Lake, identifier: TableIdentifier, state: TableState) {
    this.lake = lake;
    this.identifier = identifier;
    this.state = state;
  }

  /**
   * Creates the table if the catalog has no such table, else loads it as it is (its schema is not
   * compared with `options`). Two concurrent creators: the catalog lets one win; the other removes its
   * metadata file and loads the winner's table.
   */
  static async createIfAbsent(
    lake: Lake,
    identifier: TableIdentifier,
    options: CreateTableOptions,
  ): Promise<IcebergTable> {
    const existing = await lake.catalog.loadTable(identifier);
    if (existing) return IcebergTable.load(lake, identifier);
    const folder =
      options.location ?? `${DATA_BUCKET_PREFIXES.lake}${identifier.namespace}/${identifier.name}`;
    const metadata = newTableMetadata({
      location: uriOf(lake, folder.replace(/\/+$/, '')),
      schema: options.schema,
      spec: options.spec ?? unpartitioned(),
      properties: options.properties,
      nowMs: nowMs(lake),
    });
    const location = await writeMetadataFile(lake, metadata, 0);
    try {
      const entry = await lake.catalog.createTable(identifier, location);
      await publishVersionHint(lake, metadata, location);
      return new IcebergTable(lake, identifier, { entry, metadata });
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      await deleteQuietly(lake, [keyOf(lake, location)]);
      return IcebergTable.load(lake, identifier);
    }
  }

  static async load(lake: Lake, identifier: TableIdentifier): Promise<IcebergTable> {
    return new IcebergTable(lake, identifier, await requireTableState(lake, identifier));
  }

  /** The metadata of the version this handle last saw. */
  get metadata(): TableMetadata {
    return this.state.metadata;
  }

  get metadataLocation(): string {
    return this.state.entry.metadataLocation;
  }

  get schema(): Schema {
    return currentSchema(this.state.metadata);
  }

  get spec(): PartitionSpec {
    return defaultSpec(this.state.metadata);
  }

  currentSnapshot(): Snapshot | undefined {
    return currentSnapshot(this.state.metadata);
  }

  snapshots(): Snapshot[] {
    return this.state.metadata.snapshots;
  }

  /**
   * Brings the table up to `definition` (evolution.ts): adds the columns it lacks and makes its partition
   * spec the default, in one metadata-only commit (no snapshot; old snapshots and data files are
   * untouched). Nothing is committed when the table already matches. Safe to race: each attempt re-checks
   * the newest version.
   */
  async evolve(definition: TableDefinition): Promise<this> {
    const outcome = await commitWithRetry(this.lake, this.identifier, this.state, async (base) => {
      const metadata = evolveMetadata(base.metadata, definition, nowMs(this.lake));
      return metadata && { metadata, scratchKeys: [] };
    });
    this.state = outcome.state;
    return this;
  }

  /** Catches up with commits made through other handles. */
  async refresh(): Promise<this> {
    this.state = await requireTableState(this.lake, this.identifier);
    return this;
  }

  /** Appends rows as new data files in one snapshot (operation `append`). Undefined when `rows` is empty. */
  async append(rows: readonly Row[], options: AppendOptions = {}): Promise<Snapshot | undefined> {
    const summary = { ...options.summary };
    if (options.sourceKey !== undefined)
      summary[SOURCE_HASH_PROPERTY] = await sourceHashOf(options.sourceKey);
    const added = await writeDataFiles(this.lake, this.metadata, rows, options);
    return this.commitChange({ added, summary }, added);
  }

  /**
   * Replaces everything one source file contributed: the data files previously written for `sourceKey`
   * are marked DELETED and the new rows' files ADDED, in one snapshot (operation `overwrite`; `append`
   * if the source had no files yet, `delete` if `rows` is empty). Re-running the load of a corrected
   * source is therefore idempotent at the file level.
   */
  async replaceSource(
    sourceKey: string,
    rows: readonly Row[],
    options: ReplaceOptions = {},
  ): Promise<Snapshot | undefined> {
    const added = await writeDataFiles(this.lake, this.metadata, rows, { ...options, sourceKey });
    return this.replaceSourceFiles(sourceKey, added, options);
  }

  /**
   * The same replacement with data files written beforehand (by `writeDataFiles` with this `sourceKey`),
   * so a large source can be written in batches and still land in one snapshot.
   */
  async replaceSourceFiles(
    sourceKey: string,
    added: readonly DataFile[],
    options: Pick<ReplaceOptions, 'summary'> = {},
  ): Promise<Snapshot | undefined> {
    const hash = await sourceHashOf(sourceKey);
    const addedPaths = new Set(added.map((f) => f.path));
    return this.commitChange(
      {
        added: [...added],
        // Files of this source already in the base, never the ones this very change adds.
        removes: (file) => sourceHashOfPath(file.path) === hash && !addedPaths.has(file.path),
        summary: { ...options.summary, [SOURCE_HASH_PROPERTY]: hash },
      },
      added,
    );
  }

  /**
   * Commits a file-level change (files already written). Returns the new snapshot, or undefined when the
   * change turned out empty on the current version.
   */
  async commitChange(
    change: FileChange,
    ownedFiles: readonly DataFile[] = [],
  ): Promise<Snapshot | undefined> {
    const producer = new SnapshotProducer(this.lake, change);
    try {
      const outcome = await commitWithRetry(this.lake, this.identifier, this.state, (base, attempt) =>
        producer.apply(base, attempt),
      );
      this.state = outcome.state;
      return outcome.committed ? snapshotById(this.state.metadata, producer.snapshotId) : undefined;
    } catch (error) {
      // Only a commit we know lost everywhere can be cleaned up; otherwise it may have landed.
      if (error instanceof CommitFailedError) {
        await deleteQuietly(this.lake, [
          ...producer.ownKeys(),
          ...ownedFiles.map((f) => keyOf(this.lake, f.path)),
        ]);
      }
      throw error;
    }
  }

  /** The data files a read would open, after pruning. */
  plan(options: ScanOptions = {}): Promise<FilePlan> {
    return planFiles(this.lake, this.state.metadata, options);
  }

  /** Every matching row (current snapshot or time travel), in memory: for tests and small reads. */
  async read(options: ScanOptions & ReadOptions = {}): Promise<Row[]> {
    return readAllRows(this.lake, await this.plan(options), options);
  }
}

/**
 * Builds the next snapshot of a table from a base version and a file-level change: files to add, and a
 * test that picks the base's live files to remove. It is re-run on every commit attempt, because the set
 * of files to remove depends on the base (another writer may have added files of the same source since).
 *
 * Manifests, kept simple but correct:
 * - Added files go into one new manifest, written once per change and reused by every attempt. Its
 *   entries leave their sequence numbers null, which readers inherit from the manifest list, so the same
 *   manifest is valid whatever sequence number the commit finally gets.
 * - The parent's manifests are carried into the new manifest list as they are, unless they hold a file
 *   to remove. Such a manifest is rewritten: the removed files as DELETED, its other live files as
 *   EXISTING (with their original snapshot ids and explicit sequence numbers), its old DELETED entries
 *   dropped. A manifest with no live file left is dropped from later snapshots.
 * - The new snapshot's totals come from the manifest list itself (every live file is ADDED or EXISTING in
 *   exactly one listed manifest), so they are right even if the parent's summary was written elsewhere.
 */
import type { PreparedCommit, TableState } from './commit.ts';
import { EntryStatus, isLive } from './data-file.ts';
import type { DataFile, ManifestEntry, ManifestFile } from './data-file.ts';
import { keyOf, nowMs, uriOf } from './lake.ts';
import type { Lake } from './lake.ts';
import {
  decodeManifest,
  decodeManifestList,
  encodeManifest,
  encodeManifestList,
  summarizeManifest,
} from './manifest.ts';
import type { DecodedManifest } from './manifest.ts';
import { MAIN_BRANCH, currentSchema, currentSnapshot, randomSnapshotId, specById } from './metadata.ts';
import type { Operation, Snapshot, TableMetadata } from './metadata.ts';

export interface FileChange {
  /** Data files to add (already written). */
  added: readonly DataFile[];
  /** Picks the base snapshot's live files to remove in the same snapshot. */
  removes?: (file: DataFile) => boolean;
  /** Extra snapshot summary properties (e.g. quotelab.src-file); the standard ones cannot be overridden. */
  summary?: Record<string, string>;
}

export class SnapshotProducer {
  readonly snapshotId = randomSnapshotId();
  private readonly lake: Lake;
  private readonly change: FileChange;
  private addedManifest?: ManifestFile;
  /** Manifests are immutable, so what one attempt read serves the next. */
  private readonly manifests = new Map<string, DecodedManifest>();

  constructor(lake: Lake, change: FileChange) {
    this.lake = lake;
    this.change = change;
  }

  /** Keys of files this change wrote once for all attempts (deleted if the change is abandoned). */
  ownKeys(): string[] {
    return this.addedManifest ? [keyOf(this.lake, this.addedManifest.path)] : [];
  }

  async apply(base: TableState, attempt: number): Promise<PreparedCommit | undefined> {
    const metadata = base.metadata;
    if (metadata.snapshots.some((s) => s['snapshot-id'] === this.snapshotId)) {
      throw new Error(`snapshot id ${this.snapshotId} already exists`); // 1 in 2^63: fail loudly, never merge
    }
    const sequenceNumber = metadata['last-sequence-number'] + 1;
    const parent = currentSnapshot(metadata);
    const parentManifests = parent ? decodeManifestList(await this.read(parent['manifest-list'])) : [];
    const scratchKeys: string[] = [];

    const kept: ManifestFile[] = [];
    const rewritten: ManifestFile[] = [];
    const removed: DataFile[] = [];
    for (const manifest of parentManifests) {
      if (manifest.addedFilesCount + manifest.existingFilesCount === 0) continue; // only old deletes left
      const removes = this.change.removes;
      const decoded = removes ? await this.manifest(manifest.path) : undefined;
      if (!removes || !decoded!.entries.some((e) => isLive(e) && removes(e.dataFile))) {
        kept.push(manifest);
        continue;
      }
      const entries = decoded!.entries.filter(isLive).map((entry): ManifestEntry => {
        const resolved = {
          dataFile: entry.dataFile,
          sequenceNumber: entry.sequenceNumber ?? manifest.sequenceNumber,
          fileSequenceNumber: entry.fileSequenceNumber ?? manifest.sequenceNumber,
        };
        if (!removes(entry.dataFile)) {
          return {
            ...resolved,
            status: EntryStatus.EXISTING,
            snapshotId: entry.snapshotId ?? manifest.addedSnapshotId,
          };
        }
        removed.push(entry.dataFile);
        return { ...resolved, status: EntryStatus.DELETED, snapshotId: this.snapshotId };
      });
      const written = await this.writeManifest(metadata, manifest.specId, entries, `r${attempt}`);
      scratchKeys.push(keyOf(this.lake, written.path));
      rewritten.push(written);
    }

    if (this.change.added.length === 0 && removed.length === 0) return undefined;
    if (this.change.added.length > 0 && !this.addedManifest) {
      const entries = this.change.added.map((dataFile): ManifestEntry => ({
        status: EntryStatus.ADDED,
        snapshotId: this.snapshotId,
        sequenceNumber: null,
        fileSequenceNumber: null,
        dataFile,
      }));
      // Files are written under one spec (the default when they were written), so one manifest holds them.
      const specIds = new Set(this.change.added.map((file) => file.specId));
      if (specIds.size > 1) throw new Error('one change cannot add files of several partition specs');
      this.addedManifest = await this.writeManifest(metadata, [...specIds][0]!, entries, 'a');
    }

    const manifests = [...(this.addedManifest ? [this.addedManifest] : []), ...rewritten, ...kept];
    const listKey = `${keyOf(this.lake, metadata.location)}/metadata/snap-${this.snapshotId}-${attempt}-${crypto.randomUUID()}.avro`;
    const list = encodeManifestList(
      { snapshotId: this.snapshotId, parentSnapshotId: parent?.['snapshot-id'] ?? null, sequenceNumber },
      manifests,
    );
    await this.lake.store.put(listKey, list, { ifAbsent: true, contentType: 'application/avro' });
    scratchKeys.push(listKey);

    // Strictly increasing timestamps keep time travel by timestamp unambiguous, even within one millisecond.
    const timestampMs = Math.max(nowMs(this.lake), metadata['last-updated-ms'] + 1);
    const snapshot: Snapshot = {
      'snapshot-id': this.snapshotId,
      ...(parent ? { 'parent-snapshot-id': parent['snapshot-id'] } : {}),
      'sequence-number': sequenceNumber,
      'timestamp-ms': timestampMs,
      'manifest-list': uriOf(this.lake, listKey),
      summary: this.summary(parent, manifests, removed),
      'schema-id': metadata['current-schema-id'],
    };
    const next: TableMetadata = {
      ...metadata,
      'last-sequence-number': sequenceNumber,
      'last-updated-ms': timestampMs,
      'current-snapshot-id': this.snapshotId,
      refs: { ...metadata.refs, [MAIN_BRANCH]: { 'snapshot-id': this.snapshotId, type: 'branch' } },
      snapshots: [...metadata.snapshots, snapshot],
      'snapshot-log': [
        ...metadata['snapshot-log'],
        { 'timestamp-ms': timestampMs, 'snapshot-id': this.snapshotId },
      ],
    };
    return { metadata: next, scratchKeys };
  }

  private summary(
    parent: Snapshot | undefined,
    manifests: ManifestFile[],
    removed: DataFile[],
  ): Snapshot['summary'] {
    const added = this.change.added;
    const operation: Operation =
      removed.length === 0 ? 'append' : added.length === 0 ? 'delete' : 'overwrite';
    const size = (files: readonly DataFile[]) => files.reduce((sum, f) => sum + f.fileSizeInBytes, 0);
    const records = (files: readonly DataFile[]) => files.reduce((sum, f) => sum + f.recordCount, 0);
    const partitions = new Set([...added, ...removed].map((f) => JSON.stringify(f.partition, bigintAsText)));
    const parentSize = Number(parent?.summary['total-files-size'] ?? 0);
    const summary: Record<string, string> = { ...this.change.summary };
    const set = (name: string, value: number, always = false) => {
      if (always || value > 0) summary[name] = String(value);
    };
    set('added-data-files', added.length);
    set('added-records', records(added));
    set('added-files-size', size(added));
    set('deleted-data-files', removed.length);
    set('deleted-records', records(removed));
    set('removed-files-size', size(removed));
    set('changed-partition-count', partitions.size, true);
    set(
      'total-data-files',
      sum(manifests, (m) => m.addedFilesCount + m.existingFilesCount),
      true,
    );
    set(
      'total-records',
      sum(manifests, (m) => m.addedRowsCount + m.existingRowsCount),
      true,
    );
    set('total-files-size', parentSize + size(added) - size(removed), true);
    set('total-delete-files', 0, true);
    set('total-position-deletes', 0, true);
    set('total-equality-deletes', 0, true);
    return { ...summary, operation };
  }

  private async writeManifest(
    metadata: TableMetadata,
    specId: number,
    entries: ManifestEntry[],
    tag: string,
  ): Promise<ManifestFile> {
    const schema = currentSchema(metadata);
    const spec = specById(metadata, specId);
    const bytes = encodeManifest(schema, spec, entries);
    const key = `${keyOf(this.lake, metadata.location)}/metadata/${crypto.randomUUID()}-${tag}.avro`;
    await this.lake.store.put(key, bytes, { ifAbsent: true, contentType: 'application/avro' });
    this.manifests.set(uriOf(this.lake, key), { specId, entries });
    return summarizeManifest(schema, spec, entries, {
      path: uriOf(this.lake, key),
      length: bytes.byteLength,
      addedSnapshotId: this.snapshotId,
    });
  }

  private async manifest(path: string): Promise<DecodedManifest> {
    let decoded = this.manifests.get(path);
    if (!decoded) this.manifests.set(path, (decoded = decodeManifest(await this.read(path))));
    return decoded;
  }

  private read(uri: string): Promise<Uint8Array> {
    return this.lake.store.getBytes(keyOf(this.lake, uri));
  }
}

function sum<T>(items: readonly T[], value: (item: T) => number): number {
  return items.reduce((total, item) => total + value(item), 0);
}

function bigintAsText(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value;
}

/**
 * Optimistic commits. A writer prepares new table metadata from a base version, writes it to a new
 * metadata file, and asks the catalog to swap the table's pointer from the base to it. If another writer
 * got there first (PreconditionFailedError), it reloads the current version and *re-applies its change*
 * there (the change is a function of the base, not a finished metadata file), then tries again after a
 * jittered, growing pause. So concurrent writers serialise through the catalog and none loses its commit;
 * a writer only gives up after `maxAttempts` lost races.
 *
 * Files an attempt wrote for itself alone (its manifest list, rewritten manifests and metadata file) are
 * deleted when that attempt loses, so retries leave no litter. Nothing is deleted when the catalog call
 * fails in any other way: the commit may have landed, and deleting its files would corrupt the table.
 */
import { NotFoundError, PreconditionFailedError } from '../../ports/errors.ts';
import type { CatalogEntry, TableIdentifier } from '../../ports/catalog.ts';
import { getText } from '../../ports/object-store.ts';
import { keyOf, uriOf } from './lake.ts';
import type { Lake, RetryPolicy } from './lake.ts';
import {
  PREVIOUS_VERSIONS_MAX,
  metadataFileName,
  metadataVersionOf,
  parseMetadata,
  serializeMetadata,
} from './metadata.ts';
import type { TableMetadata } from './metadata.ts';
import { publishVersionHint } from './version-hint.ts';

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 40, baseDelayMs: 20, maxDelayMs: 2_000 };

/** A table as the catalog has it now: the pointer (with its version token) and the metadata it points at. */
export interface TableState {
  entry: CatalogEntry;
  metadata: TableMetadata;
}

/** What one attempt produced: the new metadata, and the files written only for this attempt. */
export interface PreparedCommit {
  metadata: TableMetadata;
  scratchKeys: string[];
}

/** Prepares a change on a base; undefined = nothing to commit on this base. */
export type ApplyChange = (base: TableState, attempt: number) => Promise<PreparedCommit | undefined>;

export class CommitFailedError extends Error {
  override readonly name = 'CommitFailedError';
}

export async function loadTableState(lake: Lake, table: TableIdentifier): Promise<TableState | undefined> {
  const entry = await lake.catalog.loadTable(table);
  if (!entry) return undefined;
  const metadata = parseMetadata(await getText(lake.store, keyOf(lake, entry.metadataLocation)));
  return { entry, metadata };
}

export async function requireTableState(lake: Lake, table: TableIdentifier): Promise<TableState> {
  const state = await loadTableState(lake, table);
  if (!state) throw new NotFoundError(`table ${table.namespace}.${table.name}`);
  return state;
}

/** Writes a metadata file (a new, unique name: never overwrites) and returns its URI. */
export async function writeMetadataFile(
  lake: Lake,
  metadata: TableMetadata,
  version: number,
): Promise<string> {
  const key = `${keyOf(lake, metadata.location)}/metadata/${metadataFileName(version)}`;
  await lake.store.put(key, serializeMetadata(metadata), { ifAbsent: true, contentType: 'application/json' });
  return uriOf(lake, key);
}

export interface CommitOutcome {
  /** The table after the commit, or the latest version seen when there was nothing to commit. */
  state: TableState;
  committed: boolean;
}

/** Runs `apply` on the current table state until the catalog accepts the result. */
export async function commitWithRetry(
  lake: Lake,
  table: TableIdentifier,
  initialBase: TableState,
  apply: ApplyChange,
): Promise<CommitOutcome> {
  const policy = { ...DEFAULT_RETRY_POLICY, ...lake.retry };
  let base = initialBase;
  for (let attempt = 1; ; attempt++) {
    const prepared = await apply(base, attempt);
    if (!prepared) return { state: base, committed: false };
    const next = withMetadataLog(prepared.metadata, base);
    const location = await writeMetadataFile(lake, next, metadataVersionOf(base.entry.metadataLocation) + 1);
    try {
      const entry = await lake.catalog.commitTable(table, base.entry, location);
      await publishVersionHint(lake, next, location);
      return { state: { entry, metadata: next }, committed: true };
    } catch (error) {
      if (!(error instanceof PreconditionFailedError)) throw error;
      await deleteQuietly(lake, [...prepared.scratchKeys, keyOf(lake, location)]);
      if (attempt >= policy.maxAttempts) {
        throw new CommitFailedError(
          `commit to ${table.namespace}.${table.name} lost ${attempt} races to concurrent writers; giving up`,
          { cause: error },
        );
      }
      await sleep(backoff(policy, attempt));
      base = await requireTableState(lake, table);
    }
  }
}

/** Adds the base's metadata file to the new metadata's log, keeping the newest PREVIOUS_VERSIONS_MAX. */
function withMetadataLog(metadata: TableMetadata, base: TableState): TableMetadata {
  const log = [
    ...base.metadata['metadata-log'],
    { 'timestamp-ms': base.metadata['last-updated-ms'], 'metadata-file': base.entry.metadataLocation },
  ];
  return { ...metadata, 'metadata-log': log.slice(-PREVIOUS_VERSIONS_MAX) };
}

/** "Full jitter": uniform in [0, min(max, base·2^(attempt-1))), which spreads racing writers apart. */
export function backoff(policy: RetryPolicy, attempt: number): number {
  return Math.random() * Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
}

export async function deleteQuietly(lake: Lake, keys: readonly string[]): Promise<void> {
  await Promise.all(keys.map((key) => lake.store.delete(key).catch(() => undefined)));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

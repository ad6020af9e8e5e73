/**
 * `metadata/version-hint.text`, the file by which readers that are given only a table folder find its
 * current metadata (the Iceberg spec's "File System Tables"; Hadoop tables, PyIceberg's and DuckDB's
 * folder readers, icebird). It holds the current metadata version number N, and the reader then opens
 * `metadata/v<N>.metadata.json`.
 *
 * The catalog stays the source of truth: commits are compare-and-swaps on it, and our metadata files keep
 * their unique `<5-digit version>-<uuid>.metadata.json` names (two racing writers must never write the same
 * key). So after a commit has won, its metadata is also written as `v<N>.metadata.json` (only the winner of
 * version N gets there, so that name is written once) and the hint is moved forward to N. The hint never
 * moves backwards: a slower writer of version N-1 finishing after the writer of N leaves it at N.
 *
 * Publishing is best effort, after the commit: the commit has landed whatever happens here, so a failure
 * must not make the caller retry (and write its rows twice). The next commit publishes again, and readers
 * of the catalog never look at these files.
 */
import { PreconditionFailedError } from '../../ports/errors.ts';
import { getText } from '../../ports/object-store.ts';
import { keyOf } from './lake.ts';
import type { Lake } from './lake.ts';
import { metadataVersionOf, serializeMetadata } from './metadata.ts';
import type { TableMetadata } from './metadata.ts';

export const VERSION_HINT_FILE = 'version-hint.text';

/** How often moving the hint may lose to a concurrent writer's move before giving up (best effort). */
const HINT_ATTEMPTS = 10;

/** The folder-reader name of a metadata version: `v<N>.metadata.json`. */
export function hintedMetadataFileName(version: number): string {
  return `v${version}.metadata.json`;
}

/**
 * Writes `v<N>.metadata.json` and moves `version-hint.text` forward to N, for the metadata a commit just
 * made current at `metadataLocation`. Returns false (and leaves the table as it is) if either write failed.
 */
export async function publishVersionHint(
  lake: Lake,
  metadata: TableMetadata,
  metadataLocation: string,
): Promise<boolean> {
  const version = metadataVersionOf(metadataLocation);
  if (version < 0) return false; // not one of our names: no version number to publish
  const folder = `${keyOf(lake, metadata.location)}/metadata`;
  try {
    await lake.store.put(`${folder}/${hintedMetadataFileName(version)}`, serializeMetadata(metadata), {
      contentType: 'application/json',
    });
    await moveHintForward(lake, `${folder}/${VERSION_HINT_FILE}`, version);
    return true;
  } catch {
    return false;
  }
}

async function moveHintForward(lake: Lake, key: string, version: number): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const head = await lake.store.head(key);
    try {
      if (!head) {
        await lake.store.put(key, String(version), { ifAbsent: true, contentType: 'text/plain' });
        return;
      }
      const current = Number.parseInt(await getText(lake.store, key), 10);
      if (Number.isInteger(current) && current >= version) return;
      await lake.store.put(key, String(version), { ifMatch: head.etag, contentType: 'text/plain' });
      return;
    } catch (error) {
      if (!(error instanceof PreconditionFailedError) || attempt >= HINT_ATTEMPTS) throw error;
    }
  }
}

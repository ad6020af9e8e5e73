/**
 * Where Iceberg tables live: an ObjectStore for the files, a Catalog for each table's current metadata
 * pointer, and the URI under which other readers find the store's keys.
 *
 * Iceberg metadata holds absolute URIs (`s3://bucket/lake/…`, `file:///home/…/lake/…`), because Athena,
 * PyIceberg and DuckDB open the files themselves. The store speaks keys, so `uriRoot` maps one to the
 * other: uri = uriRoot + key. It is given by whoever wires the platform (it knows the bucket or folder);
 * the ObjectStore's `location` is only a description for logs.
 */
import type { Catalog } from '../../ports/catalog.ts';
import type { ObjectStore } from '../../ports/object-store.ts';

/** How a commit retries when another writer committed first (defaults in commit.ts). */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** The pause before the second attempt is drawn from [0, baseDelayMs); it doubles each time… */
  baseDelayMs: number;
  /** …up to this ceiling. */
  maxDelayMs: number;
}

export interface Lake {
  store: ObjectStore;
  catalog: Catalog;
  /** The URI of the store's root, ending in '/': "s3://bucket/" or "file:///abs/path/". */
  uriRoot: string;
  /** Commit retries on concurrent writers (defaults in commit.ts). */
  retry?: Partial<RetryPolicy>;
  /** The clock for snapshot and metadata timestamps (tests pin it). */
  now?: () => number;
}

export function uriOf(lake: Lake, key: string): string {
  return rootOf(lake) + key;
}

/** The store key of a URI under the lake's root; throws for a URI elsewhere (another bucket, say). */
export function keyOf(lake: Lake, uri: string): string {
  const root = rootOf(lake);
  if (!uri.startsWith(root)) throw new Error(`${uri} is outside this lake (${root})`);
  return uri.slice(root.length);
}

export function nowMs(lake: Lake): number {
  return lake.now ? lake.now() : Date.now();
}

function rootOf(lake: Lake): string {
  return lake.uriRoot.endsWith('/') ? lake.uriRoot : `${lake.uriRoot}/`;
}

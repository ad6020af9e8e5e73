import type { KeyValueStore } from './key-value.ts';
import type { ObjectStore } from './object-store.ts';

export type Target = 'local' | 'aws';

/**
 * The stores one quotelab deployment runs on, wired for a target: a folder and SQLite on a laptop, S3
 * and DynamoDB in AWS. Use cases receive a Platform and never ask which one it is.
 */
export interface Platform {
  readonly target: Target;
  /** The data bucket: incoming XML, the lake, reports. */
  readonly data: ObjectStore;
  /** Single-table platform state: studies, registry, flags. */
  readonly state: KeyValueStore;
  /** Which source files were ingested, keyed by (object key, sha256). */
  readonly ingestLedger: KeyValueStore;
  /** Where each part lives, for `quotelab doctor` and logs. */
  describe(): Record<string, string>;
  close(): Promise<void>;
}

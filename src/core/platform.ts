import type { Lake } from './lake/iceberg/lake.ts';
import type { Catalog } from './ports/catalog.ts';
import type { KeyValueStore } from './ports/key-value.ts';
import type { ObjectStore } from './ports/object-store.ts';
import type { QueryEngine } from './ports/query-engine.ts';

export type Target = 'local' | 'aws';

/**
 * The stores one quotelab deployment runs on, wired for a target: a folder, SQLite and DuckDB on a
 * laptop; S3, DynamoDB, Glue and Athena in AWS. Use cases receive a Platform and never ask which one it is.
 */
export interface Platform {
  readonly target: Target;
  /** The data bucket: incoming XML, the lake, reports. */
  readonly data: ObjectStore;
  /** Single-table platform state: studies, registry, flags, commit locks. */
  readonly state: KeyValueStore;
  /** Which source files were ingested, keyed by object key and SHA-256. */
  readonly ingestLedger: KeyValueStore;
  /** Where each Iceberg table's current metadata is recorded. */
  readonly catalog: Catalog;
  /** The Iceberg lake: the data bucket plus the catalog. */
  readonly lake: Lake;
  /** Glue database / local namespace of the lake's tables. */
  readonly namespace: string;
  /** SQL over the lake's tables. */
  readonly query: QueryEngine;
  /** Where each part lives, for `quotelab doctor` and logs. */
  describe(): Record<string, string>;
  close(): Promise<void>;
}

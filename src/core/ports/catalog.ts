/**
 * Catalog: where each Iceberg table's current metadata file is recorded. Glue in AWS (so Athena sees the
 * tables), a key-value item locally. A commit is a compare-and-swap of the metadata location: it succeeds
 * only if the table is still at the version the writer started from, so two writers can never both win.
 */

export interface TableIdentifier {
  /** Glue database / local namespace, e.g. "quotelab_dev". */
  namespace: string;
  /** Table name, e.g. "bronze_ticks". */
  name: string;
}

export interface CatalogEntry {
  metadataLocation: string;
  /** Opaque version token the next commit must present (Glue VersionId, or a counter locally). */
  version: string;
}

export interface Catalog {
  readonly location: string;
  /** The table's current entry, or undefined when the table does not exist. */
  loadTable(table: TableIdentifier): Promise<CatalogEntry | undefined>;
  /** Registers a new table. Throws PreconditionFailedError when it already exists. */
  createTable(table: TableIdentifier, metadataLocation: string): Promise<CatalogEntry>;
  /**
   * Points the table at a new metadata file if it is still at `expected`. Throws PreconditionFailedError
   * when another commit landed first (the caller reloads, re-applies its change and tries again).
   */
  commitTable(
    table: TableIdentifier,
    expected: CatalogEntry,
    metadataLocation: string,
  ): Promise<CatalogEntry>;
  listTables(namespace: string): Promise<TableIdentifier[]>;
  /** Removes the catalog entry (not the files). Absent tables are not an error. */
  dropTable(table: TableIdentifier): Promise<void>;
}

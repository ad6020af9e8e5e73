/**
 * What DuckDB needs to query the local lake: for each table in the catalog, the Parquet files of its
 * current snapshot (from the Iceberg file plan) as local paths, and its columns with DuckDB types.
 */
import { IcebergTable, keyOf } from '../../core/lake/iceberg/index.ts';
import type { Lake, PrimitiveType } from '../../core/lake/iceberg/index.ts';
import type { DuckDbTableProvider, DuckDbTableSource } from './duckdb-query-engine.ts';
import type { FsObjectStore } from './fs-object-store.ts';

const DUCKDB_TYPES: Record<PrimitiveType, string> = {
  boolean: 'BOOLEAN',
  int: 'INTEGER',
  long: 'BIGINT',
  float: 'FLOAT',
  double: 'DOUBLE',
  string: 'VARCHAR',
  date: 'DATE',
  timestamp: 'TIMESTAMP',
  timestamptz: 'TIMESTAMPTZ',
};

/**
 * The lake's tables for the DuckDB engine, each planned once per snapshot: a query reads the catalog
 * pointer of the tables it mentions (cheap) and plans a table only when its pointer moved.
 */
export class LakeViews implements DuckDbTableProvider {
  private readonly cache = new Map<string, DuckDbTableSource>();
  private readonly lake: Lake;
  private readonly store: FsObjectStore;
  private readonly namespace: string;

  constructor(lake: Lake, store: FsObjectStore, namespace: string) {
    this.lake = lake;
    this.store = store;
    this.namespace = namespace;
  }

  async names(): Promise<string[]> {
    return (await this.lake.catalog.listTables(this.namespace)).map((identifier) => identifier.name);
  }

  async source(name: string): Promise<DuckDbTableSource> {
    const identifier = { namespace: this.namespace, name };
    const entry = await this.lake.catalog.loadTable(identifier);
    if (entry === undefined) throw new Error(`no table ${this.namespace}.${name} in the catalog`);
    const cached = this.cache.get(name);
    if (cached?.version === entry.metadataLocation) return cached;
    const table = await IcebergTable.load(this.lake, identifier);
    const plan = await table.plan();
    const source: DuckDbTableSource = {
      name,
      files: plan.files.map((planned) => this.store.pathOf(keyOf(this.lake, planned.file.path))),
      // Files are read by field id only when the table's schema ever changed (a file may then lack a
      // column or name it differently); with one schema in its history, every file has it, and reading by
      // name is exact and cheaper (DuckDB skips the id mapping).
      columns: table.schema.fields.map((field) => ({
        name: field.name,
        type: DUCKDB_TYPES[field.type],
        ...(table.metadata.schemas.length > 1 ? { id: field.id } : {}),
      })),
      // The table as loaded (a commit may have landed between the pointer read and the load).
      version: table.metadataLocation,
    };
    this.cache.set(name, source);
    return source;
  }
}

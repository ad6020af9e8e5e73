/**
 * What DuckDB needs to query the local lake: for each table in the catalog, the Parquet files of its
 * current snapshot (from the Iceberg file plan) as local paths, and its columns with DuckDB types.
 */
import { IcebergTable, keyOf } from '../../core/lake/iceberg/index.ts';
import type { Lake, PrimitiveType } from '../../core/lake/iceberg/index.ts';
import type { DuckDbTableSource } from './duckdb-query-engine.ts';
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

export async function lakeViews(
  lake: Lake,
  store: FsObjectStore,
  namespace: string,
): Promise<DuckDbTableSource[]> {
  const sources: DuckDbTableSource[] = [];
  for (const identifier of await lake.catalog.listTables(namespace)) {
    const table = await IcebergTable.load(lake, identifier);
    const plan = await table.plan();
    sources.push({
      name: identifier.name,
      files: plan.files.map((planned) => store.pathOf(keyOf(lake, planned.file.path))),
      columns: table.schema.fields.map((field) => ({
        name: field.name,
        type: DUCKDB_TYPES[field.type],
        id: field.id,
      })),
    });
  }
  return sources;
}

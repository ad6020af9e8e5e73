/**
 * QueryEngine: SQL over the lake's tables. Athena in AWS, DuckDB locally. The standard queries are
 * written once in the SQL both engines accept (see src/core/lake/standard-queries.ts).
 */

export interface QueryColumn {
  name: string;
  /** The engine's type name, lower case (e.g. "bigint", "varchar", "double", "timestamp"). */
  type: string;
}

export type QueryValue = string | number | boolean | null;

export interface QueryResult {
  columns: QueryColumn[];
  rows: QueryValue[][];
  /** The engine's id for the query (Athena's QueryExecutionId), for support and logs. */
  queryId?: string;
  /** Bytes the engine scanned, when it says. */
  scannedBytes?: number;
  elapsedMs: number;
}

export interface QueryOptions {
  /** Stop reading results after this many rows (the result says so by having exactly this many). */
  maxRows?: number;
}

export interface QueryEngine {
  readonly location: string;
  query(sql: string, options?: QueryOptions): Promise<QueryResult>;
}

/** A query the engine refused or failed, with the engine's own reason and query id. */
export class QueryFailedError extends Error {
  override readonly name = 'QueryFailedError';
  readonly queryId?: string;

  constructor(message: string, queryId?: string) {
    super(queryId ? `${message} (query ${queryId})` : message);
    this.queryId = queryId;
  }
}

/** Rows as objects keyed by column name (convenience for callers and tests). */
export function rowObjects(result: QueryResult): Array<Record<string, QueryValue>> {
  return result.rows.map((row) =>
    Object.fromEntries(result.columns.map((column, i) => [column.name, row[i] ?? null])),
  );
}

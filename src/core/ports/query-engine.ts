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
  /**
   * True when the query had more rows than `maxRows` and the engine stopped reading there: `rows` holds
   * the first `maxRows` and the rest was never fetched (so nothing says how many there were).
   */
  truncated: boolean;
  /** The engine's id for the query (Athena's QueryExecutionId), for support and logs. */
  queryId?: string;
  /** Bytes the engine scanned, when it says. */
  scannedBytes?: number;
  elapsedMs: number;
}

export interface QueryOptions {
  /**
   * Read at most this many rows (a positive integer): the engine stops fetching results there, so memory
   * stays bounded whatever the query returns, and sets `truncated` when there were more. Without it every
   * row is read.
   */
  maxRows?: number;
}

export interface QueryEngine {
  readonly location: string;
  query(sql: string, options?: QueryOptions): Promise<QueryResult>;
}

/** `options.maxRows`, checked: a positive integer, or undefined for no limit. Engines call it before running. */
export function rowLimit(options: QueryOptions): number | undefined {
  const { maxRows } = options;
  if (maxRows !== undefined && !(Number.isSafeInteger(maxRows) && maxRows >= 1))
    throw new RangeError(`maxRows must be a positive integer, got ${maxRows}`);
  return maxRows;
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

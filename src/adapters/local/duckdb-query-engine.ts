import { DuckDBInstance, StatementType } from '@duckdb/node-api';
import type { DuckDBConnection } from '@duckdb/node-api';
import { QueryFailedError, rowLimit } from '../../core/ports/query-engine.ts';
import type { QueryEngine, QueryOptions, QueryResult, QueryValue } from '../../core/ports/query-engine.ts';

/** One lake table as DuckDB should see it: the data files of its current snapshot, or its columns when empty. */
export interface DuckDbTableSource {
  name: string;
  /** Parquet files (local paths) of the snapshot being queried. */
  files: string[];
  /**
   * Column names and DuckDB types, used to define an empty table with the right shape. With Iceberg
   * field ids, the files are read by id: a column a file predates (schema evolution) reads as null.
   */
  columns: Array<{ name: string; type: string; id?: number }>;
  /** Identifies the snapshot these files are (its metadata file): the view is rebuilt only when it changes. */
  version?: string;
}

/**
 * The lake's tables for DuckDB. A query asks for the names (cheap: the catalog), then for the sources of
 * only the tables its text mentions, so a query over one table never plans the others; a provider caches
 * plans per snapshot (lake-views.ts).
 */
export interface DuckDbTableProvider {
  names(): Promise<string[]>;
  /** The table's current snapshot as DuckDB reads it. */
  source(name: string): Promise<DuckDbTableSource>;
}

/** A fixed set of sources (tests, a snapshot pinned by the caller). */
export function fixedTables(sources: readonly DuckDbTableSource[]): DuckDbTableProvider {
  return {
    names: async () => sources.map((source) => source.name),
    source: async (name) => {
      const found = sources.find((source) => source.name === name);
      if (!found) throw new Error(`no table ${name}`);
      return found;
    },
  };
}

export interface DuckDbQueryEngineOptions {
  /** The tables to expose, resolved at each query (so each query sees the latest snapshots). */
  tables: DuckDbTableProvider;
  location?: string;
  /**
   * The only folders SQL may read (the lake's data folder). When given, the connection is locked down:
   * no file outside them, no extension installs or loads, configuration locked (see `sandbox`).
   */
  readableDirectories?: string[];
}

/** Statement kinds a lake query may be: reads only (COPY, ATTACH, INSTALL, SET, DDL and DML are refused). */
const READ_ONLY_STATEMENTS = new Set<StatementType>([StatementType.SELECT, StatementType.EXPLAIN]);

/**
 * The QueryEngine on an in-process DuckDB: each lake table is a view over its current snapshot's Parquet
 * files (the Iceberg file plan), so queries read exactly what Athena would read for the same snapshot.
 */
export class DuckDbQueryEngine implements QueryEngine {
  readonly location: string;
  private readonly tables: DuckDbQueryEngineOptions['tables'];
  private readonly readableDirectories?: string[];
  private connection?: Promise<DuckDBConnection>;
  /** The version each view was last defined at (views of tables no query mentioned are never made). */
  private readonly views = new Map<string, string>();

  constructor(options: DuckDbQueryEngineOptions) {
    this.tables = options.tables;
    this.readableDirectories = options.readableDirectories;
    this.location = options.location ?? 'duckdb://in-process';
  }

  async query(sql: string, options: QueryOptions = {}): Promise<QueryResult> {
    const started = performance.now();
    const maxRows = rowLimit(options);
    const connection = await (this.connection ??= this.open());
    await this.defineViews(connection, sql);
    let reader;
    try {
      // DuckDB's own parser splits the text: exactly one statement, and only a read, is run.
      const statements = await connection.extractStatements(sql);
      if (statements.count !== 1) throw new Error(`give exactly one SQL statement (got ${statements.count})`);
      const statement = await statements.prepare(0);
      if (this.readableDirectories && !READ_ONLY_STATEMENTS.has(statement.statementType))
        throw new Error(
          `only SELECT (or EXPLAIN) queries run over the lake; this is a ${StatementType[statement.statementType] ?? statement.statementType} statement`,
        );
      // With a limit, a streaming result: DuckDB computes chunks (2,048 rows) as they are fetched, only a
      // small buffer ahead, and reading stops at the chunk holding row maxRows + 1 (which says whether
      // there were more). The rest is neither computed nor converted; the abandoned stream is dropped
      // when the connection runs its next statement or closes.
      reader =
        maxRows === undefined
          ? await statement.runAndReadAll()
          : await statement.streamAndReadUntil(maxRows + 1);
    } catch (error) {
      throw new QueryFailedError(`DuckDB: ${(error as Error).message.split('\n')[0]}`);
    }
    const types = reader.columnTypes().map((type) => type.toString().toLowerCase());
    const columns = reader.columnNames().map((name, i) => ({ name, type: types[i]! }));
    let rows = reader.getRowsJson() as unknown as QueryValue[][];
    const truncated = maxRows !== undefined && rows.length > maxRows;
    if (truncated) rows = rows.slice(0, maxRows);
    return {
      columns,
      rows: rows.map((row) => row.map((value, i) => convert(value, types[i]!))),
      truncated,
      elapsedMs: performance.now() - started,
    };
  }

  /**
   * Defines (or brings up to date) the view of each table the statement's text mentions: as a whole word,
   * in any case, quoted or not, qualified or not. A mention inside a string or a comment only costs a
   * plan; a table that is not mentioned cannot be read by the statement.
   */
  private async defineViews(connection: DuckDBConnection, sql: string): Promise<void> {
    const text = sql.toLowerCase();
    const names = await this.tables.names();
    // A table gone from the catalog takes its view with it.
    for (const name of this.views.keys())
      if (!names.includes(name)) {
        await connection.run(`DROP VIEW IF EXISTS ${quoteIdentifier(name)}`);
        this.views.delete(name);
      }
    for (const name of names) {
      if (!mentions(text, name.toLowerCase())) continue;
      const table = await this.tables.source(name);
      const version = table.version ?? JSON.stringify([table.files, table.columns]);
      if (this.views.get(name) === version) continue;
      await connection.run(viewSql(table));
      this.views.set(name, version);
    }
  }

  /**
   * An in-memory DuckDB; with `readableDirectories`, sandboxed before any user SQL runs: extensions are
   * never downloaded or auto-loaded, file access is limited to the lake folders (allowed_directories with
   * enable_external_access off), and the configuration is locked so SQL cannot undo any of it.
   */
  private async open(): Promise<DuckDBConnection> {
    const sandboxed = this.readableDirectories !== undefined;
    const db = await DuckDBInstance.create(
      ':memory:',
      sandboxed ? { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' } : {},
    );
    const connection = await db.connect();
    if (sandboxed) {
      const folders = this.readableDirectories!.map((folder) =>
        quoteString(folder.endsWith('/') ? folder : `${folder}/`),
      );
      await connection.run(`SET allowed_directories = [${folders.join(', ')}]`);
      await connection.run('SET enable_external_access = false');
      await connection.run('SET lock_configuration = true');
    }
    return connection;
  }

  async close(): Promise<void> {
    const connection = await this.connection;
    connection?.closeSync();
    this.connection = undefined;
    this.views.clear();
  }
}

/** Whether `name` occurs in `text` as a whole identifier (letters, digits, `_` and `$` do not touch it). */
function mentions(text: string, name: string): boolean {
  for (let at = text.indexOf(name); at >= 0; at = text.indexOf(name, at + 1)) {
    const before = at === 0 ? '' : text[at - 1]!;
    const after = text[at + name.length] ?? '';
    if (!/[a-z0-9_$]/.test(before) && !/[a-z0-9_$]/.test(after)) return true;
  }
  return false;
}

function viewSql(table: DuckDbTableSource): string {
  const name = quoteIdentifier(table.name);
  if (table.files.length > 0) {
    const files = table.files.map((file) => `'${file.replace(/'/g, "''")}'`).join(', ');
    // Without a schema DuckDB takes the first file's columns: a column added later would vanish.
    const byId = table.columns.every((column) => column.id !== undefined) && table.columns.length > 0;
    const schema = byId
      ? `, schema = MAP {${table.columns
          .map(
            (column) =>
              `${column.id}: {name: ${quoteString(column.name)}, type: ${quoteString(column.type)}, default_value: NULL}`,
          )
          .join(', ')}}`
      : '';
    return `CREATE OR REPLACE VIEW ${name} AS SELECT * FROM read_parquet([${files}]${schema})`;
  }
  const columns = table.columns
    .map((column) => `CAST(NULL AS ${column.type}) AS ${quoteIdentifier(column.name)}`)
    .join(', ');
  return `CREATE OR REPLACE VIEW ${name} AS SELECT ${columns || '1 AS empty'} WHERE false`;
}

function quoteString(text: string): string {
  return `'${text.replace(/'/g, "''")}'`;
}

function quoteIdentifier(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** DuckDB's JSON rows give big integers as text: return numbers where they are exact. */
function convert(value: QueryValue, type: string): QueryValue {
  if (typeof value === 'string' && /^(bigint|hugeint|ubigint|integer|smallint|tinyint|decimal)/.test(type)) {
    const number = Number(value);
    return Number.isSafeInteger(number) || type.startsWith('decimal') ? number : value;
  }
  return value;
}

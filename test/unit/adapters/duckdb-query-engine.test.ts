import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine, fixedTables } from '../../../src/adapters/local/duckdb-query-engine.ts';
import type { DuckDbTableSource } from '../../../src/adapters/local/duckdb-query-engine.ts';
import { QueryFailedError, rowObjects } from '../../../src/core/ports/query-engine.ts';
import { queryEngineContract } from '../../contract/query-engine.contract.ts';

// Sandboxed as the platform opens it (lake folder only, configuration locked): range() needs no file.
queryEngineContract('DuckDB (DuckDbQueryEngine, sandboxed)', async () => {
  const engine = new DuckDbQueryEngine({
    tables: fixedTables([]),
    readableDirectories: [mkdtempSync(join(tmpdir(), 'quotelab-duckdb-contract-'))],
  });
  return {
    engine,
    numbers: (count, failAt) =>
      failAt === undefined
        ? `SELECT range AS n FROM range(${count})`
        : `SELECT CASE WHEN range < ${failAt} THEN range ELSE error('computed row ${failAt}') END AS n FROM range(${count})`,
    close: () => engine.close(),
  };
});

describe('DuckDbQueryEngine', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quotelab-duckdb-'));
  const tables: DuckDbTableSource[] = [];
  const engine = new DuckDbQueryEngine({ tables: fixedTables(tables) });

  beforeAll(async () => {
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    for (const [i, side] of ['CALL', 'PUT'].entries()) {
      await connection.run(
        `COPY (SELECT '${side}' AS side, range::BIGINT AS tcnt, 1.5 * range AS price FROM range(${10 + i * 5})) TO '${dir}/${side}.parquet' (FORMAT parquet)`,
      );
    }
    connection.closeSync();
    tables.push({ name: 'ticks', files: [`${dir}/CALL.parquet`, `${dir}/PUT.parquet`], columns: [] });
    tables.push({
      name: 'empty_table',
      files: [],
      columns: [
        { name: 'code', type: 'VARCHAR' },
        { name: 'n', type: 'BIGINT' },
      ],
    });
  });

  afterAll(() => engine.close());

  it('queries a table made of several Parquet files', async () => {
    const result = await engine.query(
      'SELECT side, count(*) AS n, sum(price) AS total FROM ticks GROUP BY side ORDER BY side',
    );
    expect(result.columns).toEqual([
      { name: 'side', type: 'varchar' },
      { name: 'n', type: 'bigint' },
      { name: 'total', type: 'decimal(38,1)' },
    ]);
    expect(rowObjects(result)).toEqual([
      { side: 'CALL', n: 10, total: 67.5 },
      { side: 'PUT', n: 15, total: 157.5 },
    ]);
  });

  it('sees new files on the next query (views follow the current snapshot)', async () => {
    tables[0]!.files = [`${dir}/CALL.parquet`];
    expect((await engine.query('SELECT count(*) AS n FROM ticks')).rows).toEqual([[10]]);
    tables[0]!.files = [`${dir}/CALL.parquet`, `${dir}/PUT.parquet`];
  });

  it('defines an empty table with its columns', async () => {
    const result = await engine.query('SELECT code, n FROM empty_table');
    expect(result.rows).toEqual([]);
    expect(result.columns.map((c) => c.name)).toEqual(['code', 'n']);
  });

  it('reports SQL errors as QueryFailedError with DuckDB’s message', async () => {
    const error = await engine.query('SELECT nope FROM ticks').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect((error as Error).message).toMatch(/^DuckDB: .*nope/);
  });

  it('honours maxRows', async () => {
    const result = await engine.query('SELECT * FROM ticks', { maxRows: 3 });
    expect(result.rows).toHaveLength(3);
    expect(result.truncated).toBe(true);
  });
});

describe('DuckDbQueryEngine plans only what a statement reads', () => {
  it('asks for the sources of the tables the text mentions, and redefines a view only when its snapshot moved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quotelab-duckdb-plan-'));
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    await connection.run(`COPY (SELECT range AS x FROM range(4)) TO '${dir}/a.parquet' (FORMAT parquet)`);
    connection.closeSync();
    const asked: string[] = [];
    let version = 'v1';
    const names = ['silver_ticks', 'gold_bars_1m', 'bronze_ticks'];
    const engine = new DuckDbQueryEngine({
      tables: {
        names: async () => names,
        source: async (name) => {
          asked.push(name);
          return { name, files: [`${dir}/a.parquet`], columns: [], version };
        },
      },
    });
    expect((await engine.query('SELECT count(*) FROM silver_ticks')).rows).toEqual([[4]]);
    expect(asked).toEqual(['silver_ticks']);
    // Quoted, qualified, upper case: still a mention; `silver_ticks_x` or `xsilver_ticks` is not.
    await engine.query('SELECT count(*) FROM main."GOLD_BARS_1M" WHERE 1 = 1');
    expect(asked).toEqual(['silver_ticks', 'gold_bars_1m']);
    await engine.query('SELECT 1 AS silver_ticks_x, 2 AS xsilver_ticksx');
    expect(asked).toEqual(['silver_ticks', 'gold_bars_1m']);
    // Same snapshot: the provider is asked (its cheap pointer check) but the view stays; a new one follows.
    version = 'v2';
    await engine.query('SELECT count(*) FROM silver_ticks');
    expect(asked.filter((name) => name === 'silver_ticks')).toHaveLength(2);
    // A table gone from the catalog is gone from SQL too.
    names.splice(names.indexOf('gold_bars_1m'), 1);
    await expect(engine.query('SELECT count(*) FROM gold_bars_1m')).rejects.toThrow(/gold_bars_1m/);
    await engine.close();
  });
});

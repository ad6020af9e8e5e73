import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbQueryEngine, fixedTables } from '../../../src/adapters/local/duckdb-query-engine.ts';
import type { DuckDbTableSource } from '../../../src/adapters/local/duckdb-query-engine.ts';
import { QueryFailedError } from '../../../src/core/ports/query-engine.ts';

/** Local SQL is read-only over the lake (issue 12 point 16): each hostile statement the issue found. */
describe('DuckDbQueryEngine sandbox (readableDirectories = the lake folder)', () => {
  const root = mkdtempSync(join(tmpdir(), 'quotelab-sandbox-'));
  const lake = join(root, 'lake');
  const outside = join(root, 'outside.csv');
  const file = join(lake, 'ticks.parquet');
  const tables: DuckDbTableSource[] = [{ name: 'ticks', files: [file], columns: [] }];
  const engine = new DuckDbQueryEngine({ tables: fixedTables(tables), readableDirectories: [lake] });
  let lakeBytes: Buffer;

  beforeAll(async () => {
    mkdirSync(lake);
    writeFileSync(outside, 'secret\nhunter2\n');
    const connection = await (await DuckDBInstance.create(':memory:')).connect();
    await connection.run(`COPY (SELECT range::BIGINT AS n FROM range(7)) TO '${file}' (FORMAT parquet)`);
    connection.closeSync();
    lakeBytes = readFileSync(file);
  });

  afterAll(() => engine.close());

  it('still answers a read over the lake', async () => {
    const result = await engine.query('SELECT count(*) AS n, sum(n) AS total FROM ticks');
    expect(result.rows).toEqual([[7, 21]]);
    const explained = await engine.query('EXPLAIN SELECT * FROM ticks');
    expect(explained.rows.length).toBeGreaterThan(0);
  });

  it.each([
    ['a file outside the lake', `SELECT * FROM read_csv('${outside}')`, /Permission|disabled/],
    ['/etc/passwd', "SELECT * FROM read_csv('/etc/passwd')", /Permission|disabled/],
    ['a glob outside the lake', "SELECT * FROM glob('/etc/*')", /Permission|disabled/],
    ['COPY TO over a live lake file', `COPY (SELECT 1 AS n) TO '${file}' (FORMAT parquet)`, /only SELECT/],
    [
      'COPY TO outside the lake',
      `COPY (SELECT 1 AS n) TO '${join(root, 'x.csv')}'`,
      /only SELECT|Permission/,
    ],
    ['ATTACH', `ATTACH '${join(root, 'other.db')}'`, /only SELECT|Permission/],
    ['INSTALL', 'INSTALL httpfs', /only SELECT|Permission/],
    ['LOAD', 'LOAD httpfs', /only SELECT|Permission/],
    ['a setting', 'SET enable_external_access = true', /only SELECT|locked/],
    ['a table', 'CREATE TABLE t AS SELECT 1', /only SELECT/],
    ['a second hidden statement', "SELECT 1; COPY (SELECT 1) TO '/tmp/quotelab-hidden.csv'", /exactly one/],
  ])('refuses %s', async (_what, sql, message) => {
    const error = await engine.query(sql).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueryFailedError);
    expect((error as Error).message).toMatch(message);
  });

  it('leaves the lake file as it was and readable', async () => {
    expect(readFileSync(file).equals(lakeBytes)).toBe(true);
    expect((await engine.query('SELECT count(*) FROM ticks')).rows).toEqual([[7]]);
  });
});

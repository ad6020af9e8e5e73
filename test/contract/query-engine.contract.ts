/**
 * The QueryEngine contract: every adapter (DuckDB in-process, Athena) runs these same tests. They are
 * about reading results: every row without a limit, exactly `maxRows` with one, `truncated` only when
 * the query had more, and reading that stops at the limit (issue 12 point 15).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QueryEngine } from '../../src/core/ports/query-engine.ts';

export interface QueryEngineFixture {
  engine: QueryEngine;
  /**
   * SQL whose result is one BIGINT column `n` holding 0, 1, …, count − 1 in this order. With `failAt`,
   * producing row `failAt` (computing it, or fetching the page that holds it) fails the query with a
   * message naming `row ${failAt}`: an engine that reads past its limit fails the test.
   */
  numbers(count: number, failAt?: number): string;
  close?(): Promise<void>;
}

const sequence = (count: number) => Array.from({ length: count }, (_, i) => [i]);

export function queryEngineContract(name: string, open: () => Promise<QueryEngineFixture>): void {
  describe(`QueryEngine contract: ${name}`, () => {
    let fixture: QueryEngineFixture;

    beforeAll(async () => {
      fixture = await open();
    });

    afterAll(() => fixture.close?.());

    it('reads every row, in order, when no limit is given', async () => {
      const result = await fixture.engine.query(fixture.numbers(2500));
      expect(result.columns).toEqual([{ name: 'n', type: 'bigint' }]);
      expect(result.rows).toEqual(sequence(2500));
      expect(result.truncated).toBe(false);
    });

    // Around Athena's page (1,000 rows, the first holding the header too) and DuckDB's chunk (2,048).
    it.each([1, 5, 999, 1000, 1001, 2047, 2048, 2049])(
      'with maxRows %i below the row count, returns the first maxRows rows and says truncated',
      async (maxRows) => {
        const result = await fixture.engine.query(fixture.numbers(2500), { maxRows });
        expect(result.rows).toEqual(sequence(maxRows));
        expect(result.truncated).toBe(true);
      },
    );

    it.each([
      [1000, 1000],
      [2048, 2048],
      [2500, 2500],
      [2500, 10_000],
      [1, 1],
    ])('with %i rows and maxRows %i, returns every row and is not truncated', async (count, maxRows) => {
      const result = await fixture.engine.query(fixture.numbers(count), { maxRows });
      expect(result.rows).toEqual(sequence(count));
      expect(result.truncated).toBe(false);
    });

    it('gives an empty result its columns, with or without a limit', async () => {
      for (const options of [{}, { maxRows: 5 }]) {
        const result = await fixture.engine.query(fixture.numbers(0), options);
        expect(result.columns).toEqual([{ name: 'n', type: 'bigint' }]);
        expect(result.rows).toEqual([]);
        expect(result.truncated).toBe(false);
      }
    });

    it('stops reading at the limit: 5 (or 10,000) rows of 50 million never reach row 5 million', async () => {
      const sql = fixture.numbers(50_000_000, 5_000_000);
      const five = await fixture.engine.query(sql, { maxRows: 5 });
      expect(five.rows).toEqual(sequence(5));
      expect(five.truncated).toBe(true);
      const capped = await fixture.engine.query(sql, { maxRows: 10_000 });
      expect(capped.rows).toHaveLength(10_000);
      expect(capped.rows.at(-1)).toEqual([9_999]);
      expect(capped.truncated).toBe(true);
      // The probe works: reading every row does reach the failing one.
      await expect(fixture.engine.query(fixture.numbers(3000, 2000))).rejects.toThrow(/row 2000/);
    });

    it.each([0, -1, 1.5, Number.NaN])(
      'refuses maxRows %s (a positive integer or nothing)',
      async (maxRows) => {
        await expect(fixture.engine.query(fixture.numbers(3), { maxRows })).rejects.toThrow(
          /maxRows must be a positive integer/,
        );
      },
    );
  });
}

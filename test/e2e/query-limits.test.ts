/**
 * `quotelab query` reads at most --max-rows rows (default 10,000) and says when it stopped, in any
 * format and in --json (issue 12 point 15). An empty home is enough: range() needs no lake table.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'quotelab-query-'));
const quotelab = (...args: string[]) =>
  spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), '--home', home, ...args], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
/** 50 M rows of n = 0, 1, …; computing row 5,000,000 fails the query, so a reader that goes that far fails. */
const HUGE =
  "SELECT CASE WHEN range < 5000000 THEN range ELSE error('computed row 5000000') END AS n FROM range(50000000)";

describe('quotelab query row limits', () => {
  it('prints 5 rows of 50 million with --max-rows 5, without reading the rest, and says so', () => {
    const result = quotelab('query', '--max-rows', '5', HUGE);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout.trim().split('\n')).toEqual(['n', '-', '0', '1', '2', '3', '4']);
    expect(result.stderr).toMatch(/\(5 rows in \d+ ms\)/);
    expect(result.stderr).toMatch(/note: stopped at --max-rows 5; the query has more rows/);
  });

  it('stops at the default limit of 10,000 rows without --max-rows, with a note', () => {
    const table = quotelab('query', HUGE);
    expect(table.status, table.stderr).toBe(0);
    expect(table.stdout.trim().split('\n')).toHaveLength(10_002);
    expect(table.stdout.trim().split('\n').at(-1)).toBe('9999');
    expect(table.stderr).toMatch(/note: stopped at 10,000 rows \(the default limit\).*--max-rows N/);
    const csv = quotelab('query', '--format', 'csv', 'SELECT range AS n FROM range(20000)');
    expect(csv.status, csv.stderr).toBe(0);
    expect(csv.stdout.trim().split('\n')).toHaveLength(10_001);
    expect(csv.stderr).toMatch(/the default limit/);
  });

  it('prints no note when every row was read, up to exactly the limit', () => {
    for (const args of [
      ['SELECT range AS n FROM range(10000)'],
      ['--max-rows', '3', 'SELECT range AS n FROM range(3)'],
    ]) {
      const result = quotelab('query', '--format', 'csv', ...args);
      expect(result.status, result.stderr).toBe(0);
      expect(result.stderr).not.toMatch(/note/);
    }
  });

  it('prints a 300,000-row table (the layout no longer overflows the stack)', () => {
    const result = quotelab('query', '--max-rows', '300000', 'SELECT range AS n FROM range(300000)');
    expect(result.status, result.stderr).toBe(0);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(300_002);
    expect(lines.at(-1)).toBe('299999');
    expect(result.stderr).toMatch(/\(300,000 rows in \d+ ms\)/);
  });

  it('--json carries the rows with truncated and maxRows, and nothing on stderr', () => {
    const cut = quotelab('--json', 'query', '--max-rows', '2', HUGE);
    expect(cut.status, cut.stderr).toBe(0);
    expect(cut.stderr).toBe('');
    expect(JSON.parse(cut.stdout)).toMatchObject({
      columns: [{ name: 'n', type: 'bigint' }],
      rows: [{ n: 0 }, { n: 1 }],
      rowCount: 2,
      truncated: true,
      maxRows: 2,
    });
    const whole = quotelab('--json', 'query', 'SELECT 42 AS answer');
    expect(JSON.parse(whole.stdout)).toMatchObject({
      rows: [{ answer: 42 }],
      truncated: false,
      maxRows: 10_000,
    });
  });

  it('--format json stays an array of rows, with the note on stderr', () => {
    const result = quotelab(
      'query',
      '--format',
      'json',
      '--max-rows',
      '2',
      'SELECT range AS n FROM range(3)',
    );
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([{ n: 0 }, { n: 1 }]);
    expect(result.stderr).toMatch(/note: stopped at --max-rows 2/);
  });
});

import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { STANDARD_QUERIES } from '../../core/lake/standard-queries.ts';
import { rowObjects } from '../../core/ports/query-engine.ts';
import type { QueryResult } from '../../core/ports/query-engine.ts';
import { openPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { csv, textTable } from '../format.ts';
import { printJson, printLines } from '../output.ts';

/** Rows read when --max-rows is not given: enough to look at, bounded in memory whatever the query returns. */
export const DEFAULT_MAX_ROWS = 10_000;

export function registerQuery(program: Command, globals: () => GlobalOptions): void {
  program
    .command('query')
    .description('run SQL over the lake (DuckDB locally, Athena on --target aws)')
    .argument(
      '<sql>',
      'the SQL (one read-only statement), or the name of a standard query, e.g. "SELECT side, count(*) FROM silver_ticks GROUP BY side" or daily-summary',
    )
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'),
    )
    .option(
      '--max-rows <n>',
      `read and print at most this many rows (a positive integer; default ${DEFAULT_MAX_ROWS.toLocaleString('en-US')}): the engine stops reading there, and a note says when the query had more`,
      positiveInteger,
    )
    .addHelpText(
      'after',
      `\nStandard queries (run by name, e.g. \`quotelab query daily-summary\`):\n${STANDARD_QUERIES.map(
        (q) => `  ${q.name.padEnd(22)} ${q.description}`,
      ).join('\n')}`,
    )
    .action(async (sql: string, local: { format: string; maxRows?: number }) => {
      const options = globals();
      const platform = openPlatform(options);
      try {
        // A standard query's name runs its SQL (the same text CDK registers as an Athena named query).
        const standard = STANDARD_QUERIES.find((q) => q.name === sql.trim());
        const maxRows = local.maxRows ?? DEFAULT_MAX_ROWS;
        const result = await platform.query.query(standard?.sql ?? sql, { maxRows });
        const headers = result.columns.map((c) => c.name);
        // --json: one document with the rows and whether they were cut (nothing on stderr).
        if (options.json) return printJson(jsonResult(result, maxRows));
        if (local.format === 'json') printJson(rowObjects(result));
        else if (local.format === 'csv') printLines(csv(headers, result.rows));
        else {
          printLines(textTable(headers, result.rows));
          const scanned =
            result.scannedBytes !== undefined
              ? `, ${result.scannedBytes.toLocaleString('en-US')} bytes scanned`
              : '';
          process.stderr.write(
            `(${result.rows.length.toLocaleString('en-US')} row${result.rows.length === 1 ? '' : 's'} in ${result.elapsedMs.toFixed(0)} ms${scanned})\n`,
          );
        }
        if (result.truncated)
          process.stderr.write(`${truncationNote(maxRows, local.maxRows === undefined)}\n`);
      } finally {
        await platform.close();
      }
    });
}

/** What --json prints: the rows as objects, and the limit they were read under. */
function jsonResult(result: QueryResult, maxRows: number) {
  return {
    columns: result.columns,
    rows: rowObjects(result),
    rowCount: result.rows.length,
    truncated: result.truncated,
    maxRows,
    elapsedMs: Math.round(result.elapsedMs),
    ...(result.queryId !== undefined && { queryId: result.queryId }),
    ...(result.scannedBytes !== undefined && { scannedBytes: result.scannedBytes }),
  };
}

export function truncationNote(maxRows: number, byDefault: boolean): string {
  const limit = maxRows.toLocaleString('en-US');
  return byDefault
    ? `note: stopped at ${limit} rows (the default limit); the query has more, not read. --max-rows N reads up to N, or aggregate in SQL.`
    : `note: stopped at --max-rows ${limit}; the query has more rows, not read.`;
}

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value)))
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return Number(value);
}

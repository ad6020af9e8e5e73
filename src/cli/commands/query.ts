import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { STANDARD_QUERIES } from '../../core/lake/standard-queries.ts';
import { rowObjects } from '../../core/ports/query-engine.ts';
import { openPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { csv, textTable } from '../format.ts';
import { printJson, printLines } from '../output.ts';

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
    .option('--max-rows <n>', 'print at most this many rows (a positive integer)', positiveInteger)
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
        const result = await platform.query.query(standard?.sql ?? sql, { maxRows: local.maxRows });
        const headers = result.columns.map((c) => c.name);
        if (options.json || local.format === 'json') printJson(rowObjects(result));
        else if (local.format === 'csv') printLines(csv(headers, result.rows));
        else {
          printLines(textTable(headers, result.rows));
          const scanned =
            result.scannedBytes !== undefined
              ? `, ${result.scannedBytes.toLocaleString('en-US')} bytes scanned`
              : '';
          process.stderr.write(
            `(${result.rows.length} row${result.rows.length === 1 ? '' : 's'} in ${result.elapsedMs.toFixed(0)} ms${scanned})\n`,
          );
        }
      } finally {
        await platform.close();
      }
    });
}

function positiveInteger(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) < 1 || !Number.isSafeInteger(Number(value)))
    throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return Number(value);
}

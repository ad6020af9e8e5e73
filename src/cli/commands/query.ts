import type { Command } from 'commander';
import { Option } from 'commander';
import { rowObjects } from '../../core/ports/query-engine.ts';
import { openPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { csv, textTable } from '../format.ts';
import { printJson, printLines } from '../output.ts';

export function registerQuery(program: Command, globals: () => GlobalOptions): void {
  program
    .command('query')
    .description('run SQL over the lake (DuckDB locally, Athena on --target aws)')
    .argument('<sql>', 'the SQL, e.g. "SELECT side, count(*) FROM silver_ticks GROUP BY side"')
    .addOption(
      new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']).default('table'),
    )
    .option('--max-rows <n>', 'stop after this many rows', (value) => Number.parseInt(value, 10))
    .action(async (sql: string, local: { format: string; maxRows?: number }) => {
      const options = globals();
      const platform = openPlatform(options);
      try {
        const result = await platform.query.query(sql, { maxRows: local.maxRows });
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

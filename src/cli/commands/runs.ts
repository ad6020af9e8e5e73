import type { Command } from 'commander';
import { listRuns } from '../../usecases/run-index.ts';
import type { RunEntry } from '../../usecases/run-index.ts';
import { UsageError } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { formatRunValue, textTable } from '../format.ts';
import { printJson, printLines } from '../output.ts';

export function registerRuns(program: Command, globals: () => GlobalOptions): void {
  program
    .command('runs')
    .description('list past backtests and studies (newest first) with their report paths')
    .option('--limit <n>', 'show the newest N runs', '50')
    .action((options: { limit: string }) => {
      const global = globals();
      const limit = options.limit === 'all' ? Infinity : Number(options.limit);
      if (!(limit >= 1) || (Number.isFinite(limit) && !Number.isInteger(limit)))
        throw new UsageError('--limit takes a whole number ≥ 1 or "all"');
      const listing = listRuns(global.home, limit);
      if (global.json) return printJson(listing);
      for (const damaged of listing.damaged)
        process.stderr.write(`quotelab: ${listing.index} line ${damaged.line} skipped: ${damaged.reason}\n`);
      if (listing.runs.length === 0)
        return printLines([
          `no runs recorded in ${listing.index} yet (quotelab backtest, tune or demo record them)`,
        ]);
      printLines(formatRuns(listing.runs));
    });
}

export function formatRuns(runs: readonly RunEntry[]): string[] {
  return textTable(
    ['id', 'kind', 'when (UTC)', 'strategy', 'data', 'PnL / best', 'report'],
    runs.map((run) => [
      run.id,
      run.kind,
      run.when.slice(0, 19).replace('T', ' '),
      run.strategy,
      run.data,
      formatRunValue(run),
      run.report,
    ]),
  );
}

import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { findRun } from '../../usecases/run-index.ts';
import type { GlobalOptions } from '../context.ts';
import { printJson, printLines } from '../output.ts';

export function registerReport(program: Command, globals: () => GlobalOptions): void {
  program
    .command('report')
    .description('print the report path of a past run (an id or a unique prefix, see quotelab runs)')
    .argument('<id>', 'run or study id')
    .option('--open', 'also open it in the default browser', false)
    .action((id: string, options: { open: boolean }) => {
      const global = globals();
      const run = findRun(global.home, id);
      if (!existsSync(run.report))
        throw new Error(
          `the report of ${run.id} is gone: ${run.report} does not exist (rerun it to write it again)`,
        );
      if (options.open) openInBrowser(run.report);
      if (global.json) return printJson(run);
      printLines([run.report]);
    });
}

/** Hands the file to the desktop's opener, detached: the CLI does not wait for the browser. */
function openInBrowser(path: string): void {
  const opener =
    process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [path], { detached: true, stdio: 'ignore' });
  child.on('error', (error) => process.stderr.write(`quotelab: could not run ${opener}: ${error.message}\n`));
  child.unref();
}

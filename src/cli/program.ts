import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { registerBacktest } from './commands/backtest.ts';
import { registerDemo } from './commands/demo.ts';
import { registerDoctor } from './commands/doctor.ts';
import { registerGenerate } from './commands/generate.ts';
import { registerIngest } from './commands/ingest.ts';
import { registerQuery } from './commands/query.ts';
import { registerReport } from './commands/report.ts';
import { registerRuns } from './commands/runs.ts';
import { registerTables } from './commands/tables.ts';
import { registerTune } from './commands/tune.ts';
import { defaultHome } from './context.ts';
import type { GlobalOptions } from './context.ts';

const { version } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export interface ProgramOptions {
  /**
   * Where commander writes help, version and usage errors. The default is the terminal (help and version
   * on stdout, errors on stderr); with --json, main.ts collects them here and prints one JSON document.
   */
  output?: (text: string) => void;
}

/** The `quotelab` command: global options, then one registration per command module. */
export function buildProgram(options: ProgramOptions = {}): Command {
  const program = new Command('quotelab')
    .description('serverless ML platform for market making and minute-level trading on option ticks')
    .version(version, '-v, --version')
    .option('--home <dir>', 'local state folder (env QUOTELAB_HOME)', defaultHome())
    .option('--json', 'machine-readable output', false)
    .addOption(
      new Option('--target <target>', 'where the platform runs')
        .choices(['local', 'aws'])
        .default(process.env.QUOTELAB_TARGET ?? 'local')
        .env('QUOTELAB_TARGET'),
    )
    .showHelpAfterError('(run quotelab --help for usage)')
    .exitOverride();
  // Before any subcommand is registered: each subcommand copies the output settings when it is created.
  const output = options.output;
  if (output) program.configureOutput({ writeOut: output, writeErr: output, outputError: output });

  const globals = (): GlobalOptions => program.opts<GlobalOptions>();
  registerDoctor(program, globals);
  registerDemo(program, globals);
  registerGenerate(program, globals);
  registerIngest(program, globals);
  registerQuery(program, globals);
  registerTables(program, globals);
  registerBacktest(program, globals);
  registerTune(program, globals);
  registerRuns(program, globals);
  registerReport(program, globals);
  return program;
}

#!/usr/bin/env node
// The quotelab CLI. Thin: parse, call a use case, print. Errors end as one line and a non-zero exit.
import './quiet-warnings.ts';
import { CommanderError } from 'commander';
import { InterruptedError } from '../core/concurrency/interrupt.ts';

// Loaded after the warning filter is in place: Node emits its node:sqlite warning while linking modules.
const { buildProgram } = await import('./program.ts');

const json = process.argv.includes('--json');

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors were already printed by commander.
    process.exitCode = error.exitCode;
  } else {
    const message = error instanceof Error ? error.message : String(error);
    if (json) process.stdout.write(`${JSON.stringify({ error: message })}\n`);
    else process.stderr.write(`quotelab: ${message}\n`);
    // 130 = 128 + SIGINT, what shells report for a command stopped by Ctrl-C.
    process.exitCode = error instanceof InterruptedError ? 130 : 1;
    if (process.env.QUOTELAB_DEBUG) console.error(error);
  }
}

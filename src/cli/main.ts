#!/usr/bin/env node
// The quotelab CLI. Thin: parse, call a use case, print. Errors end as one line and a non-zero exit.
// With --json stdout carries exactly one JSON document whatever happens: a result, help, the version, or
// {"error": …} for usage errors (unknown command, missing option) and failures alike.
import './quiet-warnings.ts';
import { CommanderError } from 'commander';
import { InterruptedError } from '../core/concurrency/interrupt.ts';
import { printJson } from './output.ts';

// Loaded after the warning filter is in place: Node emits its node:sqlite warning while linking modules.
const { buildProgram } = await import('./program.ts');

const json = process.argv.includes('--json');
// With --json commander's own text (help, version, usage errors) is collected and wrapped in JSON.
let commanderText = '';
const program = buildProgram(json ? { output: (text) => (commanderText += text) } : {});

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    // --help and --version end here with code 0; usage errors end with 1. Without --json commander
    // already printed them.
    process.exitCode = error.exitCode;
    if (json) printJson(commanderDocument(error, commanderText));
  } else {
    const message = error instanceof Error ? error.message : String(error);
    if (json) printJson({ error: message });
    else process.stderr.write(`quotelab: ${message}\n`);
    // 130 = 128 + SIGINT, what shells report for a command stopped by Ctrl-C.
    process.exitCode = error instanceof InterruptedError ? 130 : 1;
    if (process.env.QUOTELAB_DEBUG) console.error(error);
  }
}

/** What commander said, as one JSON document: help or version text, or a usage error with its code. */
function commanderDocument(error: CommanderError, text: string): Record<string, unknown> {
  const trimmed = text.trim();
  if (error.code === 'commander.version') return { version: trimmed };
  if (error.exitCode === 0) return { help: trimmed };
  // `quotelab` with no command prints the help as an error (code commander.help).
  if (error.code === 'commander.help') return { error: 'no command given', code: error.code, help: trimmed };
  return { error: error.message.replace(/^error: /, ''), code: error.code };
}

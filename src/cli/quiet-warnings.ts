/**
 * Node 22 prints "ExperimentalWarning: SQLite is an experimental feature" when node:sqlite loads. The
 * embedded store relies on it knowingly (docs/decisions/0005-embedded-stores.md), so the CLI drops that
 * one warning and keeps every other. main.ts imports this first and loads everything else afterwards.
 */
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const message = typeof warning === 'string' ? warning : warning.message;
  if (message.startsWith('SQLite is an experimental feature')) return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

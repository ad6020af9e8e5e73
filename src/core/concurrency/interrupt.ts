/**
 * Cooperative cancellation for long loops (backtests, tuning, ingest).
 *
 * Long work takes an `AbortSignal`, checks it between units of work (an event batch, a trial, a file)
 * and, when it is aborted, stops before starting the next unit and throws `InterruptedError` with
 * what was kept. A synchronous loop must also yield to the event loop now and then (`yieldEvery`),
 * or the signal handler that aborts it never runs.
 */

/** Work stopped on request; `kept` says in one line what was written before the stop. */
export class InterruptedError extends Error {
  override readonly name = 'InterruptedError';
  readonly kept: string;

  constructor(what: string, kept: string) {
    super(`${what} interrupted: ${kept}`);
    this.kept = kept;
  }
}

/** Throws `InterruptedError` when the signal has been aborted. */
export function throwIfInterrupted(signal: AbortSignal | undefined, what: string, kept: string): void {
  if (signal?.aborted) throw new InterruptedError(what, kept);
}

/**
 * Returns a function to call once per unit of work in a synchronous loop: every `every` calls it
 * yields to the event loop (a macrotask, so signal handlers and timers run) and reports whether the
 * signal is aborted by then.
 */
export function yieldEvery(every: number, signal: AbortSignal | undefined): () => Promise<boolean> | false {
  let count = 0;
  return () => {
    if (++count < every) return false;
    count = 0;
    return new Promise<boolean>((resolve) => setImmediate(() => resolve(signal?.aborted ?? false)));
  };
}

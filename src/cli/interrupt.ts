import { InterruptedError } from '../core/concurrency/interrupt.ts';

/**
 * Ctrl-C for long commands. The first SIGINT or SIGTERM aborts the returned signal: the use case
 * stops at its next unit of work, keeps what is complete and throws `InterruptedError`, which main
 * prints with exit code 130. A second signal exits at once (130), for a loop that does not listen.
 */
export function interruptOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals): void => {
    if (controller.signal.aborted) process.exit(130);
    process.stderr.write(`\nquotelab: ${name} received, stopping (again to exit at once)\n`);
    controller.abort(new InterruptedError('work', `stopped by ${name}`));
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Runs `work` with an interrupt signal installed for its duration. */
export async function withInterrupt<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const { signal, dispose } = interruptOnSignals();
  try {
    return await work(signal);
  } finally {
    dispose();
  }
}

/**
 * Local trials in parallel: a pool of worker threads (one per core by default), each running trials with
 * its own handle on the local platform. A backtest is CPU-bound and synchronous, so threads — not
 * promises — are what spreads a batch over the cores.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TrialOutcome, TrialTask } from './trial.ts';

interface Pending {
  resolve: (outcome: TrialOutcome) => void;
  reject: (error: Error) => void;
}

export class TrialPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ task: TrialTask; pending: Pending }> = [];
  private readonly inFlight = new Map<number, { worker: Worker; pending: Pending }>();
  private nextId = 0;

  constructor(home: string, size = availableParallelism()) {
    for (let i = 0; i < Math.max(1, size); i++) {
      // node:sqlite's ExperimentalWarning is known and accepted (docs/decisions/0005-embedded-stores.md).
      const worker = new Worker(new URL('./trial-worker.ts', import.meta.url), {
        workerData: { home },
        execArgv: [...process.execArgv, '--disable-warning=ExperimentalWarning'],
      });
      worker.on('message', (message: { id: number; outcome?: TrialOutcome; error?: string }) =>
        this.settle(worker, message),
      );
      worker.on('error', (error) => this.crash(worker, error));
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  run(task: TrialTask): Promise<TrialOutcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ task, pending: { resolve, reject } });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private dispatch(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.pop()!;
      const { task, pending } = this.queue.shift()!;
      const id = this.nextId++;
      this.inFlight.set(id, { worker, pending });
      worker.postMessage({ id, task });
    }
  }

  private settle(worker: Worker, message: { id: number; outcome?: TrialOutcome; error?: string }): void {
    const entry = this.inFlight.get(message.id);
    if (!entry) return;
    this.inFlight.delete(message.id);
    this.idle.push(worker);
    if (message.outcome) entry.pending.resolve(message.outcome);
    else entry.pending.reject(new Error(message.error ?? 'trial worker failed'));
    this.dispatch();
  }

  private crash(worker: Worker, error: Error): void {
    for (const [id, entry] of this.inFlight) {
      if (entry.worker !== worker) continue;
      this.inFlight.delete(id);
      entry.pending.reject(error);
    }
  }
}

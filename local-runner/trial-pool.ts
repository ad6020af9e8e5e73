/**
 * Local trials in parallel: a pool of worker threads (one per core by default), each running trials with
 * its own handle on the local platform. A backtest is CPU-bound and synchronous, so threads — not
 * promises — are what spreads a batch over the cores.
 *
 * A worker that dies (an uncaught error, running out of memory, exiting) fails the trial it was running
 * and is replaced, so the study goes on; after `maxRestarts` deaths the pool gives up and fails every
 * queued trial instead of waiting forever.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { TrialOutcome, TrialTask } from '../src/usecases/research/trial.ts';

interface Pending {
  resolve: (outcome: TrialOutcome) => void;
  reject: (error: Error) => void;
}

export class TrialPool {
  private readonly home: string;
  private readonly workers = new Set<Worker>();
  private readonly idle: Worker[] = [];
  private readonly queue: Array<{ task: TrialTask; pending: Pending }> = [];
  private readonly inFlight = new Map<number, { worker: Worker; pending: Pending }>();
  private nextId = 0;
  private restarts = 0;
  private closing = false;
  private readonly maxRestarts: number;

  constructor(home: string, size = availableParallelism(), options: { maxRestarts?: number } = {}) {
    this.home = home;
    this.maxRestarts = options.maxRestarts ?? 8;
    for (let i = 0; i < Math.max(1, size); i++) this.spawn();
  }

  get size(): number {
    return this.workers.size;
  }

  run(task: TrialTask): Promise<TrialOutcome> {
    return new Promise((resolve, reject) => {
      if (this.workers.size === 0) {
        reject(new Error('the trial pool has no workers left (they kept dying; see the errors above)'));
        return;
      }
      this.queue.push({ task, pending: { resolve, reject } });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all([...this.workers].map((worker) => worker.terminate()));
  }

  private spawn(): void {
    // node:sqlite's ExperimentalWarning is known and accepted (docs/decisions/0005-embedded-stores.md).
    const worker = new Worker(new URL('./trial-worker.ts', import.meta.url), {
      workerData: { home: this.home },
      execArgv: [...process.execArgv, '--disable-warning=ExperimentalWarning'],
    });
    worker.on('message', (message: { id: number; outcome?: TrialOutcome; error?: string }) =>
      this.settle(worker, message),
    );
    worker.on('error', (error) => this.died(worker, error));
    worker.on('exit', (code) => this.died(worker, new Error(`trial worker exited with code ${code}`)));
    this.workers.add(worker);
    this.idle.push(worker);
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

  /** A worker is gone (error or exit, whichever comes first): fail its trial, replace it or give up. */
  private died(worker: Worker, error: Error): void {
    if (!this.workers.delete(worker)) return;
    const idleAt = this.idle.indexOf(worker);
    if (idleAt >= 0) this.idle.splice(idleAt, 1);
    for (const [id, entry] of this.inFlight) {
      if (entry.worker !== worker) continue;
      this.inFlight.delete(id);
      entry.pending.reject(error);
    }
    if (this.closing) return;
    if (this.restarts < this.maxRestarts) {
      this.restarts++;
      this.spawn();
      this.dispatch();
    } else if (this.workers.size === 0) {
      for (const { pending } of this.queue.splice(0)) pending.reject(error);
    }
  }
}

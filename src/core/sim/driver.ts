/**
 * The stepping driver: one engine for backtests, tuning trials, the RL environment and the live paper
 * broker. Events are pushed in (a whole table, chunks from any order-preserving source, a live feed),
 * the driver advances to the next decision point, the caller hands the decision in, and reads what
 * happened. `runBacktest` is the loop where each instrument's strategy decides; a caller that decides
 * itself (an RL policy, a model whose predictions are awaited outside the decision) uses `advance` and
 * `decide`. Decisions stay synchronous inside the engine: anything asynchronous (ONNX inference) is
 * computed by the caller between `advance` returning a decision point and `decide` (decision 0007).
 *
 * A pushed stream is processed only as far as it goes: nothing due at or after the last pushed event is
 * done before more events come or the stream is closed, so a stream pushed one event at a time runs
 * exactly as the whole table does (test/unit/sim/driver.test.ts).
 */
import { InterruptedError, yieldEvery } from '../concurrency/interrupt.ts';
import type { EventColumns } from '../market/events.ts';
import type { AccountView, Decision, MarketView, Strategy } from '../trading/types.ts';
import type { BacktestConfig, BacktestResult } from './config.ts';
import { Backtest, STEP_DECISION, STEP_DONE, STEP_WAITING } from './engine.ts';

/** Where the driver stopped. */
export type DriverStep =
  | {
      kind: 'decision';
      instrument: string;
      nowMs: number;
      /** What the instrument's strategy would see now, and its account. */
      view: MarketView;
      account: AccountView;
      /** The instrument's strategy (its wake-up rules drive the decision points). */
      strategy: Strategy;
    }
  /** The pushed events are used up: push more, or close the stream. */
  | { kind: 'waiting' }
  | { kind: 'done' };

export interface DriverOptions {
  /** The whole event table, when it is known up front (a backtest): no copy, and the stream is closed. */
  events?: EventColumns;
  /** Who decides: each instrument's strategy (default), or the caller (`advance` stops at each decision). */
  decisions?: 'strategy' | 'caller';
}

export class SimDriver {
  private readonly engine: Backtest;
  private finished: BacktestResult | undefined;
  private done = false;

  constructor(config: BacktestConfig, options: DriverOptions = {}) {
    this.engine = new Backtest(options.events, config, options.decisions === 'caller');
  }

  /** Appends events, in time order (instruments not seen before join the run). */
  push(events: EventColumns): void {
    this.engine.push(events);
  }

  /** No more events: the run can reach its end. */
  close(): void {
    this.engine.close();
  }

  /** Runs to the next decision point (caller decisions), to where the pushed events end, or to the end. */
  advance(limit = Infinity): DriverStep | undefined {
    if (this.done) return { kind: 'done' };
    const outcome = this.engine.advance(limit);
    if (outcome === STEP_DONE) {
      this.done = true;
      return { kind: 'done' };
    }
    if (outcome === STEP_WAITING) return { kind: 'waiting' };
    if (outcome === STEP_DECISION) {
      const { runtime, nowMs } = this.engine.awaitingDecision()!;
      return {
        kind: 'decision',
        instrument: runtime.name,
        nowMs,
        view: runtime.view,
        account: runtime.local,
        strategy: runtime.strategy!,
      };
    }
    return undefined; // the work limit was reached: call again
  }

  /** The decision for the instrument `advance` stopped at. */
  decide(decision: Decision): void {
    this.engine.decide(decision);
  }

  /** The run's results, once `advance` has said done. */
  result(): BacktestResult {
    if (!this.done)
      throw new Error('the run has not reached its end: advance until done (close a stream first)');
    return (this.finished ??= this.engine.finish());
  }
}

export function runBacktest(events: EventColumns, config: BacktestConfig): BacktestResult {
  const driver = new SimDriver(config, { events });
  driver.advance();
  return driver.result();
}

/**
 * Work between two yields of an interruptible run: items of the loop (events, arriving messages, wake-up
 * times) plus strategy calls (one wake-up time can call hundreds of strategies). Milliseconds of work.
 */
const WORK_PER_SLICE = 1 << 14;

/**
 * `runBacktest` that can be stopped: it runs in slices of 16,384 units of work (loop items plus strategy
 * calls) and yields to the event loop between them (so a SIGINT handler can run; a slice takes
 * milliseconds), and when `signal` is aborted it throws `InterruptedError` and returns nothing (a run is
 * kept whole or not at all). Same results.
 */
export async function runBacktestInterruptibly(
  events: EventColumns,
  config: BacktestConfig,
  signal: AbortSignal | undefined,
): Promise<BacktestResult> {
  const driver = new SimDriver(config, { events });
  const pause = yieldEvery(1, signal);
  const stop = () => new InterruptedError('backtest', 'the run was discarded, nothing of it was written');
  if (signal?.aborted) throw stop();
  while (driver.advance(WORK_PER_SLICE)?.kind !== 'done') if (await pause()) throw stop();
  return driver.result();
}

/**
 * A run fed by an async source of event chunks (a file read in pieces, a socket), with each decision
 * taken by `decide` — which may await (a model's prediction) — or by the strategies when it is absent.
 * Identical to `runBacktest` on the concatenated chunks when `decide` answers as the strategies would.
 */
export async function runStream(
  config: BacktestConfig,
  source: AsyncIterable<EventColumns>,
  decide?: (step: Extract<DriverStep, { kind: 'decision' }>) => Decision | Promise<Decision>,
): Promise<BacktestResult> {
  const driver = new SimDriver(config, { decisions: decide ? 'caller' : 'strategy' });
  const drain = async () => {
    for (;;) {
      const step = driver.advance();
      if (step === undefined) continue;
      if (step.kind !== 'decision') return;
      driver.decide(await decide!(step));
    }
  };
  for await (const chunk of source) {
    driver.push(chunk);
    await drain();
  }
  driver.close();
  await drain();
  return driver.result();
}

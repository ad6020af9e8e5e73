/**
 * The instruments of a run: a runtime for each name of the event table, in table order (ids are table
 * indices), created as names appear — all at once for a backtest, mid-run for a stream (a new option
 * listed) — and the lists the engine walks: traded (with a strategy), snapshotted, and tracked (σ sampled
 * each second: traded or snapshotted).
 */
import { resolveFees } from '../market/fees.ts';
import type { BacktestConfig } from './config.ts';
import { InstrumentRuntime } from './instrument-runtime.ts';

export class InstrumentRoster {
  readonly runtimes: InstrumentRuntime[] = [];
  readonly traded: InstrumentRuntime[] = [];
  readonly tracked: InstrumentRuntime[] = [];
  readonly snapshotted: InstrumentRuntime[] = [];
  private readonly config: BacktestConfig;
  private readonly choice: NonNullable<BacktestConfig['snapshots']>;
  private readonly names: ReadonlySet<string> | undefined;
  private readonly sharedMarket: boolean;
  private readonly instantResponses: boolean;

  constructor(config: BacktestConfig, sharedMarket: boolean, instantResponses: boolean) {
    this.config = config;
    this.choice = config.snapshots ?? 'traded';
    this.names = Array.isArray(this.choice) ? new Set<string>(this.choice) : undefined;
    this.sharedMarket = sharedMarket;
    this.instantResponses = instantResponses;
  }

  /** Runtimes for the names not seen yet; `joined` is told of each new traded one. */
  register(names: readonly string[], joined: (runtime: InstrumentRuntime) => void): void {
    const config = this.config;
    for (let id = this.runtimes.length; id < names.length; id++) {
      const spec = config.instrument(names[id]!);
      const runtime = new InstrumentRuntime(
        id,
        spec,
        config.strategy(spec),
        resolveFees(config.fees, spec),
        this.sharedMarket,
        this.instantResponses,
        config.initialCash ?? 0,
        config.volatilityHalfLifeSeconds ?? 60,
      );
      this.runtimes.push(runtime);
      if (runtime.traded) {
        this.traded.push(runtime);
        joined(runtime);
      }
      const snap =
        this.names !== undefined
          ? this.names.has(runtime.name)
          : this.choice === 'all' || (this.choice === 'traded' && runtime.traded);
      if (snap) this.snapshotted.push(runtime);
      if (snap || runtime.traded) this.tracked.push(runtime);
    }
  }
}

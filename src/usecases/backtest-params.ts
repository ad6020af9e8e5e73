/**
 * `--param key=value` pairs into typed, nested options for a backtest, checked against what exists: a key
 * the strategy, the risk gate or the fee schedule does not have is an error that names it (a typo such as
 * `gama=2` would otherwise run silently with the default), and a value must have its setting's type and
 * bounds. What exists, each value's type and its bounds are the configurations' zod schemas
 * (AS_OPTIONS_SCHEMA, SIGNAL_OPTIONS_SCHEMA, RISK_LIMITS_SCHEMA, FEE_SCHEDULE_SCHEMA) read by
 * core/config/params.ts: the same schemas check a study's parameters and the strategies' own options.
 *
 * Keys: strategy settings by their option path (`gamma`, `volatility.sampleIntervalMs`,
 * `regimes.presets.volatile.gamma`); `risk.<limit>` for the risk gate; `fees.<field>` for the fee schedule.
 */
import { checkSettings, setParam } from '../core/config/params.ts';
import type { ParamInput, SettingsSchema } from '../core/config/params.ts';
import type { RiskLimits } from '../core/risk/index.ts';
import type { FeeSchedule } from '../core/sim/index.ts';

export type { ParamInput } from '../core/config/params.ts';

export interface BacktestParams {
  strategy: Record<string, unknown>;
  risk: Partial<RiskLimits>;
  fees: Partial<FeeSchedule>;
}

/** The schema of each group's settings. */
export interface ParamSchemas {
  strategy: SettingsSchema;
  risk: SettingsSchema;
  fees: SettingsSchema;
}

export function parseBacktestParams(
  pairs: Readonly<Record<string, ParamInput>>,
  schemas: ParamSchemas,
): BacktestParams {
  const out: BacktestParams = { strategy: {}, risk: {}, fees: {} };
  for (const [key, raw] of Object.entries(pairs)) {
    const path = key.split('.');
    const group = path[0] === 'risk' || path[0] === 'fees' ? path[0] : 'strategy';
    const parts = group === 'strategy' ? path : path.slice(1);
    setParam(out[group] as Record<string, unknown>, schemas[group], group, key, parts, raw);
  }
  // Each value within its bounds, named as written (`risk.maxDailyLoss -1 must be …`).
  checkSettings(schemas.strategy, out.strategy);
  checkSettings(schemas.risk, out.risk, 'risk.');
  checkSettings(schemas.fees, out.fees, 'fees.');
  return out;
}

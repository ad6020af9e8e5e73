/**
 * `--param key=value` pairs into typed, nested options for a backtest, checked against what exists: a key
 * the strategy, the risk gate or the fee schedule does not have is an error that names it (a typo such as
 * `gama=2` would otherwise run silently with the default), and a value must have its setting's type.
 *
 * Keys: strategy settings by their option path (`gamma`, `volatility.sampleIntervalMs`,
 * `regimes.presets.volatile.gamma`); `risk.<limit>` for the risk gate; `fees.<field>` for the fee schedule.
 */
import type { RiskLimits } from '../core/risk/index.ts';
import type { FeeSchedule } from '../core/sim/index.ts';

export interface BacktestParams {
  strategy: Record<string, unknown>;
  risk: Partial<RiskLimits>;
  fees: Partial<FeeSchedule>;
}

/** What each group accepts: objects whose keys (and nested keys) are the settings, values typed by example. */
export interface ParamTemplates {
  strategy: object;
  risk: object;
  fees: object;
}

export const FEE_TEMPLATE: Readonly<Required<FeeSchedule>> = Object.freeze({
  makerBps: 0,
  takerBps: 0,
  makerPerUnit: 0,
  takerPerUnit: 0,
});

/** A parameter's value: text from the command line, or a number or boolean from a study (kept as it is). */
export type ParamInput = string | number | boolean;

export function parseBacktestParams(
  pairs: Readonly<Record<string, ParamInput>>,
  templates: ParamTemplates,
): BacktestParams {
  const out: BacktestParams = { strategy: {}, risk: {}, fees: {} };
  for (const [key, raw] of Object.entries(pairs)) {
    const path = key.split('.');
    const group = path[0] === 'risk' || path[0] === 'fees' ? path[0] : 'strategy';
    const parts = group === 'strategy' ? path : path.slice(1);
    if (parts.length === 0 || parts.some((part) => part === ''))
      throw new RangeError(`bad parameter name ${JSON.stringify(key)}`);
    let template: unknown = templates[group];
    let node = out[group] as Record<string, unknown>;
    for (const [depth, part] of parts.entries()) {
      if (!isObject(template) || !Object.hasOwn(template, part)) {
        const known = isObject(template) ? Object.keys(template).sort().join(', ') : '(none: not a group)';
        const where = parts.slice(0, depth).join('.');
        throw new RangeError(
          `unknown parameter ${JSON.stringify(key)}: ${where ? `${where} has` : `${group} settings are`} ${known}`,
        );
      }
      template = (template as Record<string, unknown>)[part];
      if (depth < parts.length - 1) node = (node[part] ??= {}) as Record<string, unknown>;
    }
    node[parts.at(-1)!] = typed(key, raw, template);
  }
  return out;
}

/**
 * The value as its setting's type (the template value's; a setting without a default takes a number).
 * Text is parsed; a number or boolean from a study must already have the type, and stays as it is.
 */
function typed(key: string, value: ParamInput, example: unknown): unknown {
  if (isObject(example))
    throw new RangeError(
      `parameter ${JSON.stringify(key)} is a group: set one of its fields (${Object.keys(example).join(', ')})`,
    );
  if (Array.isArray(example))
    throw new RangeError(`parameter ${JSON.stringify(key)} is a list and cannot be set with --param`);
  if (typeof value !== 'string') {
    const wanted =
      typeof example === 'boolean' ? 'boolean' : typeof example === 'string' ? 'string' : 'number';
    if (typeof value !== wanted || Number.isNaN(value))
      throw new RangeError(`parameter ${JSON.stringify(key)} takes a ${wanted}, got ${String(value)}`);
    return value;
  }
  const raw = value;
  if (typeof example === 'boolean') {
    if (raw === 'true' || raw === 'false') return raw === 'true';
    throw new RangeError(`parameter ${JSON.stringify(key)} takes true or false, got ${JSON.stringify(raw)}`);
  }
  if (typeof example === 'string') return raw;
  const number = raw === 'Infinity' ? Infinity : raw.trim() === '' ? NaN : Number(raw);
  if (Number.isNaN(number))
    throw new RangeError(`parameter ${JSON.stringify(key)} takes a number, got ${JSON.stringify(raw)}`);
  return number;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

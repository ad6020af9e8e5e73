/**
 * A study's parameters checked against the strategy before the first trial, and a trial's parameters
 * turned into a backtest setup.
 *
 * Parameter keys are `quotelab backtest --param` keys (strategy settings, `risk.*`, `fees.*`), plus three
 * simulation settings a trial can fix or search like any other: `sim.fillModel` (trade-through, queue,
 * queue-probabilistic), `sim.feedLatencyMs`, `sim.orderLatencyMs` and `sim.responseLatencyMs` (ms ≥ 0) —
 * the backtest's `--fill`, `--feed-latency`, `--order-latency` and `--response-latency`.
 *
 * Why check up front: a key the strategy does not have, a value it refuses or a fixed value the space also
 * searches would fail every trial (or silently not be tuned), and the study would still "finish".
 */
import type { StudySpec } from '../../core/research/study-spec.ts';
import { StudySpecError } from '../../core/research/study-spec.ts';
import type { ParamSpec, ParamValue } from '../../core/tune/index.ts';
import { backtestConfig } from '../backtest-setup.ts';
import type { FillModelName, RunSetup } from '../backtest-setup.ts';

export const FILL_MODELS: readonly FillModelName[] = ['trade-through', 'queue', 'queue-probabilistic'];
export const SIM_KEYS = [
  'sim.fillModel',
  'sim.feedLatencyMs',
  'sim.orderLatencyMs',
  'sim.responseLatencyMs',
] as const;

const LATENCY_SETTINGS = {
  'sim.feedLatencyMs': 'feedLatencyMs',
  'sim.orderLatencyMs': 'orderLatencyMs',
  'sim.responseLatencyMs': 'responseLatencyMs',
} as const;

type Values = Readonly<Record<string, ParamValue>>;

/** The backtest setup of one trial: its parameters with the `sim.*` keys taken out and checked. */
export function trialSetup(
  strategy: StudySpec['strategy'],
  values: Values,
): Pick<
  RunSetup,
  'strategy' | 'params' | 'fillModel' | 'feedLatencyMs' | 'orderLatencyMs' | 'responseLatencyMs'
> {
  const params: Record<string, string | number | boolean> = {};
  const setup: ReturnType<typeof trialSetup> = { strategy, params };
  for (const [key, value] of Object.entries(values)) {
    if (key === 'sim.fillModel') {
      if (typeof value !== 'string' || !(FILL_MODELS as readonly string[]).includes(value))
        throw new RangeError(
          `sim.fillModel is one of ${FILL_MODELS.join(', ')}, got ${JSON.stringify(value)}`,
        );
      setup.fillModel = value as FillModelName;
    } else if (key in LATENCY_SETTINGS) {
      const ms = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      if (!Number.isFinite(ms) || ms < 0)
        throw new RangeError(`${key} takes a finite number of ms ≥ 0, got ${JSON.stringify(value)}`);
      setup[LATENCY_SETTINGS[key as keyof typeof LATENCY_SETTINGS]] = ms;
    } else if (key.startsWith('sim.')) {
      throw new RangeError(
        `unknown parameter ${JSON.stringify(key)}: sim settings are ${SIM_KEYS.join(', ')}`,
      );
    } else {
      params[key] = value;
    }
  }
  return setup;
}

/**
 * Throws one StudySpecError listing every problem of the spec's parameters: unknown keys and bad values in
 * `fixedParams`, `baseline` and `space` (each value checked as the backtest checks `--param`), a fixed key
 * the space also searches, and the whole configuration a trial or the baseline would run — fixed values
 * with the space's lower corner, with its upper corner, and with each categorical choice, and the
 * baseline over the fixed values — built as the backtest builds it.
 */
export function validateStudyParams(spec: StudySpec): void {
  const problems: string[] = [];
  const check = (where: string, values: Values) => {
    try {
      backtestConfig('krx', { ...trialSetup(spec.strategy, values), snapshots: 'none' });
    } catch (error) {
      problems.push(`${where}: ${(error as Error).message}`);
    }
  };
  // Each value alone first (over the strategy's defaults), so an unknown key or a bad value is named
  // where it is written; cross-field rules (spread min ≤ max) are checked on the combinations below.
  const alone = (where: string, key: string, value: ParamValue) => {
    const before = problems.length;
    check(where, { [key]: value });
    const last = problems.at(-1);
    if (problems.length > before && isCrossFieldProblem(last!)) problems.pop();
  };
  for (const [key, value] of Object.entries(spec.fixedParams)) alone(`fixedParams.${key}`, key, value);
  for (const [key, value] of Object.entries(spec.baseline)) alone(`baseline.${key}`, key, value);
  for (const [key, dimension] of Object.entries(spec.space))
    for (const value of dimensionValues(dimension)) alone(`space.${key}`, key, value);
  for (const key of Object.keys(spec.fixedParams))
    if (Object.hasOwn(spec.space, key))
      problems.push(
        `fixedParams.${key}: also in the search space; a parameter is either fixed or searched (remove one)`,
      );
  if (problems.length === 0) {
    const corner = (pick: (values: ParamValue[]) => ParamValue) =>
      Object.fromEntries(Object.entries(spec.space).map(([key, d]) => [key, pick(dimensionValues(d))]));
    const low = corner((values) => values[0]!);
    check('space (every parameter at its low end, with fixedParams)', { ...spec.fixedParams, ...low });
    check('space (every parameter at its high end, with fixedParams)', {
      ...spec.fixedParams,
      ...corner((values) => values.at(-1)!),
    });
    for (const [key, dimension] of Object.entries(spec.space))
      if (dimension.type === 'categorical')
        for (const choice of dimension.choices.slice(1, -1))
          check(`space.${key} = ${JSON.stringify(choice)} (with fixedParams)`, {
            ...spec.fixedParams,
            ...low,
            [key]: choice,
          });
    check('baseline (with fixedParams)', { ...spec.fixedParams, ...spec.baseline });
  }
  if (problems.length > 0)
    throw new StudySpecError(`invalid study spec:\n  ${[...new Set(problems)].join('\n  ')}`);
}

/** The values a dimension can take that bound it: a numeric range's ends, or every categorical choice. */
function dimensionValues(dimension: ParamSpec): ParamValue[] {
  return dimension.type === 'categorical' ? [...dimension.choices] : [dimension.low, dimension.high];
}

/**
 * A rule between fields (A&S's spread clamp: 0 ≤ min ≤ max), which one value over the defaults may break
 * while the spec's other values satisfy it: judged on the combinations, not on the value alone.
 */
function isCrossFieldProblem(message: string): boolean {
  return message.includes('spread fractions');
}

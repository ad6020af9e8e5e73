/**
 * A study's parameters are checked against the strategy before the first trial (unknown keys, values it
 * refuses, a key both fixed and searched, unsafe ids), and trials can set the fill model and latencies.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../../src/adapters/local/local-platform.ts';
import type { Platform } from '../../../src/core/platform.ts';
import { parseStudySpec } from '../../../src/core/research/study-spec.ts';
import { generateMarket } from '../../../src/usecases/generate.ts';
import { initStudy, suggestTrials } from '../../../src/usecases/research/steps.ts';
import { StudyStore } from '../../../src/usecases/research/study-store.ts';
import { runTrial } from '../../../src/usecases/research/trial.ts';
import { trialSetup, validateStudyParams } from '../../../src/usecases/research/trial-params.ts';

let platform: Platform;
let files: string[];

beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'quotelab-trial-params-'));
  const generated = await generateMarket({
    out: join(home, 'market'),
    seed: 'trial-params',
    start: '2025-12-01',
    days: 3,
    ticksPerDay: 400,
  });
  files = generated.files.filter((f) => f.kind === 'tick').map((f) => join(home, 'market', f.name));
  platform = openLocalPlatform(home);
});
afterAll(() => platform.close());

const spec = (extra: Record<string, unknown>) => ({
  data: { kind: 'files', paths: files },
  budget: { trials: 2, parallelism: 2 },
  walkForward: { trainDays: 1, validateDays: 1, testDays: 1 },
  ...extra,
});
const check = (extra: Record<string, unknown>) => () => validateStudyParams(parseStudySpec(spec(extra)));

describe('study parameters', () => {
  it('refuses unknown keys in fixedParams, baseline and space, naming the known ones', () => {
    expect(check({ fixedParams: { gama: 2 } })).toThrow(
      /fixedParams\.gama: unknown parameter "gama": strategy settings are .*gamma/,
    );
    expect(check({ baseline: { 'risk.maxDailyLos': 5 } })).toThrow(/baseline\.risk\.maxDailyLos: unknown/);
    expect(check({ space: { kapa: { type: 'float', low: 1, high: 2 } } })).toThrow(/space\.kapa: unknown/);
    expect(check({ fixedParams: { 'sim.latency': 5 } })).toThrow(/sim settings are sim\.fillModel/);
  });

  it('refuses NaN and negative values the strategy or the risk gate cannot take', () => {
    expect(check({ fixedParams: { 'risk.maxDailyLoss': 'NaN' } })).toThrow(
      /fixedParams\.risk\.maxDailyLoss: parameter "risk\.maxDailyLoss" takes a number, got "NaN"/,
    );
    expect(check({ fixedParams: { gamma: -1 } })).toThrow(/fixedParams\.gamma: .*gamma -1 must be ≥ 0/);
    expect(check({ fixedParams: { 'risk.maxPositionNotional': -5 } })).toThrow(/must be a number ≥ 0/);
    expect(check({ fixedParams: { 'sim.orderLatencyMs': -1 } })).toThrow(/sim\.orderLatencyMs takes/);
    expect(check({ space: { gamma: { type: 'float', low: -1, high: 2 } } })).toThrow(/space\.gamma/);
    expect(
      check({
        space: { gamma: { type: 'float', low: 0.1, high: 2 } },
        fixedParams: { minSpreadFraction: 0.02 },
      }),
    ).toThrow(/space \(every parameter at its low end, with fixedParams\): .*spread fractions/);
    // A rebate is a negative fee, and is allowed.
    expect(check({ fixedParams: { 'fees.makerBps': -2 } })).not.toThrow();
  });

  it('refuses a key that is both fixed and searched', () => {
    expect(check({ fixedParams: { gamma: 0.5 } })).toThrow(/fixedParams\.gamma: also in the search space/);
  });

  it('judges cross-field rules on the combinations the study runs, not a value alone', () => {
    // minSpreadFraction 0.02 alone would exceed the default max of 0.01; with max fixed at 0.05 it is valid.
    expect(
      check({
        space: { gamma: { type: 'float', low: 0.1, high: 2 } },
        fixedParams: { minSpreadFraction: 0.02, maxSpreadFraction: 0.05 },
        baseline: { gamma: 1 },
      }),
    ).not.toThrow();
    expect(
      check({
        space: { minSpreadFraction: { type: 'float', low: 0.001, high: 0.05 } },
        baseline: { gamma: 1 },
      }),
    ).toThrow(/every parameter at its high end.*spread fractions/);
  });

  it('refuses study ids that are not a plain name', () => {
    for (const studyId of ['..', '.', '.hidden', 'a/b', '../x'])
      expect(() => parseStudySpec(spec({ studyId })), studyId).toThrow(/studyId: letters, digits/);
    expect(() => parseStudySpec(spec({ studyId: 'as-week-1.v2' }))).not.toThrow();
  });

  it('fails initStudy before any trial, leaving no study behind', async () => {
    await expect(
      initStudy(platform, { spec: spec({ studyId: 'doomed', fixedParams: { gama: 2 } }), owner: 'a' }),
    ).rejects.toThrow(/unknown parameter "gama"/);
    await expect(new StudyStore(platform.state).meta('doomed')).rejects.toThrow();
  });

  it('takes the fill model and latencies out of a trial’s parameters, checked', () => {
    expect(
      trialSetup('as', {
        gamma: 1,
        'sim.fillModel': 'queue',
        'sim.feedLatencyMs': 5,
        'sim.orderLatencyMs': '20',
      }),
    ).toEqual({
      strategy: 'as',
      params: { gamma: 1 },
      fillModel: 'queue',
      feedLatencyMs: 5,
      orderLatencyMs: 20,
    });
    expect(() => trialSetup('as', { 'sim.fillModel': 'magic' })).toThrow(
      'sim.fillModel is one of trade-through, queue, queue-probabilistic, got "magic"',
    );
  });

  it('runs trials with the latency and fill model the study searches', async () => {
    await initStudy(platform, {
      spec: spec({
        studyId: 'sim-searched',
        sampler: { kind: 'grid' },
        space: { 'sim.orderLatencyMs': { type: 'categorical', choices: [0, 600_000] } },
        fixedParams: { 'risk.maxDailyLoss': 'Infinity', 'risk.maxDrawdownAmount': 'Infinity' },
      }),
      owner: 'a',
    });
    const batch = await suggestTrials(platform, { studyId: 'sim-searched', owner: 'a' });
    for (const task of batch.trials)
      expect(await runTrial(platform, task)).toMatchObject({ state: 'complete' });
    const trials = await new StudyStore(platform.state).trials('sim-searched');
    const fills = (latency: number) =>
      trials
        .find((t) => t.params['sim.orderLatencyMs'] === latency)!
        .windows!.reduce((n, w) => n + w.fills, 0);
    // Orders that arrive ten minutes late fill less often than orders that arrive at once.
    expect(fills(0)).toBeGreaterThan(fills(600_000));
  });
});

/**
 * The workflow steps on the embedded platform with a tiny generated market: spec errors, ownership when a
 * study is resumed by another execution, interrupted trials, early stopping by patience, a failing trial.
 */
import { appendFileSync, copyFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../../src/adapters/local/local-platform.ts';
import type { Platform } from '../../../src/core/platform.ts';
import { generateMarket } from '../../../src/usecases/generate.ts';
import {
  INTERRUPTED,
  initStudy,
  recordResults,
  suggestTrials,
} from '../../../src/usecases/research/steps.ts';
import { StudyStore } from '../../../src/usecases/research/study-store.ts';
import { runTrial } from '../../../src/usecases/research/trial.ts';
import { TrialPool } from '../../../local-runner/trial-pool.ts';
import { parseStudySpec } from '../../../src/core/research/study-spec.ts';

let platform: Platform;
let files: string[];

beforeAll(async () => {
  const home = mkdtempSync(join(tmpdir(), 'quotelab-steps-'));
  const generated = await generateMarket({
    out: join(home, 'market'),
    seed: 'steps',
    start: '2025-12-01',
    days: 3,
    ticksPerDay: 400,
  });
  files = generated.files.filter((f) => f.kind === 'tick').map((f) => join(home, 'market', f.name));
  platform = openLocalPlatform(home);
});
afterAll(() => platform.close());

const spec = (studyId: string, extra: Record<string, unknown> = {}) => ({
  studyId,
  data: { kind: 'files', paths: files },
  budget: { trials: 6, parallelism: 2 },
  walkForward: { trainDays: 1, validateDays: 1, testDays: 1 },
  ...extra,
});

describe('tuning steps', () => {
  it('refuses a bad spec with every problem named, and a search space the samplers reject', async () => {
    await expect(
      initStudy(platform, { spec: { budget: { trials: 0 }, walkForward: { trainDays: 0 } }, owner: 'a' }),
    ).rejects.toThrow(/budget\.trials: .*\n.*walkForward\.trainDays/);
    await expect(
      initStudy(platform, {
        spec: spec('bad-space', { space: { gamma: { type: 'float', low: 0, high: 1, log: true } } }),
        owner: 'a',
      }),
    ).rejects.toThrow(/gamma/);
    await expect(
      initStudy(platform, {
        spec: spec('too-short', { walkForward: { trainDays: 2, validateDays: 1, testDays: 1 } }),
        owner: 'a',
      }),
    ).rejects.toThrow('walk-forward needs at least 4 trading days');
  });

  it('hands a resumed study to the new execution: the old one stops, its cut-off trials are interrupted', async () => {
    await initStudy(platform, { spec: spec('owned'), owner: 'exec-a' });
    const first = await suggestTrials(platform, { studyId: 'owned', owner: 'exec-a' });
    expect(first.trials.map((t) => t.number)).toEqual([0, 1]);
    await runTrial(platform, first.trials[0]!);
    // exec-a dies here; exec-b resumes the same spec.
    expect((await initStudy(platform, { spec: spec('owned'), owner: 'exec-b' })).resumed).toBe(true);
    await expect(suggestTrials(platform, { studyId: 'owned', owner: 'exec-a' })).rejects.toThrow(
      'study owned is now run by exec-b',
    );
    const next = await suggestTrials(platform, { studyId: 'owned', owner: 'exec-b' });
    expect(next.trials.map((t) => t.number)).toEqual([2, 3]);
    const trials = await new StudyStore(platform.state).trials('owned');
    expect(trials.find((t) => t.number === 0)!.state).toBe('complete');
    expect(trials.find((t) => t.number === 1)).toMatchObject({
      state: 'failed',
      error: INTERRUPTED,
      attempts: 0,
    });
  });

  it('gives a retried suggest the batch it already reserved, not a second one', async () => {
    await initStudy(platform, { spec: spec('retried'), owner: 'x' });
    const first = await suggestTrials(platform, { studyId: 'retried', owner: 'x' });
    const again = await suggestTrials(platform, { studyId: 'retried', owner: 'x' });
    expect(again).toEqual(first);
    expect((await new StudyStore(platform.state).trials('retried')).map((t) => t.number)).toEqual([0, 1]);
  });

  it('refuses to resume a files study whose files changed, and a trial refuses to read them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quotelab-steps-files-'));
    const copies = files.map((file, k) => {
      const copy = join(dir, `copy-${k}.xml`);
      copyFileSync(file, copy);
      return copy;
    });
    const changing = { ...spec('changing'), data: { kind: 'files', paths: copies } };
    await initStudy(platform, { spec: changing, owner: 'x' });
    const batch = await suggestTrials(platform, { studyId: 'changing', owner: 'x' });
    appendFileSync(copies[0]!, '\n');
    await expect(initStudy(platform, { spec: changing, owner: 'y' })).rejects.toThrow(
      /study changing was started on files with digest sha256:\w+; they now hash to sha256:\w+/,
    );
    expect(await runTrial(platform, batch.trials[0]!)).toMatchObject({
      state: 'failed',
      error: expect.stringMatching(/^the study's files changed since it started/),
    });
  });

  it('refuses a budget one Step Functions execution cannot hold', () => {
    expect(() => parseStudySpec({ budget: { trials: 3000, parallelism: 4 } })).toThrow(
      /budget: 3000 trials 4 at a time take about \d+ Step Functions history events/,
    );
    expect(() => parseStudySpec({ budget: { trials: 1000, parallelism: 4 } })).not.toThrow();
  });

  it('fails trials instead of hanging when its workers keep dying', async () => {
    // A home that is a file: every worker throws while opening the platform.
    const pool = new TrialPool(files[0]!, 1, { maxRestarts: 2 });
    // A hang would end in the test's timeout instead of these rejections.
    await expect(pool.run({ studyId: 's', number: 0, runner: 'lambda' })).rejects.toThrow();
    await expect(pool.run({ studyId: 's', number: 1, runner: 'lambda' })).rejects.toThrow(
      /no workers left|exited|ENOTDIR|not a directory/,
    );
    await pool.close();
  }, 60_000);

  it('records a runner failure the workflow caught, and stops early once patience runs out', async () => {
    await initStudy(platform, {
      spec: spec('patient', { budget: { trials: 50, parallelism: 2, patience: 3 } }),
      owner: 'x',
    });
    let batches = 0;
    for (;;) {
      const batch = await suggestTrials(platform, { studyId: 'patient', owner: 'x' });
      if (batch.done) {
        expect(batch.reason).toMatch(/no better value in the last \d+ complete trials \(patience 3\)/);
        break;
      }
      batches++;
      // The first trial of the first batch "crashes": the workflow's Catch hands its error to record.
      const results = [];
      for (const [k, task] of batch.trials.entries()) {
        if (batches === 1 && k === 0)
          results.push({ ...task, state: 'failed', error: { Error: 'Lambda.Timeout', Cause: 'timed out' } });
        else results.push(await runTrial(platform, task));
      }
      await recordResults(platform, { studyId: 'patient', results });
    }
    const trials = await new StudyStore(platform.state).trials('patient');
    expect(trials[0]).toMatchObject({
      state: 'failed',
      error: 'runner failed: {"Error":"Lambda.Timeout","Cause":"timed out"}',
    });
    expect(trials.length).toBeLessThan(50);
  });
});

/**
 * Tuning studies end to end on generated KRX data: the local run of stepfunctions/tuning.asl.json (trials on
 * worker threads) against the direct optimiser loop with the same seed; a study killed mid-run and resumed
 * by the CLI; the workflow file's validity; the report.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../src/adapters/local/local-platform.ts';
import { generateMarket } from '../../src/usecases/generate.ts';
import { runStudyDirect } from '../../src/usecases/research/direct.ts';
import { LOCAL_SUBSTITUTIONS, TUNING_ASL, openLocalOrchestrator } from '../../local-runner/tuning.ts';
import { substituteDefinition } from '../../src/adapters/local/asl-orchestrator.ts';
import { runStudy } from '../../src/usecases/research/run-study.ts';
import { StudyStore } from '../../src/usecases/research/study-store.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** asl-validator ships CommonJS without types: (definition) → { isValid, errors }. */
const validateAsl = createRequire(import.meta.url)('asl-validator') as (definition: unknown) => {
  isValid: boolean;
  errors: unknown[];
};
let files: string[];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quotelab-tune-data-'));
  const generated = await generateMarket({
    out: dir,
    seed: 'tuning-e2e',
    start: '2025-12-01',
    days: 5,
    ticksPerDay: 3000,
  });
  files = generated.files.filter((f) => f.kind === 'tick').map((f) => join(dir, f.name));
});

const spec = (studyId: string, trials: number) => ({
  studyId,
  data: { kind: 'files', paths: files },
  budget: { trials, parallelism: 4 },
  seed: 11,
  // Without loss limits every parameter set trades all week, so the objective separates them.
  fixedParams: { 'risk.maxDailyLoss': 'Infinity', 'risk.maxDrawdownAmount': 'Infinity' },
});

describe('tuning studies', () => {
  it('tuning.asl.json is valid ASL, before and after substitution, and every ${…} has a local value', () => {
    const text = readFileSync(TUNING_ASL, 'utf8');
    const check = validateAsl;
    expect(check(JSON.parse(text))).toMatchObject({ isValid: true, errors: [] });
    expect(check(JSON.parse(substituteDefinition(text, LOCAL_SUBSTITUTIONS))).isValid).toBe(true);
    expect(() => substituteDefinition('"${Nope}"', LOCAL_SUBSTITUTIONS)).toThrow(
      'the workflow uses ${Nope}, which has no substitution',
    );
  });

  it('the local workflow run (64 trials, 4 at a time) gives the direct loop’s trial sequence and best value', async () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-tune-'));
    const platform = openLocalPlatform(home);
    try {
      const viaWorkflow = await runStudy(
        platform,
        openLocalOrchestrator(platform, { home }),
        spec('workflow', 64),
      );
      const direct = await runStudyDirect(platform, spec('direct', 64));
      const store = new StudyStore(platform.state);
      const sequence = async (id: string) =>
        (await store.trials(id)).map((t) => ({
          number: t.number,
          params: t.params,
          state: t.state,
          value: t.value,
        }));
      const a = await sequence('workflow');
      const b = await sequence('direct');
      expect(a).toHaveLength(64);
      expect(a.every((t) => t.state === 'complete')).toBe(true);
      expect(a).toEqual(b);
      expect(new Set(a.map((t) => t.value)).size).toBeGreaterThan(10);
      expect(viaWorkflow.best).toEqual(direct.best);
      expect(viaWorkflow.outOfSample).toEqual(direct.outOfSample);
      // Each trial ran exactly once (worker pool, no retries needed).
      expect((await store.trials('workflow')).every((t) => t.attempts === 1)).toBe(true);
      const html = readFileSync(join(home, 'objects', 'data', viaWorkflow.reportKeys.html), 'utf8');
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).not.toMatch(/https?:\/\/|<script/);
      expect(html.match(/<svg/g)!.length).toBeGreaterThanOrEqual(5); // history + one per parameter
      const json = JSON.parse(
        readFileSync(join(home, 'objects', 'data', viaWorkflow.reportKeys.json), 'utf8'),
      );
      expect(json.trials).toHaveLength(64);
      expect(
        json.importance.reduce((sum: number, r: { importance: number }) => sum + r.importance, 0),
      ).toBeCloseTo(1, 9);
    } finally {
      await platform.close();
    }
  }, 300_000);

  it('runs trials routed to Batch through the same workflow (the container’s trial from the job request)', async () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-tune-batch-'));
    const platform = openLocalPlatform(home);
    try {
      const result = await runStudy(platform, openLocalOrchestrator(platform, { home }), {
        ...spec('batch', 8),
        runner: 'batch',
      });
      expect(result).toMatchObject({ complete: 8, failed: 0 });
      const trials = await new StudyStore(platform.state).trials('batch');
      expect(trials.every((t) => t.state === 'complete' && t.attempts === 1)).toBe(true);
    } finally {
      await platform.close();
    }
  }, 300_000);

  it('a study killed mid-run resumes with the CLI and completes, no trial run twice', async () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-tune-kill-'));
    const specFile = join(home, 'spec.json');
    writeFileSync(specFile, JSON.stringify(spec('killed', 32)));
    const cli = [join(ROOT, 'src/cli/main.ts'), '--home', home, 'tune', '--spec', specFile];
    // First run: killed (SIGKILL, no clean-up) once 8 trials are recorded.
    const first = spawn(process.execPath, cli, { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      first.stderr.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const complete = /tune: (\d+) complete/g;
        let match: RegExpExecArray | null;
        while ((match = complete.exec(stderr)) !== null)
          if (Number(match[1]) >= 8 && first.exitCode === null) first.kill('SIGKILL');
      });
      first.on('exit', () => resolve());
      first.on('error', reject);
    });
    expect(first.signalCode).toBe('SIGKILL');
    const platform = openLocalPlatform(home);
    try {
      const store = new StudyStore(platform.state);
      const before = await store.trials('killed');
      const completeBefore = before.filter((t) => t.state === 'complete');
      expect(completeBefore.length).toBeGreaterThanOrEqual(8);
      expect(completeBefore.length).toBeLessThan(32);
      // Second run: resumes and finishes.
      const second = spawnSync(process.execPath, cli, { encoding: 'utf8' });
      expect(second.status, second.stderr).toBe(0);
      expect(second.stderr).toContain('(resumed)');
      // The report is copied to <home>/reports/ and the study is in the run index.
      const reportPath = join(home, 'reports', 'killed.html');
      expect(second.stdout).toContain(`report ${reportPath}`);
      expect(readFileSync(reportPath, 'utf8')).toContain('Tuning study killed');
      const runs = spawnSync(process.execPath, [cli[0]!, '--home', home, '--json', 'runs'], {
        encoding: 'utf8',
      });
      expect(JSON.parse(runs.stdout).runs).toEqual([
        expect.objectContaining({
          id: 'killed',
          kind: 'study',
          measure: 'pnl',
          currency: 'KRW',
          report: reportPath,
        }),
      ]);
      const after = await store.trials('killed');
      const complete = after.filter((t) => t.state === 'complete');
      expect(complete).toHaveLength(32);
      // Trials finished before the kill are kept as they were, never run again.
      for (const trial of completeBefore) expect(after.find((t) => t.number === trial.number)).toEqual(trial);
      // Trials the kill cut off are recorded as interrupted, never re-run; no trial started twice.
      expect(after.every((t) => t.attempts <= 1)).toBe(true);
      for (const trial of after.filter((t) => t.state === 'failed'))
        expect(trial.error).toMatch(/^interrupted/);
      expect((await store.meta('killed')).status).toBe('finished');
    } finally {
      await platform.close();
    }
  }, 300_000);
});

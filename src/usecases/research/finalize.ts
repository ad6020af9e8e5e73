/**
 * The study's last step: the best trial's parameters and the manual (baseline) parameters, each run on the
 * out-of-sample test window — never read while tuning — after the same warm-up; then the report (JSON and
 * HTML) written to the data store under `reports/studies/<studyId>/`, and the study marked finished.
 * Idempotent: running it again rewrites the same report from the same numbers.
 */
import type { KvValue } from '../../core/ports/key-value.ts';
import type { Platform } from '../../core/platform.ts';
import { parameterImportance, renderStudyHtml } from '../../core/report/study-report.ts';
import { STUDY_REPORTS_PREFIX } from '../../core/runtime-contract/index.ts';
import type { OutOfSampleResult, StudyReport } from '../../core/report/study-report.ts';
import type { Params } from '../../core/tune/index.ts';
import { bestTrial } from './steps.ts';
import { studyEvents } from './study-data.ts';
import type { StudyMeta } from './study-store.ts';
import { StudyStore } from './study-store.ts';
import { measureRun } from './trial.ts';

export interface FinalizeOutput {
  studyId: string;
  complete: number;
  failed: number;
  best?: { number: number; value: number; params: Params };
  outOfSample?: {
    tunedPnl: number;
    manualPnl: number;
    pnlImprovement: number;
    tunedMaxDrawdown: number;
    manualMaxDrawdown: number;
  };
  reportKeys: { json: string; html: string };
}

export async function finalizeStudy(
  platform: Platform,
  input: { studyId: string; stopReason?: string },
  now = () => new Date().toISOString(),
): Promise<FinalizeOutput> {
  const store = new StudyStore(platform.state);
  const meta = await store.meta(input.studyId);
  const trials = await store.trials(input.studyId);
  const best = bestTrial(meta, trials);
  let outOfSample: StudyReport['outOfSample'];
  if (best) {
    const tuned = await testWindowResult(platform, meta, best.params as Params);
    const manual = await testWindowResult(platform, meta, meta.spec.baseline as Params);
    outOfSample = {
      window: { from: meta.plan.test.from, to: meta.plan.test.to },
      tuned,
      manual,
      pnlImprovement: manual.pnl !== 0 ? (tuned.pnl - manual.pnl) / Math.abs(manual.pnl) : NaN,
    };
  }
  const spec = meta.spec;
  const reportTrials = trials.map((t) => ({
    number: t.number,
    state: t.state,
    value: t.value,
    params: t.params as Params,
    error: t.error,
  }));
  const logParams = Object.entries(spec.space)
    .filter(([, p]) => p.type !== 'categorical' && p.log === true)
    .map(([name]) => name);
  const report: StudyReport = {
    studyId: meta.studyId,
    generatedAt: now(),
    strategy: spec.strategy === 'as' ? 'Avellaneda–Stoikov' : spec.strategy,
    objective: spec.objective.name,
    direction: spec.direction,
    sampler: spec.sampler.kind,
    seed: spec.seed,
    budget: spec.budget.trials,
    parallelism: spec.budget.parallelism,
    dataVersion: meta.dataVersion,
    tradingDays: meta.tradingDays,
    folds: meta.plan.folds.map((f) => ({
      train: `${f.train.from}…${f.train.to}`,
      validate: `${f.validate.from}…${f.validate.to}`,
    })),
    logParams,
    trials: reportTrials,
    best: best ? { number: best.number, value: best.value!, params: best.params as Params } : undefined,
    stopReason: input.stopReason,
    outOfSample,
    importance: parameterImportance(reportTrials, logParams),
  };
  const prefix = `${STUDY_REPORTS_PREFIX}${meta.studyId}`;
  const keys = { json: `${prefix}/report.json`, html: `${prefix}/report.html` };
  await platform.data.put(keys.json, new TextEncoder().encode(`${JSON.stringify(report, null, 2)}\n`), {
    contentType: 'application/json',
  });
  await platform.data.put(keys.html, new TextEncoder().encode(renderStudyHtml(report)), {
    contentType: 'text/html; charset=utf-8',
  });
  const output: FinalizeOutput = {
    studyId: meta.studyId,
    complete: trials.filter((t) => t.state === 'complete').length,
    failed: trials.filter((t) => t.state === 'failed').length,
    best: report.best,
    outOfSample: outOfSample && {
      tunedPnl: outOfSample.tuned.pnl,
      manualPnl: outOfSample.manual.pnl,
      pnlImprovement: outOfSample.pnlImprovement,
      tunedMaxDrawdown: outOfSample.tuned.maxDrawdown,
      manualMaxDrawdown: outOfSample.manual.maxDrawdown,
    },
    reportKeys: keys,
  };
  await store.finish(meta.studyId, JSON.parse(JSON.stringify(output)) as Record<string, KvValue>, now());
  return output;
}

/** One parameter set on the test window, warmed up on the days before it. */
async function testWindowResult(
  platform: Platform,
  meta: StudyMeta,
  params: Params,
): Promise<OutOfSampleResult> {
  const { test, testWarmup } = meta.plan;
  const events = await studyEvents(platform, meta.spec, meta.dataVersion, testWarmup.from, test.to);
  const measured = measureRun(events, meta, params, testWarmup.from, test);
  return {
    params,
    pnl: measured.result.pnl,
    maxDrawdown: measured.result.maxDrawdown,
    fills: measured.fills,
    dailyPnl: measured.result.dailyPnl,
  };
}

import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { FinalizeOutput } from '../../usecases/research/finalize.ts';
import { runStudyDirect } from '../../usecases/research/direct.ts';
import { runStudy } from '../../usecases/research/run-study.ts';
import type { RecordOutput } from '../../usecases/research/steps.ts';
import { saveStudyReport } from '../../usecases/run-index.ts';
import { UsageError, openOrchestrator, openPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { formatMoney, formatPercent, formatRatio, KRW } from '../format.ts';
import { interruptOnSignals } from '../interrupt.ts';
import { printJson, printLines } from '../output.ts';

interface TuneOptions {
  spec: string;
  workers?: string;
  direct: boolean;
}

export function registerTune(program: Command, globals: () => GlobalOptions): void {
  program
    .command('tune')
    .description(
      'run a tuning study (TPE over walk-forward backtests): locally the same Step Functions workflow in-process, resumable; with --target aws on the deployed state machine',
    )
    .requiredOption('--spec <file>', 'study spec (JSON), see docs/research.md')
    .option('--workers <n>', 'local worker threads for trials (default: the parallelism, at most the cores)')
    .option('--direct', 'run the optimisation loop directly instead of the workflow file (local only)', false)
    .action(async (options: TuneOptions) => {
      const global = globals();
      let spec: unknown;
      try {
        spec = JSON.parse(readFileSync(resolve(options.spec), 'utf8'));
      } catch (error) {
        throw new UsageError(`cannot read the spec ${options.spec}: ${(error as Error).message}`);
      }
      const workers = options.workers === undefined ? undefined : Number.parseInt(options.workers, 10);
      if (workers !== undefined && !(workers >= 1))
        throw new UsageError('--workers takes a whole number ≥ 1');
      if (options.direct && global.target === 'aws') throw new UsageError('--direct runs locally only');
      const platform = openPlatform(global);
      const interactive = process.stderr.isTTY && !global.json;
      const bar = interactive
        ? new SingleBar({ format: 'tune [{bar}] {value}/{total} trials · best {best}', hideCursor: true })
        : undefined;
      let total = 0;
      const objectiveText = objectiveFormat(spec);
      const onProgress = (progress: RecordOutput) => {
        const best = progress.best
          ? `${objectiveText(progress.best.value)} (trial ${progress.best.number})`
          : '–';
        if (bar) bar.update(progress.complete + progress.failed, { best });
        else if (!global.json)
          process.stderr.write(
            `tune: ${progress.complete} complete, ${progress.failed} failed of ${total}; best ${best}\n`,
          );
      };
      let result: FinalizeOutput;
      let location: string;
      // Ctrl-C stops a local study with what it finished kept in the store (main exits 130). On AWS the
      // execution is the state machine's: the first Ctrl-C ends this command as before.
      const interrupt = global.target === 'aws' ? undefined : interruptOnSignals();
      const signal = interrupt?.signal;
      try {
        const onInit = (init: { studyId: string; trials: number; resumed: boolean; folds: number }) => {
          total = init.trials;
          if (!global.json)
            process.stderr.write(
              `tune: study ${init.studyId}${init.resumed ? ' (resumed)' : ''}, ${init.trials} trials, ${init.folds} walk-forward folds\n`,
            );
          bar?.start(init.trials, 0, { best: '–' });
        };
        if (options.direct) result = await runStudyDirect(platform, spec, { onProgress, onInit, signal });
        else
          result = await runStudy(platform, openOrchestrator(global, platform, { workers }), spec, {
            onInit,
            onProgress,
            signal,
          });
        // One place for results: a copy under <home>/reports/, indexed for `quotelab runs`.
        location = await saveStudyReport(platform, global.home, result, { when: new Date() });
      } finally {
        interrupt?.dispose();
        bar?.stop();
        await platform.close();
      }
      if (global.json) return printJson({ ...result, report: location });
      const krw = (value: number) => formatMoney(value, KRW, { unit: true });
      const oos = result.outOfSample;
      printLines([
        `study ${result.studyId}: ${result.complete} complete, ${result.failed} failed`,
        result.best
          ? `  best trial ${result.best.number}: ${objectiveText(result.best.value)} with ${Object.entries(
              result.best.params,
            )
              .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`)
              .join(', ')}`
          : '  no complete trial',
        ...(oos
          ? [
              `  out of sample: tuned PnL ${krw(oos.tunedPnl)} vs manual ${krw(oos.manualPnl)}` +
                (Number.isFinite(oos.pnlImprovement)
                  ? ` (${formatPercent(oos.pnlImprovement, 1)} of |manual|)`
                  : '') +
                `; max drawdown ${krw(oos.tunedMaxDrawdown)} vs ${krw(oos.manualMaxDrawdown)}`,
            ]
          : []),
        `  report ${location}`,
      ]);
    });
}

/** Objective values as the study report shows them: a ratio for sharpe, KRW for pnl and utility. */
function objectiveFormat(spec: unknown): (value: number) => string {
  const name = (spec as { objective?: { name?: unknown } } | null)?.objective?.name;
  return name === 'sharpe' ? formatRatio : (value) => formatMoney(value, KRW, { unit: true });
}

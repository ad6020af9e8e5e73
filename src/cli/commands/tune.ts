import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import type { FinalizeOutput } from '../../usecases/research/finalize.ts';
import { runStudyDirect } from '../../usecases/research/direct.ts';
import { runStudyLocal } from '../../usecases/research/local-workflow.ts';
import { runStudyOnAws } from '../../usecases/research/aws-workflow.ts';
import type { RecordOutput } from '../../usecases/research/steps.ts';
import { UsageError, openPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
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
      const onProgress = (progress: RecordOutput) => {
        const best = progress.best
          ? `${progress.best.value.toFixed(2)} (trial ${progress.best.number})`
          : '–';
        if (bar) bar.update(progress.complete + progress.failed, { best });
        else if (!global.json)
          process.stderr.write(
            `tune: ${progress.complete} complete, ${progress.failed} failed of ${total}; best ${best}\n`,
          );
      };
      let result: FinalizeOutput;
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
        if (global.target === 'aws') result = await runStudyOnAws(platform, spec, { onInit, onProgress });
        else if (options.direct)
          result = await runStudyDirect(platform, spec, { onProgress, onInit, signal });
        else
          result = await runStudyLocal(platform, spec, {
            home: resolve(global.home),
            workers,
            onInit,
            onProgress,
            signal,
          });
      } finally {
        interrupt?.dispose();
        bar?.stop();
        await platform.close();
      }
      const location =
        global.target === 'aws'
          ? `${platform.data.location.replace(/\/$/, '')}/${result.reportKeys.html}`
          : join(resolve(global.home), 'objects', 'data', result.reportKeys.html);
      if (global.json) return printJson({ ...result, report: location });
      const oos = result.outOfSample;
      printLines([
        `study ${result.studyId}: ${result.complete} complete, ${result.failed} failed`,
        result.best
          ? `  best trial ${result.best.number}: ${result.best.value.toFixed(2)} with ${Object.entries(
              result.best.params,
            )
              .map(([k, v]) => `${k}=${typeof v === 'number' ? Number(v.toPrecision(4)) : v}`)
              .join(', ')}`
          : '  no complete trial',
        ...(oos
          ? [
              `  out of sample: tuned PnL ${oos.tunedPnl.toFixed(2)} vs manual ${oos.manualPnl.toFixed(2)}` +
                (Number.isFinite(oos.pnlImprovement)
                  ? ` (${(oos.pnlImprovement * 100).toFixed(1)} % of |manual|)`
                  : '') +
                `; max drawdown ${oos.tunedMaxDrawdown.toFixed(2)} vs ${oos.manualMaxDrawdown.toFixed(2)}`,
            ]
          : []),
        `  report ${location}`,
      ]);
    });
}

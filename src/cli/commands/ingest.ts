import { basename } from 'node:path';
import { SingleBar } from 'cli-progress';
import type { Command } from 'commander';
import { awaitDeployedEtl, ingestFiles, sourceFileProblem } from '../../usecases/ingest-files.ts';
import type { FileIngest } from '../../usecases/ingest-files.ts';
import { UsageError, openPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { textTable } from '../format.ts';
import { withInterrupt } from '../interrupt.ts';
import { mark, printJson, printLines } from '../output.ts';

export function registerIngest(program: Command, globals: () => GlobalOptions): void {
  program
    .command('ingest')
    .description(
      'ingest KRX tick/code XML files and labels_YYYYMMDD.csv regime labels into the lake (the ETL in-process locally; via S3 on --target aws)',
    )
    .argument('<files...>', 'XML files and labels CSV files')
    .action(async (files: string[]) => {
      const options = globals();
      // Every file is checked before anything is copied: one bad file refuses the whole command.
      const problems = files.flatMap((file) => {
        const problem = sourceFileProblem(file);
        return problem ? [`${file} is ${problem}`] : [];
      });
      if (problems.length > 0)
        throw new UsageError(`refusing to ingest (nothing was copied): ${problems.join('; ')}`);
      const platform = openPlatform(options);
      const interactive = process.stderr.isTTY && !options.json;
      const bar = interactive
        ? new SingleBar({ format: 'ingest [{bar}] {value}/{total} files  {file}', hideCursor: true })
        : undefined;
      let results: FileIngest[];
      try {
        bar?.start(files.length, 0, { file: '' });
        results = await withInterrupt((signal) =>
          ingestFiles(platform, files, {
            // On AWS the upload fires the deployed ETL; locally its use case runs here.
            afterUpload: options.target === 'aws' ? awaitDeployedEtl(platform) : undefined,
            signal,
            onStart: (file) => bar?.update({ file: basename(file) }),
            onWaiting: (file, holder) =>
              process.stderr.write(`waiting for ${holder}, which is ingesting ${basename(file)}\n`),
            onDone: (result, index, total) => {
              bar?.update(index + 1);
              if (!interactive && !options.json)
                process.stderr.write(`[${index + 1}/${total}] ${describe(result)}\n`);
            },
          }),
        );
      } finally {
        bar?.stop();
        await platform.close();
      }
      if (options.json) printJson(results);
      else printLines(summaryTable(results));
      if (results.some((r) => r.error)) process.exitCode = 1;
    });
}

function describe(result: FileIngest): string {
  if (result.error) return `${mark.fail} ${basename(result.file)}: ${result.error}`;
  const r = result.handled?.result;
  return `${mark.ok} ${basename(result.file)}: ${r?.outcome ?? result.ledger?.outcome ?? 'done'}`;
}

function summaryTable(results: FileIngest[]): string[] {
  return textTable(
    ['file', 'outcome', 'accepted', 'quarantined', 'silver', 'gold bars', 'seconds'],
    results.map((r) => {
      const result = r.handled?.result;
      return [
        basename(r.file),
        r.error
          ? `FAILED: ${r.error}`
          : (result?.outcome ?? String(r.ledger?.outcome ?? r.handled?.skipped ?? '')),
        result?.summary?.accepted ?? (r.ledger?.accepted as number | undefined) ?? null,
        result?.counts.quarantined ?? (r.ledger?.quarantined as number | undefined) ?? null,
        result?.counts.silver ?? null,
        result?.counts.goldBars ?? null,
        result ? Number(result.seconds.toFixed(2)) : null,
      ];
    }),
  );
}

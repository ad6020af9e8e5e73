import type { Command } from 'commander';
import { runDoctor } from '../../usecases/doctor.ts';
import type { DoctorReport } from '../../usecases/doctor.ts';
import { openPlatform } from '../context.ts';
import type { GlobalOptions } from '../context.ts';
import { mark, printJson, printLines } from '../output.ts';

export function registerDoctor(program: Command, globals: () => GlobalOptions): void {
  program
    .command('doctor')
    .description('check Node, the target (local or aws), its endpoints, and that every store works')
    .action(async () => {
      const options = globals();
      const report = await doctor(options);
      if (options.json) printJson(report);
      else printLines(formatDoctor(report));
      if (!report.ok) process.exitCode = 1;
    });
}

export async function doctor(options: GlobalOptions): Promise<DoctorReport> {
  const platform = openPlatform(options);
  try {
    return await runDoctor(platform);
  } finally {
    await platform.close();
  }
}

export function formatDoctor(report: DoctorReport): string[] {
  return [
    `quotelab doctor — target ${report.target}, Node ${report.node}`,
    ...Object.entries(report.locations).map(([name, location]) => `  ${name.padEnd(13)} ${location}`),
    ...report.checks.map(
      (check) =>
        `  ${check.ok ? mark.ok : mark.fail} ${check.name.padEnd(13)} ${check.detail} (${check.ms.toFixed(1)} ms)`,
    ),
    report.ok ? 'all checks passed' : 'some checks FAILED',
  ];
}

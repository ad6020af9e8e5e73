import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Command } from 'commander';
import type { GlobalOptions } from '../context.ts';
import { mark, printJson, printLines } from '../output.ts';
import { doctor, formatDoctor } from './doctor.ts';

const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));

/**
 * What the platform does today, shown by the demo. Each later capability adds its step to the demo and
 * moves its line from "next" to "works".
 */
export const CAPABILITIES: Array<{ what: string; status: 'works' | 'next' }> = [
  {
    what: 'Node 22 toolchain, CLI (doctor, demo), CDK app with Dev/Prod stages and cdk-nag',
    status: 'works',
  },
  {
    what: 'object store and key-value store: local (folder, SQLite) and AWS (S3, DynamoDB)',
    status: 'works',
  },
  { what: 'KRX option instruments, streaming XML reader with quarantine, synthetic market', status: 'next' },
  { what: 'Iceberg lake (bronze/silver/gold), S3-triggered ETL, Athena and DuckDB queries', status: 'next' },
  {
    what: 'Avellaneda–Stoikov and signal backtests with fill, queue, latency and fee models',
    status: 'next',
  },
  {
    what: 'TPE tuning and walk-forward studies on Step Functions (and the same ASL locally)',
    status: 'next',
  },
  { what: 'regime / signal / spread-policy models in ONNX with a registry', status: 'next' },
  { what: 'live paper agent on Fargate with risk gate and circuit breaker', status: 'next' },
];

export function registerDemo(program: Command, globals: () => GlobalOptions): void {
  program
    .command('demo')
    .description('run the end-to-end demo on the embedded platform (no cloud needed)')
    .action(async () => {
      const options = globals();
      const report = await doctor(options);
      const data = shippedData();
      if (options.json) {
        printJson({ doctor: report, capabilities: CAPABILITIES, data });
      } else {
        printLines([
          ...formatDoctor(report),
          '',
          'What quotelab does so far:',
          ...CAPABILITIES.map(
            (c) =>
              `  ${c.status === 'works' ? mark.ok : '·'} ${c.what}${c.status === 'next' ? ' (next)' : ''}`,
          ),
          '',
          'Real market data shipped in data/ (used by tests and, as features land, by this demo):',
          ...data.map((file) => `  ${file.path.padEnd(58)} ${formatBytes(file.bytes).padStart(9)}`),
        ]);
      }
      if (!report.ok) process.exitCode = 1;
    });
}

function shippedData(): Array<{ path: string; bytes: number }> {
  const root = join(REPO_ROOT, 'data');
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name !== 'README.md')
    .map((entry) => {
      const path = join(entry.parentPath, entry.name);
      return { path: relative(REPO_ROOT, path), bytes: statSync(path).size };
    })
    .sort((a, b) => a.path.localeCompare(b.path));
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(0)} KiB`;
}

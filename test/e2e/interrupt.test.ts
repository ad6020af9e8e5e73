/**
 * Ctrl-C on long commands, through the real CLI in a child process: SIGINT (or SIGTERM) stops a backtest
 * and a tuning study cleanly with exit code 130, writes nothing half-done (no report, no lake rows, no
 * study report) and says on stderr what was kept. How fast it stops is measured by hand and in the issue
 * notes, not asserted here (the machine may be busy).
 */
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../src/adapters/local/local-platform.ts';
import { generateMarket } from '../../src/usecases/generate.ts';
import { StudyStore } from '../../src/usecases/research/study-store.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
let files: string[];
const children: ChildProcess[] = [];

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'quotelab-interrupt-data-'));
  const generated = await generateMarket({
    out: dir,
    seed: 'interrupt-e2e',
    start: '2025-12-01',
    days: 3,
    ticksPerDay: 600,
  });
  files = generated.files.filter((f) => f.kind === 'tick').map((f) => join(dir, f.name));
}, 120_000);

// A child left running by a failed assertion is killed, so it does not outlive the test.
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

/** Runs the CLI, sends `signal` once stderr matches `when`, and resolves with how it ended. */
function interrupt(home: string, args: string[], when: RegExp, signal: NodeJS.Signals) {
  const child = spawn(process.execPath, [join(ROOT, 'src/cli/main.ts'), '--home', home, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  let stdout = '';
  let sent = false;
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
    if (!sent && when.test(stderr)) {
      sent = true;
      child.kill(signal);
    }
  });
  return new Promise<{
    code: number | null;
    signal: string | null;
    stderr: string;
    stdout: string;
    sent: boolean;
  }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, killedBy) => resolve({ code, signal: killedBy, stderr, stdout, sent }));
  });
}

describe('Ctrl-C', () => {
  it('stops a backtest: exit 130, no report, no lake rows, and it says so', async () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-interrupt-bt-'));
    const report = join(home, 'report.html');
    // A&S on a 1 s timer over three days and nights of ~400 codes: minutes of work, stopped early on.
    const args = ['backtest', '--strategy', 'as', '--param', 'wakeIntervalMs=1000', '--source', ...files];
    const ended = await interrupt(home, [...args, '--report', report], /backtest: running/, 'SIGINT');
    expect(ended.sent).toBe(true);
    expect({ code: ended.code, signal: ended.signal }, ended.stderr).toEqual({ code: 130, signal: null });
    expect(ended.stderr).toContain('SIGINT received, stopping');
    expect(ended.stderr).toContain('backtest interrupted: the run was discarded, nothing of it was written');
    expect(ended.stdout).toBe('');
    expect(existsSync(report)).toBe(false);
    expect(existsSync(join(home, 'reports'))).toBe(false);
    expect(existsSync(join(home, 'objects', 'data', 'lake'))).toBe(false);
  }, 300_000);

  it('stops a backtest on SIGTERM too', async () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-interrupt-term-'));
    const args = ['backtest', '--strategy', 'as', '--param', 'wakeIntervalMs=1000', '--no-lake'];
    const ended = await interrupt(home, [...args, '--source', ...files], /backtest: running/, 'SIGTERM');
    expect(ended.sent).toBe(true);
    expect({ code: ended.code, signal: ended.signal }, ended.stderr).toEqual({ code: 130, signal: null });
    expect(ended.stderr).toContain('SIGTERM received, stopping');
    expect(ended.stderr).toContain('backtest interrupted: the run was discarded, nothing of it was written');
    expect(existsSync(join(home, 'reports'))).toBe(false);
  }, 300_000);

  it.each([
    ['the workflow run, trials on worker threads', ['--workers', '2']],
    ['--direct, trials on the main thread', ['--direct']],
  ])(
    'stops a tuning study (%s): exit 130, complete trials kept, no study report',
    async (_, mode) => {
      const home = mkdtempSync(join(tmpdir(), 'quotelab-interrupt-tune-'));
      const specFile = join(home, 'spec.json');
      const spec = {
        studyId: 'stopped',
        data: { kind: 'files', paths: files },
        budget: { trials: 400, parallelism: 2 },
        walkForward: { trainDays: 1, validateDays: 1, testDays: 1 },
        seed: 5,
      };
      writeFileSync(specFile, JSON.stringify(spec));
      const args = ['tune', '--spec', specFile, ...mode];
      const ended = await interrupt(home, args, /tune: [1-9]\d* complete/, 'SIGINT');
      expect(ended.sent).toBe(true);
      expect({ code: ended.code, signal: ended.signal }, ended.stderr).toEqual({ code: 130, signal: null });
      const kept =
        /study stopped keeps its (\d+) complete and (\d+) failed trials in the study store; (\d+) running trials were cut off/.exec(
          ended.stderr,
        );
      expect(kept, ended.stderr).not.toBeNull();
      expect(ended.stderr).toContain('no report was written; run the same spec again to resume');
      const platform = openLocalPlatform(home);
      try {
        const trials = await new StudyStore(platform.state).trials('stopped');
        const complete = trials.filter((t) => t.state === 'complete').length;
        expect(complete).toBeGreaterThanOrEqual(1);
        expect(complete).toBe(Number(kept![1]));
        expect(trials.filter((t) => t.state === 'running')).toHaveLength(Number(kept![3]));
        expect(complete).toBeLessThan(spec.budget.trials);
      } finally {
        await platform.close();
      }
      const objects = join(home, 'objects', 'data');
      const written = existsSync(objects) ? readdirSync(objects, { recursive: true }).map(String) : [];
      expect(written.filter((name) => name.endsWith('report.html') || name.endsWith('report.json'))).toEqual(
        [],
      );
    },
    300_000,
  );
});

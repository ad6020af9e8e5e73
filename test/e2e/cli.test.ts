import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the real CLI in a child process, as a user would. */
function quotelab(args: string[], env: Record<string, string | undefined> = {}) {
  const home = mkdtempSync(join(tmpdir(), 'quotelab-home-'));
  const result = spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), '--home', home, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, QUOTELAB_TARGET: undefined, ...env },
  });
  return { ...result, home };
}

describe('quotelab CLI', () => {
  it('demo runs the doctor on the embedded platform and says what works so far', () => {
    const { status, stdout, stderr, home } = quotelab(['demo']);
    expect(status).toBe(0);
    // stderr says what runs, phase by phase, and nothing else (no stray warnings)
    const phaseLines = stderr.trim().split('\n');
    for (const line of phaseLines) expect(line).toMatch(/^demo \[\d\/7\] /);
    const starts = phaseLines.filter((line) => line.endsWith(' …'));
    const ends = phaseLines.filter((line) => / done in \d+\.\d s: /.test(line));
    expect(starts.map((line) => line.slice(0, 10))).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((i) => `demo [${i}/7]`),
    );
    expect(ends.map((line) => line.slice(0, 10))).toEqual(starts.map((line) => line.slice(0, 10)));
    expect(stderr).toContain('demo [7/7] done in');
    expect(stderr).toMatch(/demo \[5\/7\] {3}file 24\/24 /);
    expect(stdout).toContain(`home          ${home}`);
    expect(stdout).toContain('all checks passed');
    expect(stdout).toMatch(/✓ object store\s+write, conditional write, read, delete/);
    expect(stdout).toContain('202601_20251201_TICK_CALL.xml      1,549 ticks, 59 codes');
    const readBack =
      /read back: [\d,]+ ticks and 1,530 codes accepted, (\d+) quarantined \((\d+) faults were injected\)/.exec(
        stdout,
      );
    expect(readBack, stdout).not.toBeNull();
    expect(Number(readBack![1])).toBeGreaterThan(0);
    expect(readBack![1]).toBe(readBack![2]);
    expect(stdout).toContain('41,249 messages (0 unknown, 0 malformed)');
    expect(stdout).toMatch(
      /4\. The lake: the real day and the synthetic week through the ETL \(24 ingested\)/,
    );
    expect(stdout).toMatch(/silver_ticks\s+\d+/);
    expect(stdout).toContain('quotelab query "<quarantine-report>"');
    const backtests = [
      ...stdout.matchAll(
        /: ([\d,]+) events, ([\d,]+) instruments?, ([\d,]+) fills[^\n]*\n[^\n]*\n\s+report → (\S+\.html)/g,
      ),
    ];
    expect(backtests.map((m) => [m[1], m[2]])).toEqual([
      ['3,347', '164'],
      ['163,870', '1'],
    ]);
    for (const m of backtests) {
      expect(Number(m[3]!.replace(/,/g, ''))).toBeGreaterThan(0);
      expect(readFileSync(m[4]!, 'utf8')).toContain('<svg');
    }
    const tuning =
      /6\. Tuning study demo-week-demo[^\n]*\n\s+(\d+) trials complete, 0 failed; best gamma=[\d.]+[^\n]*\n\s+out of sample[^\n]*\n\s+report → (\S+\.html)/.exec(
        stdout,
      );
    expect(tuning, stdout).not.toBeNull();
    expect(tuning![1]).toBe('16');
    expect(tuning![2]).toBe(join(home, 'reports', 'demo-week-demo.html'));
    expect(readFileSync(tuning![2]!, 'utf8')).toContain('Tuning study demo-week-demo');
    for (const m of backtests) expect(m[4]!.startsWith(join(home, 'reports'))).toBe(true);
    // every report is in the run index: two backtests and the study, newest first
    const runs = spawnSync(
      process.execPath,
      [join(ROOT, 'src/cli/main.ts'), '--home', home, '--json', 'runs'],
      {
        encoding: 'utf8',
      },
    );
    expect(runs.status).toBe(0);
    const listed = JSON.parse(runs.stdout).runs as Array<{ id: string; kind: string; report: string }>;
    expect(listed.map((r) => r.kind).sort()).toEqual(['backtest', 'backtest', 'study']);
    expect(listed.map((r) => r.report).sort()).toEqual([...backtests.map((m) => m[4]!), tuning![2]!].sort());
    expect(stdout).toContain('What quotelab does so far:');
    expect(stdout).toContain('✓ Avellaneda–Stoikov and signal backtests');
    expect(stdout).toContain('✓ TPE tuning and walk-forward studies');
  });

  it('demo says which phase runs as soon as it starts, long before its report', async () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-home-'));
    const child = spawn(process.execPath, [join(ROOT, 'src/cli/main.ts'), '--home', home, 'demo'], {
      cwd: ROOT,
      env: { ...process.env, QUOTELAB_TARGET: undefined },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise((resolve) => child.on('close', resolve));
    try {
      // Wait until the first two phases have started and ended, then stop the demo.
      await new Promise<void>((resolve, reject) => {
        child.stderr.on('data', (chunk: Buffer) => {
          stderr += chunk.toString();
          if (/demo \[2\/7\] done in /.test(stderr)) resolve();
        });
        child.on('close', () => reject(new Error(`demo ended first: ${stderr}`)));
      });
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    expect(stderr.split('\n').slice(0, 4)).toEqual([
      'demo [1/7] doctor: check every store …',
      expect.stringMatching(/^demo \[1\/7\] done in \d+\.\d s: all checks passed$/),
      'demo [2/7] read the real KRX day …',
      expect.stringMatching(/^demo \[2\/7\] done in \d+\.\d s: 4 files$/),
    ]);
    expect(stdout).toBe(''); // the report comes at the end; the phases came first
  });

  it('doctor --json prints one JSON document', () => {
    const { status, stdout } = quotelab(['--json', 'doctor']);
    expect(status).toBe(0);
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ ok: true, target: 'local' });
    expect(report.checks.map((c: { name: string }) => c.name)).toEqual([
      'node',
      'object store',
      'state store',
      'ingest ledger',
      'catalog',
    ]);
    expect(Number(report.node.slice(1).split('.')[0])).toBeGreaterThanOrEqual(22);
  });

  it('--version prints the package version', () => {
    const { status, stdout } = quotelab(['--version']);
    expect(status).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('an unknown command fails with a non-zero exit and a usage hint', () => {
    const { status, stderr } = quotelab(['bogus']);
    expect(status).toBe(1);
    expect(stderr).toContain("unknown command 'bogus'");
  });

  it('target aws without its resource variables fails with one clear line', () => {
    const { status, stderr, stdout } = quotelab(['--target', 'aws', 'doctor'], {
      QUOTELAB_DATA_BUCKET: undefined,
      QUOTELAB_STATE_TABLE: undefined,
      QUOTELAB_INGEST_LEDGER_TABLE: undefined,
    });
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([
      expect.stringMatching(/^quotelab: target aws needs QUOTELAB_DATA_BUCKET/),
    ]);
  });

  it('failures with --json are JSON too', () => {
    const { status, stdout } = quotelab(['--json', '--target', 'aws', 'doctor'], {
      QUOTELAB_DATA_BUCKET: undefined,
    });
    expect(status).toBe(1);
    expect(JSON.parse(stdout).error).toMatch(/target aws needs/);
  });

  it('usage errors with --json are one JSON document on stdout, nothing on stderr', () => {
    const cases: Array<{ args: string[]; error: RegExp; code: string }> = [
      { args: ['bogus'], error: /^unknown command 'bogus'/, code: 'commander.unknownCommand' },
      {
        args: ['backtest', '--source', 'table'],
        error: /required option '--strategy <name>' not specified/,
        code: 'commander.missingMandatoryOptionValue',
      },
      { args: ['doctor', '--nope'], error: /unknown option '--nope'/, code: 'commander.unknownOption' },
      { args: [], error: /^no command given$/, code: 'commander.help' },
    ];
    for (const { args, error, code } of cases) {
      const { status, stdout, stderr } = quotelab(['--json', ...args]);
      expect(status, args.join(' ')).toBe(1);
      expect(stderr, args.join(' ')).toBe('');
      const document = JSON.parse(stdout);
      expect(document.error).toMatch(error);
      expect(document.code).toBe(code);
    }
  });

  it('--help and --version with --json are JSON too', () => {
    const help = quotelab(['--json', 'doctor', '--help']);
    expect(help.status).toBe(0);
    expect(JSON.parse(help.stdout).help).toMatch(/^Usage: quotelab doctor/);
    const version = quotelab(['--json', '--version']);
    expect(version.status).toBe(0);
    expect(JSON.parse(version.stdout).version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('bin/quotelab runs on the repository Node 22 even when the system Node comes first on PATH', () => {
    const result = spawnSync(
      'sh',
      [join(ROOT, 'bin/quotelab'), '--json', '--home', mkdtempSync(join(tmpdir(), 'ql-')), 'doctor'],
      {
        encoding: 'utf8',
        env: { ...process.env, PATH: '/usr/local/bin:/usr/bin:/bin' },
      },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout).node).toBe(process.version);
  });
});

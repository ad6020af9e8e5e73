import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the real CLI in a child process, as a user would. */
function quotelab(args: string[]) {
  const home = mkdtempSync(join(tmpdir(), 'quotelab-home-'));
  return spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), '--home', home, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, QUOTELAB_TARGET: undefined },
  });
}

function hashes(dir: string): Record<string, string> {
  return Object.fromEntries(
    readdirSync(dir)
      .sort()
      .map((name) => [
        name,
        createHash('sha256')
          .update(readFileSync(join(dir, name)))
          .digest('hex'),
      ]),
  );
}

describe('quotelab generate', () => {
  it('writes the files of each trading day and reports them with --json', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'quotelab-gen-')), 'market');
    // 2025-12-06 is a Saturday: the run starts on Monday the 8th.
    const { status, stdout, stderr } = quotelab([
      '--json',
      'generate',
      '--start',
      '2025-12-06',
      '--days',
      '2',
      '--seed',
      '7',
      '--out',
      out,
    ]);
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const summary = JSON.parse(stdout);
    expect(summary.days).toEqual(['2025-12-08', '2025-12-09']);
    const names = readdirSync(out).sort();
    expect(names).toEqual(
      [
        '202512_20251208_CODE_CALL.xml',
        '202512_20251208_CODE_PUT.xml',
        '202512_20251208_TICK_CALL.xml',
        '202512_20251208_TICK_PUT.xml',
        'labels_20251208.csv',
        '202512_20251209_CODE_CALL.xml',
        '202512_20251209_CODE_PUT.xml',
        '202512_20251209_TICK_CALL.xml',
        '202512_20251209_TICK_PUT.xml',
        'labels_20251209.csv',
      ].sort(),
    );
    for (const file of summary.files) expect(statSync(join(out, file.name)).size, file.name).toBe(file.bytes);
    expect(summary.ticks).toBeGreaterThan(4 * 1200);
    expect(summary.faults).toBeNull();
  });

  it('is reproducible across processes: same seed, same bytes; another seed, other ticks', () => {
    const seeds = ['11', '11', '12'];
    const dirs = seeds.map((seed) => join(mkdtempSync(join(tmpdir(), 'quotelab-gen-')), `seed-${seed}`));
    seeds.forEach((seed, i) => {
      const { status } = quotelab([
        'generate',
        '--start',
        '2025-12-01',
        '--seed',
        seed,
        '--out',
        dirs[i]!,
        '--ticks-per-day',
        '3000',
      ]);
      expect(status).toBe(0);
    });
    const [a, b, c] = dirs.map(hashes) as [
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
    ];
    expect(b).toEqual(a);
    expect(c['202512_20251201_TICK_CALL.xml']).not.toBe(a['202512_20251201_TICK_CALL.xml']);
    expect(c['labels_20251201.csv']).not.toBe(a['labels_20251201.csv']);
  });

  it('injects faults and writes their manifest', () => {
    const out = mkdtempSync(join(tmpdir(), 'quotelab-gen-'));
    const { status, stdout } = quotelab([
      'generate',
      '--start',
      '2025-12-01',
      '--out',
      out,
      '--faults',
      'duplicates=0.01,truncate=1',
    ]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/faults duplicates=0.01,truncate=1: duplicates \d+, truncate 1/);
    const manifest = JSON.parse(readFileSync(join(out, 'faults_manifest.json'), 'utf8'));
    expect(manifest.counts.truncate).toBe(1);
    expect(manifest.faults.length).toBe(manifest.counts.duplicates + 1);
    expect(
      readFileSync(join(out, '202512_20251201_TICK_PUT.xml'), 'utf8').endsWith('</DocumentElement>'),
    ).toBe(false);
  });

  it.each([
    [['--start', '2025-13-01'], /^quotelab: --start is not a real calendar date \(got "2025-13-01"\)$/],
    [['--start', '01/12/2025'], /^quotelab: --start must be a date YYYY-MM-DD/],
    [['--start', '2025-12-01', '--days', '0'], /^quotelab: --days must be at least 1/],
    [['--start', '2025-12-01', '--faults', 'dupes=0.1'], /^quotelab: --faults: unknown fault "dupes"/],
  ])('refuses %j with one clear line and exit code 1', (args, message) => {
    const out = mkdtempSync(join(tmpdir(), 'quotelab-gen-'));
    const { status, stdout, stderr } = quotelab(['generate', ...args, '--out', out]);
    expect(status).toBe(1);
    expect(stdout).toBe('');
    expect(stderr.trim().split('\n')).toEqual([expect.stringMatching(message)]);
    expect(readdirSync(out)).toEqual([]);
  });
});

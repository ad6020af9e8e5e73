/**
 * `quotelab tune` with specs whose trials could only fail: the CLI lists every problem and exits non-zero
 * before any trial runs (no study is stored, no report written).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REAL = join(ROOT, 'data/krx-options-20251201');

function tune(spec: unknown) {
  const home = mkdtempSync(join(tmpdir(), 'quotelab-tune-spec-'));
  const file = join(home, 'study.json');
  writeFileSync(file, JSON.stringify(spec));
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'src/cli/main.ts'), '--home', home, 'tune', '--spec', file, '--direct'],
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, QUOTELAB_TARGET: undefined } },
  );
  return { ...result, home };
}

describe('quotelab tune refuses a spec that can only fail', () => {
  it('unknown keys, a negative value, a key fixed and searched: all listed, exit 1, no trial', () => {
    const { status, stderr, home } = tune({
      studyId: 'doomed',
      data: { kind: 'files', paths: [REAL] },
      budget: { trials: 4 },
      fixedParams: { gama: 2, 'risk.maxDailyLoss': -5, gamma: 0.5 },
      space: { gamma: { type: 'float', low: 0.1, high: 2 } },
    });
    expect(status).toBe(1);
    expect(stderr).toMatch(/fixedParams\.gama: unknown parameter "gama"/);
    expect(stderr).toMatch(/fixedParams\.risk\.maxDailyLoss: risk\.maxDailyLoss -5 must be a number ≥ 0/);
    expect(stderr).toMatch(/fixedParams\.gamma: also in the search space/);
    expect(stderr).not.toMatch(/tune: study/);
    expect(existsSync(join(home, 'objects', 'data', 'reports', 'studies', 'doomed'))).toBe(false);
  }, 120_000);

  it('a studyId that would leave the reports folder', () => {
    const { status, stderr } = tune({
      studyId: '..',
      data: { kind: 'files', paths: [REAL] },
      budget: { trials: 4 },
    });
    expect(status).toBe(1);
    expect(stderr).toMatch(/studyId: letters, digits/);
  }, 120_000);
});

/**
 * `quotelab ingest` refuses what cannot be a source before copying anything: a file that is neither
 * `.xml` nor a `labels_YYYYMMDD.csv`, a `.xml` that is not XML, a labels file without a labels header, a
 * symlink to a device, a FIFO. It never opens a special file (a read
 * of /dev/zero never ends; opening a FIFO blocks).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const GOOD = join(ROOT, 'data/krx-options-20251201/202601_20251219_CODE_CALL.xml');

function ingest(files: string[]) {
  const home = mkdtempSync(join(tmpdir(), 'quotelab-refuse-home-'));
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'src/cli/main.ts'), '--home', home, 'ingest', ...files],
    // A generous bound only so that a CLI that does read /dev/zero fails this test instead of hanging it.
    { cwd: ROOT, encoding: 'utf8', env: { ...process.env, QUOTELAB_TARGET: undefined }, timeout: 120_000 },
  );
  const incoming = join(home, 'objects/data/incoming');
  return { ...result, copied: existsSync(incoming) ? readdirSync(incoming) : [] };
}

describe('quotelab ingest refuses non-XML and special files', () => {
  const dir = mkdtempSync(join(tmpdir(), 'quotelab-refuse-'));

  it('a missing file: refused', () => {
    const result = ingest([join(dir, 'nothing-here.xml')]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('nothing-here.xml is missing (no such file)');
  });

  it('a CSV that is not a labels file: exit 1, a clear error, nothing copied', () => {
    const notes = join(dir, 'notes.csv');
    writeFileSync(notes, 'date,minute,regime\n2025-12-01,09:00,range\n');
    const result = ingest([notes]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `quotelab: refusing to ingest (nothing was copied): ${notes} is not an .xml file or a labels_YYYYMMDD.csv`,
    );
    expect(result.stdout).not.toContain('✓');
    expect(result.copied).toEqual([]);
  });

  it('a labels_YYYYMMDD.csv without the labels header: refused, nothing copied', () => {
    const labels = join(dir, 'labels_20251201.csv');
    writeFileSync(labels, 'ts,code,regime\n2025-12-01T09:00:00+09:00,B0161300,calm\n');
    const result = ingest([labels]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(
      `${labels} is not a labels CSV (the header needs date, minute and regime columns; date, minute missing`,
    );
    expect(result.copied).toEqual([]);
  });

  it('a labels CSV is ingested into regime_labels_1m, a bad line quarantined with its reason', () => {
    const labels = join(dir, 'labels_20251203.csv');
    writeFileSync(
      labels,
      'date,minute,regime,close\n2025-12-03,09:00,range,1\n2025-12-03,09:01,sideways,1\n2025-12-03,09:02,volatile,1\n',
    );
    const result = ingest([labels]);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toContain('✓ labels_20251203.csv: ingested');
    expect(result.stdout).toMatch(/labels_20251203\.csv\s+ingested\s+2\s+1/);
  });

  it('a CSV renamed .xml: refused as not starting like XML', () => {
    const renamed = join(dir, 'labels_20251201.xml');
    writeFileSync(renamed, 'ts,code,regime\n2025-12-01T09:00:00+09:00,B0161300,calm\n');
    const result = ingest([renamed]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${renamed} is not XML (it does not start with "<"`);
    expect(result.copied).toEqual([]);
  });

  it('a symlink to /dev/zero: refused as a character device, never read', () => {
    const zero = join(dir, '202601_20251201_TICK_CALL.xml');
    symlinkSync('/dev/zero', zero);
    const result = ingest([zero]);
    expect(result.signal).toBeNull(); // not killed by the timeout
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${zero} is not a regular file (a character device)`);
    expect(result.copied).toEqual([]);
  });

  it('a FIFO: refused, never opened', () => {
    const fifo = join(dir, '202601_20251201_TICK_PUT.xml');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const result = ingest([fifo]);
    expect(result.signal).toBeNull();
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${fifo} is not a regular file (a FIFO)`);
  });

  it('one bad file among good ones: the whole command is refused and nothing is copied', () => {
    const good = join(dir, '202601_20251219_CODE_CALL.xml');
    copyFileSync(GOOD, good);
    const bad = join(dir, 'labels_20251202.csv');
    writeFileSync(bad, 'a,b\n1,2\n');
    const result = ingest([good, bad]);
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`${bad} is not a labels CSV`);
    expect(result.copied).toEqual([]);
    // The good file alone ingests.
    const alone = ingest([good]);
    expect(alone.status, alone.stderr).toBe(0);
    expect(alone.stderr).toContain('✓ 202601_20251219_CODE_CALL.xml: ingested');
  });
});

/**
 * A crashed ingest (kill -9) must not leave a claim that makes every rerun report success while
 * ingesting nothing. The real CLI ingests a generated multi-file set in a child process and is killed at
 * several points (between files, between the commits of one file); an immediate rerun must end with
 * exactly the rows of an ingest that never crashed, in every layer. Ctrl-C stops it cleanly.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../src/adapters/local/local-platform.ts';
import { generateMarket } from '../../src/usecases/generate.ts';
import { ledgerKey } from '../../src/usecases/ingest-ledger.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'src/cli/main.ts');

/** What every layer holds, as numbers that a missing or doubled file would change. */
const LAYER_QUERIES = {
  bronze: 'SELECT count(*) AS n, count(DISTINCT src_file) AS files FROM bronze_ticks',
  silver:
    'SELECT trade_date, side, count(*) AS n, sum(CAST(round(price * 100) AS BIGINT)) AS price FROM silver_ticks GROUP BY ALL ORDER BY ALL',
  quarantine: 'SELECT count(*) AS n FROM quarantine',
  codes: 'SELECT count(*) AS n FROM bronze_codes',
  contracts: 'SELECT count(*) AS n FROM dim_contract',
  bars: 'SELECT trade_date, side, count(*) AS n, sum(CAST(v AS BIGINT)) AS v FROM gold_bars_1m GROUP BY ALL ORDER BY ALL',
  features: 'SELECT trade_date, side, count(*) AS n FROM gold_features_1m GROUP BY ALL ORDER BY ALL',
  labels: 'SELECT trade_date, side, count(*) AS n FROM gold_labels_1m GROUP BY ALL ORDER BY ALL',
};

async function layers(home: string): Promise<Record<string, unknown>> {
  const platform = openLocalPlatform(home);
  try {
    const result: Record<string, unknown> = {};
    for (const [name, sql] of Object.entries(LAYER_QUERIES)) {
      result[name] = JSON.parse(
        JSON.stringify((await platform.query.query(sql)).rows, (_k, v: unknown) =>
          typeof v === 'bigint' ? Number(v) : v,
        ),
      );
    }
    return result;
  } finally {
    await platform.close();
  }
}

function ingestSync(home: string, files: string[]) {
  return spawnSync(process.execPath, [CLI, '--home', home, 'ingest', ...files], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, QUOTELAB_TARGET: undefined },
  });
}

const metadataFiles = (home: string, table: string) => {
  try {
    return readdirSync(join(home, 'objects/data/lake/quotelab', table, 'metadata')).filter((f) =>
      f.endsWith('.metadata.json'),
    ).length;
  } catch {
    return 0;
  }
};

/**
 * Starts the CLI and kills it with SIGKILL as soon as `when` holds (polled as fast as the event loop
 * allows). Resolves with the stderr seen until then.
 */
async function ingestKilled(
  home: string,
  files: string[],
  when: (stderr: string) => boolean,
): Promise<{ stderr: string; killed: boolean }> {
  const child = spawn(process.execPath, [CLI, '--home', home, 'ingest', ...files], {
    cwd: ROOT,
    env: { ...process.env, QUOTELAB_TARGET: undefined },
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  while (!done && !when(stderr)) await new Promise((resolve) => setImmediate(resolve));
  const killed = !done && child.kill('SIGKILL');
  await exited;
  return { stderr, killed };
}

describe('quotelab ingest killed with SIGKILL, then run again at once', () => {
  const work = mkdtempSync(join(tmpdir(), 'quotelab-crash-'));
  const generated = join(work, 'generated');
  let files: string[] = [];
  let reference: Record<string, unknown>;

  beforeAll(async () => {
    const market = await generateMarket({
      out: generated,
      seed: 'crash',
      start: '2025-12-01',
      days: 2,
      ticksPerDay: 40_000,
    });
    files = market.files
      .filter((f) => f.name.endsWith('.xml'))
      .map((f) => join(generated, f.name))
      .sort();
    expect(files).toHaveLength(8); // code and tick files of two days, both sides
    const home = join(work, 'reference');
    const clean = ingestSync(home, files);
    expect(clean.status, clean.stderr).toBe(0);
    reference = await layers(home);
  }, 300_000);

  const killPoints: [string, (home: string) => (stderr: string) => boolean][] = [
    ['between two files (just after the third finished)', () => (stderr) => stderr.includes('[3/8]')],
    [
      'after a file committed bronze, before silver',
      (home) => () => metadataFiles(home, 'bronze_ticks') >= 2,
    ],
    [
      'after a file committed silver, before its gold',
      (home) => () => metadataFiles(home, 'silver_ticks') >= 3,
    ],
    ['between the gold tables of one file', (home) => () => metadataFiles(home, 'gold_bars_1m') >= 2],
    ['late in the set (just after the sixth file)', () => (stderr) => stderr.includes('[6/8]')],
  ];

  const leftRunning: string[] = [];

  for (const [point, condition] of killPoints) {
    it(`killed ${point}: the rerun takes the dead claim over and every layer is exact`, async () => {
      const home = mkdtempSync(join(work, 'home-'));
      const { killed } = await ingestKilled(home, files, condition(home));
      expect(killed, 'the ingest finished before the kill point').toBe(true);

      const ledger = openLocalPlatform(home);
      const running: string[] = [];
      for (const file of files) {
        const key = `incoming/${file.split('/').pop()}`;
        if ((await ledger.ingestLedger.get(ledgerKey(key)))?.status === 'running') running.push(key);
      }
      await ledger.close();
      leftRunning.push(...running);

      const rerun = ingestSync(home, files);
      expect(rerun.status, rerun.stderr).toBe(0);
      expect(rerun.stderr).not.toContain('busy');
      expect(await layers(home)).toEqual(reference);
    }, 180_000);
  }

  it('left a claim in "running" in at least one of the crashes (so the takeover was exercised)', () => {
    expect(leftRunning.length).toBeGreaterThan(0);
  });

  it('Ctrl-C (SIGINT) stops at the next unit of work with exit 130, says what was kept, leaves no half-written file', async () => {
    const home = mkdtempSync(join(work, 'home-'));
    const child = spawn(process.execPath, [CLI, '--home', home, 'ingest', ...files], {
      cwd: ROOT,
      env: { ...process.env, QUOTELAB_TARGET: undefined },
    });
    let stderr = '';
    let signalled = false;
    const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) =>
      child.on('exit', (code, signal) => resolve({ code, signal })),
    );
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!signalled && stderr.includes('[3/8]')) {
        signalled = true;
        child.kill('SIGINT');
      }
    });
    const { code, signal } = await exited;
    expect({ code, signal }, stderr).toEqual({ code: 130, signal: null });
    expect(stderr).toContain('SIGINT received, stopping');
    const kept = /ingest interrupted: (\d) of 8 files ingested and kept, 0 failed/.exec(stderr);
    expect(kept, stderr).not.toBeNull();
    const done = Number(kept![1]);
    expect(done).toBeGreaterThanOrEqual(3);

    // Exactly the files reported kept are in the lake; no claim is left running.
    const platform = openLocalPlatform(home);
    try {
      const tickFilesDone = files.slice(0, done).filter((f) => f.includes('_TICK_')).length;
      const bronzeFiles = (await platform.query.query('SELECT count(DISTINCT src_file) FROM bronze_ticks'))
        .rows[0]![0];
      expect(Number(bronzeFiles)).toBe(tickFilesDone);
      for (const file of files) {
        const state = await platform.ingestLedger.get(ledgerKey(`incoming/${file.split('/').pop()}`));
        expect(state?.status, file).not.toBe('running');
      }
    } finally {
      await platform.close();
    }
    const rerun = ingestSync(home, files);
    expect(rerun.status, rerun.stderr).toBe(0);
    expect(await layers(home)).toEqual(reference);
  }, 180_000);
});

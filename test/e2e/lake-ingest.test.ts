/**
 * The lakehouse end to end on the embedded platform: the real KRX day through the same ETL code the
 * Lambda runs, then idempotency, a changed file under the same key, time travel, and 20 concurrent ingests.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../src/adapters/local/local-platform.ts';
import { IcebergTable } from '../../src/core/lake/iceberg/index.ts';
import { rowObjects } from '../../src/core/ports/query-engine.ts';
import type { Platform } from '../../src/core/platform.ts';
import { generateMarket } from '../../src/usecases/generate.ts';
import { ingestObject } from '../../src/usecases/ingest.ts';
import { EXPECTED } from '../unit/features/real-day.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const REAL = join(ROOT, 'data/krx-options-20251201');
const FILES = readdirSync(REAL)
  .filter((f) => f.endsWith('.xml'))
  .sort();

const deps = (platform: Platform) => ({
  data: platform.data,
  lake: platform.lake,
  namespace: platform.namespace,
  ledger: platform.ingestLedger,
});
const table = (platform: Platform, name: string) =>
  IcebergTable.load(platform.lake, { namespace: platform.namespace, name });
const scalar = async (platform: Platform, sql: string) => (await platform.query.query(sql)).rows[0]![0];

describe('the real KRX day in the lake', () => {
  const home = mkdtempSync(join(tmpdir(), 'quotelab-lake-'));
  let platform: Platform;

  beforeAll(async () => {
    platform = openLocalPlatform(home);
    for (const file of FILES) {
      await platform.data.put(`incoming/${file}`, readFileSync(join(REAL, file)));
      const result = await ingestObject(deps(platform), `incoming/${file}`);
      expect(result.outcome).toBe('ingested');
    }
  });

  afterAll(() => platform.close());

  it('gives bronze 3,347 ticks and 306 codes with nothing quarantined', async () => {
    expect(await scalar(platform, 'SELECT count(*) FROM bronze_ticks')).toBe(3347);
    expect(await scalar(platform, 'SELECT count(*) FROM bronze_codes')).toBe(306);
    expect(await scalar(platform, 'SELECT count(*) FROM quarantine')).toBe(0);
  });

  it('gives silver CALL 1,549 and PUT 1,798 (no duplicates across the files), with decoded strikes and KST dates', async () => {
    const rows = rowObjects(
      await platform.query.query('SELECT side, count(*) AS n FROM silver_ticks GROUP BY side ORDER BY side'),
    );
    expect(rows).toEqual([
      { side: 'CALL', n: 1549 },
      { side: 'PUT', n: 1798 },
    ]);
    expect(await scalar(platform, 'SELECT count(*) FROM silver_ticks WHERE strike <> floor(strike)')).toBe(
      await scalar(platform, "SELECT count(*) FROM bronze_ticks WHERE substr(code, 8, 1) IN ('2', '7')"),
    );
    expect(
      await scalar(
        platform,
        "SELECT count(DISTINCT trade_date) FROM silver_ticks WHERE trade_date = DATE '2025-12-01'",
      ),
    ).toBe(1);
  });

  it('gives dim_contract 306 contracts, e.g. C0161302 → put 302.5 expiring 2026-01-08', async () => {
    expect(await scalar(platform, 'SELECT count(*) FROM dim_contract')).toBe(306);
    const row = rowObjects(
      await platform.query.query(
        "SELECT side, strike, CAST(expiry AS VARCHAR) AS expiry, multiplier FROM dim_contract WHERE code = 'C0161302'",
      ),
    );
    expect(row).toEqual([{ side: 'PUT', strike: 302.5, expiry: '2026-01-08', multiplier: 250000 }]);
  });

  it('gives gold 59,667 bars, features and labels (22,351 CALL + 37,316 PUT on the 1-minute clock grid)', async () => {
    // The counts were derived independently (a Python script over the XML; see test/unit/features).
    for (const name of ['gold_bars_1m', 'gold_features_1m', 'gold_labels_1m']) {
      expect(
        rowObjects(
          await platform.query.query(`SELECT side, count(*) AS n FROM ${name} GROUP BY side ORDER BY side`),
        ),
        name,
      ).toEqual([
        { side: 'CALL', n: 22351 },
        { side: 'PUT', n: 37316 },
      ]);
    }
  });

  it('stores features and labels equal to the hand-computed worked examples', async () => {
    for (const example of EXPECTED) {
      const features = rowObjects(
        await platform.query.query(
          `SELECT * FROM gold_features_1m WHERE code = '${example.code}' AND minute = '${example.minute}'`,
        ),
      )[0]!;
      const labels = rowObjects(
        await platform.query.query(
          `SELECT * FROM gold_labels_1m WHERE code = '${example.code}' AND minute = '${example.minute}'`,
        ),
      )[0]!;
      for (const [name, expected] of Object.entries(example.values)) {
        const actual = (name.startsWith('y_') ? labels : features)[name];
        if (expected === null) expect(actual, `${example.code} ${example.minute} ${name}`).toBeNull();
        else
          expect(
            Math.abs((actual as number) - expected),
            `${example.code} ${example.minute} ${name}`,
          ).toBeLessThanOrEqual(Math.abs(expected) * 1e-12 + 1e-15);
      }
    }
    expect(EXPECTED.length).toBeGreaterThanOrEqual(3);
  });

  it('quotelab query prints CALL 1549 and PUT 1798', () => {
    const result = spawnSync(
      process.execPath,
      [
        join(ROOT, 'src/cli/main.ts'),
        '--home',
        home,
        'query',
        'SELECT side, count(*) FROM silver_ticks GROUP BY side ORDER BY side',
      ],
      { encoding: 'utf8' },
    );
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/CALL\s+1549/);
    expect(result.stdout).toMatch(/PUT\s+1798/);
  });

  it('quotelab query runs a standard query by name, over the sandboxed lake (issue 12 points 16, 19)', () => {
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, [join(ROOT, 'src/cli/main.ts'), '--home', home, 'query', ...args], {
        encoding: 'utf8',
      });
    const byName = cli('daily-summary', '--format', 'csv');
    expect(byName.status, byName.stderr).toBe(0);
    expect(byName.stdout.split('\n')[0]).toMatch(/^trade_date,side,ticks,contracts,codes/);
    expect(byName.stdout).toMatch(/2025-12-01,CALL,1549,/);
    const passwd = cli("SELECT * FROM read_csv('/etc/passwd')");
    expect(passwd.status).toBe(1);
    expect(passwd.stderr).toMatch(/disabled by configuration/);
    const copy = cli("COPY (SELECT 1) TO '/tmp/quotelab-copy-test.csv'");
    expect(copy.status).toBe(1);
    const badLimit = cli('daily-summary', '--max-rows', '-1');
    expect(badLimit.status).toBe(1);
    expect(badLimit.stderr).toMatch(/positive integer/);
  });

  it('re-ingesting the same files adds no snapshot and no row', async () => {
    const before = await snapshotCounts(platform);
    for (const file of FILES) {
      await platform.data.put(`incoming/${file}`, readFileSync(join(REAL, file)));
      expect((await ingestObject(deps(platform), `incoming/${file}`)).outcome).toBe('unchanged');
    }
    expect(await snapshotCounts(platform)).toEqual(before);
    expect(await scalar(platform, 'SELECT count(*) FROM bronze_ticks')).toBe(3347);
  });

  it('a changed file under the same key replaces exactly its rows in one snapshot; time travel still sees the old rows', async () => {
    const key = 'incoming/202601_20251201_TICK_CALL.xml';
    const original = readFileSync(join(REAL, '202601_20251201_TICK_CALL.xml'), 'utf8');
    // The corrected delivery lacks every B0161680 tick (211 of them).
    const changed = original.replace(
      / {2}<_x0032_02601_20251201_TICK_CALL>\n {4}<ymcode>202601<\/ymcode>\n {4}<code>B0161680<\/code>[\s\S]*?<\/_x0032_02601_20251201_TICK_CALL>\n/g,
      '',
    );
    expect(original.length - changed.length).toBeGreaterThan(0);
    const bronze = await table(platform, 'bronze_ticks');
    const previous = bronze.currentSnapshot()!;
    const snapshotsBefore = bronze.snapshots().length;

    await platform.data.put(key, changed);
    const result = await ingestObject(deps(platform), key);
    expect(result.outcome).toBe('replaced');
    expect(result.counts.bronze).toBe(1549 - 211);

    await bronze.refresh();
    expect(bronze.snapshots()).toHaveLength(snapshotsBefore + 1);
    expect(bronze.currentSnapshot()!.summary.operation).toBe('overwrite');
    expect(await scalar(platform, 'SELECT count(*) FROM bronze_ticks')).toBe(3347 - 211);
    expect(await scalar(platform, "SELECT count(*) FROM bronze_ticks WHERE code = 'B0161680'")).toBe(0);
    expect(await scalar(platform, "SELECT count(*) FROM silver_ticks WHERE side = 'PUT'")).toBe(1798);
    expect(await scalar(platform, "SELECT count(*) FROM gold_bars_1m WHERE code = 'B0161680'")).toBe(0);
    expect(await scalar(platform, "SELECT count(*) FROM gold_bars_1m WHERE side = 'PUT'")).toBe(37316);

    const old = await bronze.read({ snapshotId: previous['snapshot-id'] });
    expect(old).toHaveLength(3347);
    expect(old.filter((row) => row.code === 'B0161680')).toHaveLength(211);
  });
});

describe('20 ingests of different files started at once (embedded platform)', () => {
  it('end with every row present and no commit lost', async () => {
    const home = mkdtempSync(join(tmpdir(), 'quotelab-concurrent-'));
    const generated = await generateMarket({
      out: join(home, 'generated'),
      seed: 'concurrency',
      start: '2025-12-01',
      days: 10,
      ticksPerDay: 300,
    });
    const tickFiles = generated.files.filter((f) => f.kind === 'tick');
    expect(tickFiles).toHaveLength(20);
    const setup = openLocalPlatform(home);
    for (const file of tickFiles)
      await setup.data.put(`incoming/${file.name}`, readFileSync(join(home, 'generated', file.name)));
    await setup.close();

    // Each ingest gets its own platform handle (its own SQLite connection and table handles), like a worker.
    const workers = tickFiles.map(() => openLocalPlatform(home));
    const results = await Promise.all(
      tickFiles.map((file, i) => ingestObject(deps(workers[i]!), `incoming/${file.name}`)),
    );
    await Promise.all(workers.map((w) => w.close()));

    const expectedTicks = tickFiles.reduce((n, f) => n + f.rows, 0);
    expect(results.map((r) => r.outcome)).toEqual(Array(20).fill('ingested'));
    const platform = openLocalPlatform(home);
    try {
      expect(await scalar(platform, 'SELECT count(*) FROM bronze_ticks')).toBe(expectedTicks);
      expect(await scalar(platform, 'SELECT count(*) FROM silver_ticks')).toBe(expectedTicks);
      expect(await scalar(platform, 'SELECT count(DISTINCT src_file) FROM silver_ticks')).toBe(20);
      expect(await scalar(platform, 'SELECT count(*) FROM ingest_log')).toBe(20);
      expect(await scalar(platform, 'SELECT count(DISTINCT trade_date || side) FROM gold_bars_1m')).toBe(20);
      const counts = await snapshotCounts(platform);
      expect(counts.bronze_ticks).toBe(20);
      expect(counts.silver_ticks).toBe(20);
      expect(counts.gold_bars_1m).toBe(20);
    } finally {
      await platform.close();
    }
  }, 300_000);
});

async function snapshotCounts(platform: Platform): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const { name } of await platform.catalog.listTables(platform.namespace))
    counts[name] = (await table(platform, name)).snapshots().length;
  return counts;
}

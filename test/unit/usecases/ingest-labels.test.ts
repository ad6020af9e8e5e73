/**
 * Regime labels are ingested with the market: a `labels_YYYYMMDD.csv` under `incoming/` becomes rows of
 * `regime_labels_1m` (ledger, archive and error report as for XML), a bad line is quarantined with its
 * reason, a corrected upload replaces exactly that file's labels, and a file that is not labels fails
 * whole with nothing committed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../../src/adapters/local/local-platform.ts';
import { rowObjects } from '../../../src/core/ports/query-engine.ts';
import type { Platform } from '../../../src/core/platform.ts';
import { ingestKeys } from '../../../src/usecases/ingest-keys.ts';

let platform: Platform;
beforeAll(() => {
  platform = openLocalPlatform(mkdtempSync(join(tmpdir(), 'quotelab-labels-')));
});
afterAll(() => platform.close());

async function upload(key: string, body: string | Uint8Array) {
  await platform.data.put(key, body, { contentType: 'text/csv' });
  return ingestKeys(platform, [key]);
}

const labelsOf = async (file: string) =>
  rowObjects(
    await platform.query.query(
      `SELECT strftime(minute_ts AT TIME ZONE 'Asia/Seoul', '%Y-%m-%d %H:%M') AS minute, regime, src_line, ` +
        `CAST(trade_date AS VARCHAR) AS trade_date FROM regime_labels_1m WHERE src_file = '${file}' ORDER BY minute_ts`,
    ),
  );

describe('labels CSV ingest', () => {
  it('writes each minute label and quarantines the lines that are not labels', async () => {
    const key = 'incoming/labels_20251201.csv';
    const [handled] = await upload(
      key,
      'date,minute,regime,close\n' +
        '2025-12-01,09:00,range,1\n' +
        '2025-12-01,09:01,sideways,1\n' + // unknown regime
        '2025-12-01,9:02,range,1\n' + // bad minute
        '2025-12-01,09:03,volatile,1\n' +
        '2025-12-01,09:03,range,1\n', // labelled twice
    );
    expect(handled!.error).toBeUndefined();
    expect(handled!.archivedTo).toBe('processed/labels_20251201.csv');
    expect(handled!.result!.summary).toMatchObject({
      kind: 'labels',
      rowsRead: 5,
      accepted: 2,
      quarantined: 3,
    });
    expect(await labelsOf(key)).toEqual([
      { minute: '2025-12-01 09:00', regime: 'range', src_line: 2, trade_date: '2025-12-01' },
      { minute: '2025-12-01 09:03', regime: 'volatile', src_line: 5, trade_date: '2025-12-01' },
    ]);
    expect(
      rowObjects(
        await platform.query.query(
          `SELECT reason, line, raw FROM quarantine WHERE src_file = '${key}' ORDER BY line`,
        ),
      ),
    ).toEqual([
      { reason: 'unknown_regime', line: 3, raw: '2025-12-01,09:01,sideways,1' },
      { reason: 'invalid_value', line: 4, raw: '2025-12-01,9:02,range,1' },
      { reason: 'duplicate_label', line: 6, raw: '2025-12-01,09:03,range,1' },
    ]);
    expect(
      rowObjects(
        await platform.query.query(
          `SELECT kind, accepted, quarantined FROM ingest_log WHERE src_file = '${key}'`,
        ),
      ),
    ).toEqual([{ kind: 'labels', accepted: 2, quarantined: 3 }]);
  });

  it('a corrected upload of the same key replaces its labels, and leaves other days alone', async () => {
    await upload('incoming/labels_20251202.csv', 'date,minute,regime\n2025-12-02,09:00,trend_up\n');
    const key = 'incoming/labels_20251201.csv';
    const [handled] = await upload(key, 'date,minute,regime\n2025-12-01,09:00,trend_down\n');
    expect(handled!.result!.outcome).toBe('replaced');
    expect(await labelsOf(key)).toEqual([
      { minute: '2025-12-01 09:00', regime: 'trend_down', src_line: 2, trade_date: '2025-12-01' },
    ]);
    expect(await labelsOf('incoming/labels_20251202.csv')).toHaveLength(1);
    // The corrected file has no bad lines: the first version's quarantine rows went with it.
    expect(
      rowObjects(
        await platform.query.query(`SELECT count(*) AS n FROM quarantine WHERE src_file = '${key}'`),
      ),
    ).toEqual([{ n: 0 }]);
  });

  it('a file that is not labels fails whole, with an error report and nothing committed', async () => {
    for (const [key, body, message] of [
      ['incoming/labels_20251205.csv', 'when,what\n1,2\n', /is not a labels CSV/],
      ['incoming/labels_20251206.csv', new Uint8Array([0x64, 0x61, 0xff, 0xfe, 0x0a]), /is not UTF-8 text/],
    ] as const) {
      await expect(upload(key, body)).rejects.toThrow(message);
      expect(await platform.data.head(`${key}.error.json`)).toBeDefined();
      expect(await platform.data.head(key)).toBeDefined(); // kept in incoming/ for a corrected upload
      expect(await labelsOf(key)).toEqual([]);
    }
  });

  it('a CSV with another name under incoming/ is skipped, not ingested and not failed', async () => {
    const [handled] = await upload('incoming/notes.csv', 'date,minute,regime\n2025-12-01,09:00,range\n');
    expect(handled!.skipped).toMatch(/not an XML object or a labels_YYYYMMDD\.csv/);
    expect(await labelsOf('incoming/notes.csv')).toEqual([]);
  });
});

/**
 * Quarantine rows stream out in batches while the file is read (memory follows the batch, not the
 * file), and every refused row still lands in the quarantine table, in one snapshot.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../../src/adapters/local/local-platform.ts';
import { IcebergTable } from '../../../src/core/lake/iceberg/index.ts';
import { rowObjects } from '../../../src/core/ports/query-engine.ts';
import type { ObjectBody, PutOptions } from '../../../src/core/ports/object-store.ts';
import { QUARANTINE_FLUSH, ingestObject } from '../../../src/usecases/ingest.ts';

const TAG = '_x0032_02601_20251201_TICK_PUT';
const KEY = 'incoming/202601_20251201_TICK_PUT.xml';

/** A tick file of `n` rows whose price does not parse: every one is quarantined (invalid_value). */
function badRows(n: number): string {
  const row = (i: number) =>
    `  <${TAG}>\n    <ymcode>202601</ymcode>\n    <code>C0161300</code>\n    <strike>300</strike>\n` +
    `    <idate>20251201</idate>\n    <itime>090000</itime>\n    <tdate>2025-12-01T09:00:00+09:00</tdate>\n` +
    `    <tcnt>${i + 1}</tcnt>\n    <c>not-a-price</c>\n    <o>0.08</o>\n    <h>0.08</h>\n    <l>0.08</l>\n` +
    `    <oi>0</oi>\n    <ccnt>1</ccnt>\n  </${TAG}>\n`;
  const rows: string[] = [];
  for (let i = 0; i < n; i++) rows.push(row(i));
  return `<?xml version="1.0" standalone="yes"?>\n<DocumentElement>\n${rows.join('')}</DocumentElement>`;
}

describe('a file of many bad rows', () => {
  it('writes its quarantine rows as the file is read, in batches, and commits all of them', async () => {
    const rows = 3 * QUARANTINE_FLUSH.rows + 7;
    const platform = openLocalPlatform(mkdtempSync(join(tmpdir(), 'quotelab-quarantine-')));
    try {
      await platform.data.put(KEY, badRows(rows));
      // Watch the data store: when does the source stream end, when are quarantine data files written?
      let sourceEnded = false;
      const writtenBeforeEnd: string[] = [];
      let streams = 0;
      const watched = new Proxy(platform.data, {
        get(target, name, receiver) {
          if (name === 'put')
            return (key: string, body: ObjectBody, options?: PutOptions) => {
              if (key.includes('/quarantine/data/') && !sourceEnded) writtenBeforeEnd.push(key);
              return target.put(key, body, options);
            };
          if (name === 'getStream')
            return async (key: string) => {
              const inner = await target.getStream(key);
              if (key !== KEY || ++streams !== 2) return inner; // the second read is the ingest's
              return (async function* () {
                yield* inner;
                sourceEnded = true;
              })();
            };
          return Reflect.get(target, name, receiver) as unknown;
        },
      });
      const result = await ingestObject(
        {
          data: watched,
          lake: { ...platform.lake, store: watched },
          namespace: platform.namespace,
          ledger: platform.ingestLedger,
        },
        KEY,
      );
      expect(sourceEnded).toBe(true);
      expect(result.summary?.quarantined).toBe(rows);
      expect(result.counts.quarantined).toBe(rows);
      expect(writtenBeforeEnd.length).toBeGreaterThanOrEqual(2);

      const quarantine = await IcebergTable.load(platform.lake, {
        namespace: platform.namespace,
        name: 'quarantine',
      });
      expect(quarantine.snapshots()).toHaveLength(1);
      expect(
        rowObjects(
          await platform.query.query(
            'SELECT reason, count(*) AS n, count(DISTINCT src_row) AS distinct_rows FROM quarantine GROUP BY reason',
          ),
        ),
      ).toEqual([{ reason: 'invalid_value', n: rows, distinct_rows: rows }]);
    } finally {
      await platform.close();
    }
  }, 120_000);
});

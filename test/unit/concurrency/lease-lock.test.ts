/**
 * The lease lock on the embedded key-value store: a holder that works longer than its lease keeps the
 * lock (it renews it), and a holder that died is taken over once its lease lapsed.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteKeyValueStore } from '../../../src/adapters/local/sqlite-key-value.ts';
import { withLeaseLock } from '../../../src/core/concurrency/lease-lock.ts';

const KEY = { pk: 'lock#catalog/quotelab.silver_ticks', sk: 'lock' };
const stores: SqliteKeyValueStore[] = [];
function store(): SqliteKeyValueStore {
  const opened = new SqliteKeyValueStore(
    join(mkdtempSync(join(tmpdir(), 'quotelab-lock-')), 'kv.sqlite'),
    'locks',
  );
  stores.push(opened);
  return opened;
}
afterEach(() => stores.splice(0).forEach((s) => s.close()));

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('withLeaseLock', () => {
  it('is never held twice: a holder working for ten leases renews its lease and is not taken over', async () => {
    const kv = store();
    let inside = 0;
    let most = 0;
    const order: string[] = [];
    const holder = (name: string, ms: number) =>
      withLeaseLock(
        kv,
        KEY,
        async () => {
          most = Math.max(most, ++inside);
          order.push(`${name} in`);
          await pause(ms);
          order.push(`${name} out`);
          inside--;
        },
        { leaseMs: 40, timeoutMs: 60_000 },
      );
    const first = holder('first', 400);
    await pause(20);
    await Promise.all([first, holder('second', 1)]);
    expect(most).toBe(1);
    expect(order).toEqual(['first in', 'first out', 'second in', 'second out']);
    expect(await kv.get(KEY)).toBeUndefined();
  });

  it('takes over the lock of a holder that died once its lease lapsed', async () => {
    const kv = store();
    await kv.put({ ...KEY, owner: 'dead-holder', expiresAt: Date.now() + 100 });
    const result = await withLeaseLock(kv, KEY, () => Promise.resolve('mine'), {
      leaseMs: 1000,
      timeoutMs: 60_000,
    });
    expect(result).toBe('mine');
  });
});

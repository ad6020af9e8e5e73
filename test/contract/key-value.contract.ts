/**
 * The KeyValueStore contract: every adapter (embedded SQLite, DynamoDB over HTTP) runs these same tests.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { PreconditionFailedError, TransactionCanceledError } from '../../src/core/ports/errors.ts';
import { queryAll } from '../../src/core/ports/key-value.ts';
import type { KeyValueStore, TransactionItem } from '../../src/core/ports/key-value.ts';

export interface KeyValueContractOptions {
  /** Set when the backend under test is known to lose concurrent ADDs (an emulator without locking). */
  losesConcurrentAdds?: string;
}

export function keyValueContract(
  name: string,
  open: () => Promise<KeyValueStore>,
  options: KeyValueContractOptions = {},
): void {
  describe(`KeyValueStore contract: ${name}`, () => {
    let kv: KeyValueStore;

    beforeAll(async () => {
      kv = await open();
    });

    it('puts and gets items with nested values; absent items are undefined', async () => {
      const item = {
        pk: 'basic',
        sk: 'one',
        count: 3,
        price: 1.25,
        name: '옵션',
        on: true,
        nothing: null,
        tags: ['a', 'b'],
        nested: { depth: 2, list: [1, 2] },
      };
      await kv.put(item);
      expect(await kv.get({ pk: 'basic', sk: 'one' })).toEqual(item);
      expect(await kv.get({ pk: 'basic', sk: 'two' })).toBeUndefined();
    });

    it('conditional put: "absent" lets the first writer in and refuses the second', async () => {
      await kv.put({ pk: 'ledger', sk: 'file-1', sha: 'aaa' }, { kind: 'absent' });
      await expect(
        kv.put({ pk: 'ledger', sk: 'file-1', sha: 'bbb' }, { kind: 'absent' }),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await kv.get({ pk: 'ledger', sk: 'file-1' })).toMatchObject({ sha: 'aaa' });
    });

    it('of 10 concurrent "absent" puts exactly one wins', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 10 }, (_, i) =>
          kv.put({ pk: 'race', sk: 'only', writer: i }, { kind: 'absent' }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });

    it('update sets, adds and removes attributes, creating the item if absent, and returns the result', async () => {
      const created = await kv.update(
        { pk: 'upd', sk: 'x' },
        { set: { state: 'new', note: 'tmp' }, add: { hits: 2 } },
      );
      expect(created).toEqual({ pk: 'upd', sk: 'x', state: 'new', note: 'tmp', hits: 2 });
      const changed = await kv.update(
        { pk: 'upd', sk: 'x' },
        { set: { state: 'done' }, add: { hits: 3 }, remove: ['note'] },
      );
      expect(changed).toEqual({ pk: 'upd', sk: 'x', state: 'done', hits: 5 });
      expect(await kv.get({ pk: 'upd', sk: 'x' })).toEqual(changed);
    });

    it('conditional update (optimistic version): the current version wins, a stale one loses', async () => {
      await kv.put({ pk: 'cas', sk: 'table', version: 1, location: 'v1.json' });
      await kv.update(
        { pk: 'cas', sk: 'table' },
        { set: { version: 2, location: 'v2.json' } },
        { kind: 'attributeEquals', name: 'version', value: 1 },
      );
      await expect(
        kv.update(
          { pk: 'cas', sk: 'table' },
          { set: { version: 2, location: 'other.json' } },
          { kind: 'attributeEquals', name: 'version', value: 1 },
        ),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await kv.get({ pk: 'cas', sk: 'table' })).toMatchObject({ version: 2, location: 'v2.json' });
      await expect(
        kv.update({ pk: 'cas', sk: 'missing' }, { set: { version: 1 } }, { kind: 'exists' }),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await kv.get({ pk: 'cas', sk: 'missing' })).toBeUndefined();
    });

    it('of 8 concurrent version-checked updates from one base exactly one wins', async () => {
      await kv.put({ pk: 'cas', sk: 'race', version: 10 });
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) =>
          kv.update(
            { pk: 'cas', sk: 'race' },
            { set: { version: 11, writer: i } },
            { kind: 'attributeEquals', name: 'version', value: 10 },
          ),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    });

    it('increments add up', async () => {
      for (let i = 0; i < 5; i++) await kv.update({ pk: 'counter', sk: 'sequential' }, { add: { n: 2 } });
      expect(await kv.get({ pk: 'counter', sk: 'sequential' })).toMatchObject({ n: 10 });
    });

    it('concurrent increments are atomic', async (context) => {
      if (options.losesConcurrentAdds) context.skip(options.losesConcurrentAdds);
      await Promise.all(
        Array.from({ length: 20 }, () => kv.update({ pk: 'counter', sk: 'c' }, { add: { n: 1 } })),
      );
      expect(await kv.get({ pk: 'counter', sk: 'c' })).toMatchObject({ n: 20 });
    });

    it('"attributeAbsent" guards a one-time claim', async () => {
      await kv.put({ pk: 'claim', sk: 'trial-1', state: 'queued' });
      await kv.update(
        { pk: 'claim', sk: 'trial-1' },
        { set: { owner: 'worker-a' } },
        { kind: 'attributeAbsent', name: 'owner' },
      );
      await expect(
        kv.update(
          { pk: 'claim', sk: 'trial-1' },
          { set: { owner: 'worker-b' } },
          { kind: 'attributeAbsent', name: 'owner' },
        ),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
    });

    it('conditional delete', async () => {
      await kv.put({ pk: 'del', sk: 'a', state: 'keep' });
      await expect(
        kv.delete({ pk: 'del', sk: 'a' }, { kind: 'attributeEquals', name: 'state', value: 'gone' }),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
      await kv.delete({ pk: 'del', sk: 'a' }, { kind: 'attributeEquals', name: 'state', value: 'keep' });
      expect(await kv.get({ pk: 'del', sk: 'a' })).toBeUndefined();
    });

    it('rejects updates every backend rejects: empty, or touching the keys', async () => {
      await expect(kv.update({ pk: 'bad', sk: 'x' }, {})).rejects.toBeInstanceOf(TypeError);
      await expect(kv.update({ pk: 'bad', sk: 'x' }, { set: { pk: 'other' } })).rejects.toBeInstanceOf(
        TypeError,
      );
    });

    it('queries one partition in byte order of sort keys, with prefix, direction and pages', async () => {
      const sks = [
        '2026-01-02#b',
        '2026-01-02#a',
        '2026-01-10',
        '2026-01-01',
        'A',
        'a',
        'trial#0010',
        'trial#0002',
      ];
      await Promise.all(sks.map((sk) => kv.put({ pk: 'q', sk, v: sk })));
      await kv.put({ pk: 'q-other', sk: '2026-01-01' });
      const byBytes = [...sks].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

      const all = await kv.query('q');
      expect(all.items.map((i) => i.sk)).toEqual(byBytes);
      expect((await kv.query('q', { descending: true })).items.map((i) => i.sk)).toEqual(
        [...byBytes].reverse(),
      );
      expect((await kv.query('q', { skPrefix: '2026-01-0' })).items.map((i) => i.sk)).toEqual([
        '2026-01-01',
        '2026-01-02#a',
        '2026-01-02#b',
      ]);

      const paged: string[] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await kv.query('q', { limit: 3, cursor });
        expect(page.items.length).toBeLessThanOrEqual(3);
        paged.push(...page.items.map((i) => i.sk));
        cursor = page.cursor;
        pages++;
      } while (cursor);
      expect(paged).toEqual(byBytes);
      expect(pages).toBeGreaterThanOrEqual(3);

      const streamed: string[] = [];
      for await (const item of queryAll(kv, 'q', { skPrefix: 'trial#', limit: 1 })) streamed.push(item.sk);
      expect(streamed).toEqual(['trial#0002', 'trial#0010']);
    });

    it('transactional write applies every item or none', async () => {
      await kv.put({ pk: 'tx', sk: 'table', version: 1 });
      const items: TransactionItem[] = [
        { put: { pk: 'tx', sk: 'ledger#f1', sha: 'abc' }, condition: { kind: 'absent' } },
        {
          update: { pk: 'tx', sk: 'table' },
          changes: { set: { version: 2 } },
          condition: { kind: 'attributeEquals', name: 'version', value: 1 },
        },
        { put: { pk: 'tx', sk: 'audit#1', what: 'ingest f1' } },
      ];
      await kv.transactWrite(items);
      expect(await kv.get({ pk: 'tx', sk: 'table' })).toMatchObject({ version: 2 });
      expect(await kv.get({ pk: 'tx', sk: 'ledger#f1' })).toMatchObject({ sha: 'abc' });
      expect(await kv.get({ pk: 'tx', sk: 'audit#1' })).toMatchObject({ what: 'ingest f1' });
    });

    it('a failed condition cancels the whole transaction and says which item failed', async () => {
      await kv.put({ pk: 'txf', sk: 'table', version: 5 });
      const attempt = kv.transactWrite([
        { put: { pk: 'txf', sk: 'new-row', a: 1 } },
        {
          update: { pk: 'txf', sk: 'table' },
          changes: { set: { version: 6 } },
          condition: { kind: 'attributeEquals', name: 'version', value: 4 },
        },
        { delete: { pk: 'txf', sk: 'whatever' } },
      ]);
      await expect(attempt).rejects.toBeInstanceOf(TransactionCanceledError);
      const error = (await attempt.catch((e: unknown) => e)) as TransactionCanceledError;
      expect(error.reasons[0]).toBeUndefined();
      expect(error.reasons[1]).toMatch(/version/);
      expect(error.reasons[2]).toBeUndefined();
      expect(await kv.get({ pk: 'txf', sk: 'new-row' })).toBeUndefined();
      expect(await kv.get({ pk: 'txf', sk: 'table' })).toMatchObject({ version: 5 });
    });

    it('a condition check on another item can veto a transaction', async () => {
      await kv.put({ pk: 'txc', sk: 'flag', enabled: false });
      await expect(
        kv.transactWrite([
          {
            check: { pk: 'txc', sk: 'flag' },
            condition: { kind: 'attributeEquals', name: 'enabled', value: true },
          },
          { put: { pk: 'txc', sk: 'order', qty: 1 } },
        ]),
      ).rejects.toBeInstanceOf(TransactionCanceledError);
      expect(await kv.get({ pk: 'txc', sk: 'order' })).toBeUndefined();
    });

    it('rejects transactions every backend rejects: over 25 items, or one key twice', async () => {
      const many: TransactionItem[] = Array.from({ length: 26 }, (_, i) => ({
        put: { pk: 'big', sk: String(i) },
      }));
      await expect(kv.transactWrite(many)).rejects.toBeInstanceOf(TypeError);
      await expect(
        kv.transactWrite([{ put: { pk: 'dup', sk: 'a' } }, { delete: { pk: 'dup', sk: 'a' } }]),
      ).rejects.toBeInstanceOf(TypeError);
      expect(await kv.get({ pk: 'big', sk: '0' })).toBeUndefined();
    });
  });
}

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KeyValueCatalog } from '../../../src/adapters/local/kv-catalog.ts';
import { SqliteKeyValueStore } from '../../../src/adapters/local/sqlite-key-value.ts';
import { PreconditionFailedError } from '../../../src/core/ports/errors.ts';

const table = { namespace: 'quotelab', name: 'ticks' };
const freshStore = () =>
  new SqliteKeyValueStore(join(mkdtempSync(join(tmpdir(), 'quotelab-catalog-')), 'kv.sqlite'), 'state');

describe('KeyValueCatalog (Iceberg catalog on the key-value port)', () => {
  it('creates a table once, then moves its pointer only from the version a writer saw', async () => {
    const store = freshStore();
    const catalog = new KeyValueCatalog(store);
    expect(await catalog.loadTable(table)).toBeUndefined();
    const created = await catalog.createTable(table, 'file:///m/00000.metadata.json');
    expect(created).toEqual({ metadataLocation: 'file:///m/00000.metadata.json', version: '1' });
    await expect(catalog.createTable(table, 'file:///m/other.json')).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );

    const next = await catalog.commitTable(table, created, 'file:///m/00001.metadata.json');
    expect(next.version).toBe('2');
    // A second writer that also started from `created` loses, and the pointer stays where the winner put it.
    await expect(catalog.commitTable(table, created, 'file:///m/lost.json')).rejects.toBeInstanceOf(
      PreconditionFailedError,
    );
    expect(await catalog.loadTable(table)).toEqual(next);
    expect(await store.get({ pk: 'catalog#quotelab', sk: 'ticks' })).toMatchObject({
      metadataLocation: 'file:///m/00001.metadata.json',
      previousMetadataLocation: 'file:///m/00000.metadata.json',
      version: 2,
    });
  });

  it('lets exactly one of many concurrent commits from one version win, across connections', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'quotelab-catalog-'));
    const connections = Array.from(
      { length: 8 },
      () => new KeyValueCatalog(new SqliteKeyValueStore(join(dir, 'kv.sqlite'), 'state')),
    );
    const base = await connections[0]!.createTable(table, 'file:///m/0.json');
    const results = await Promise.allSettled(
      connections.map((c, i) => c.commitTable(table, base, `file:///m/${i}.json`)),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected' && r.reason instanceof PreconditionFailedError),
    ).toHaveLength(7);
  });

  it('lists and drops tables of a namespace', async () => {
    const catalog = new KeyValueCatalog(freshStore());
    await catalog.createTable({ namespace: 'a', name: 't1' }, 'file:///1');
    await catalog.createTable({ namespace: 'a', name: 't2' }, 'file:///2');
    await catalog.createTable({ namespace: 'b', name: 't3' }, 'file:///3');
    expect(await catalog.listTables('a')).toEqual([
      { namespace: 'a', name: 't1' },
      { namespace: 'a', name: 't2' },
    ]);
    await catalog.dropTable({ namespace: 'a', name: 't1' });
    await catalog.dropTable({ namespace: 'a', name: 'absent' });
    expect(await catalog.listTables('a')).toEqual([{ namespace: 'a', name: 't2' }]);
    await expect(
      catalog.commitTable({ namespace: 'a', name: 't1' }, { metadataLocation: 'x', version: '1' }, 'y'),
    ).rejects.toBeInstanceOf(PreconditionFailedError);
  });
});

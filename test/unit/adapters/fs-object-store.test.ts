import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FsObjectStore } from '../../../src/adapters/local/fs-object-store.ts';
import { objectStoreContract } from '../../contract/object-store.contract.ts';

const freshRoot = () => mkdtempSync(join(tmpdir(), 'quotelab-objects-'));

objectStoreContract('local folder (FsObjectStore)', async () => ({ store: new FsObjectStore(freshRoot()) }));

describe('FsObjectStore, local specifics', () => {
  it('keeps objects as plain files that other tools can read', async () => {
    const store = new FsObjectStore(freshRoot());
    await store.put('lake/data/part-0.txt', 'plain');
    expect(readFileSync(store.pathOf('lake/data/part-0.txt'), 'utf8')).toBe('plain');
  });

  it('rejects keys that are not safe paths', async () => {
    const store = new FsObjectStore(freshRoot());
    for (const key of ['', '/abs', 'a//b', 'a/../b', './a', 'a\\b', '.ql/x', 'nul\0byte']) {
      await expect(store.put(key, 'x'), key).rejects.toThrow(/invalid object key/);
    }
  });

  it('refuses, clearly, a key that would be both an object and a folder (which S3 allows)', async () => {
    const store = new FsObjectStore(freshRoot());
    await store.put('a/b', 'x');
    await expect(store.put('a', 'y')).rejects.toThrow(/both an object and a folder/);
    await store.put('c', 'x');
    await expect(store.put('c/d', 'y')).rejects.toThrow(/both an object and a folder/);
    expect(await store.head('a')).toBeUndefined();
    expect((await store.list()).objects.map((o) => o.key)).toEqual(['a/b', 'c']);
  });

  it('hides its bookkeeping from listings', async () => {
    const store = new FsObjectStore(freshRoot());
    await store.put('a', 'x', { metadata: { m: '1' } });
    expect((await store.list()).objects.map((o) => o.key)).toEqual(['a']);
  });

  it('notices a file changed behind its back: the ETag follows the content', async () => {
    const store = new FsObjectStore(freshRoot());
    const { etag } = await store.put('outside', 'before');
    writeFileSync(store.pathOf('outside'), 'after, and longer');
    const head = await store.head('outside');
    expect(head!.etag).not.toBe(etag);
    await expect(store.put('outside', 'stale', { ifMatch: etag })).rejects.toThrow(/precondition failed/);
  });

  it('uses the MD5 of the content as ETag, as S3 does for single-part objects', async () => {
    const store = new FsObjectStore(freshRoot());
    const { etag } = await store.put('md5', 'hello');
    expect(etag).toBe('5d41402abc4b2a76b9719d911017c592');
  });
});

/**
 * The ObjectStore contract: every adapter (local folder, S3 over HTTP) runs these same tests.
 */
import { createHash } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { NotFoundError, PreconditionFailedError } from '../../src/core/ports/errors.ts';
import { getText, listAll } from '../../src/core/ports/object-store.ts';
import type { ObjectStore } from '../../src/core/ports/object-store.ts';

export interface ObjectStoreFixture {
  store: ObjectStore;
  /** Set when the backend under test is known not to implement If-Match on CompleteMultipartUpload. */
  lacksMultipartIfMatch?: string;
}

const MiB = 1024 * 1024;

/** `count` chunks of 1 MiB, deterministic content, without holding them all in memory. */
async function* pattern(count: number): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < count; i++) {
    const chunk = new Uint8Array(MiB);
    for (let j = 0; j < chunk.length; j += 4096) chunk[j] = (i * 31 + j) & 0xff;
    yield chunk;
  }
}

async function sha256Of(chunks: AsyncIterable<Uint8Array>): Promise<{ hash: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.byteLength;
  }
  return { hash: hash.digest('hex'), size };
}

export function objectStoreContract(name: string, open: () => Promise<ObjectStoreFixture>): void {
  describe(`ObjectStore contract: ${name}`, () => {
    let store: ObjectStore;
    let fixture: ObjectStoreFixture;

    beforeAll(async () => {
      fixture = await open();
      store = fixture.store;
    });

    it('round-trips bytes and text with content type and metadata', async () => {
      const bytes = new Uint8Array([0, 1, 2, 250, 255]);
      await store.put('roundtrip/bytes.bin', bytes, { contentType: 'application/octet-stream' });
      await store.put('roundtrip/text.txt', '시세 quotelab', {
        contentType: 'text/plain; charset=utf-8',
        metadata: { source: 'contract-test' },
      });
      expect(await store.getBytes('roundtrip/bytes.bin')).toEqual(bytes);
      expect(await getText(store, 'roundtrip/text.txt')).toBe('시세 quotelab');
      const head = await store.head('roundtrip/text.txt');
      expect(head).toMatchObject({
        key: 'roundtrip/text.txt',
        size: Buffer.byteLength('시세 quotelab'),
        contentType: 'text/plain; charset=utf-8',
        metadata: { source: 'contract-test' },
      });
      expect(head!.etag).not.toBe('');
    });

    it('reports absent objects: head is undefined, reads throw NotFoundError, delete is a no-op', async () => {
      expect(await store.head('absent/nothing')).toBeUndefined();
      await expect(store.getBytes('absent/nothing')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.getStream('absent/nothing')).rejects.toBeInstanceOf(NotFoundError);
      await expect(store.delete('absent/nothing')).resolves.toBeUndefined();
    });

    it('reads byte ranges', async () => {
      await store.put('range/digits', '0123456789');
      expect(Buffer.from(await store.getBytes('range/digits', { start: 2, end: 5 })).toString()).toBe('2345');
      expect(Buffer.from(await store.getBytes('range/digits', { start: 7 })).toString()).toBe('789');
    });

    it('create-only-if-absent: the first create wins, a second one loses and changes nothing', async () => {
      const first = await store.put('conditional/create', 'first', { ifAbsent: true });
      await expect(store.put('conditional/create', 'second', { ifAbsent: true })).rejects.toBeInstanceOf(
        PreconditionFailedError,
      );
      expect(await getText(store, 'conditional/create')).toBe('first');
      expect((await store.head('conditional/create'))!.etag).toBe(first.etag);
    });

    it('create-only-if-absent: of 8 concurrent creates exactly one wins', async () => {
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, (_, i) => store.put('conditional/race', `writer ${i}`, { ifAbsent: true })),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      for (const r of lost)
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(PreconditionFailedError);
      const winner = results.indexOf(won[0]!);
      expect(await getText(store, 'conditional/race')).toBe(`writer ${winner}`);
    });

    it('replace-only-if-unchanged: the current ETag wins, a stale one loses', async () => {
      const v1 = await store.put('conditional/replace', 'v1');
      const v2 = await store.put('conditional/replace', 'v2', { ifMatch: v1.etag });
      expect(v2.etag).not.toBe(v1.etag);
      await expect(store.put('conditional/replace', 'v3', { ifMatch: v1.etag })).rejects.toBeInstanceOf(
        PreconditionFailedError,
      );
      expect(await getText(store, 'conditional/replace')).toBe('v2');
      expect((await store.head('conditional/replace'))!.etag).toBe(v2.etag);
    });

    it('replace-only-if-unchanged on an absent key loses', async () => {
      const other = await store.put('conditional/other', 'x');
      await expect(
        store.put('conditional/never-written', 'y', { ifMatch: other.etag }),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
      expect(await store.head('conditional/never-written')).toBeUndefined();
    });

    it('replace-only-if-unchanged: of 6 concurrent replaces from one base exactly one wins', async () => {
      const base = await store.put('conditional/cas', 'base');
      const results = await Promise.allSettled(
        Array.from({ length: 6 }, (_, i) =>
          store.put('conditional/cas', `next ${i}`, { ifMatch: base.etag }),
        ),
      );
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r) => r.status === 'rejected')) {
        expect((r as PromiseRejectedResult).reason).toBeInstanceOf(PreconditionFailedError);
      }
    });

    it('lists 2,500 keys in byte order across pages, honouring prefix and limit', async () => {
      const keys = Array.from({ length: 2500 }, (_, i) => `listing/k${String(i).padStart(5, '0')}`);
      for (let i = 0; i < keys.length; i += 100) {
        await Promise.all(keys.slice(i, i + 100).map((key) => store.put(key, key)));
      }
      await store.put('listing-sibling/not-mine', 'x'); // shares the text "listing" but not the prefix "listing/"

      const pages: number[] = [];
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await store.list({ prefix: 'listing/', cursor });
        pages.push(page.objects.length);
        seen.push(...page.objects.map((o) => o.key));
        cursor = page.cursor;
      } while (cursor);
      expect(pages.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...pages)).toBeLessThanOrEqual(1000);
      expect(seen).toEqual(keys); // every key once, in order

      const small = await store.list({ prefix: 'listing/k0', limit: 7 });
      expect(small.objects.map((o) => o.key)).toEqual(keys.slice(0, 7));
      expect(small.cursor).toBeDefined();
      const next = await store.list({ prefix: 'listing/k0', limit: 7, cursor: small.cursor });
      expect(next.objects.map((o) => o.key)).toEqual(keys.slice(7, 14));

      const listed: string[] = [];
      for await (const object of listAll(store, 'listing/k02')) listed.push(object.key);
      expect(listed).toEqual(keys.filter((k) => k.startsWith('listing/k02')));
    });

    it('orders keys by bytes, as S3 does', async () => {
      const keys = ['order/a-b', 'order/a/b', 'order/a0', 'order/B', 'order/b', 'order/é'];
      await Promise.all(keys.map((key) => store.put(key, 'x')));
      const listed = (await store.list({ prefix: 'order/' })).objects.map((o) => o.key);
      expect(listed).toEqual([...keys].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    });

    it('deletes objects', async () => {
      await store.put('deleting/one', 'x');
      await store.delete('deleting/one');
      expect(await store.head('deleting/one')).toBeUndefined();
      expect((await store.list({ prefix: 'deleting/' })).objects).toEqual([]);
    });

    it('round-trips a 64 MiB streamed object through a multipart upload', async () => {
      const expected = await sha256Of(pattern(64));
      const put = await store.put('multipart/64mib.bin', pattern(64), {
        contentType: 'application/octet-stream',
      });
      expect(put.etag).not.toBe('');
      const head = await store.head('multipart/64mib.bin');
      expect(head!.size).toBe(64 * MiB);
      expect(await sha256Of(await store.getStream('multipart/64mib.bin'))).toEqual(expected);
    });

    it('create-only-if-absent holds for streamed (multipart) writes too', async () => {
      await store.put('multipart/once.bin', pattern(6), { ifAbsent: true });
      await expect(store.put('multipart/once.bin', pattern(6), { ifAbsent: true })).rejects.toBeInstanceOf(
        PreconditionFailedError,
      );
    });

    it('replace-only-if-unchanged holds for streamed (multipart) writes too', async (context) => {
      if (fixture.lacksMultipartIfMatch) {
        context.skip(fixture.lacksMultipartIfMatch);
      }
      const first = await store.put('multipart/cas.bin', pattern(6));
      const second = await store.put('multipart/cas.bin', pattern(7), { ifMatch: first.etag });
      await expect(
        store.put('multipart/cas.bin', pattern(6), { ifMatch: first.etag }),
      ).rejects.toBeInstanceOf(PreconditionFailedError);
      expect((await store.head('multipart/cas.bin'))!.etag).toBe(second.etag);
    });
  });
}

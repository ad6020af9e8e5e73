/**
 * The ingest ledger's claims on the embedded platform: "busy" is never a success, a lease is kept alive
 * by its holder and taken over once it is dead, a holder that was taken over commits nothing more, and a
 * corrected upload of a key that is being ingested ends in the lake and in processed/ (the same bytes).
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openLocalPlatform } from '../../../src/adapters/local/local-platform.ts';
import { IcebergTable } from '../../../src/core/lake/iceberg/index.ts';
import type { ObjectStore } from '../../../src/core/ports/object-store.ts';
import type { Platform } from '../../../src/core/platform.ts';
import { IngestFailedError, ingestKeys } from '../../../src/usecases/ingest-keys.ts';
import { LeaseLostError, ledgerKey } from '../../../src/usecases/ingest-ledger.ts';
import { IngestBusyError, ingestObject } from '../../../src/usecases/ingest.ts';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const PUT_FILE = '202601_20251201_TICK_PUT.xml';
const KEY = `incoming/${PUT_FILE}`;
const ORIGINAL = readFileSync(join(ROOT, 'data/krx-options-20251201', PUT_FILE), 'utf8');
/** The corrected delivery: every tick of code C0161300 is gone. */
const CORRECTED = ORIGINAL.replace(
  / {2}<_x0032_02601_20251201_TICK_PUT>\n {4}<ymcode>202601<\/ymcode>\n {4}<code>C0161300<\/code>[\s\S]*?<\/_x0032_02601_20251201_TICK_PUT>\n/g,
  '',
);
const ALL_TICKS = 1798;
const sha = (text: string) => createHash('sha256').update(text).digest('hex');

const platforms: Platform[] = [];
function platform(): Platform {
  const opened = openLocalPlatform(mkdtempSync(join(tmpdir(), 'quotelab-claims-')));
  platforms.push(opened);
  return opened;
}
afterEach(async () => {
  await Promise.all(platforms.splice(0).map((p) => p.close()));
});

const deps = (p: Platform, extra: Partial<Parameters<typeof ingestObject>[0]> = {}) => ({
  data: p.data,
  lake: p.lake,
  namespace: p.namespace,
  ledger: p.ingestLedger,
  ...extra,
});
async function committedSnapshots(p: Platform): Promise<number> {
  let snapshots = 0;
  for (const identifier of await p.catalog.listTables(p.namespace))
    snapshots += (await IcebergTable.load(p.lake, identifier)).snapshots().length;
  return snapshots;
}
const scalar = async (p: Platform, sql: string) => Number((await p.query.query(sql)).rows[0]![0]);

/** A claim on KEY by a worker on another host that renews its lease (as far as anyone can tell). */
async function claimedElsewhere(p: Platform, leaseUntil: number) {
  await p.ingestLedger.put({
    ...ledgerKey(KEY),
    key: KEY,
    sha256: sha(ORIGINAL),
    status: 'running',
    owner: 'other-worker',
    generation: 1,
    startedAt: Date.now(),
    leaseUntil,
    holderHost: 'another-host',
    holderPid: 4242,
  });
}

describe('a key another live worker holds', () => {
  it('fails the ingest with "busy" instead of reporting success, and nothing is written', async () => {
    const p = platform();
    await p.data.put(KEY, ORIGINAL);
    await claimedElsewhere(p, Date.now() + 600_000);
    await expect(ingestObject(deps(p), KEY)).rejects.toThrow(IngestBusyError);
    expect(await p.catalog.listTables(p.namespace)).toEqual([]);
  });

  it('fails the Lambda invocation (so the event is retried, then dead-lettered), writing no error report', async () => {
    const p = platform();
    await p.data.put(KEY, ORIGINAL);
    await claimedElsewhere(p, Date.now() + 600_000);
    await expect(ingestKeys(p, [KEY])).rejects.toThrow(
      /1 of 1 objects failed: incoming\/202601_20251201_TICK_PUT\.xml: busy: being ingested by process 4242 on another-host/,
    );
    await expect(ingestKeys(p, [KEY])).rejects.toThrow(IngestFailedError);
    expect(await p.data.head(`${KEY}.error.json`)).toBeUndefined();
    expect(await p.data.head(KEY)).toBeDefined(); // not archived: it was not ingested
  });

  it('is waited for: when its lease lapses (the holder stopped renewing) the waiting worker takes over', async () => {
    const p = platform();
    await p.data.put(KEY, ORIGINAL);
    await claimedElsewhere(p, Date.now() + 300);
    const waited: string[] = [];
    const result = await ingestObject(
      deps(p, { busyWaitMs: 600_000, busyPollMs: 20, onWaiting: (h) => waited.push(h) }),
      KEY,
    );
    expect(waited).toEqual(['process 4242 on another-host']);
    expect(result.outcome).toBe('ingested');
    expect(await scalar(p, 'SELECT count(*) FROM silver_ticks')).toBe(ALL_TICKS);
    const state = await p.ingestLedger.get(ledgerKey(KEY));
    expect(state).toMatchObject({ status: 'done', generation: 2 });
  });

  it('on this host, is taken over at once when its process no longer exists (kill -9), lease or not', async () => {
    const p = platform();
    await p.data.put(KEY, ORIGINAL);
    await p.ingestLedger.put({
      ...ledgerKey(KEY),
      key: KEY,
      sha256: sha(ORIGINAL),
      status: 'running',
      owner: 'dead-worker',
      startedAt: Date.now(),
      leaseUntil: Date.now() + 600_000,
      holderHost: 'this-host',
      holderPid: 999_999,
    });
    const result = await ingestObject(
      deps(p, {
        holder: { host: 'this-host', pid: process.pid },
        holderAlive: (holder) => holder.pid !== 999_999,
      }),
      KEY,
    );
    expect(result.outcome).toBe('ingested');
    expect(await scalar(p, 'SELECT count(*) FROM bronze_ticks')).toBe(ALL_TICKS);
  });
});

/** The data store, with a hook run once after the first chunk of the n-th stream of `key`. */
function withStreamHook(
  store: ObjectStore,
  key: string,
  nth: number,
  hook: () => Promise<void>,
): ObjectStore {
  let streams = 0;
  return new Proxy(store, {
    get(target, name, receiver) {
      if (name !== 'getStream') return Reflect.get(target, name, receiver) as unknown;
      return async (k: string, range?: Parameters<ObjectStore['getStream']>[1]) => {
        const inner = await target.getStream(k, range);
        if (k !== key || ++streams !== nth) return inner;
        return (async function* () {
          let first = true;
          for await (const chunk of inner) {
            yield chunk;
            if (first) await hook();
            first = false;
          }
        })();
      };
    },
  });
}

describe('a claim renewed by its holder', () => {
  it('keeps a slow ingest from being taken over long after its lease, and the ingest completes', async () => {
    const p = platform();
    await p.data.put(KEY, ORIGINAL);
    let rival: unknown;
    const slow = withStreamHook(p.data, KEY, 2, async () => {
      // Ten leases pass while the file is read; a rival that does not wait must find it busy.
      await new Promise((resolve) => setTimeout(resolve, 500));
      rival = await ingestObject(deps(p, { leaseMs: 50 }), KEY).catch((e: unknown) => e);
    });
    const result = await ingestObject(deps(p, { data: slow, leaseMs: 50 }), KEY);
    expect(result.outcome).toBe('ingested');
    expect(rival).toBeInstanceOf(IngestBusyError);
    expect(await scalar(p, 'SELECT count(*) FROM bronze_ticks')).toBe(ALL_TICKS);
  });

  it('stops its holder before any commit once another worker took it over (fencing)', async () => {
    const p = platform();
    await p.data.put(KEY, ORIGINAL);
    const stolen = withStreamHook(p.data, KEY, 2, async () => {
      await p.ingestLedger.update(ledgerKey(KEY), { set: { owner: 'successor', generation: 99 } });
    });
    await expect(ingestObject(deps(p, { data: stolen }), KEY)).rejects.toThrow(LeaseLostError);
    expect(await committedSnapshots(p)).toBe(0);
    // The successor's claim is left as it is.
    expect(await p.ingestLedger.get(ledgerKey(KEY))).toMatchObject({ owner: 'successor', status: 'running' });
  });
});

describe('a corrected upload of the same key while its first version is being ingested', () => {
  it('ends in the lake, and processed/ holds exactly the bytes that were ingested last', async () => {
    const p = platform();
    await p.data.put(KEY, ORIGINAL);
    let second: Promise<unknown> | undefined;
    const racing = new Proxy(p, {
      get(target, name, receiver) {
        if (name !== 'data') return Reflect.get(target, name, receiver) as unknown;
        return withStreamHook(target.data, KEY, 2, async () => {
          // The corrected file lands while the original is read; its own event finds the key busy.
          await target.data.put(KEY, CORRECTED);
          second = ingestKeys(target, [KEY]).catch((e: unknown) => e);
          await second;
        });
      },
    });
    const [handled] = await ingestKeys(racing, [KEY]);
    expect(await second).toBeInstanceOf(IngestFailedError); // busy: Lambda retries it
    expect(handled).toMatchObject({ archivedTo: `processed/${PUT_FILE}` });
    expect(handled!.result).toMatchObject({ outcome: 'replaced', sha256: sha(CORRECTED) });

    const dropped = (ORIGINAL.match(/<code>C0161300<\/code>/g) ?? []).length;
    expect(dropped).toBeGreaterThan(0);
    expect(await scalar(p, "SELECT count(*) FROM silver_ticks WHERE code = 'C0161300'")).toBe(0);
    expect(await scalar(p, 'SELECT count(*) FROM silver_ticks')).toBe(ALL_TICKS - dropped);
    expect(await scalar(p, "SELECT count(*) FROM gold_bars_1m WHERE code = 'C0161300'")).toBe(0);
    const archived = new TextDecoder().decode(await p.data.getBytes(`processed/${PUT_FILE}`));
    expect(sha(archived)).toBe(sha(CORRECTED));
    expect((await p.data.head(`processed/${PUT_FILE}`))?.metadata.sha256).toBe(sha(CORRECTED));
    expect(await p.data.head(KEY)).toBeUndefined();
    expect(await p.ingestLedger.get(ledgerKey(KEY))).toMatchObject({
      status: 'done',
      sha256: sha(CORRECTED),
    });

    // The busy event's retry finds the key done and archived: not a failure.
    const [retry] = await ingestKeys(p, [KEY]);
    expect(retry).toMatchObject({ skipped: 'already ingested and archived' });
  });
});

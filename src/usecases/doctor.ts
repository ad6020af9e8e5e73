import { randomUUID } from 'node:crypto';
import { PreconditionFailedError } from '../core/ports/errors.ts';
import type { KeyValueStore } from '../core/ports/key-value.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import type { Platform } from '../core/platform.ts';

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

export interface DoctorReport {
  ok: boolean;
  node: string;
  target: Platform['target'];
  locations: Record<string, string>;
  checks: Check[];
}

export const MIN_NODE_MAJOR = 22;

/**
 * Checks that this machine can run quotelab and that the platform's stores work: each store is written,
 * read, raced (a conditional write that must lose) and cleaned up, so a passing doctor means the
 * primitives the lake relies on behave.
 */
export async function runDoctor(platform: Platform, nodeVersion = process.version): Promise<DoctorReport> {
  const checks: Check[] = [];
  checks.push(
    await timed('node', async () => {
      const major = Number(nodeVersion.slice(1).split('.')[0]);
      if (major < MIN_NODE_MAJOR)
        throw new Error(
          `${nodeVersion} is too old: quotelab needs Node ${MIN_NODE_MAJOR}+ (run through npm, or bin/quotelab)`,
        );
      return nodeVersion;
    }),
  );
  checks.push(await timed('object store', () => checkObjectStore(platform.data)));
  checks.push(await timed('state store', () => checkKeyValueStore(platform.state)));
  checks.push(await timed('ingest ledger', () => checkKeyValueStore(platform.ingestLedger)));
  checks.push(
    await timed('catalog', async () => {
      const tables = await platform.catalog.listTables(platform.namespace);
      return `${tables.length} table${tables.length === 1 ? '' : 's'} in ${platform.namespace}`;
    }),
  );
  return {
    ok: checks.every((check) => check.ok),
    node: nodeVersion,
    target: platform.target,
    locations: platform.describe(),
    checks,
  };
}

async function checkObjectStore(store: ObjectStore): Promise<string> {
  const key = `_doctor/${randomUUID()}`;
  try {
    const written = await store.put(key, 'doctor', { ifAbsent: true });
    const lost = await store.put(key, 'again', { ifAbsent: true }).then(
      () => false,
      (error: unknown) => error instanceof PreconditionFailedError,
    );
    if (!lost) throw new Error('a second "create only if absent" did not lose');
    const head = await store.head(key);
    if (head?.etag !== written.etag) throw new Error('head does not return the ETag of the write');
    const text = new TextDecoder().decode(await store.getBytes(key));
    if (text !== 'doctor') throw new Error(`read back ${JSON.stringify(text)}`);
    return 'write, conditional write, read, delete';
  } finally {
    await store.delete(key);
  }
}

async function checkKeyValueStore(store: KeyValueStore): Promise<string> {
  const key = { pk: '_doctor', sk: randomUUID() };
  try {
    await store.put({ ...key, version: 1 }, { kind: 'absent' });
    await store.update(key, { set: { version: 2 } }, { kind: 'attributeEquals', name: 'version', value: 1 });
    const stale = await store
      .update(key, { set: { version: 3 } }, { kind: 'attributeEquals', name: 'version', value: 1 })
      .then(
        () => false,
        (error: unknown) => error instanceof PreconditionFailedError,
      );
    if (!stale) throw new Error('a stale conditional update did not lose');
    const item = await store.get(key);
    if (item?.version !== 2) throw new Error(`read back version ${JSON.stringify(item?.version)}`);
    return 'put, conditional update, read, delete';
  } finally {
    await store.delete(key);
  }
}

async function timed(name: string, check: () => Promise<string>): Promise<Check> {
  const started = performance.now();
  try {
    const detail = await check();
    return { name, ok: true, detail, ms: performance.now() - started };
  } catch (error) {
    return {
      name,
      ok: false,
      detail: error instanceof Error ? error.message : String(error),
      ms: performance.now() - started,
    };
  }
}

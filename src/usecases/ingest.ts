/**
 * Ingests one source object (KRX tick or code XML, or a labels CSV) from the data bucket into the lake:
 * claims it in the ledger, runs the ETL's domain logic on it (`core/lake/etl/ingest-run.ts`: bronze,
 * quarantine, silver, gold; regime labels) under a renewed lease, logs and finishes the claim. The same
 * function runs in the ETL Lambda and behind `quotelab ingest`.
 *
 * Idempotent: the ledger skips a key whose content (SHA-256) was already ingested; a changed file under
 * the same key replaces exactly the rows that key contributed, one snapshot per table (Iceberg
 * copy-on-write at file level). Concurrent ingests of different files commit with optimistic retries.
 *
 * Crash-safe: nothing is committed until the whole file was read and its bytes matched the claimed
 * SHA-256; every commit replaces what this key contributed, so a run that died between its commits is
 * simply redone by the next one, which takes the dead run's claim over (see `ingest-ledger.ts`).
 */
import { createHash, randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { throwIfInterrupted } from '../core/concurrency/interrupt.ts';
import { IngestRun, NO_COUNTS, SourceChangedError } from '../core/lake/etl/ingest-run.ts';
import type { IngestCounts, IngestOutcome, LabelsReadSummary } from '../core/lake/etl/ingest-run.ts';
import type { Lake } from '../core/lake/iceberg/index.ts';
import { isLabelsSourceKey } from '../core/market/regime-labels.ts';
import { NotFoundError } from '../core/ports/errors.ts';
import type { KeyValueStore } from '../core/ports/key-value.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import { DATA_BUCKET_PREFIXES } from '../core/runtime-contract/index.ts';
import type { ReadSummary } from '../core/xml/krx-rows.ts';
import { KNOWN_REGIMES } from './regime-input.ts';
import { LeaseHeartbeat, claimSource, finishSource, holderOf } from './ingest-ledger.ts';
import type { ClaimOutcome, LeaseHolder } from './ingest-ledger.ts';

export { QUARANTINE_FLUSH, SourceChangedError } from '../core/lake/etl/ingest-run.ts';
export type { IngestCounts, IngestOutcome, LabelsReadSummary } from '../core/lake/etl/ingest-run.ts';

export interface IngestDeps {
  /** The data bucket, where source objects are. */
  data: ObjectStore;
  lake: Lake;
  /** Glue database / local namespace of the tables. */
  namespace: string;
  ledger: KeyValueStore;
  now?: () => number;
  /**
   * How long a claim lives without renewal (default 60 s). The holder renews it every third of that, so
   * a worker that died is taken over within one lease.
   */
  leaseMs?: number;
  /**
   * How long to wait for another worker that holds the key (default 0: fail at once with
   * `IngestBusyError`). The CLI waits; the Lambda waits about one lease, then fails to be retried.
   */
  busyWaitMs?: number;
  /** How often to look at the ledger while waiting (default 1 s). */
  busyPollMs?: number;
  /** Called once when this ingest starts waiting for another worker. */
  onWaiting?: (holder: string) => void;
  /** Stops the ingest before its commits (Ctrl-C): nothing of the file is committed. */
  signal?: AbortSignal;
  /** Where this worker runs (default this host and process), recorded in its claim. */
  holder?: LeaseHolder;
  /** Whether a claim's recorded holder still runs (default: same host → does that process exist). */
  holderAlive?: (holder: LeaseHolder) => boolean;
}

export interface IngestResult {
  key: string;
  sha256: string;
  outcome: IngestOutcome;
  summary?: ReadSummary | LabelsReadSummary;
  counts: IngestCounts;
  /** Table name → id of the snapshot this ingest committed (tables it did not change are absent). */
  snapshots: Record<string, string>;
  seconds: number;
}

/** Another live worker holds the key and did not finish within the wait: nothing was ingested. */
export class IngestBusyError extends Error {
  override readonly name = 'IngestBusyError';
}

const DEFAULT_LEASE_MS = 60_000;

/** This process, as a claim records it. */
export const THIS_WORKER: LeaseHolder = { host: hostname(), pid: process.pid };

/** A holder on this host is alive while its process exists; on another host we cannot tell (true). */
export function processAlive(holder: LeaseHolder): boolean {
  if (holder.host !== THIS_WORKER.host) return true;
  if (holder.pid === process.pid) return true;
  try {
    process.kill(holder.pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

export async function ingestObject(deps: IngestDeps, key: string): Promise<IngestResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  if (!(await deps.data.head(key))) throw new NotFoundError(key);
  throwIfInterrupted(deps.signal, `ingest of ${key}`, 'nothing of it was written');
  const sha256 = await sha256Of(await deps.data.getStream(key), deps.signal, key);
  const owner = randomUUID();
  const claim = await claimWhenFree(deps, { key, sha256, owner, leaseMs });
  if (!claim.claimed) {
    return {
      key,
      sha256,
      outcome: 'unchanged',
      counts: NO_COUNTS,
      snapshots: {},
      seconds: (now() - started) / 1000,
    };
  }
  const outcome: IngestOutcome = claim.previous?.status === 'done' ? 'replaced' : 'ingested';
  const heartbeat = new LeaseHeartbeat(deps.ledger, key, owner, leaseMs, now);
  try {
    const run = new IngestRun(
      {
        lake: deps.lake,
        namespace: deps.namespace,
        regimes: KNOWN_REGIMES,
        fence: () => heartbeat.assertHeld(),
        signal: deps.signal,
      },
      { key, sha256, ingestMs: started },
    );
    const bytes = await deps.data.getStream(key);
    const summary = isLabelsSourceKey(key) ? await run.ingestLabels(bytes) : await run.ingest(bytes);
    const finished = now();
    await heartbeat.assertHeld();
    await run.log(summary, outcome, started, finished);
    await finishSource(deps.ledger, key, owner, {
      status: 'done',
      nowMs: finished,
      details: {
        outcome,
        accepted: summary.accepted,
        quarantined: summary.quarantined,
        snapshots: JSON.stringify(run.snapshots),
      },
    });
    return {
      key,
      sha256,
      outcome,
      summary,
      counts: run.counts,
      snapshots: run.snapshots,
      seconds: (finished - started) / 1000,
    };
  } catch (error) {
    await finishSource(deps.ledger, key, owner, {
      status: 'failed',
      nowMs: now(),
      details: { error: error instanceof Error ? error.message : String(error) },
    }).catch(() => {}); // taken over (LeaseLostError): the successor owns the item now
    throw error;
  } finally {
    heartbeat.stop();
  }
}

/**
 * Claims the key, waiting up to `busyWaitMs` while a live worker holds it: its claim ends (done, failed)
 * or is abandoned (its holder died), then this worker claims or finds the content unchanged.
 */
async function claimWhenFree(
  deps: IngestDeps,
  request: { key: string; sha256: string; owner: string; leaseMs: number },
): Promise<ClaimOutcome> {
  const now = deps.now ?? Date.now;
  const deadline = now() + (deps.busyWaitMs ?? 0);
  let waiting = false;
  for (;;) {
    const claim = await claimSource(deps.ledger, {
      ...request,
      nowMs: now(),
      holder: deps.holder ?? THIS_WORKER,
      holderAlive: deps.holderAlive ?? processAlive,
    });
    if (claim.claimed || claim.reason === 'unchanged') return claim;
    const holder = holderOf(claim.state);
    const who = holder ? `process ${holder.pid} on ${holder.host}` : 'another worker';
    if (now() >= deadline) {
      throw new IngestBusyError(
        `busy: being ingested by ${who} (lease until ${new Date(claim.state.leaseUntil as number).toISOString()}); nothing was ingested, retry later`,
      );
    }
    if (!waiting) deps.onWaiting?.(who);
    waiting = true;
    throwIfInterrupted(deps.signal, `ingest of ${request.key}`, 'nothing of it was written');
    await sleep(Math.max(1, Math.min(deps.busyPollMs ?? 1000, deadline - now())));
  }
}

/**
 * Moves an ingested source from `incoming/` to `processed/`, but only the content that was ingested: the
 * bytes are checked against `sha256` while they are copied, so a newer upload under the same key is
 * neither archived in place of the ingested one nor deleted (it stays in `incoming/` for its own
 * ingest). Returns the new key, or undefined when `incoming/` now holds other content.
 */
export async function archiveSource(
  data: ObjectStore,
  key: string,
  sha256: string,
): Promise<string | undefined> {
  const target =
    DATA_BUCKET_PREFIXES.processed + key.replace(new RegExp(`^${DATA_BUCKET_PREFIXES.incoming}`), '');
  const before = await data.head(key);
  if (!before) {
    // Already moved (a redelivered event), or deleted: fine only if the archive holds this content.
    if ((await data.head(target))?.metadata.sha256 === sha256) return target;
    throw new NotFoundError(key);
  }
  try {
    await data.put(target, verifiedStream(await data.getStream(key), sha256), {
      contentType: before.contentType,
      metadata: { sha256 },
    });
  } catch (error) {
    if (error instanceof SourceChangedError) return undefined;
    throw error;
  }
  // Delete only the object we copied: a new upload since then has another ETag and stays.
  if ((await data.head(key))?.etag === before.etag) await data.delete(key);
  return target;
}

/** Passes the bytes through, and fails at their end, before the consumer sees it, if their hash is not `sha256`. */
async function* verifiedStream(
  chunks: AsyncIterable<Uint8Array>,
  sha256: string,
): AsyncGenerator<Uint8Array> {
  const hash = createHash('sha256');
  for await (const chunk of chunks) {
    hash.update(chunk);
    yield chunk;
  }
  const actual = hash.digest('hex');
  if (actual !== sha256) throw new SourceChangedError(`content is ${actual}, not the ingested ${sha256}`);
}

/** Writes a readable error report next to a source that failed (`<key>.error.json`). */
export async function reportFailure(
  data: ObjectStore,
  key: string,
  error: unknown,
  nowMs: number,
): Promise<string> {
  const report = `${key}.error.json`;
  const body = {
    source: key,
    failedAt: new Date(nowMs).toISOString(),
    error: error instanceof Error ? { name: error.name, message: error.message } : { message: String(error) },
    retry:
      'fix the cause, then upload the file again (or run quotelab ingest on it): ingestion is idempotent',
  };
  await data.put(report, JSON.stringify(body, null, 2), { contentType: 'application/json' });
  return report;
}

/** Hashes a stream; Ctrl-C stops it between chunks (a big file takes seconds to hash). */
async function sha256Of(
  chunks: AsyncIterable<Uint8Array>,
  signal: AbortSignal | undefined,
  key: string,
): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of chunks) {
    throwIfInterrupted(signal, `ingest of ${key}`, 'nothing of it was written');
    hash.update(chunk);
  }
  return hash.digest('hex');
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

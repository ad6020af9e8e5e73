/**
 * What the ETL does with the object keys of one trigger (the Lambda's S3 event, or `quotelab ingest`):
 * ingest every XML object and labels CSV (`labels_YYYYMMDD.csv`) under `incoming/`, move each done
 * source to `processed/` (exactly the bytes that were ingested), and for a failure write
 * `<key>.error.json` beside the source and fail the invocation (so Lambda retries it and finally parks
 * the event in the dead-letter queue). A key another live worker holds is a failure too ("busy"), never
 * a success: the retry finds it done, or takes it over from a worker that died.
 */
import { InterruptedError } from '../core/concurrency/interrupt.ts';
import { DATA_BUCKET_PREFIXES, INGEST_SOURCE_SUFFIXES } from '../core/runtime-contract/index.ts';
import { isLabelsSourceKey } from '../core/market/regime-labels.ts';
import { NotFoundError } from '../core/ports/errors.ts';
import type { Platform } from '../core/platform.ts';
import { IngestBusyError, SourceChangedError, archiveSource, ingestObject, reportFailure } from './ingest.ts';
import type { IngestResult } from './ingest.ts';
import { ledgerKey } from './ingest-ledger.ts';

export interface HandledObject {
  key: string;
  result?: IngestResult;
  archivedTo?: string;
  skipped?: string;
  error?: string;
  errorReport?: string;
}

export class IngestFailedError extends Error {
  override readonly name = 'IngestFailedError';
}

export interface HandleOptions {
  /** Move sources to processed/ once ingested (default true). */
  archive?: boolean;
  onResult?: (handled: HandledObject) => void;
  /**
   * How long to wait for another live worker that holds a key (see `IngestDeps.busyWaitMs`). Past it the
   * object fails with "busy", so the invocation fails and is retried (and finally dead-lettered).
   */
  busyWaitMs?: number;
  onWaiting?: (key: string, holder: string) => void;
  /** Ctrl-C: stops before the next commit; `InterruptedError` propagates. */
  signal?: AbortSignal;
}

/** Times one key is ingested again in one invocation because a newer upload replaced it meanwhile. */
const MAX_SUPERSEDED = 3;

/**
 * Ingests each key in turn; throws `IngestFailedError` naming the failures when any failed (after the
 * others were done), so an invocation with one bad object fails and is retried.
 */
export async function ingestKeys(
  platform: Platform,
  keys: readonly string[],
  options: HandleOptions = {},
): Promise<HandledObject[]> {
  const handled: HandledObject[] = [];
  for (const key of keys) {
    const outcome = await ingestKey(platform, key, options);
    options.onResult?.(outcome);
    handled.push(outcome);
  }
  const failed = handled.filter((h) => h.error);
  if (failed.length > 0) {
    throw new IngestFailedError(
      `${failed.length} of ${handled.length} objects failed: ${failed.map((f) => `${f.key}: ${f.error}`).join('; ')}`,
    );
  }
  return handled;
}

/**
 * Ingests one key and archives it; a failure is in the result (`error`, with the error report beside the
 * source), never thrown, except an interrupt.
 */
export async function ingestKey(
  platform: Platform,
  key: string,
  options: HandleOptions = {},
): Promise<HandledObject> {
  if (
    !key.startsWith(DATA_BUCKET_PREFIXES.incoming) ||
    !(key.toLowerCase().endsWith(INGEST_SOURCE_SUFFIXES[0]) || isLabelsSourceKey(key))
  ) {
    return {
      key,
      skipped: `not an XML object or a labels_YYYYMMDD.csv under ${DATA_BUCKET_PREFIXES.incoming}`,
    };
  }
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await ingestObject(
          {
            data: platform.data,
            lake: platform.lake,
            namespace: platform.namespace,
            ledger: platform.ingestLedger,
            busyWaitMs: options.busyWaitMs,
            onWaiting: (holder) => options.onWaiting?.(key, holder),
            signal: options.signal,
          },
          key,
        );
        if (options.archive === false) return { key, result };
        const archivedTo = await archiveSource(platform.data, key, result.sha256);
        if (archivedTo) return { key, result, archivedTo };
        // A newer upload replaced the object after it was hashed: ingest that one too (the queue).
      } catch (error) {
        if (!(error instanceof SourceChangedError)) throw error;
      }
      if (attempt >= MAX_SUPERSEDED)
        throw new SourceChangedError(`${key} kept changing while it was ingested (${attempt} times)`);
    }
  } catch (error) {
    if (error instanceof InterruptedError) throw error;
    // A redelivered event for a source already ingested and moved away is not a failure.
    if (
      error instanceof NotFoundError &&
      (await platform.ingestLedger.get(ledgerKey(key)))?.status === 'done'
    ) {
      return { key, skipped: 'already ingested and archived' };
    }
    const message = error instanceof Error ? error.message : String(error);
    // Busy is not the file's fault: no error report beside it, but the invocation fails to be retried.
    if (error instanceof IngestBusyError) return { key, error: message };
    const errorReport = await reportFailure(platform.data, key, error, Date.now()).catch(() => undefined);
    return { key, error: message, errorReport };
  }
}

/**
 * What the ETL does with one S3 event: ingest every XML object it names under `incoming/`, move each done
 * source to `processed/`, and for a failure write `<key>.error.json` beside the source and fail the
 * invocation (so Lambda retries it and finally parks the event in the dead-letter queue).
 */
import { DATA_BUCKET_PREFIXES } from '../core/lake-layout.ts';
import { NotFoundError } from '../core/ports/errors.ts';
import type { Platform } from '../core/ports/platform.ts';
import { archiveSource, ingestObject, reportFailure } from './ingest.ts';
import type { IngestResult } from './ingest.ts';
import { ledgerKey } from './ingest-ledger.ts';
import { objectKeyOf, s3EventSchema } from './s3-events.ts';

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
}

export async function handleIngestEvent(
  platform: Platform,
  event: unknown,
  options: HandleOptions = {},
): Promise<HandledObject[]> {
  const parsed = s3EventSchema.safeParse(event);
  if (!parsed.success) {
    throw new IngestFailedError(
      `not an S3 ObjectCreated event: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    );
  }
  const handled: HandledObject[] = [];
  for (const record of parsed.data.Records) {
    const key = objectKeyOf(record);
    const outcome = await handleObject(platform, key, options.archive ?? true);
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

async function handleObject(platform: Platform, key: string, archive: boolean): Promise<HandledObject> {
  if (!key.startsWith(DATA_BUCKET_PREFIXES.incoming) || !key.toLowerCase().endsWith('.xml')) {
    return { key, skipped: `not an XML object under ${DATA_BUCKET_PREFIXES.incoming}` };
  }
  try {
    const result = await ingestObject(
      {
        data: platform.data,
        lake: platform.lake,
        namespace: platform.namespace,
        ledger: platform.ingestLedger,
      },
      key,
    );
    if (result.outcome === 'busy') return { key, result, skipped: 'another worker is ingesting this object' };
    const archivedTo = archive ? await archiveSource(platform.data, key) : undefined;
    return { key, result, archivedTo };
  } catch (error) {
    // A redelivered event for a source already ingested and moved away is not a failure.
    if (
      error instanceof NotFoundError &&
      (await platform.ingestLedger.get(ledgerKey(key)))?.status === 'done'
    ) {
      return { key, skipped: 'already ingested and archived' };
    }
    const message = error instanceof Error ? error.message : String(error);
    const errorReport = await reportFailure(platform.data, key, error, Date.now()).catch(() => undefined);
    return { key, error: message, errorReport };
  }
}

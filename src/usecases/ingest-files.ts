/**
 * `quotelab ingest FILE...`: puts local files into the data bucket's `incoming/` prefix and ingests them.
 * Locally the same event handler as the Lambda runs in-process, fed an S3-event shim; on AWS the upload
 * fires the deployed ETL, and this waits for the ingest ledger to say each file is done.
 */
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { DATA_BUCKET_PREFIXES } from '../core/lake-layout.ts';
import type { Platform } from '../core/ports/platform.ts';
import { handleIngestEvent } from './handle-ingest-event.ts';
import type { HandledObject } from './handle-ingest-event.ts';
import { ledgerKey } from './ingest-ledger.ts';
import { s3EventFor } from './s3-events.ts';

export interface FileIngest {
  file: string;
  key: string;
  bytes: number;
  handled?: HandledObject;
  /** On AWS: the ledger's final state for the key. */
  ledger?: Record<string, unknown>;
  error?: string;
}

export interface IngestFilesOptions {
  onStart?: (file: string, index: number, total: number) => void;
  onDone?: (result: FileIngest, index: number, total: number) => void;
  /** AWS only: how long to wait for the deployed ETL per file. */
  waitMs?: number;
}

export async function ingestFiles(
  platform: Platform,
  files: string[],
  options: IngestFilesOptions = {},
): Promise<FileIngest[]> {
  const results: FileIngest[] = [];
  for (const [index, file] of files.entries()) {
    options.onStart?.(file, index, files.length);
    const key = `${DATA_BUCKET_PREFIXES.incoming}${basename(file)}`;
    const result: FileIngest = { file, key, bytes: statSync(file).size };
    try {
      await platform.data.put(key, createReadStream(file), { contentType: 'application/xml' });
      if (platform.target === 'local') {
        const [handled] = await handleIngestEvent(platform, s3EventFor('local', [key])).catch(
          (error: Error) => {
            throw error;
          },
        );
        result.handled = handled;
      } else {
        result.ledger = await waitForLedger(platform, key, options.waitMs ?? 15 * 60_000);
        if (result.ledger.status !== 'done')
          result.error = String(result.ledger.error ?? `ingest ${String(result.ledger.status)}`);
      }
    } catch (error) {
      result.error = error instanceof Error ? error.message : String(error);
    }
    results.push(result);
    options.onDone?.(result, index, files.length);
  }
  return results;
}

async function waitForLedger(
  platform: Platform,
  key: string,
  waitMs: number,
): Promise<Record<string, unknown>> {
  const deadline = Date.now() + waitMs;
  const since = Date.now() - 5_000;
  for (;;) {
    const state = await platform.ingestLedger.get(ledgerKey(key));
    const fresh = state && ((state.finishedAt as number) ?? 0) >= since;
    if (state && fresh && (state.status === 'done' || state.status === 'failed')) return state;
    if (Date.now() > deadline)
      throw new Error(`the ETL did not finish ${key} within ${waitMs / 1000} s (check its logs and DLQ)`);
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

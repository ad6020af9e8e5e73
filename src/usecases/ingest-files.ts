/**
 * `quotelab ingest FILE...`: puts local files (KRX XML, labels CSV) into the data bucket's `incoming/`
 * prefix and ingests them.
 * What happens after an upload is the caller's to say (`afterUpload`): locally the ETL's own use case
 * runs in-process on the key (the default); with a deployed ETL the upload fires it, and
 * `awaitDeployedEtl` waits for the ingest ledger to say each file is done.
 */
import { closeSync, constants, createReadStream, fstatSync, openSync, readSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { basename } from 'node:path';
import { InterruptedError, throwIfInterrupted } from '../core/concurrency/interrupt.ts';
import {
  MAX_LABELS_FILE_BYTES,
  isLabelsSourceKey,
  labelsHeaderProblem,
} from '../core/market/regime-labels.ts';
import { DATA_BUCKET_PREFIXES } from '../core/runtime-contract/index.ts';
import type { Platform } from '../core/platform.ts';
import { ingestKey } from './ingest-keys.ts';
import type { HandledObject } from './ingest-keys.ts';
import { ledgerKey } from './ingest-ledger.ts';

export interface FileIngest {
  file: string;
  key: string;
  bytes: number;
  handled?: HandledObject;
  /** On AWS: the ledger's final state for the key. */
  ledger?: Record<string, unknown>;
  error?: string;
}

/** What becomes of an uploaded key: its ingest in this process, or the deployed ETL's ledger entry. */
export type AfterUpload = (
  key: string,
  file: string,
  options: IngestFilesOptions,
) => Promise<Pick<FileIngest, 'handled' | 'ledger' | 'error'>>;

export interface IngestFilesOptions {
  onStart?: (file: string, index: number, total: number) => void;
  onDone?: (result: FileIngest, index: number, total: number) => void;
  /** Default `ingestInProcess`; `awaitDeployedEtl(…)` when S3 triggers a deployed ETL. */
  afterUpload?: AfterUpload;
  /**
   * Locally: how long to wait for another live process ingesting the same file (default 30 min); a
   * process that died is taken over at once.
   */
  busyWaitMs?: number;
  onWaiting?: (file: string, holder: string) => void;
  /** Ctrl-C: stops before the next commit, keeps the files already done, throws `InterruptedError`. */
  signal?: AbortSignal;
}

/**
 * Why a local file cannot be an ETL source (a phrase that follows "<file> is"), or undefined when it may
 * be one: it must be a regular file (a symlink is followed only to a regular file: never a device, FIFO
 * or socket, which are not opened at all), not empty, and either named `*.xml` and start like XML (`<`
 * after an optional BOM and whitespace, in UTF-8 or UTF-16), or named `labels_YYYYMMDD.csv` and start
 * with a labels header (`date`, `minute`, `regime` columns).
 */
export function sourceFileProblem(file: string): string | undefined {
  let stats: Stats;
  try {
    stats = statSync(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'missing (no such file)' : `unreadable (${code})`;
  }
  if (!stats.isFile()) return `not a regular file (${fileType(stats)})`;
  const labels = isLabelsSourceKey(file);
  if (!labels && !file.toLowerCase().endsWith('.xml'))
    return 'not an .xml file or a labels_YYYYMMDD.csv (the ETL ingests KRX tick and code XML, and minute regime labels)';
  if (stats.size === 0) return 'empty';
  if (labels && stats.size > MAX_LABELS_FILE_BYTES)
    return `over ${MAX_LABELS_FILE_BYTES / 1024 / 1024} MiB, far more than a day of minute labels`;
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    return `unreadable (${(error as NodeJS.ErrnoException).code})`;
  }
  try {
    if (!fstatSync(fd).isFile()) return `not a regular file (${fileType(fstatSync(fd))})`;
    const head = Buffer.alloc(512);
    const length = readSync(fd, head, 0, head.length, 0);
    if (labels)
      return labelsHeaderProblem(new TextDecoder().decode(head.subarray(0, length)).split(/\r?\n/)[0]!);
    if (!looksLikeXml(head.subarray(0, length)))
      return 'not XML (it does not start with "<" after an optional byte-order mark and whitespace)';
  } finally {
    closeSync(fd);
  }
  return undefined;
}

function fileType(stats: Stats): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isFIFO()) return 'a FIFO';
  if (stats.isSocket()) return 'a socket';
  return 'a special file';
}

function looksLikeXml(head: Uint8Array): boolean {
  let text: string;
  if (head[0] === 0xff && head[1] === 0xfe) text = new TextDecoder('utf-16le').decode(head.subarray(2));
  else if (head[0] === 0xfe && head[1] === 0xff) text = new TextDecoder('utf-16be').decode(head.subarray(2));
  else if (head[0] === 0x3c && head[1] === 0x00) text = new TextDecoder('utf-16le').decode(head);
  else if (head[0] === 0x00 && head[1] === 0x3c) text = new TextDecoder('utf-16be').decode(head);
  else text = new TextDecoder('utf-8').decode(head[0] === 0xef && head[1] === 0xbb ? head.subarray(3) : head);
  return /^[\t\n\r ]*</.test(text);
}

export async function ingestFiles(
  platform: Platform,
  files: string[],
  options: IngestFilesOptions = {},
): Promise<FileIngest[]> {
  const results: FileIngest[] = [];
  const kept = () =>
    results.length === 0
      ? 'no file was ingested'
      : `${results.filter((r) => !r.error).length} of ${files.length} files ingested and kept, ${results.filter((r) => r.error).length} failed`;
  for (const [index, file] of files.entries()) {
    throwIfInterrupted(options.signal, 'ingest', kept());
    options.onStart?.(file, index, files.length);
    const key = `${DATA_BUCKET_PREFIXES.incoming}${basename(file)}`;
    const result: FileIngest = { file, key, bytes: 0 };
    try {
      const problem = sourceFileProblem(file);
      if (problem) throw new Error(`${basename(file)} is ${problem}`);
      // Opened without blocking and checked again on the descriptor: the path may have changed since.
      const fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK);
      const stats = fstatSync(fd);
      if (!stats.isFile()) {
        closeSync(fd);
        throw new Error(`${basename(file)} is not a regular file`);
      }
      result.bytes = stats.size;
      await platform.data.put(key, createReadStream('', { fd }), {
        contentType: isLabelsSourceKey(key) ? 'text/csv' : 'application/xml',
      });
      Object.assign(result, await (options.afterUpload ?? ingestInProcess(platform))(key, file, options));
    } catch (error) {
      if (error instanceof InterruptedError)
        throw new InterruptedError(
          'ingest',
          `${kept()}; ${basename(file)} was not ingested (nothing of it was committed)`,
        );
      result.error = error instanceof Error ? error.message : String(error);
    }
    results.push(result);
    options.onDone?.(result, index, files.length);
  }
  return results;
}

/** The ETL's use case on the uploaded key, in this process (what the Lambda runs on its S3 event). */
export function ingestInProcess(platform: Platform): AfterUpload {
  return async (key, file, options) => {
    const handled = await ingestKey(platform, key, {
      busyWaitMs: options.busyWaitMs ?? 30 * 60_000,
      onWaiting: (_key, holder) => options.onWaiting?.(file, holder),
      signal: options.signal,
    });
    // Skipped means nothing was ingested: not a success.
    return { handled, error: handled.error ?? handled.skipped };
  };
}

/** The upload fired the deployed ETL: wait (up to `waitMs`, default 15 min) for its ledger entry. */
export function awaitDeployedEtl(platform: Platform, waitMs = 15 * 60_000): AfterUpload {
  return async (key) => {
    const ledger = await waitForLedger(platform, key, waitMs);
    return {
      ledger,
      error: ledger.status === 'done' ? undefined : String(ledger.error ?? `ingest ${String(ledger.status)}`),
    };
  };
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

/**
 * Ingests one source object (KRX tick or code XML) from the data bucket into the lake: bronze rows and
 * quarantine records exactly as read, silver ticks (normalised, duplicates across files removed), and the
 * gold bars, features and labels of every (trade date, side) unit the file touched, recomputed for the
 * codes it touched. The same function runs in the ETL Lambda and behind `quotelab ingest`.
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
import { appendAll } from '../core/arrays.ts';
import type { BarTick } from '../core/features/bars.ts';
import { DATA_BUCKET_PREFIXES } from '../core/runtime-contract/index.ts';
import { KeyedTickBatches, bronzeTickAppender, silverTickAppender } from '../core/lake/etl/columns.ts';
import { goldRowsFromOrderedTicks, goldRowsFromTicks, goldUnitKey } from '../core/lake/etl/gold.ts';
import {
  bronzeCodeRow,
  dimContractLakeRow,
  fileDate,
  labelQuarantineRow,
  quarantineRow,
  regimeLabelRow,
  tickFromSilver,
  tickIdentity,
} from '../core/lake/etl/rows.ts';
import type { SourceInfo } from '../core/lake/etl/rows.ts';
import {
  IcebergTable,
  daysFromIsoDate,
  isoDateFromDays,
  readPlan,
  sourceHashOf,
  sourceHashOfPath,
  growTypedArray,
  writeDataFiles,
  writeTypedDataFiles,
} from '../core/lake/iceberg/index.ts';
import type { DataFile, Lake, Row, Snapshot } from '../core/lake/iceberg/index.ts';
import {
  BRONZE_CODES,
  BRONZE_TICKS,
  DIM_CONTRACT,
  GOLD_BARS_1M,
  GOLD_FEATURES_1M,
  GOLD_LABELS_1M,
  INGEST_LOG,
  QUARANTINE,
  REGIME_LABELS_1M,
  SILVER_TICKS,
} from '../core/lake/tables.ts';
import type { LakeTable } from '../core/lake/tables.ts';
import { KST_OFFSET_MS, kstDateOf } from '../core/market/kst.ts';
import {
  MAX_LABELS_FILE_BYTES,
  NotRegimeLabelsError,
  isLabelsSourceKey,
  parseRegimeLabels,
} from '../core/market/regime-labels.ts';
import { NotFoundError } from '../core/ports/errors.ts';
import type { KeyValueStore } from '../core/ports/key-value.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import { readKrxXml } from '../core/xml/krx-xml-reader.ts';
import type { CodeRow, ReadSummary, TickRow } from '../core/xml/krx-rows.ts';
import { KNOWN_REGIMES } from './regime-input.ts';
import { LeaseHeartbeat, claimSource, finishSource, holderOf } from './ingest-ledger.ts';
import type { ClaimOutcome, LeaseHolder } from './ingest-ledger.ts';

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

export type IngestOutcome = 'ingested' | 'replaced' | 'unchanged';

export interface IngestCounts {
  bronze: number;
  quarantined: number;
  silver: number;
  duplicatesDropped: number;
  goldBars: number;
  goldFeatures: number;
  goldLabels: number;
  contracts: number;
  /** Regime labels written to `regime_labels_1m` (labels CSV sources). */
  regimeLabels: number;
}

/** What a labels CSV held: labels accepted into `regime_labels_1m`, lines quarantined. */
export interface LabelsReadSummary {
  srcFile: string;
  kind: 'labels';
  rowsRead: number;
  accepted: number;
  quarantined: number;
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

/**
 * The object's bytes changed between hashing and ingesting (a new upload under the same key): nothing
 * was committed; ingest it again to take the new content.
 */
export class SourceChangedError extends Error {
  override readonly name = 'SourceChangedError';
}

const NO_COUNTS: IngestCounts = {
  bronze: 0,
  quarantined: 0,
  silver: 0,
  duplicatesDropped: 0,
  goldBars: 0,
  goldFeatures: 0,
  goldLabels: 0,
  contracts: 0,
  regimeLabels: 0,
};

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
    const run = new IngestRun(deps, { key, sha256, ingestMs: started }, heartbeat);
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

/** Rows buffered per table before they are written as a data file (bounds memory on big files). */
const FLUSH_ROWS = 250_000;
/**
 * Quarantine rows carry their raw text (up to 64 KiB each), so they are written out by count and by
 * size, whichever comes first: memory follows the batch, not the file.
 */
export const QUARANTINE_FLUSH = { rows: 20_000, chars: 16 * 1024 * 1024 };
const DAY_MS = 86_400_000;

type CompactTick = BarTick;

/**
 * This file's ticks for the gold recomputation, held in typed arrays until then: a million small objects
 * kept alive through the whole read would be promoted and traced by every major collection.
 */
class UnitTicks {
  private readonly codes: string[] = [];
  private readonly ymcodes: string[] = [];
  private readonly side: string;
  private code = new Int32Array(1024);
  private ts = new Float64Array(1024);
  private c = new Float64Array(1024);
  private ccnt = new Float64Array(1024);
  private oi = new Float64Array(1024);
  length = 0;

  constructor(side: string) {
    this.side = side;
  }

  /** `code` and `ymcode` are shared strings (interned by the caller). */
  push(code: string, ymcode: string, tick: TickRow): void {
    let index = this.codes.length - 1;
    if (this.codes[index] !== code || this.ymcodes[index] !== ymcode) {
      index = this.codes.length;
      this.codes.push(code);
      this.ymcodes.push(ymcode);
    }
    if (this.length === this.ts.length) this.grow();
    const i = this.length++;
    this.code[i] = index;
    this.ts[i] = tick.ts;
    this.c[i] = tick.c;
    this.ccnt[i] = tick.ccnt;
    this.oi[i] = tick.oi;
  }

  /**
   * The ticks in time order, ties in file order (what the bar builder's stable sort gives), one object at
   * a time. The order is a numeric sort of (time offset · 2^b + row) keys, exact below 2^53; past that
   * (a span of years), an index sort.
   */
  *ordered(): Generator<CompactTick> {
    const n = this.length;
    let first = Infinity;
    let last = -Infinity;
    for (let i = 0; i < n; i++) {
      if (this.ts[i]! < first) first = this.ts[i]!;
      if (this.ts[i]! > last) last = this.ts[i]!;
    }
    const rowFactor = 2 ** Math.max(1, Math.ceil(Math.log2(n + 1)));
    let rows: ArrayLike<number>;
    if (n > 0 && (last - first + 1) * rowFactor < 2 ** 53) {
      const keys = new Float64Array(n);
      for (let i = 0; i < n; i++) keys[i] = (this.ts[i]! - first) * rowFactor + i;
      keys.sort();
      for (let i = 0; i < n; i++) keys[i] = keys[i]! % rowFactor;
      rows = keys;
    } else {
      rows = Int32Array.from({ length: n }, (_, i) => i).sort((a, b) => this.ts[a]! - this.ts[b]! || a - b);
    }
    for (let k = 0; k < n; k++) yield this.tickAt(rows[k]!);
  }

  private tickAt(i: number): CompactTick {
    const code = this.code[i]!;
    return {
      ymcode: this.ymcodes[code]!,
      side: this.side as BarTick['side'],
      code: this.codes[code]!,
      ts: this.ts[i]!,
      c: this.c[i]!,
      ccnt: this.ccnt[i]!,
      oi: this.oi[i]!,
    };
  }

  /** The ticks in file order. */
  toTicks(): CompactTick[] {
    return Array.from({ length: this.length }, (_, i) => this.tickAt(i));
  }

  private grow(): void {
    this.code = growTypedArray(this.code);
    this.ts = growTypedArray(this.ts);
    this.c = growTypedArray(this.c);
    this.ccnt = growTypedArray(this.ccnt);
    this.oi = growTypedArray(this.oi);
  }
}

interface Unit {
  date: string;
  side: string;
  /** Codes this file touches (now, or in the version it replaces). */
  codes: Set<string>;
  /** This file's ticks that made it into silver, compact, for the gold recomputation. */
  ticks: UnitTicks;
  /** What other sources already delivered for this unit. */
  others: { identities: Set<string>; ticks: CompactTick[] };
}

/**
 * The writes of one ingest, streamed: the reader's batches become bronze and silver data files as they
 * arrive (committed together at the end, one snapshot per table), while compact ticks are kept per
 * (trade date, side) unit for the gold recomputation.
 */
class IngestRun {
  readonly counts: IngestCounts = { ...NO_COUNTS };
  readonly snapshots: Record<string, string> = {};
  private readonly tables = new Map<string, Promise<IcebergTable>>();
  private readonly deps: IngestDeps;
  private readonly source: SourceInfo;
  private readonly strings = new Map<string, string>();
  private readonly units = new Map<string, Unit>();
  // Bronze and silver rows are built straight into typed columns, one batch per partition, and written
  // every FLUSH_ROWS.
  private readonly bronze: KeyedTickBatches;
  private readonly silver: KeyedTickBatches;
  private readonly bronzeFiles: DataFile[] = [];
  private readonly silverFiles: DataFile[] = [];
  private readonly quarantineFiles: DataFile[] = [];
  private quarantineRows: Row[] = [];
  private quarantineChars = 0;
  private readonly heartbeat: LeaseHeartbeat;

  constructor(deps: IngestDeps, source: SourceInfo, heartbeat: LeaseHeartbeat) {
    this.deps = deps;
    this.source = source;
    this.heartbeat = heartbeat;
    const side = (tick: TickRow) => (tick.side === 'PUT' ? 1 : 0);
    // bronze_ticks and silver_ticks are both partitioned by the KST trade date and side.
    const tradeDateAndSide = (tick: TickRow) =>
      Math.floor((tick.ts + KST_OFFSET_MS) / DAY_MS) * 2 + side(tick);
    this.bronze = new KeyedTickBatches(BRONZE_TICKS, tradeDateAndSide, (batch) =>
      bronzeTickAppender(batch, source),
    );
    this.silver = new KeyedTickBatches(SILVER_TICKS, tradeDateAndSide, (batch) =>
      silverTickAppender(batch, source),
    );
  }

  /**
   * Reads the whole file (writing data files as batches fill, committing none), checks that the bytes
   * read are the ones claimed, then commits. An interrupt or a changed object stops before any commit.
   */
  async ingest(bytes: AsyncIterable<Uint8Array>): Promise<ReadSummary> {
    const hash = createHash('sha256');
    const hashed = (async function* () {
      for await (const chunk of bytes) {
        hash.update(chunk);
        yield chunk;
      }
    })();
    const reader = readKrxXml(hashed, { srcFile: this.source.key });
    const codes: CodeRow[] = [];
    const what = `ingest of ${this.source.key}`;
    const kept = 'nothing of it was committed';
    let summary: ReadSummary;
    for (;;) {
      throwIfInterrupted(this.deps.signal, what, kept);
      const next = await reader.next();
      if (next.done) {
        summary = next.value;
        break;
      }
      for (const record of next.value.quarantined) {
        this.quarantineRows.push(quarantineRow(record, this.source));
        this.quarantineChars += record.raw.length + record.detail.length;
        this.counts.quarantined++;
      }
      if (
        this.quarantineRows.length >= QUARANTINE_FLUSH.rows ||
        this.quarantineChars >= QUARANTINE_FLUSH.chars
      )
        await this.flushQuarantine();
      appendAll(codes, next.value.codes);
      if (next.value.ticks.length > 0) await this.addTicks(next.value.ticks);
    }
    const read = hash.digest('hex');
    if (read !== this.source.sha256)
      throw new SourceChangedError(
        `${this.source.key} changed while it was ingested (read ${read}, claimed ${this.source.sha256}); nothing was committed`,
      );
    throwIfInterrupted(this.deps.signal, what, kept);
    await this.flushQuarantine();
    await this.commitFiles(QUARANTINE, this.quarantineFiles);
    if (summary.kind === 'code') await this.writeCodes(codes);
    else if (summary.kind === 'tick') await this.finishTicks();
    return summary;
  }

  /**
   * A labels CSV (`labels_YYYYMMDD.csv`): its minutes replace what this key gave `regime_labels_1m`
   * before, lines that are not labels go to quarantine with their reason. A file that is not a labels
   * CSV at all (header, encoding, size) fails whole, with nothing committed.
   */
  async ingestLabels(bytes: AsyncIterable<Uint8Array>): Promise<LabelsReadSummary> {
    const { key } = this.source;
    const what = `ingest of ${key}`;
    const kept = 'nothing of it was committed';
    const hash = createHash('sha256');
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of bytes) {
      throwIfInterrupted(this.deps.signal, what, kept);
      hash.update(chunk);
      size += chunk.length;
      if (size > MAX_LABELS_FILE_BYTES)
        throw new Error(
          `${key} is over ${MAX_LABELS_FILE_BYTES / 1024 / 1024} MiB, far more than a day of minute labels; nothing was committed`,
        );
      chunks.push(chunk);
    }
    const read = hash.digest('hex');
    if (read !== this.source.sha256)
      throw new SourceChangedError(
        `${key} changed while it was ingested (read ${read}, claimed ${this.source.sha256}); nothing was committed`,
      );
    let parsed;
    try {
      parsed = parseRegimeLabels(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)), [
        ...KNOWN_REGIMES,
      ]);
    } catch (error) {
      if (error instanceof TypeError) throw new Error(`${key} is not UTF-8 text; nothing was committed`);
      if (error instanceof NotRegimeLabelsError) throw new Error(`${key} is ${error.message}`);
      throw error;
    }
    throwIfInterrupted(this.deps.signal, what, kept);
    for (const problem of parsed.problems) this.quarantineRows.push(labelQuarantineRow(problem, this.source));
    this.counts.quarantined = parsed.problems.length;
    await this.flushQuarantine();
    await this.commitFiles(QUARANTINE, this.quarantineFiles);
    await this.replace(
      REGIME_LABELS_1M,
      key,
      parsed.labels.map((label) => regimeLabelRow(label, this.source)),
    );
    this.counts.regimeLabels = parsed.labels.length;
    return {
      srcFile: key,
      kind: 'labels',
      rowsRead: parsed.rowsRead,
      accepted: parsed.labels.length,
      quarantined: parsed.problems.length,
    };
  }

  async log(
    summary: ReadSummary | LabelsReadSummary,
    outcome: IngestOutcome,
    started: number,
    finished: number,
  ): Promise<void> {
    const table = await this.table(INGEST_LOG);
    await table.append([
      {
        src_file: this.source.key,
        src_sha256: this.source.sha256,
        kind: summary.kind,
        outcome,
        rows_read: summary.rowsRead,
        accepted: summary.accepted,
        quarantined: summary.quarantined,
        silver_rows: this.counts.silver,
        duplicates_dropped: this.counts.duplicatesDropped,
        gold_bars: this.counts.goldBars,
        started_at: started * 1000,
        finished_at: finished * 1000,
        snapshots: JSON.stringify(this.snapshots),
      },
    ]);
  }

  private async writeCodes(codes: CodeRow[]): Promise<void> {
    await this.replace(
      BRONZE_CODES,
      this.source.key,
      codes.map((c) => bronzeCodeRow(c, this.source)),
    );
    const effectiveFrom = fileDate(this.source.key);
    await this.replace(
      DIM_CONTRACT,
      this.source.key,
      codes.map((c) => dimContractLakeRow(c, effectiveFrom, this.source)),
    );
    this.counts.bronze = codes.length;
    this.counts.contracts = codes.length;
  }

  /**
   * Bronze takes every accepted tick; silver those no other source delivered first. Ticks come in long
   * runs of one day, side and code, so the unit and the shared code string are looked up on change only.
   */
  private async addTicks(ticks: TickRow[]): Promise<void> {
    let unit: Unit | undefined;
    let unitDate = '';
    let unitSide = '';
    let code = '';
    let sharedCode = '';
    let sharedYmcode = '';
    for (const tick of ticks) {
      const date = kstDateOf(tick.ts);
      if (unit === undefined || date !== unitDate || tick.side !== unitSide) {
        unit = await this.unit(date, tick.side);
        unitDate = date;
        unitSide = tick.side;
        code = ''; // a new unit records its codes afresh
      }
      this.bronze.push(tick);
      if (tick.code !== code) {
        code = tick.code;
        sharedCode = this.intern(code);
        sharedYmcode = this.intern(tick.ymcode);
        unit.codes.add(sharedCode);
      }
      if (unit.others.identities.size > 0 && unit.others.identities.has(tickIdentity(tick))) {
        this.counts.duplicatesDropped++;
        continue;
      }
      this.silver.push(tick);
      unit.ticks.push(
        sharedCode,
        tick.ymcode === sharedYmcode ? sharedYmcode : this.intern(tick.ymcode),
        tick,
      );
    }
    this.counts.bronze += ticks.length;
    if (this.bronze.length >= FLUSH_ROWS) await this.flush(BRONZE_TICKS);
    if (this.silver.length >= FLUSH_ROWS) await this.flush(SILVER_TICKS);
  }

  private async finishTicks(): Promise<void> {
    await this.flush(BRONZE_TICKS);
    await this.flush(SILVER_TICKS);
    // Codes the version being replaced had, so a code the corrected file dropped loses its gold rows.
    for (const row of await this.ownPreviousSilverRows()) {
      (await this.unit(isoDateFromDays(row.trade_date as number), row.side as string)).codes.add(
        row.code as string,
      );
    }
    await this.commitFiles(BRONZE_TICKS, this.bronzeFiles);
    await this.commitFiles(SILVER_TICKS, this.silverFiles);
    this.counts.silver = this.silverFiles.reduce((n, file) => n + Number(file.recordCount), 0);

    for (const unit of this.units.values()) {
      const others = unit.others.ticks.filter((t) => unit.codes.has(t.code));
      // Usually no other source shares the unit, and this file's ticks stream to the builder in order.
      const gold =
        others.length === 0
          ? goldRowsFromOrderedTicks(unit.ticks.ordered())
          : goldRowsFromTicks(appendAll(others, unit.ticks.toTicks()));
      const unitKey = goldUnitKey(unit.date, unit.side);
      for (const [table, rows] of [
        [GOLD_BARS_1M, gold.bars],
        [GOLD_FEATURES_1M, gold.features],
        [GOLD_LABELS_1M, gold.labels],
      ] as const) {
        const kept = (
          await (await this.table(table)).read({ filter: unitFilter(unit.date, unit.side) })
        ).filter((row) => !unit.codes.has(row.code as string));
        await this.replace(table, unitKey, appendAll(kept, rows));
      }
      this.counts.goldBars += gold.bars.length;
      this.counts.goldFeatures += gold.features.length;
      this.counts.goldLabels += gold.labels.length;
    }
  }

  /** The unit of a (trade date, side), with what other sources delivered for it loaded on first use. */
  private async unit(date: string, side: string): Promise<Unit> {
    const id = `${date}|${side}`;
    let unit = this.units.get(id);
    if (!unit) {
      unit = {
        date,
        side,
        codes: new Set(),
        ticks: new UnitTicks(side),
        others: await this.otherSources(date, side),
      };
      this.units.set(id, unit);
    }
    return unit;
  }

  /** Silver ticks of a unit from sources other than this one (its own earlier files are being replaced). */
  private async otherSources(date: string, side: string): Promise<Unit['others']> {
    const silver = await this.table(SILVER_TICKS);
    const hash = await sourceHashOf(this.source.key);
    const plan = await silver.plan({ filter: unitFilter(date, side) });
    const others = {
      ...plan,
      files: plan.files.filter((planned) => sourceHashOfPath(planned.file.path) !== hash),
    };
    const result: Unit['others'] = { identities: new Set(), ticks: [] };
    for await (const batch of readPlan(this.deps.lake, others, {
      columns: ['ymcode', 'side', 'code', 'ts', 'tcnt', 'price', 'ccnt', 'oi'],
    })) {
      for (const row of batch) {
        const tick = tickFromSilver(row);
        result.identities.add(tickIdentity(tick));
        result.ticks.push(tick);
      }
    }
    return result;
  }

  /** The silver rows the earlier version of this source contributed (its data files carry its hash). */
  private async ownPreviousSilverRows(): Promise<Row[]> {
    const silver = await this.table(SILVER_TICKS);
    const hash = await sourceHashOf(this.source.key);
    const plan = await silver.plan();
    const own = {
      ...plan,
      files: plan.files.filter((planned) => sourceHashOfPath(planned.file.path) === hash),
    };
    const rows: Row[] = [];
    for await (const batch of readPlan(this.deps.lake, own, { columns: ['trade_date', 'side', 'code'] }))
      appendAll(rows, batch);
    return rows;
  }

  /** Writes the buffered quarantine rows as data files (not yet committed) and lets them go. */
  private async flushQuarantine(): Promise<void> {
    if (this.quarantineRows.length === 0) return;
    const rows = this.quarantineRows;
    this.quarantineRows = [];
    this.quarantineChars = 0;
    const table = await this.table(QUARANTINE);
    appendAll(
      this.quarantineFiles,
      await writeDataFiles(this.deps.lake, table.metadata, rows, { sourceKey: this.source.key }),
    );
  }

  /** Writes the buffered columns of a table as data files (not yet committed). */
  private async flush(definition: typeof BRONZE_TICKS | typeof SILVER_TICKS): Promise<void> {
    const bronze = definition === BRONZE_TICKS;
    const batches = (bronze ? this.bronze : this.silver).drain();
    if (batches.length === 0) return;
    const table = await this.table(definition);
    for (const columns of batches) {
      const files = await writeTypedDataFiles(this.deps.lake, table.metadata, columns, {
        sourceKey: this.source.key,
      });
      appendAll(bronze ? this.bronzeFiles : this.silverFiles, files);
    }
  }

  private async commitFiles(definition: LakeTable, files: DataFile[]): Promise<void> {
    await this.heartbeat.assertHeld(); // fencing: never commit over a successor's claim
    const table = await this.table(definition);
    const snapshot = await table.replaceSourceFiles(this.source.key, files, { summary: this.summary() });
    if (snapshot) this.snapshots[definition.name] = String(snapshot['snapshot-id']);
  }

  private async replace(definition: LakeTable, sourceKey: string, rows: Row[]): Promise<void> {
    await this.heartbeat.assertHeld(); // fencing: never commit over a successor's claim
    const table = await this.table(definition);
    const snapshot: Snapshot | undefined = await table.replaceSource(sourceKey, rows, {
      summary: this.summary(),
    });
    if (snapshot) this.snapshots[definition.name] = String(snapshot['snapshot-id']);
  }

  private summary(): Record<string, string> {
    return { 'quotelab.src-file': this.source.key, 'quotelab.src-sha256': this.source.sha256 };
  }

  private table(definition: LakeTable): Promise<IcebergTable> {
    let table = this.tables.get(definition.name);
    if (!table) {
      // A table created by an earlier version of the definition (bronze_ticks by day(ts), say) is
      // evolved to the current one before anything is written to it.
      table = IcebergTable.createIfAbsent(
        this.deps.lake,
        { namespace: this.deps.namespace, name: definition.name },
        { schema: definition.schema, spec: definition.spec },
      ).then((created) => created.evolve(definition));
      this.tables.set(definition.name, table);
    }
    return table;
  }

  /**
   * The reader's strings are slices of the decoded file; keeping one alive keeps its whole chunk. A few
   * hundred distinct codes are copied once and shared.
   */
  private intern(text: string): string {
    let shared = this.strings.get(text);
    if (shared === undefined) {
      shared = (' ' + text).slice(1);
      this.strings.set(shared, shared);
    }
    return shared;
  }
}

function unitFilter(date: string, side: string) {
  return [
    { column: 'trade_date', op: '=' as const, value: daysFromIsoDate(date) },
    { column: 'side', op: '=' as const, value: side },
  ];
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

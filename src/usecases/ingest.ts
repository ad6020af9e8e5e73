/**
 * Ingests one source object (KRX tick or code XML) from the data bucket into the lake: bronze rows and
 * quarantine records exactly as read, silver ticks (normalised, duplicates across files removed), and the
 * gold bars, features and labels of every (trade date, side) unit the file touched, recomputed for the
 * codes it touched. The same function runs in the ETL Lambda and behind `quotelab ingest`.
 *
 * Idempotent: the ledger skips a key whose content (SHA-256) was already ingested; a changed file under
 * the same key replaces exactly the rows that key contributed, one snapshot per table (Iceberg
 * copy-on-write at file level). Concurrent ingests of different files commit with optimistic retries.
 */
import { createHash, randomUUID } from 'node:crypto';
import { appendAll } from '../core/arrays.ts';
import type { BarTick } from '../core/features/bars.ts';
import { DATA_BUCKET_PREFIXES } from '../core/lake-layout.ts';
import { KeyedTickBatches, bronzeTickAppender, silverTickAppender } from '../core/lake/etl/columns.ts';
import { goldRowsFromOrderedTicks, goldRowsFromTicks, goldUnitKey } from '../core/lake/etl/gold.ts';
import {
  bronzeCodeRow,
  dimContractLakeRow,
  fileDate,
  quarantineRow,
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
  SILVER_TICKS,
} from '../core/lake/tables.ts';
import type { LakeTable } from '../core/lake/tables.ts';
import { KST_OFFSET_MS, kstDateOf } from '../core/market/kst.ts';
import { NotFoundError } from '../core/ports/errors.ts';
import type { KeyValueStore } from '../core/ports/key-value.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import { readKrxXml } from '../core/xml/krx-xml-reader.ts';
import type { CodeRow, ReadSummary, TickRow } from '../core/xml/krx-rows.ts';
import { claimSource, finishSource } from './ingest-ledger.ts';

export interface IngestDeps {
  /** The data bucket, where source objects are. */
  data: ObjectStore;
  lake: Lake;
  /** Glue database / local namespace of the tables. */
  namespace: string;
  ledger: KeyValueStore;
  now?: () => number;
  /** A claim older than this is considered abandoned (a crashed worker) and may be taken over. */
  leaseMs?: number;
}

export type IngestOutcome = 'ingested' | 'replaced' | 'unchanged' | 'busy';

export interface IngestCounts {
  bronze: number;
  quarantined: number;
  silver: number;
  duplicatesDropped: number;
  goldBars: number;
  goldFeatures: number;
  goldLabels: number;
  contracts: number;
}

export interface IngestResult {
  key: string;
  sha256: string;
  outcome: IngestOutcome;
  summary?: ReadSummary;
  counts: IngestCounts;
  /** Table name → id of the snapshot this ingest committed (tables it did not change are absent). */
  snapshots: Record<string, string>;
  seconds: number;
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
};

export async function ingestObject(deps: IngestDeps, key: string): Promise<IngestResult> {
  const now = deps.now ?? Date.now;
  const started = now();
  if (!(await deps.data.head(key))) throw new NotFoundError(key);
  const sha256 = await sha256Of(await deps.data.getStream(key));
  const owner = randomUUID();
  const claim = await claimSource(deps.ledger, {
    key,
    sha256,
    owner,
    nowMs: started,
    leaseMs: deps.leaseMs ?? 15 * 60_000,
  });
  if (!claim.claimed) {
    return {
      key,
      sha256,
      outcome: claim.reason,
      counts: NO_COUNTS,
      snapshots: {},
      seconds: (now() - started) / 1000,
    };
  }
  const outcome: IngestOutcome = claim.previous?.status === 'done' ? 'replaced' : 'ingested';
  try {
    const run = new IngestRun(deps, { key, sha256, ingestMs: started });
    const summary = await run.ingest(await deps.data.getStream(key));
    const finished = now();
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
    }).catch(() => {});
    throw error;
  }
}

/** Moves an ingested source from `incoming/` to `processed/` (copy, then delete). Returns the new key. */
export async function archiveSource(data: ObjectStore, key: string): Promise<string> {
  const target =
    DATA_BUCKET_PREFIXES.processed + key.replace(new RegExp(`^${DATA_BUCKET_PREFIXES.incoming}`), '');
  await data.put(target, await data.getStream(key));
  await data.delete(key);
  return target;
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

  constructor(deps: IngestDeps, source: SourceInfo) {
    this.deps = deps;
    this.source = source;
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

  async ingest(bytes: AsyncIterable<Uint8Array>): Promise<ReadSummary> {
    const reader = readKrxXml(bytes, { srcFile: this.source.key });
    const quarantined: Row[] = [];
    const codes: CodeRow[] = [];
    let summary: ReadSummary;
    for (;;) {
      const next = await reader.next();
      if (next.done) {
        summary = next.value;
        break;
      }
      for (const record of next.value.quarantined) quarantined.push(quarantineRow(record, this.source));
      appendAll(codes, next.value.codes);
      if (next.value.ticks.length > 0) await this.addTicks(next.value.ticks);
    }
    await this.replace(QUARANTINE, this.source.key, quarantined);
    this.counts.quarantined = quarantined.length;
    if (summary.kind === 'code') await this.writeCodes(codes);
    else if (summary.kind === 'tick') await this.finishTicks();
    return summary;
  }

  async log(summary: ReadSummary, outcome: IngestOutcome, started: number, finished: number): Promise<void> {
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
    const table = await this.table(definition);
    const snapshot = await table.replaceSourceFiles(this.source.key, files, { summary: this.summary() });
    if (snapshot) this.snapshots[definition.name] = String(snapshot['snapshot-id']);
  }

  private async replace(definition: LakeTable, sourceKey: string, rows: Row[]): Promise<void> {
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

async function sha256Of(chunks: AsyncIterable<Uint8Array>): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of chunks) hash.update(chunk);
  return hash.digest('hex');
}

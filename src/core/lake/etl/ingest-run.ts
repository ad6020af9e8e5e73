/**
 * One ingest of one source object into the lake, the ETL's domain logic: the reader's batches become
 * bronze and silver data files as they arrive (committed together at the end, one snapshot per table),
 * quarantine rows stream out in batches, and the gold bars, features and labels of every (trade date,
 * side) unit the file touched are recomputed for the codes it touched. A labels CSV becomes
 * `regime_labels_1m` rows. Nothing is committed until the whole source was read and its bytes matched the
 * claimed SHA-256; every commit replaces what this source contributed, so a run that died between its
 * commits is simply redone.
 *
 * Claims, leases and archiving are the use case's (`src/usecases/ingest.ts`): this module is handed a
 * fence to call before each commit.
 */
import { createHash } from 'node:crypto';
import { appendAll } from '../../arrays.ts';
import { throwIfInterrupted } from '../../concurrency/interrupt.ts';
import {
  MAX_LABELS_FILE_BYTES,
  NotRegimeLabelsError,
  parseRegimeLabels,
} from '../../market/regime-labels.ts';
import { kstDateOf } from '../../market/kst.ts';
import { readKrxXml } from '../../xml/krx-xml-reader.ts';
import type { CodeRow, ReadSummary, TickRow } from '../../xml/krx-rows.ts';
import {
  IcebergTable,
  daysFromIsoDate,
  isoDateFromDays,
  readPlan,
  sourceHashOf,
  sourceHashOfPath,
  writeDataFiles,
  writeTypedDataFiles,
} from '../iceberg/index.ts';
import type { DataFile, Lake, Row, Snapshot } from '../iceberg/index.ts';
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
} from '../tables.ts';
import type { LakeTable } from '../tables.ts';
import { KeyedTickBatches, bronzeTickAppender, silverTickAppender, tickPartitionKey } from './columns.ts';
import { goldRowsFromOrderedTicks, goldRowsFromTicks, goldUnitKey } from './gold.ts';
import {
  bronzeCodeRow,
  dimContractLakeRow,
  fileDate,
  labelQuarantineRow,
  quarantineRow,
  regimeLabelRow,
  tickFromSilver,
  tickIdentity,
} from './rows.ts';
import type { SourceInfo } from './rows.ts';
import { UnitTicks } from './unit-ticks.ts';
import type { CompactTick } from './unit-ticks.ts';

export type IngestOutcome = 'ingested' | 'replaced' | 'unchanged';

export interface IngestRunDeps {
  lake: Lake;
  /** Glue database / local namespace of the tables. */
  namespace: string;
  /** Regime names a labels CSV may use (the strategy's). */
  regimes: readonly string[];
  /** Throws when this worker no longer holds the source's claim: called before every commit. */
  fence: () => Promise<void>;
  /** Stops the run before its commits (Ctrl-C): nothing of the file is committed. */
  signal?: AbortSignal;
}

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

/**
 * The object's bytes changed between hashing and ingesting (a new upload under the same key): nothing
 * was committed; ingest it again to take the new content.
 */
export class SourceChangedError extends Error {
  override readonly name = 'SourceChangedError';
}

export const NO_COUNTS: IngestCounts = {
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

/** Rows buffered per table before they are written as a data file (bounds memory on big files). */
const FLUSH_ROWS = 250_000;
/**
 * Quarantine rows carry their raw text (up to 64 KiB each), so they are written out by count and by
 * size, whichever comes first: memory follows the batch, not the file.
 */
export const QUARANTINE_FLUSH = { rows: 20_000, chars: 16 * 1024 * 1024 };

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
export class IngestRun {
  readonly counts: IngestCounts = { ...NO_COUNTS };
  readonly snapshots: Record<string, string> = {};
  private readonly tables = new Map<string, Promise<IcebergTable>>();
  private readonly deps: IngestRunDeps;
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

  constructor(deps: IngestRunDeps, source: SourceInfo) {
    this.deps = deps;
    this.source = source;
    // One batch per partition of each table, keyed as its partition spec says.
    this.bronze = new KeyedTickBatches(BRONZE_TICKS, tickPartitionKey(BRONZE_TICKS), (batch) =>
      bronzeTickAppender(batch, source),
    );
    this.silver = new KeyedTickBatches(SILVER_TICKS, tickPartitionKey(SILVER_TICKS), (batch) =>
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
      parsed = parseRegimeLabels(
        new TextDecoder('utf-8', { fatal: true }).decode(concatBytes(chunks, size)),
        this.deps.regimes,
      );
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
    await this.deps.fence(); // never commit over a successor's claim
    const table = await this.table(definition);
    const snapshot = await table.replaceSourceFiles(this.source.key, files, { summary: this.summary() });
    if (snapshot) this.snapshots[definition.name] = String(snapshot['snapshot-id']);
  }

  private async replace(definition: LakeTable, sourceKey: string, rows: Row[]): Promise<void> {
    await this.deps.fence(); // never commit over a successor's claim
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

function concatBytes(chunks: readonly Uint8Array[], size: number): Uint8Array {
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.length;
  }
  return bytes;
}

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
import { DATA_BUCKET_PREFIXES } from '../core/lake-layout.ts';
import { goldRowsFromSilver, goldUnitKey } from '../core/lake/etl/gold.ts';
import {
  bronzeCodeRow,
  bronzeTickRow,
  dimContractLakeRow,
  fileDate,
  quarantineRow,
  silverTickRow,
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
} from '../core/lake/iceberg/index.ts';
import type { Lake, Row, Snapshot } from '../core/lake/iceberg/index.ts';
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
import { kstDateOf } from '../core/market/kst.ts';
import { NotFoundError } from '../core/ports/errors.ts';
import type { KeyValueStore } from '../core/ports/key-value.ts';
import type { ObjectStore } from '../core/ports/object-store.ts';
import { readKrxXmlAll } from '../core/xml/krx-xml-reader.ts';
import type { ReadSummary, TickRow } from '../core/xml/krx-rows.ts';
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
    const read = await readKrxXmlAll(await deps.data.getStream(key), { srcFile: key });
    await run.write(read);
    const finished = now();
    await run.log(read.summary, outcome, started, finished);
    await finishSource(deps.ledger, key, owner, {
      status: 'done',
      nowMs: finished,
      details: {
        outcome,
        accepted: read.summary.accepted,
        quarantined: read.summary.quarantined,
        snapshots: JSON.stringify(run.snapshots),
      },
    });
    return {
      key,
      sha256,
      outcome,
      summary: read.summary,
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

/** The writes of one ingest: table handles, counts and the snapshots committed. */
class IngestRun {
  readonly counts: IngestCounts = { ...NO_COUNTS };
  readonly snapshots: Record<string, string> = {};
  private readonly tables = new Map<string, Promise<IcebergTable>>();
  private readonly deps: IngestDeps;
  private readonly source: SourceInfo;

  constructor(deps: IngestDeps, source: SourceInfo) {
    this.deps = deps;
    this.source = source;
  }

  async write(read: Awaited<ReturnType<typeof readKrxXmlAll>>): Promise<void> {
    await this.replace(
      QUARANTINE,
      this.source.key,
      read.quarantined.map((q) => quarantineRow(q, this.source)),
    );
    this.counts.quarantined = read.quarantined.length;
    if (read.summary.kind === 'code') await this.writeCodes(read.codes);
    else if (read.summary.kind === 'tick') await this.writeTicks(read.ticks);
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

  private async writeCodes(codes: Awaited<ReturnType<typeof readKrxXmlAll>>['codes']): Promise<void> {
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

  private async writeTicks(ticks: TickRow[]): Promise<void> {
    await this.replace(
      BRONZE_TICKS,
      this.source.key,
      ticks.map((t) => bronzeTickRow(t, this.source)),
    );
    this.counts.bronze = ticks.length;

    // Units are (KST trade date, side); within each, the codes this file touches now, or touched in the
    // version it replaces (a code the corrected file no longer has must lose its gold rows).
    const units = new Map<string, { date: string; side: string; codes: Set<string> }>();
    const touch = (date: string, side: string, code: string) => {
      const id = `${date}|${side}`;
      let unit = units.get(id);
      if (!unit) units.set(id, (unit = { date, side, codes: new Set() }));
      unit.codes.add(code);
    };
    for (const tick of ticks) touch(kstDateOf(tick.ts), tick.side, tick.code);
    for (const row of await this.previousSilverRows())
      touch(isoDateFromDays(row.trade_date as number), row.side as string, row.code as string);

    // Silver: this file's ticks minus those other files already delivered (first delivered wins).
    const silver = await this.table(SILVER_TICKS);
    const seen = new Set<string>();
    for (const unit of units.values()) {
      for (const row of await silver.read({ filter: unitFilter(unit.date, unit.side) })) {
        if (row.src_file === this.source.key) continue; // our own earlier version is being replaced
        seen.add(
          tickIdentity({
            code: row.code as string,
            tcnt: row.tcnt as number,
            ts: Number(row.ts as bigint) / 1000,
            c: row.price as number,
            ccnt: row.ccnt as number,
          }),
        );
      }
    }
    const fresh = ticks.filter((tick) => !seen.has(tickIdentity(tick)));
    this.counts.duplicatesDropped = ticks.length - fresh.length;
    await this.replace(
      SILVER_TICKS,
      this.source.key,
      fresh.map((t) => silverTickRow(t, this.source)),
    );
    this.counts.silver = fresh.length;

    // Gold: recompute the touched codes of each unit from all of its silver ticks; keep the other codes.
    for (const unit of units.values()) {
      const unitSilver = (await (await this.table(SILVER_TICKS)).refresh()).read({
        filter: unitFilter(unit.date, unit.side),
      });
      const gold = goldRowsFromSilver((await unitSilver).filter((row) => unit.codes.has(row.code as string)));
      const unitKey = goldUnitKey(unit.date, unit.side);
      for (const [table, rows] of [
        [GOLD_BARS_1M, gold.bars],
        [GOLD_FEATURES_1M, gold.features],
        [GOLD_LABELS_1M, gold.labels],
      ] as const) {
        const kept = (
          await (await this.table(table)).read({ filter: unitFilter(unit.date, unit.side) })
        ).filter((row) => !unit.codes.has(row.code as string));
        await this.replace(table, unitKey, [...kept, ...rows]);
      }
      this.counts.goldBars += gold.bars.length;
      this.counts.goldFeatures += gold.features.length;
      this.counts.goldLabels += gold.labels.length;
    }
  }

  /** The silver rows the earlier version of this source contributed (its data files carry its hash). */
  private async previousSilverRows(): Promise<Row[]> {
    const silver = await this.table(SILVER_TICKS);
    const hash = await sourceHashOf(this.source.key);
    const plan = await silver.plan();
    const own = {
      ...plan,
      files: plan.files.filter((planned) => sourceHashOfPath(planned.file.path) === hash),
    };
    const rows: Row[] = [];
    for await (const batch of readPlan(this.deps.lake, own, { columns: ['trade_date', 'side', 'code'] }))
      rows.push(...batch);
    return rows;
  }

  private async replace(definition: LakeTable, sourceKey: string, rows: Row[]): Promise<void> {
    const table = await this.table(definition);
    const snapshot: Snapshot | undefined = await table.replaceSource(sourceKey, rows, {
      summary: { 'quotelab.src-file': this.source.key, 'quotelab.src-sha256': this.source.sha256 },
    });
    if (snapshot) this.snapshots[definition.name] = String(snapshot['snapshot-id']);
  }

  private table(definition: LakeTable): Promise<IcebergTable> {
    let table = this.tables.get(definition.name);
    if (!table) {
      table = IcebergTable.createIfAbsent(
        this.deps.lake,
        { namespace: this.deps.namespace, name: definition.name },
        { schema: definition.schema, spec: definition.spec },
      );
      this.tables.set(definition.name, table);
    }
    return table;
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

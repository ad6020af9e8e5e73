/**
 * The KRX ticks a study reads, pinned when the study starts: the current snapshot of `silver_ticks` (every
 * trial then reads that snapshot by id, whatever is ingested meanwhile), or local XML files (pinned by
 * their SHA-256). Loaded events are cached per process, so the trials a Lambda container or a local
 * worker runs one after another read the data once.
 */
import { createHash } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { IcebergTable } from '../../core/lake/iceberg/index.ts';
import { SILVER_TICKS } from '../../core/lake/tables.ts';
import type { EventColumns } from '../../core/market/events.ts';
import { krxTradeEvents } from '../../core/market/krx-events.ts';
import type { TradeTick } from '../../core/market/krx-events.ts';
import { kstDateOf } from '../../core/market/kst.ts';
import type { Platform } from '../../core/platform.ts';
import type { StudySpec } from '../../core/research/study-spec.ts';
import { readKrxXmlAll } from '../../core/xml/krx-xml-reader.ts';
import { expandMarketPaths } from '../read-market-files.ts';
import { readSilverTrades, tradeDateFilter } from '../silver-trades.ts';

export interface PinnedData {
  /** silver_ticks snapshot id, or `sha256:<digest of the files>`. */
  version: string;
  tradingDays: string[];
  /** Ticks per trading day, to size trials. */
  ticksPerDay: Record<string, number>;
}

/** Pins the study's data and lists its trading days. */
export async function pinStudyData(platform: Platform, spec: StudySpec): Promise<PinnedData> {
  const data = spec.data;
  let version: string;
  let days: string[];
  if (data.kind === 'table') {
    const table = await IcebergTable.load(platform.lake, {
      namespace: platform.namespace,
      name: SILVER_TICKS.name,
    });
    const snapshot = table.currentSnapshot();
    if (!snapshot) throw new Error('silver_ticks has no data yet: ingest KRX files first (quotelab ingest)');
    version = String(snapshot['snapshot-id']);
    const rows = await table.read({
      snapshotId: BigInt(version),
      filter: tradeDateFilter(data.from, data.to),
      columns: ['trade_date', 'code'],
    });
    const codes = spec.codes ? new Set(spec.codes) : undefined;
    days = [];
    for (const row of rows)
      if (!codes || codes.has(row.code as string)) days.push(isoFromDays(row.trade_date as number));
  } else {
    version = filesDigest(data.paths);
    days = (await fileTicks(data.paths, spec.codes)).map((tick) => kstDateOf(tick.ts));
  }
  const ticksPerDay: Record<string, number> = {};
  for (const day of days) ticksPerDay[day] = (ticksPerDay[day] ?? 0) + 1;
  return { version, tradingDays: Object.keys(ticksPerDay).sort(), ticksPerDay };
}

let cached: { key: string; events: Promise<EventColumns> } | undefined;

/** The pinned ticks of trading days `from`..`to` (KST, inclusive) as engine events; cached (one entry). */
export function studyEvents(
  platform: Platform,
  spec: StudySpec,
  version: string,
  from: string,
  to: string,
): Promise<EventColumns> {
  const key = JSON.stringify([platform.describe(), version, from, to, spec.codes ?? null]);
  if (cached?.key !== key) cached = { key, events: loadEvents(platform, spec, version, from, to) };
  const entry = cached;
  entry.events.catch(() => {
    if (cached === entry) cached = undefined;
  });
  return entry.events;
}

async function loadEvents(
  platform: Platform,
  spec: StudySpec,
  version: string,
  from: string,
  to: string,
): Promise<EventColumns> {
  if (spec.data.kind === 'table') {
    const codes = spec.codes ? new Set(spec.codes) : undefined;
    const read = await readSilverTrades(platform, { snapshotId: BigInt(version), from, to, codes });
    return krxTradeEvents(read.ticks);
  }
  // Files are pinned by their digest: a trial never reads files that changed under the study.
  const now = filesDigest(spec.data.paths);
  if (now !== version) throw new Error(`the study's files changed since it started (${version}, now ${now})`);
  const ticks: TradeTick[] = [];
  for (const tick of await fileTicks(spec.data.paths, spec.codes)) {
    const day = kstDateOf(tick.ts);
    if (day >= from && day <= to) ticks.push(tick);
  }
  return krxTradeEvents(ticks);
}

async function fileTicks(
  paths: readonly string[],
  codes: readonly string[] | undefined,
): Promise<TradeTick[]> {
  const wanted = codes ? new Set(codes) : undefined;
  const ticks: TradeTick[] = [];
  for (const path of expandMarketPaths(paths)) {
    const read = await readKrxXmlAll(createReadStream(path), { srcFile: basename(path) });
    for (const tick of read.ticks) if (!wanted || wanted.has(tick.code)) ticks.push(tick);
  }
  return ticks;
}

/**
 * SHA-256 over the files' names and bytes, in name order: the version of a files-backed study. Folders and
 * patterns are expanded first, so a file added to a study's folder changes the version too.
 */
function filesDigest(paths: readonly string[]): string {
  const digest = createHash('sha256');
  for (const path of expandMarketPaths(paths).sort())
    digest.update(basename(path)).update(readFileSync(path));
  return `sha256:${digest.digest('hex')}`;
}

function isoFromDays(days: number): string {
  return new Date(days * 86_400_000).toISOString().slice(0, 10);
}

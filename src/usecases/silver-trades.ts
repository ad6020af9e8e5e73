/**
 * The trades that backtests and studies replay, read from silver_ticks: one snapshot (the current one
 * unless pinned), KST trade dates `from`..`to` inclusive, optionally some codes only.
 */
import { IcebergTable, daysFromIsoDate } from '../core/lake/iceberg/index.ts';
import type { Predicate } from '../core/lake/iceberg/index.ts';
import { SILVER_TICKS } from '../core/lake/tables.ts';
import type { TradeTick } from '../core/market/krx-events.ts';
import type { Platform } from '../core/platform.ts';

export interface SilverTradesRequest {
  /** The snapshot to read; the table's current one when absent. */
  snapshotId?: bigint;
  /** First and last KST trade date ('YYYY-MM-DD'), inclusive; open-ended when absent. */
  from?: string;
  to?: string;
  /** Only these codes (all when absent). */
  codes?: ReadonlySet<string>;
}

export interface SilverTrades {
  ticks: TradeTick[];
  /** The snapshot read; undefined when the table has none yet. */
  snapshotId: bigint | undefined;
}

export async function readSilverTrades(
  platform: Pick<Platform, 'lake' | 'namespace'>,
  request: SilverTradesRequest = {},
): Promise<SilverTrades> {
  const table = await IcebergTable.load(platform.lake, {
    namespace: platform.namespace,
    name: SILVER_TICKS.name,
  });
  const snapshotId = request.snapshotId ?? table.currentSnapshot()?.['snapshot-id'];
  const rows = await table.read({
    ...(request.snapshotId === undefined ? {} : { snapshotId: request.snapshotId }),
    filter: tradeDateFilter(request.from, request.to),
    columns: ['code', 'ts', 'price', 'ccnt'],
  });
  const ticks: TradeTick[] = [];
  for (const row of rows) {
    if (request.codes && !request.codes.has(row.code as string)) continue;
    ticks.push({
      code: row.code as string,
      ts: Number(row.ts as bigint) / 1000,
      c: row.price as number,
      ccnt: row.ccnt as number,
    });
  }
  return { ticks, snapshotId };
}

/** Partition filter on silver's KST trade date, `from`..`to` inclusive (either may be open). */
export function tradeDateFilter(from: string | undefined, to: string | undefined): Predicate[] {
  const filter: Predicate[] = [];
  if (from) filter.push({ column: 'trade_date', op: '>=', value: daysFromIsoDate(from) });
  if (to) filter.push({ column: 'trade_date', op: '<=', value: daysFromIsoDate(to) });
  return filter;
}

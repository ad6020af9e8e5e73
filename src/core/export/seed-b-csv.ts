/**
 * The original bot's files (Seed B): `trade_history.csv` (its columns timestamp, symbol, side, price,
 * amount, cost, rebate, realized_pnl, grid_profit, note, extended with spread_at_trade, volatility, regime,
 * orderbook_imbalance, profitable) and `market_snapshots_{date}.csv` (mid_price, spread, position,
 * volatility, orderbook_depth, plus the rest of our snapshot). Numbers are written with full precision.
 */
import type { SnapshotRecord, TradeLogEntry } from '../trading/types.ts';

export const TRADE_HISTORY_COLUMNS = [
  'timestamp',
  'symbol',
  'side',
  'price',
  'amount',
  'cost',
  'rebate',
  'realized_pnl',
  'grid_profit',
  'note',
  'spread_at_trade',
  'volatility',
  'regime',
  'orderbook_imbalance',
  'profitable',
  'fee',
  'position_after',
  'liquidity',
  'mid_at_trade',
] as const;

export const MARKET_SNAPSHOT_COLUMNS = [
  'timestamp',
  'symbol',
  'mid_price',
  'spread',
  'position',
  'volatility',
  'orderbook_depth',
  'bid',
  'ask',
  'quote_bid',
  'quote_ask',
  'bid_depth',
  'ask_depth',
  'imbalance',
  'equity',
  'regime',
] as const;

export function tradeHistoryCsv(entries: readonly TradeLogEntry[]): string {
  const lines = [TRADE_HISTORY_COLUMNS.join(',')];
  for (const e of entries) {
    lines.push(
      [
        iso(e.ts),
        e.instrument,
        e.side,
        e.price,
        e.quantity,
        e.cost,
        e.rebate,
        e.realizedPnl,
        // The grid bot's per-trade grid profit has no A&S counterpart: the realised PnL of the fill stands in.
        e.realizedPnl,
        e.note,
        e.spreadAtTrade,
        e.volatility,
        e.regime,
        e.orderbookImbalance,
        e.profitable === undefined ? '' : e.profitable,
        e.fee,
        e.positionAfter,
        e.liquidity,
        e.midAtTrade,
      ]
        .map(field)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

export function marketSnapshotsCsv(snapshots: readonly SnapshotRecord[]): string {
  const lines = [MARKET_SNAPSHOT_COLUMNS.join(',')];
  for (const s of snapshots) {
    lines.push(
      [
        iso(s.ts),
        s.instrument,
        s.mid,
        s.spread,
        s.position,
        s.volatility,
        sumDepth(s),
        s.bid,
        s.ask,
        s.quoteBid,
        s.quoteAsk,
        s.bidDepth,
        s.askDepth,
        s.imbalance,
        s.equity,
        s.regime,
      ]
        .map(field)
        .join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Snapshots grouped by UTC date, for one `market_snapshots_{date}.csv` per day. */
export function snapshotsByDate(snapshots: readonly SnapshotRecord[]): Map<string, SnapshotRecord[]> {
  const days = new Map<string, SnapshotRecord[]>();
  for (const snapshot of snapshots) {
    const day = iso(snapshot.ts).slice(0, 10).replace(/-/g, '');
    let list = days.get(day);
    if (!list) days.set(day, (list = []));
    list.push(snapshot);
  }
  return days;
}

function sumDepth(s: SnapshotRecord): number {
  return Number.isNaN(s.bidDepth) || Number.isNaN(s.askDepth) ? NaN : s.bidDepth + s.askDepth;
}

function iso(ts: number): string {
  return new Date(ts).toISOString();
}

function field(value: string | number | boolean): string {
  if (typeof value === 'number') return Number.isNaN(value) ? '' : String(value);
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

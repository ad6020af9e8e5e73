/** Rows of the market-making tables (`mm_trades`, `mm_snapshots`) from a run's trade log and snapshots. */
import { kstDateOf } from '../../market/kst.ts';
import type { SnapshotRecord, TradeLogEntry } from '../../trading/types.ts';
import { daysFromIsoDate } from '../iceberg/index.ts';
import type { Row } from '../iceberg/index.ts';

export interface RunInfo {
  runId: string;
  strategy: string;
  /** KST trade dates for KRX instruments; UTC dates otherwise. */
  dateZone: 'kst' | 'utc';
}

const finite = (value: number) => (Number.isFinite(value) ? value : null);

function keys(run: RunInfo, instrument: string, ts: number): Row {
  const date = run.dateZone === 'kst' ? kstDateOf(ts) : new Date(ts).toISOString().slice(0, 10);
  return {
    run_id: run.runId,
    strategy: run.strategy,
    instrument,
    ts: BigInt(Math.round(ts * 1000)),
    trade_date: daysFromIsoDate(date),
  };
}

export function mmTradeRow(entry: TradeLogEntry, run: RunInfo): Row {
  return {
    ...keys(run, entry.instrument, entry.ts),
    side: entry.side,
    price: entry.price,
    amount: entry.quantity,
    cost: entry.cost,
    fee: entry.fee,
    rebate: entry.rebate,
    realized_pnl: entry.realizedPnl,
    position_after: entry.positionAfter,
    liquidity: entry.liquidity,
    spread_at_trade: finite(entry.spreadAtTrade),
    volatility: finite(entry.volatility),
    regime: entry.regime,
    orderbook_imbalance: finite(entry.orderbookImbalance),
    mid_at_trade: finite(entry.midAtTrade),
    profitable: entry.profitable ?? null,
    note: entry.note,
  };
}

export function mmSnapshotRow(snapshot: SnapshotRecord, run: RunInfo): Row {
  return {
    ...keys(run, snapshot.instrument, snapshot.ts),
    mid: finite(snapshot.mid),
    spread: finite(snapshot.spread),
    bid: finite(snapshot.bid),
    ask: finite(snapshot.ask),
    quote_bid: finite(snapshot.quoteBid),
    quote_ask: finite(snapshot.quoteAsk),
    position: snapshot.position,
    volatility: finite(snapshot.volatility),
    bid_depth: finite(snapshot.bidDepth),
    ask_depth: finite(snapshot.askDepth),
    imbalance: finite(snapshot.imbalance),
    equity: snapshot.equity,
    regime: snapshot.regime,
  };
}

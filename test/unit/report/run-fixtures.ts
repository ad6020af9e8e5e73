/** Record builders for report tests: every field filled, overrides for what a test is about. */
import type { SnapshotRecord, TradeLogEntry } from '../../../src/core/trading/types.ts';

export const HOUR = 3_600_000;
/** 2026-01-05 00:00 UTC = 09:00 KST, a Monday. */
export const JAN5 = Date.UTC(2026, 0, 5);

export function snapshot(
  overrides: Partial<SnapshotRecord> & Pick<SnapshotRecord, 'ts' | 'equity'>,
): SnapshotRecord {
  return {
    instrument: 'BTCUSDT',
    mid: 100,
    spread: 0.02,
    bid: 99.99,
    ask: 100.01,
    quoteBid: 99.95,
    quoteAsk: 100.05,
    position: 0,
    volatility: 0.0001,
    bidDepth: 5,
    askDepth: 5,
    imbalance: 0,
    regime: 'range',
    ...overrides,
  };
}

export function trade(
  overrides: Partial<TradeLogEntry> & Pick<TradeLogEntry, 'ts' | 'side' | 'price' | 'quantity'>,
): TradeLogEntry {
  return {
    instrument: 'BTCUSDT',
    cost: overrides.price * overrides.quantity,
    fee: 0,
    rebate: 0,
    realizedPnl: 0,
    positionAfter: 0,
    liquidity: 'maker',
    spreadAtTrade: 0.1,
    volatility: 0.0001,
    regime: 'range',
    orderbookImbalance: 0,
    midAtTrade: overrides.price,
    note: '',
    ...overrides,
  };
}

/**
 * The backtester: `runBacktest(events, config)` and its parts (fill models, latency, fees, instruments,
 * event sources for KRX ticks and synthetic streams, trade-log serialisation). The contracts it serves are
 * core/trading's (re-exported here for callers of the engine).
 */
export { runBacktest, runBacktestInterruptibly, runStream, SimDriver } from './driver.ts';
export type { DriverOptions, DriverStep } from './driver.ts';
export type { BacktestConfig, BacktestResult, InstrumentResult, RunStats } from './config.ts';
export type { FillModel, FillSink } from './fill-model.ts';
export { tradeThrough } from './trade-through.ts';
export type { TradeThroughOptions } from './trade-through.ts';
export { conservativeQueue, logQueueShare, powerQueueShare, probabilisticQueue } from './queue-fill.ts';
export type { QueueShare } from './queue-fill.ts';
export { constantLatency, empiricalLatency } from './latency.ts';
export type { LatencyModel } from './latency.ts';
export { BINANCE_SPOT_FEES, feeOf, KRX_OPTION_FEES, NO_FEES } from '../market/fees.ts';
export type { FeeConfig, FeeSchedule } from '../market/fees.ts';
export { syntheticEvents } from './synthetic-events.ts';
export type { SyntheticEventOptions } from './synthetic-events.ts';
export { TRADE_LOG_COLUMNS, tradeLogToCsv, tradeLogToJsonLines } from './trade-log.ts';
export { canonicalPrice } from './orders.ts';
export { floorToLot, lotsToQuantity, snapToLot, wholeLots } from './lots.ts';
export type * from '../trading/types.ts';

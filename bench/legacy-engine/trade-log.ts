/**
 * Serialising the extended trade log: CSV (the bot's columns first, then the ML fields) and JSON lines.
 * Numbers are written with JavaScript's shortest round-trip form, so equal logs give equal bytes; NaN is
 * written as an empty CSV field and as null in JSON.
 */
import type { TradeLogEntry } from '../../src/core/trading/types.ts';

export const TRADE_LOG_COLUMNS = [
  'ts',
  'instrument',
  'side',
  'price',
  'quantity',
  'cost',
  'fee',
  'rebate',
  'realizedPnl',
  'positionAfter',
  'liquidity',
  'spreadAtTrade',
  'volatility',
  'regime',
  'orderbookImbalance',
  'midAtTrade',
  'profitable',
  'note',
] as const satisfies ReadonlyArray<keyof TradeLogEntry>;

export function tradeLogToCsv(entries: readonly TradeLogEntry[]): string {
  const lines = [TRADE_LOG_COLUMNS.join(',')];
  for (const entry of entries)
    lines.push(TRADE_LOG_COLUMNS.map((column) => csvField(entry[column])).join(','));
  return lines.join('\n') + '\n';
}

export function tradeLogToJsonLines(entries: readonly TradeLogEntry[]): string {
  let out = '';
  for (const entry of entries) {
    const row: Record<string, unknown> = {};
    for (const column of TRADE_LOG_COLUMNS) {
      const value = entry[column];
      row[column] = typeof value === 'number' && !Number.isFinite(value) ? null : (value ?? null);
    }
    out += JSON.stringify(row) + '\n';
  }
  return out;
}

function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return Number.isNaN(value) ? '' : String(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  return /[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** Plain-text tables and CSV for query results and summaries; the figure formatters the CLI shares with reports. */
import type { QueryValue } from '../core/ports/query-engine.ts';
import type { Currency } from '../core/report/format.ts';
import { CURRENCIES, formatMoney, formatRatio, KRW, USDT } from '../core/report/format.ts';
import type { RunEntry } from '../usecases/run-index.ts';
import { marketProfile } from '../usecases/market-profile.ts';
import type { Market } from '../usecases/market-profile.ts';

export {
  formatCount,
  formatMoney,
  formatPercent,
  formatPrice,
  formatRatio,
  KRW,
  USDT,
} from '../core/report/format.ts';

/**
 * Rows as aligned text: text columns padded right, numeric ones (every value a number or null) left.
 * Loops, not `Math.max(...cells)`: a spread passes every row as an argument and overflows the stack
 * above ~200k rows.
 */
export function textTable(headers: string[], rows: QueryValue[][]): string[] {
  const widths = headers.map((header) => header.length);
  const numeric = headers.map(() => rows.length > 0);
  const cells = rows.map((row) =>
    headers.map((_, i) => {
      const value = row[i] ?? null;
      if (typeof value !== 'number' && value !== null) numeric[i] = false;
      const text = cellText(value);
      if (text.length > widths[i]!) widths[i] = text.length;
      return text;
    }),
  );
  const line = (values: string[]) =>
    values
      .map((value, i) => (numeric[i] ? value.padStart(widths[i]!) : value.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const lines = [line(headers), widths.map((w) => '-'.repeat(w)).join('  ')];
  for (const row of cells) lines.push(line(row));
  return lines;
}

export function csv(headers: string[], rows: QueryValue[][]): string[] {
  const field = (value: QueryValue) => {
    const text = value === null ? '' : String(value);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  return [headers.map(field).join(','), ...rows.map((row) => row.map(field).join(','))];
}

/** Values as the engine returned them (no thousands separators: results are often copied into scripts). */
function cellText(value: QueryValue): string {
  return value === null ? 'NULL' : String(value);
}

/** The currency of a market's money figures. */
export function marketCurrency(market: Market): Currency {
  return CURRENCIES[marketProfile(market).currency];
}

/** An indexed run's PnL or best value: money with its unit, or a ratio (a Sharpe objective). */
export function formatRunValue(run: Pick<RunEntry, 'value' | 'currency' | 'measure'>): string {
  if (run.value === null || run.value === undefined) return '–';
  const money = run.currency === KRW.code ? KRW : run.currency === USDT.code ? USDT : undefined;
  const text = money ? formatMoney(run.value, money, { unit: true }) : formatRatio(run.value);
  return run.measure === 'pnl' ? text : `${run.measure} ${text}`;
}

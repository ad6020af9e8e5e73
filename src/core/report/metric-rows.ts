/**
 * RunMetrics as labelled rows (label, formatted value, how it was computed), shared by the HTML report
 * and any text output. The notes carry the conventions (annualisation, CVaR method) next to the numbers.
 */
import type { Currency, DisplayZone } from './format.ts';
import {
  formatCompact,
  formatCount,
  formatDateTime,
  formatMoney,
  formatPercent,
  formatRatio,
  UTC_ZONE,
} from './format.ts';
import type { RunMetrics } from './metrics.ts';

export interface MetricRow {
  label: string;
  value: string;
  note: string;
}

/** Money of unknown currency: two decimals, no unit. */
export const UNSPECIFIED_CURRENCY: Currency = Object.freeze({ code: '', decimals: 2, feeDecimals: 4 });

export function metricRows(
  metrics: RunMetrics,
  zone: DisplayZone = UTC_ZONE,
  currency: Currency = UNSPECIFIED_CURRENCY,
): MetricRow[] {
  const { returns, maxDrawdown, inventory, liquidity, fees, fillRate, turnover, profitableTrades } = metrics;
  const closed = metrics.closedTrades;
  const money = (value: number) => formatMoney(value, currency, { unit: currency.code !== '' });
  return [
    {
      label: 'Total PnL',
      value: money(metrics.totalPnl),
      note: `final equity ${money(metrics.finalEquity)} − initial capital ${money(metrics.initialCapital)}`,
    },
    { label: 'Total return', value: formatPercent(metrics.totalReturn), note: 'total PnL / initial capital' },
    {
      label: 'Period',
      value: `${metrics.period.days} day(s)`,
      note: `${formatDateTime(metrics.period.startMs, zone)} to ${formatDateTime(metrics.period.endMs, zone)} ${zone.label}; ${formatCount(metrics.period.snapshots)} snapshots, ${formatCount(metrics.period.fills)} fills`,
    },
    {
      label: 'Sharpe (annualised)',
      value: formatRatio(returns.sharpe),
      note: `${returns.method}. Basis ${returns.basisReason}`,
    },
    {
      label: 'Sortino (annualised)',
      value: formatRatio(returns.sortino),
      note: `same ${returns.basis} returns; downside deviation ${formatCompact(returns.downsideDeviation)} per period`,
    },
    {
      label: 'Max drawdown',
      value: `${money(maxDrawdown.amount)} (${formatPercent(maxDrawdown.fraction)})`,
      note:
        `largest fall from a running peak (from the initial capital); in currency from ` +
        `${formatDateTime(maxDrawdown.peakTs, zone)} to ${formatDateTime(maxDrawdown.troughTs, zone)}; ` +
        'the percentage is the largest fall relative to its own peak',
    },
    {
      label: `CVaR ${formatPercent(metrics.cvar.level, 0)}`,
      value: formatPercent(metrics.cvar.value, 4),
      note: metrics.cvar.method,
    },
    {
      label: 'Turnover',
      value: `${formatRatio(turnover.turnover)} ×`,
      note: `${money(turnover.tradedNotional)} traded; ${turnover.method}`,
    },
    {
      label: 'Fill rate',
      value: formatPercent(fillRate.rate),
      note: `${formatCount(fillRate.fills)} fills / ${formatCount(fillRate.ordersSent)} orders sent`,
    },
    {
      label: 'Inventory',
      value: `mean |q| ${formatCompact(inventory.meanAbsPosition)}, max |q| ${formatCompact(inventory.maxAbsPosition)}`,
      note:
        `time-weighted mean position ${formatCompact(inventory.meanPosition)}; flat ${formatPercent(inventory.fractionFlat)} ` +
        'of market time (averages over market-time snapshots; max also over fills)',
    },
    {
      label: 'Maker / taker',
      value: `${formatCount(liquidity.makerFills)} / ${formatCount(liquidity.takerFills)}`,
      note: `maker share ${formatPercent(liquidity.makerShare)} of fills, ${formatPercent(liquidity.makerNotionalShare)} of notional`,
    },
    {
      label: 'Fees',
      value: money(fees.netFees),
      note: `net: ${money(fees.feesPaid)} paid − ${money(fees.rebates)} rebates received`,
    },
    {
      label: 'Profitable trades',
      value: formatPercent(profitableTrades.ratio),
      note: `${formatCount(profitableTrades.profitable)} of ${formatCount(profitableTrades.labelled)} labelled fills (mark-to-mid a fixed horizon later, net of the fee)`,
    },
    {
      label: 'Hit rate',
      value: formatPercent(closed.hitRate),
      note: `${formatCount(closed.winning)} winning of ${formatCount(closed.closing)} closing fills; ${closed.method}`,
    },
    {
      label: 'Profit factor',
      value: formatRatio(closed.profitFactor),
      note: `gross profit ${money(closed.grossProfit)} / gross loss ${money(closed.grossLoss)} of the closing fills; ${closed.method}`,
    },
  ];
}

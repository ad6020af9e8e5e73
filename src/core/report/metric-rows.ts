/**
 * RunMetrics as labelled rows (label, formatted value, how it was computed), shared by the HTML report
 * and any text output. The notes carry the conventions (annualisation, CVaR method) next to the numbers.
 */
import type { DisplayZone } from './format.ts';
import { formatCompact, formatDateTime, formatNumber, formatPercent, UTC_ZONE } from './format.ts';
import type { RunMetrics } from './metrics.ts';

export interface MetricRow {
  label: string;
  value: string;
  note: string;
}

export function metricRows(metrics: RunMetrics, zone: DisplayZone = UTC_ZONE): MetricRow[] {
  const { returns, maxDrawdown, inventory, liquidity, fees, fillRate, turnover, profitableTrades } = metrics;
  return [
    {
      label: 'Total PnL',
      value: formatNumber(metrics.totalPnl),
      note: `final equity ${formatNumber(metrics.finalEquity)} − initial capital ${formatNumber(metrics.initialCapital)}`,
    },
    { label: 'Total return', value: formatPercent(metrics.totalReturn), note: 'total PnL / initial capital' },
    {
      label: 'Period',
      value: `${metrics.period.days} day(s)`,
      note: `${formatDateTime(metrics.period.startMs, zone)} to ${formatDateTime(metrics.period.endMs, zone)} ${zone.label}; ${metrics.period.snapshots} snapshots, ${metrics.period.fills} fills`,
    },
    {
      label: 'Sharpe (annualised)',
      value: formatNumber(returns.sharpe),
      note: `${returns.method}. Basis ${returns.basisReason}`,
    },
    {
      label: 'Sortino (annualised)',
      value: formatNumber(returns.sortino),
      note: `same ${returns.basis} returns; downside deviation ${formatCompact(returns.downsideDeviation)} per period`,
    },
    {
      label: 'Max drawdown',
      value: `${formatNumber(maxDrawdown.amount)} (${formatPercent(maxDrawdown.fraction)})`,
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
      value: `${formatNumber(turnover.turnover)} ×`,
      note: `${formatNumber(turnover.tradedNotional)} traded; ${turnover.method}`,
    },
    {
      label: 'Fill rate',
      value: formatPercent(fillRate.rate),
      note: `${fillRate.fills} fills / ${fillRate.ordersSent} orders sent`,
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
      value: `${liquidity.makerFills} / ${liquidity.takerFills}`,
      note: `maker share ${formatPercent(liquidity.makerShare)} of fills, ${formatPercent(liquidity.makerNotionalShare)} of notional`,
    },
    {
      label: 'Fees',
      value: formatNumber(fees.netFees),
      note: `net: ${formatNumber(fees.feesPaid)} paid − ${formatNumber(fees.rebates)} rebates received`,
    },
    {
      label: 'Profitable trades',
      value: formatPercent(profitableTrades.ratio),
      note: `${profitableTrades.profitable} of ${profitableTrades.labelled} labelled fills (mark-to-mid a fixed horizon later, net of the fee)`,
    },
  ];
}

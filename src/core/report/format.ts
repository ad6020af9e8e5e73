/**
 * Number and time formats for reports. Locale-free (no toLocaleString, no Intl) so a report renders the
 * same bytes on every machine: reports are compared and archived.
 */

/** Fixed decimals with thousands separators: 1234567.891 → "1,234,567.89"; NaN → "–"; ±Infinity → "∞". */
export function formatNumber(value: number, decimals = 2): string {
  if (Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const fixed = Math.abs(value).toFixed(decimals);
  const [whole, fraction] = fixed.split('.') as [string, string | undefined];
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const sign = value < 0 && Number(fixed) !== 0 ? '−' : '';
  return `${sign}${grouped}${fraction === undefined ? '' : `.${fraction}`}`;
}

/** A fraction as a percentage: 0.0512 → "5.12 %". */
export function formatPercent(fraction: number, decimals = 2): string {
  return Number.isFinite(fraction) ? `${formatNumber(fraction * 100, decimals)} %` : formatNumber(fraction);
}

/** Up to `significant` significant digits, for prices and quantities of any scale: 0.000123456 → "0.000123". */
export function formatCompact(value: number, significant = 6): string {
  if (!Number.isFinite(value)) return formatNumber(value);
  if (value === 0) return '0';
  const text = String(Number(value.toPrecision(significant)));
  return text.startsWith('-') ? `−${text.slice(1)}` : text;
}

/**
 * One formatter per kind of figure, shared by the CLI and the reports, so a figure reads the same
 * everywhere: money in its currency's decimals (KRW whole won: "−1,234,567", no ".00"), prices with the
 * decimals of their instrument's tick, percentages, counts, and ratios (Sharpe, profit factor).
 */

/** A currency and the decimals its amounts are shown with. */
export interface Currency {
  code: string;
  decimals: number;
  /** Decimals of fees and rebates, which are small per fill (USDT: 4; KRW: whole won). */
  feeDecimals: number;
}

export const KRW: Currency = Object.freeze({ code: 'KRW', decimals: 0, feeDecimals: 0 });
export const USDT: Currency = Object.freeze({ code: 'USDT', decimals: 2, feeDecimals: 4 });

/** The currencies by code. */
export const CURRENCIES: Readonly<Record<'KRW' | 'USDT', Currency>> = Object.freeze({ KRW, USDT });

/** An amount of money: 1234567.4 KRW → "1,234,567" ("1,234,567 KRW" with `unit`). */
export function formatMoney(
  value: number,
  currency: Currency,
  options: { unit?: boolean; decimals?: number } = {},
): string {
  const text = formatNumber(value, options.decimals ?? currency.decimals);
  return options.unit === true && Number.isFinite(value) ? `${text} ${currency.code}` : text;
}

/** The instrument's tick at a price: a fixed size, or a function of the price (KRX options: 0.01 / 0.05). */
export type TickSize = number | ((price: number) => number);

/** A price with the decimals of its tick: 3.4 on a 0.01 tick → "3.40", 97123.4 on 0.01 → "97,123.40". */
export function formatPrice(value: number, tick: TickSize): string {
  if (!Number.isFinite(value)) return formatNumber(value);
  return formatNumber(value, tickDecimals(typeof tick === 'function' ? tick(value) : tick));
}

/** Decimals needed to write a tick size exactly: 0.05 → 2, 0.5 → 1, 1 → 0, 0.00001 → 5. */
export function tickDecimals(tick: number): number {
  if (!(tick > 0) || !Number.isFinite(tick)) return 2;
  for (let decimals = 0; decimals < 12; decimals++) {
    const scaled = tick * 10 ** decimals;
    if (Math.abs(scaled - Math.round(scaled)) < 1e-9 * Math.max(1, scaled)) return decimals;
  }
  return 12;
}

/** A count: 1234567 → "1,234,567". */
export function formatCount(value: number): string {
  return formatNumber(value, 0);
}

/** A dimensionless ratio (Sharpe, Sortino, profit factor, turnover): two decimals. */
export function formatRatio(value: number): string {
  return formatNumber(value, 2);
}

/** A wall-clock time zone for display: UTC, or e.g. KST (offset 9 h). */
export interface DisplayZone {
  offsetMs: number;
  label: string;
}

export const UTC_ZONE: DisplayZone = { offsetMs: 0, label: 'UTC' };

/** 'YYYY-MM-DD hh:mm:ss' in the zone. */
export function formatDateTime(ts: number, zone: DisplayZone = UTC_ZONE): string {
  if (!Number.isFinite(ts)) return '–';
  return new Date(ts + zone.offsetMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** 'hh:mm:ss' in the zone. */
export function formatClock(ts: number, zone: DisplayZone = UTC_ZONE): string {
  if (!Number.isFinite(ts)) return '–';
  return new Date(ts + zone.offsetMs).toISOString().slice(11, 19);
}

/** A duration: "45 s", "12.5 min", "3.2 h", "2.0 d". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 60_000) return `${formatNumber(ms / 1000, 0)} s`;
  if (ms < 3_600_000) return `${formatNumber(ms / 60_000, 1)} min`;
  if (ms < 86_400_000) return `${formatNumber(ms / 3_600_000, 1)} h`;
  return `${formatNumber(ms / 86_400_000, 1)} d`;
}

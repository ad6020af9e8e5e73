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

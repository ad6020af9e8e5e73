/**
 * Number formats for the gate's messages. Locale-free (toFixed, never toLocaleString) so a message is the
 * same on every machine and a replay of a run logs byte-identical reasons.
 */

/** Money and other amounts: two decimals, e.g. 51.2 → "51.20". */
export function money(value: number): string {
  return Number.isFinite(value) ? value.toFixed(2) : String(value);
}

/** A fraction as a percentage with two decimals, e.g. 0.052 → "5.20 %". */
export function percent(fraction: number): string {
  return Number.isFinite(fraction) ? `${(fraction * 100).toFixed(2)} %` : String(fraction);
}

/** Quantities (contracts or base units down to 1e-8 BTC): up to 8 decimals, trailing zeros dropped. */
export function quantity(value: number): string {
  return Number.isFinite(value) ? String(Number(value.toFixed(8))) : String(value);
}

/** A duration in seconds with two decimals, e.g. 12_500 → "12.50 s". */
export function seconds(ms: number): string {
  return Number.isFinite(ms) ? `${(ms / 1000).toFixed(2)} s` : String(ms);
}

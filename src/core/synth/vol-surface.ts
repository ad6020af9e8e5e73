/**
 * The implied-volatility smile of the synthetic option market, fitted on the real day (2025-12-01, 26
 * trading days to the January expiry): every out-of-the-money trade's implied volatility against
 * k = ln(K/S), with S from put–call parity. The fit (least squares on log premiums) is
 *
 *   σ(k) = σ_atm + a·(√(k² + δ²) − δ) + b·k,   a = 0.48, b = −0.2625, δ = 0.05, σ_atm = 0.272 that day
 *
 * which gives 0.70 at k = −0.6 (deep puts), 0.27 at the money and 0.30 at k = +0.2 (the KOSPI200 put
 * skew). The regime sets σ_atm; the shape is fixed. For other maturities k is measured in units of
 * √T relative to the fitted maturity, so the smile steepens towards expiry as real smiles do.
 */
export const SMILE = {
  curvature: 0.48,
  slope: -0.2625,
  width: 0.05,
  fittedYears: 26 / 252,
  minVolatility: 0.05,
  maxVolatility: 2.5,
} as const;

export function smileVolatility(atmVol: number, spot: number, strike: number, years: number): number {
  const scale = Math.sqrt(SMILE.fittedYears / Math.max(years, 1e-6));
  const k = Math.log(strike / spot) * scale;
  const vol =
    atmVol + SMILE.curvature * (Math.sqrt(k * k + SMILE.width * SMILE.width) - SMILE.width) + SMILE.slope * k;
  return Math.min(SMILE.maxVolatility, Math.max(SMILE.minVolatility, vol));
}

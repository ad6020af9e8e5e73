/**
 * The Avellaneda–Stoikov (2008) formulas, as pure functions of their inputs (Seed B's bot):
 *
 *   reservation price   r = s − q·γ·σ²·τ
 *   optimal spread      δ = γ·σ²·τ + (2/γ)·ln(1 + γ/κ)
 *   quotes              bid = r − δ/2,  ask = r + δ/2
 *
 * They hold in any consistent units: σ² is the variance of s per unit of time, τ the time left in that
 * unit, κ the decay of fill intensity per unit of price distance, γ the risk aversion per unit of wealth
 * and q the inventory in the units each fill changes it by. The replication test uses the paper's
 * absolute units (s = 100, σ = 2 per √year-of-the-game, κ = 1.5 per price unit); the strategy uses
 * units relative to the mid (s = 1, σ of simple returns, κ per fraction of the mid), see
 * avellaneda-stoikov.ts. Nothing here allocates.
 */

/** r = s − q·γ·σ²·τ: the mid shifted against the inventory (long → lower, short → higher). */
export function reservationPrice(s: number, q: number, gamma: number, sigma: number, tau: number): number {
  return s - q * gamma * sigma * sigma * tau;
}

/**
 * δ = γσ²τ + (2/γ)·ln(1 + γ/κ), the total optimal spread (ask − bid). As γ → 0 the second term tends to
 * 2/κ, which is returned for γ = 0 instead of 0/0. `log1p` keeps precision when γ/κ is small (Seed B's
 * presets have γ/κ between 5·10⁻⁴ and 1.5·10⁻³).
 */
export function optimalSpread(gamma: number, sigma: number, tau: number, kappa: number): number {
  const liquidityTerm = gamma === 0 ? 2 / kappa : (2 / gamma) * Math.log1p(gamma / kappa);
  return gamma * sigma * sigma * tau + liquidityTerm;
}

/** Clamps a spread into [min, max]; when the bounds cross, the minimum wins (never tighter than min). */
export function clampSpread(spread: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, spread));
}

/** The raw (unrounded) quotes around a reservation price. */
export interface QuotePair {
  bid: number;
  ask: number;
}

/** bid = r − δ/2, ask = r + δ/2, written into `out` (callers reuse one object in hot loops). */
export function quotesAround(reservation: number, spread: number, out: QuotePair): QuotePair {
  out.bid = reservation - spread / 2;
  out.ask = reservation + spread / 2;
  return out;
}

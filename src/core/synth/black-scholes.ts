/**
 * Black–Scholes prices of European, cash-settled KOSPI200 options (no dividends): what the synthetic
 * market trades around. Times are in years of trading time (see `yearsToExpiry`).
 */
import type { OptionSide } from '../market/krx-code.ts';

/** KRW rates were near 3 % in 2025; the rate barely matters at these maturities. */
export const RISK_FREE_RATE = 0.03;

/**
 * Standard normal CDF through erfc (Numerical Recipes' Chebyshev fit, relative error < 1.2e-7 in both
 * tails), so far out-of-the-money premiums of a few hundredths stay accurate.
 */
export function normalCdf(x: number): number {
  return 0.5 * erfc(-x / Math.SQRT2);
}

function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}

/** The premium in index points; at or after expiry, the discounted-nothing intrinsic value. */
export function blackScholes(
  side: OptionSide,
  spot: number,
  strike: number,
  years: number,
  volatility: number,
  rate = RISK_FREE_RATE,
): number {
  if (years <= 0 || volatility <= 0) return Math.max(side === 'CALL' ? spot - strike : strike - spot, 0);
  const sqrtT = Math.sqrt(years);
  const d1 =
    (Math.log(spot / strike) + (rate + 0.5 * volatility * volatility) * years) / (volatility * sqrtT);
  const d2 = d1 - volatility * sqrtT;
  const discountedStrike = strike * Math.exp(-rate * years);
  return side === 'CALL'
    ? spot * normalCdf(d1) - discountedStrike * normalCdf(d2)
    : discountedStrike * normalCdf(-d2) - spot * normalCdf(-d1);
}

/** The volatility that reproduces a premium (bisection; undefined when the premium is below intrinsic). */
export function impliedVolatility(
  side: OptionSide,
  premium: number,
  spot: number,
  strike: number,
  years: number,
  rate = RISK_FREE_RATE,
): number | undefined {
  let lo = 0.005;
  let hi = 4;
  if (premium <= blackScholes(side, spot, strike, years, lo, rate)) return undefined;
  if (premium >= blackScholes(side, spot, strike, years, hi, rate)) return undefined;
  for (let i = 0; i < 60; i++) {
    const mid = 0.5 * (lo + hi);
    if (blackScholes(side, spot, strike, years, mid, rate) > premium) hi = mid;
    else lo = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Replication of Avellaneda & Stoikov (2008), section 4, the "inventory strategy", in the setting mbt_gym
 * (Jerome, Sánchez-Betancourt, Savani, Herdegen) uses to reproduce it, computed with this project's
 * formula functions so the test checks them:
 *
 *   mid          Brownian, S₀ = 100, σ = 2, T = 1, 200 steps (dt = 0.005); each step adds σ·√dt·N(0, 1)
 *                (mbt_gym's BrownianMotionMidpriceModel; the paper itself used ±σ√dt coin flips)
 *   order flow   per step and side, an arrival with probability A·dt = 140 · 0.005 = 0.7, which fills a
 *                quote at depth δ from the mid with probability e^(−kδ), k = 1.5 (mbt_gym's
 *                PoissonArrivalModel and ExponentialFillFunction; a negative depth always fills)
 *   quotes       γ = 0.1, τ = T − t: r = S − qγσ²τ, δ = γσ²τ + (2/γ)·ln(1 + γ/k), bid/ask = r ∓ δ/2
 *   step order   quotes from (t, q, S) → fills at the quoted prices → the mid moves (mbt_gym's order)
 *   PnL          cash + q·S_T at T; one unit per fill; 1,000 paths
 *
 * The paper reports for this strategy a mean spread of 1.49 and a profit of 64.87 (s.d. 6.69). The spread
 * is deterministic here: the mean over the 200 decision times t = 0, dt, …, 199·dt of 0.4·(1 − t) +
 * 1.2907704 is 0.4 · 0.5025 + 1.2907704 = 1.4917704.
 */
import { describe, expect, it } from 'vitest';
import { optimalSpread, quotesAround, reservationPrice } from '../../../src/core/strategy/as-formulas.ts';
import { Random } from '../../../src/core/math/random.ts';

const S0 = 100;
const SIGMA = 2;
const T = 1;
const STEPS = 200;
const DT = T / STEPS;
const A = 140;
const K = 1.5;
const GAMMA = 0.1;
const PATHS = 1000;
const SEED = ['avellaneda-stoikov-2008', 'mbt_gym-replication'] as const;

interface ReplicationResult {
  meanSpread: number;
  pnlMean: number;
  pnlStd: number;
  inventoryStd: number;
}

function replicate(): ReplicationResult {
  const rng = Random.derive(...SEED);
  const quotes = { bid: NaN, ask: NaN };
  const arrivalProbability = A * DT;
  let spreadSum = 0;
  let pnlSum = 0;
  let pnlSquares = 0;
  let inventorySquares = 0;
  for (let path = 0; path < PATHS; path++) {
    let s = S0;
    let q = 0;
    let cash = 0;
    for (let step = 0; step < STEPS; step++) {
      const tau = T - step * DT;
      const spread = optimalSpread(GAMMA, SIGMA, tau, K);
      quotesAround(reservationPrice(s, q, GAMMA, SIGMA, tau), spread, quotes);
      spreadSum += spread;
      const bidArrives = rng.float() < arrivalProbability;
      const askArrives = rng.float() < arrivalProbability;
      const bidFills = rng.float() < Math.exp(-K * (s - quotes.bid));
      const askFills = rng.float() < Math.exp(-K * (quotes.ask - s));
      if (bidArrives && bidFills) {
        q += 1;
        cash -= quotes.bid;
      }
      if (askArrives && askFills) {
        q -= 1;
        cash += quotes.ask;
      }
      s += SIGMA * Math.sqrt(DT) * rng.normal();
    }
    const pnl = cash + q * s;
    pnlSum += pnl;
    pnlSquares += pnl * pnl;
    inventorySquares += q * q;
  }
  const pnlMean = pnlSum / PATHS;
  return {
    meanSpread: spreadSum / (PATHS * STEPS),
    pnlMean,
    pnlStd: Math.sqrt((pnlSquares - PATHS * pnlMean * pnlMean) / (PATHS - 1)),
    inventoryStd: Math.sqrt(inventorySquares / PATHS),
  };
}

describe('Avellaneda–Stoikov (2008) replicated as mbt_gym does it', () => {
  it('matches the paper: mean spread 1.49, profit 64.87 (s.d. 6.69)', () => {
    const result = replicate();
    console.log(
      `A&S replication (${PATHS} paths, seed ${SEED.join('/')}): mean spread ${result.meanSpread.toFixed(4)}, ` +
        `PnL ${result.pnlMean.toFixed(2)} ± ${result.pnlStd.toFixed(2)} (s.d.), final inventory s.d. ` +
        `${result.inventoryStd.toFixed(2)}; paper: 1.49, 64.87 ± 6.69`,
    );
    expect(result.meanSpread).toBeCloseTo(1.4917704, 6);
    expect(Math.abs(result.meanSpread / 1.49 - 1)).toBeLessThan(0.02);
    expect(Math.abs(result.pnlMean / 64.87 - 1)).toBeLessThan(0.05);
    // The standard deviation is a property of the strategy too: within 15 % of the paper's.
    expect(Math.abs(result.pnlStd / 6.69 - 1)).toBeLessThan(0.15);
  });

  it('is reproducible from its seed', () => {
    expect(replicate()).toEqual(replicate());
  });
});

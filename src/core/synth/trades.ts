/**
 * The trades of one side (calls or puts) on one synthetic day, code by code in strike order and by time
 * within a code — the order KRX files use — as a lazy stream, so a 3-million-tick day never sits in
 * memory: only one code's trades do.
 *
 * Per code and minute, orders arrive as a Poisson process whose rate is the day's order budget × the
 * intraday profile × the code's share of interest at the current level (activity.ts). Each order is a
 * burst of fills priced off Black–Scholes at the second it trades: buyers lift the ask, sellers hit the
 * bid, later fills of a burst keep the price or walk the book one tick.
 */
import type { OptionSide } from '../market/krx-code.ts';
import {
  BURSTS,
  CLOSING_CALL_SECONDS,
  CLOSING_PRINT_PROBABILITY,
  CODE_WEIGHTS,
  SIDE_SHARE,
  codeWeight,
  halfSpread,
  intradayProfile,
  meanBurstSize,
  sampleBurstSize,
  sampleContracts,
  sampleFillDelay,
} from './activity.ts';
import { blackScholes } from './black-scholes.ts';
import { ceilToGrid, floorToGrid, stepOnGrid } from './premium-grid.ts';
import { Random } from '../math/random.ts';
import type { SessionPath } from './underlying.ts';
import { smileVolatility } from './vol-surface.ts';

/** One trade tick, prices in hundredths of a point. */
export interface SynthTick {
  code: string;
  /** The strike in points (542.5); KRX writes its integer part. */
  strike: number;
  /** KST seconds since midnight. */
  second: number;
  tcnt: number;
  c: number;
  o: number;
  h: number;
  l: number;
  ccnt: number;
}

/** Everything about a day the trade model needs. */
export interface TradingDay {
  date: string;
  ymcode: string;
  path: SessionPath;
  /** Strikes of the month's ladder, ascending, with their codes for this side. */
  listing: ReadonlyArray<{ strike: number; code: string }>;
  /** Years to expiry at a second after the open. */
  yearsAt(secondFromOpen: number): number;
}

/** KRX's `tcnt` counts down per code and wraps from 0 to 898. */
export const TCNT_MODULUS = 899;

export interface SideTradeOptions {
  seed: string;
  /** Approximate ticks per side per day (the sides get SIDE_SHARE of it). */
  ticksPerDay: number;
}

export function* sideTicks(
  day: TradingDay,
  side: OptionSide,
  options: SideTradeOptions,
): Generator<SynthTick> {
  const { path, listing } = day;
  const continuousEnd = Math.max(60, path.seconds - CLOSING_CALL_SECONDS);
  const minutes = Math.ceil(continuousEnd / 60);
  const profile = intradayProfile(minutes);
  const orders = (options.ticksPerDay * SIDE_SHARE[side]) / meanBurstSize();
  const rates = orderRates(day, side, options.seed, profile, orders);

  for (let i = 0; i < listing.length; i++) {
    const { strike, code } = listing[i]!;
    const rng = Random.derive(options.seed, 'trades', day.date, side, code);
    const fills = codeFills(day, side, strike, rates[i]!, continuousEnd, rng);
    if (fills.length === 0) continue;
    if (rng.bernoulli(CLOSING_PRINT_PROBABILITY)) {
      fills.push({
        at: path.seconds,
        price: midPrice(day, side, strike, path.seconds),
        contracts: sampleContracts(rng),
      });
    }
    let tcnt = rng.int(TCNT_MODULUS);
    const open = fills[0]!.price;
    let high = open;
    let low = open;
    for (const fill of fills) {
      if (fill.price > high) high = fill.price;
      if (fill.price < low) low = fill.price;
      yield {
        code,
        strike,
        second: path.openSecond + fill.at,
        tcnt,
        c: fill.price,
        o: open,
        h: high,
        l: low,
        ccnt: fill.contracts,
      };
      tcnt = tcnt === 0 ? TCNT_MODULUS - 1 : tcnt - 1;
    }
  }
}

interface Fill {
  /** Seconds after the open. */
  at: number;
  price: number;
  contracts: number;
}

/**
 * Expected orders per code and continuous minute. A code's share follows the level minute by minute, so
 * a rally moves trading up the ladder; its popularity is fixed for the month.
 */
function orderRates(
  day: TradingDay,
  side: OptionSide,
  seed: string,
  profile: Float64Array,
  orders: number,
): Float64Array[] {
  const { listing, path } = day;
  const sigma = CODE_WEIGHTS.popularityLogStdDev;
  const popularity = listing.map(({ strike }) =>
    Math.exp(
      sigma * Random.derive(seed, 'popularity', day.ymcode, side, strike).normal() - 0.5 * sigma * sigma,
    ),
  );
  const endIndex = side === 'CALL' ? listing.length - 1 : 0;
  const rates = listing.map(() => new Float64Array(profile.length));
  const weights = new Float64Array(listing.length);
  for (let m = 0; m < profile.length; m++) {
    const spot = path.spot[m * 60]!;
    let total = 0;
    for (let i = 0; i < listing.length; i++) {
      weights[i] = codeWeight(side, listing[i]!.strike, spot, i === endIndex) * popularity[i]!;
      total += weights[i]!;
    }
    const budget = orders * profile[m]!;
    for (let i = 0; i < listing.length; i++) rates[i]![m] = (budget * weights[i]!) / total;
  }
  return rates;
}

function codeFills(
  day: TradingDay,
  side: OptionSide,
  strike: number,
  rates: Float64Array,
  continuousEnd: number,
  rng: Random,
): Fill[] {
  const fills: Fill[] = [];
  for (let m = 0; m < rates.length; m++) {
    const count = rng.poisson(rates[m]!);
    for (let k = 0; k < count; k++) {
      let at = m * 60 + rng.int(60);
      if (at >= continuousEnd) continue;
      const buyer = rng.bernoulli(0.5);
      const theoretical = theoreticalPremium(day, side, strike, at);
      const spread = halfSpread(theoretical);
      let price = buyer ? ceilToGrid(theoretical + spread) : floorToGrid(theoretical - spread);
      const size = sampleBurstSize(rng);
      for (let n = 0; n < size && at < continuousEnd; n++) {
        fills.push({ at, price, contracts: sampleContracts(rng) });
        at += sampleFillDelay(rng);
        if (!rng.bernoulli(BURSTS.samePriceProbability)) price = stepOnGrid(price, buyer ? 1 : -1);
      }
    }
  }
  // Orders were drawn minute by minute but at random seconds, and bursts spill over: order by time.
  // Array.prototype.sort is stable, so fills in the same second keep their burst order.
  return fills.sort((a, b) => a.at - b.at);
}

function theoreticalPremium(day: TradingDay, side: OptionSide, strike: number, at: number): number {
  const spot = day.path.spot[at]!;
  const years = day.yearsAt(at);
  const vol = smileVolatility(day.path.atmVol[at]!, spot, strike, years);
  return blackScholes(side, spot, strike, years, vol);
}

/** The closing call prints at the model price rounded to the nearest grid price. */
function midPrice(day: TradingDay, side: OptionSide, strike: number, at: number): number {
  const theoretical = theoreticalPremium(day, side, strike, at);
  const down = floorToGrid(theoretical);
  const up = ceilToGrid(theoretical);
  return theoretical * 100 - down <= up - theoretical * 100 ? down : up;
}

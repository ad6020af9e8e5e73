/**
 * The synthetic KRX market, one trading day after another: the regime chain and the KOSPI200 path carry
 * over between days (with an overnight gap), the front month rolls after its expiry day, and each
 * month's strike ladder is centred on the level of its first generated day.
 *
 * Randomness streams, all derived from the seed: 'regimes' (the regime chain), 'underlying' (the price
 * path and gaps), 'popularity' per month/side/strike, 'trades' per day/side/code. Days must be generated
 * in order; a day's ticks are computed lazily and identically however often they are iterated.
 */
import { isTradingDay, sessionOf, tradingDays } from '../market/krx-calendar.ts';
import type { Session } from '../market/krx-calendar.ts';
import type { OptionSide } from '../market/krx-code.ts';
import { addDays } from '../market/kst.ts';
import type { IsoDate } from '../market/kst.ts';
import { DEFAULT_TICKS_PER_DAY } from './activity.ts';
import { contractMonth, hhmmssOf, optionCode, secondsOf, strikeLadder } from './contract-month.ts';
import type { ContractMonth } from './contract-month.ts';
import { Random } from '../math/random.ts';
import { RegimeProcess } from './regimes.ts';
import type { Regime } from './regimes.ts';
import { sideTicks } from './trades.ts';
import type { SynthTick, TradingDay } from './trades.ts';
import { applyOvernightGap, initialUnderlyingState, minuteClose, simulateSession } from './underlying.ts';
import type { SessionPath, UnderlyingState } from './underlying.ts';

/** The real day's level: put–call parity on 2025-12-01 puts KOSPI200 near 558 at the open and 553 on average. */
export const DEFAULT_START_LEVEL = 555;

export interface SyntheticMarketOptions {
  seed: string;
  /** Approximate ticks per side per day; the real day had 1,549 calls and 1,798 puts. */
  ticksPerDay?: number;
  /** KOSPI200 level at the first open. */
  startLevel?: number;
  /** 0 = trade the front month (default); 1 = the month after it, as the real 2025-12-01 sample does. */
  monthsAhead?: number;
}

export interface ListedOption {
  strike: number;
  code: string;
}

export interface MinuteLabel {
  /** KST 'HH:MM'. */
  minute: string;
  regime: Regime;
  /** The simulated KOSPI200 at the end of the minute. */
  close: number;
}

export interface SyntheticDay {
  date: IsoDate;
  contract: ContractMonth;
  session: Session;
  path: SessionPath;
  listing(side: OptionSide): ListedOption[];
  /** The day's trades of one side, in (code, time) order. */
  ticks(side: OptionSide): Iterable<SynthTick>;
  /** One label per session minute, open to close inclusive. */
  labels(): MinuteLabel[];
}

export class SyntheticMarket {
  readonly seed: string;
  readonly ticksPerDay: number;
  readonly monthsAhead: number;
  private readonly state: UnderlyingState;
  private readonly regimes: RegimeProcess;
  private readonly pathRng: Random;
  private readonly ladders = new Map<string, number[]>();
  private lastDate?: IsoDate;

  constructor(options: SyntheticMarketOptions) {
    this.seed = options.seed;
    this.ticksPerDay = options.ticksPerDay ?? DEFAULT_TICKS_PER_DAY;
    this.monthsAhead = options.monthsAhead ?? 0;
    this.regimes = new RegimeProcess(Random.derive(options.seed, 'regimes'));
    this.pathRng = Random.derive(options.seed, 'underlying');
    // The option market opens at the average implied volatility of the regimes (0.272 on the real day).
    this.state = initialUnderlyingState(options.startLevel ?? DEFAULT_START_LEVEL, 0.272);
  }

  day(date: IsoDate): SyntheticDay {
    if (!isTradingDay(date)) throw new RangeError(`${date} is not a KRX trading day`);
    if (this.lastDate !== undefined && date <= this.lastDate) {
      throw new RangeError(`days must be generated in order: ${date} follows ${this.lastDate}`);
    }
    if (this.lastDate !== undefined) applyOvernightGap(this.state, this.pathRng);
    this.lastDate = date;

    const contract = contractMonth(date, this.monthsAhead);
    const session = sessionOf(date, contract.expiry);
    const openSecond = secondsOf(session.open);
    const closeSecond = secondsOf(session.close);
    let ladder = this.ladders.get(contract.ymcode);
    if (!ladder) {
      ladder = strikeLadder(Math.exp(this.state.logLevel));
      this.ladders.set(contract.ymcode, ladder);
    }
    const path = simulateSession(this.state, this.regimes, this.pathRng, openSecond, closeSecond);
    const sessionsAfter = date >= contract.expiry ? 0 : tradingDays(addDays(date, 1), contract.expiry).length;
    const strikes = ladder;
    const listing = (side: OptionSide): ListedOption[] =>
      strikes.map((strike) => ({ strike, code: optionCode(side, contract, strike) }));
    const trading = (side: OptionSide): TradingDay => ({
      date,
      ymcode: contract.ymcode,
      path,
      listing: listing(side),
      // `yearsToExpiry` with the sessions after today counted once per day instead of once per trade.
      yearsAt: (at) => (sessionsAfter + (path.seconds - at) / path.seconds) / 252,
    });
    const { seed, ticksPerDay } = this;
    return {
      date,
      contract,
      session,
      path,
      listing,
      ticks: (side) => ({ [Symbol.iterator]: () => sideTicks(trading(side), side, { seed, ticksPerDay }) }),
      labels: () =>
        path.minuteRegimes.map((regime, m) => ({
          minute: hhmmOf(openSecond + m * 60),
          regime,
          close: minuteClose(path, m),
        })),
    };
  }
}

/** The first `count` trading days on or after `start`. */
export function tradingDaysFrom(start: IsoDate, count: number): IsoDate[] {
  const days: IsoDate[] = [];
  for (let day = start; days.length < count; day = addDays(day, 1)) if (isTradingDay(day)) days.push(day);
  return days;
}

function hhmmOf(second: number): string {
  const hhmmss = hhmmssOf(second);
  return `${hhmmss.slice(0, 2)}:${hhmmss.slice(2, 4)}`;
}

/**
 * What a backtest (and a tuning trial, and the paper agent) needs to know about a venue, in one place: its
 * currency and clock, the capital its money limits are fractions of, the cash an account starts with, its
 * fees, instrument specs and default fill model, its sessions and trading days, its risk defaults and the
 * strategy presets that suit it. Use cases ask the profile instead of branching on the market.
 *
 * KRX KOSPI200 options (no book: trades only; KST sessions; reference capital, the account starts at 0 cash)
 * and Binance spot and USD-M futures (a depth book; 24/7 in UTC; the instrument's tick, lot, min notional
 * and fees from the venue table; the account starts with its capital).
 */
import type { BacktestConfig } from '../core/sim/index.ts';
import type { FeeSchedule } from '../core/market/fees.ts';
import { KRX_OPTION_FEES } from '../core/market/fees.ts';
import type { InstrumentSpec } from '../core/market/instrument.ts';
import { BTCUSDT_SPEC, cryptoSpec, krxOptionSpec } from '../core/market/instrument-specs.ts';
import type { CryptoInstrument } from '../core/market/instrument-specs.ts';
import { optionTickSize } from '../core/market/krx-contract.ts';
import { krxRegularSession } from '../core/market/krx-session.ts';
import { KST_OFFSET_MS, kstDateOf } from '../core/market/kst.ts';
import { UTC_ZONE, utcDateOf } from '../core/report/index.ts';
import type { TickSize } from '../core/report/format.ts';
import { CRYPTO_CAPITAL_FRACTIONS, KRX_CAPITAL_FRACTIONS, capitalRiskLimits } from '../core/risk/index.ts';
import type { RiskLimits } from '../core/risk/index.ts';
import { CRYPTO_AS_OPTIONS, KRX_OPTION_AS_OPTIONS } from '../core/strategy/index.ts';
import type { AvellanedaStoikovOptions } from '../core/strategy/index.ts';

export type Market = 'krx' | 'binance';
export type FillModelName = 'trade-through' | 'queue' | 'queue-probabilistic';

export interface MarketProfile {
  market: Market;
  /** For people: "KRX KOSPI200 options", "Binance spot", "Binance USD-M futures". */
  label: string;
  /** The currency of money figures (cash, PnL, fees). */
  currency: 'KRW' | 'USDT';
  /** The clock reports and dates use. */
  zone: { label: string; offsetMs: number };
  /** How the lake's run tables date a row. */
  dateZone: 'kst' | 'utc';
  /** Default capital (`risk.capital` overrides): the money limits are fractions of it. */
  capital: number;
  /** The capital of the whole run over `instruments` traded (crypto: one account per instrument). */
  portfolioCapital(capital: number, instruments: number): number;
  /** Cash each instrument's account starts with. */
  initialCash(capital: number): number;
  /** The portfolio's equity at the start (what its returns are measured from). */
  equityAtStart(capital: number, instruments: number): number;
  defaultFillModel: FillModelName;
  fees(instrument: CryptoInstrument | undefined): FeeSchedule;
  /** The spec of an instrument of this market by name (for crypto, the venue table's instrument). */
  instrumentSpec(name: string, instrument: CryptoInstrument | undefined): InstrumentSpec;
  /** The price grid of the traded instrument, for reports. */
  priceTick(instrument: CryptoInstrument | undefined): TickSize;
  /** Where the engine's trading day starts (KRX: KST midnight) and what it is called. */
  dayStartOffsetMs: number;
  tradingDayOf?: (ts: number) => string;
  /** In the regular session (KRX); always, when absent. */
  inSession?: (ts: number) => boolean;
  /** The calendar day metrics group by; the metrics' own (KST) when absent. */
  dayOf?: (ts: number) => string;
  tradingDaysPerYear: number;
  sessionSecondsPerDay: number;
  /** Risk limits before the `risk.*` parameters, in the market's currency. */
  riskDefaults(capital: number): Partial<RiskLimits>;
  /** A&S presets for the market, before the instrument's and the user's settings. */
  asOptions: readonly AvellanedaStoikovOptions[];
  /** Whether the minute signal strategy can trade it (its feature module is KRX-specific). */
  signalStrategy: boolean;
  /** Snapshot every instrument (a few crypto ones) or only the busiest codes (hundreds of KRX options). */
  snapshotsOfBusiest: boolean;
}

/** Reference capital for KRX (KRW): the account starts at 0 cash; returns are PnL over this. */
export const KRX_CAPITAL = 100_000_000;
/** Capital the crypto account starts with (Seed B's bot: $5,000 max position, $50 daily loss, 5 % drawdown). */
export const CRYPTO_CAPITAL = 10_000;

export const KRX_OPTIONS_PROFILE: MarketProfile = {
  market: 'krx',
  label: 'KRX KOSPI200 options',
  currency: 'KRW',
  zone: { label: 'KST', offsetMs: KST_OFFSET_MS },
  dateZone: 'kst',
  capital: KRX_CAPITAL,
  portfolioCapital: (capital) => capital,
  initialCash: () => 0,
  equityAtStart: () => 0,
  defaultFillModel: 'trade-through',
  fees: () => KRX_OPTION_FEES,
  instrumentSpec: (name) => krxOptionSpec(name),
  priceTick: () => optionTickSize,
  dayStartOffsetMs: KST_OFFSET_MS,
  // The risk gate's trading day: the KRX session date in KST (KRX has no session across midnight).
  tradingDayOf: kstDateOf,
  inSession: krxRegularSession,
  tradingDaysPerYear: 252,
  sessionSecondsPerDay: 25_200,
  riskDefaults: (capital) => ({
    // KRW. Seed B's limits are in USD for a crypto bot; these are their KOSPI200-option analogues.
    ...capitalRiskLimits(capital, KRX_CAPITAL_FRACTIONS),
    // Options trade sparsely: a quiet code is not stale data.
    maxDataAgeMs: Infinity,
    // One account quotes every listed code: the order-rate limit is the account's, not a code's.
    maxOrdersPerWindow: 1_000,
  }),
  // On KRX ticks the strategy wakes on its own code's trades only (no 1 s timer across hundreds of quiet
  // codes and every night); `wakeIntervalMs` in the parameters brings the timer back.
  asOptions: [KRX_OPTION_AS_OPTIONS, { wakeIntervalMs: 0 }],
  signalStrategy: true,
  snapshotsOfBusiest: true,
};

function binanceProfile(label: string): MarketProfile {
  const required = (instrument: CryptoInstrument | undefined) => {
    if (!instrument)
      throw new Error(
        'a Binance backtest needs its instrument (venue and symbol) to pick tick, lot and fees',
      );
    return instrument;
  };
  return {
    market: 'binance',
    label,
    currency: 'USDT',
    zone: UTC_ZONE,
    dateZone: 'utc',
    capital: CRYPTO_CAPITAL,
    portfolioCapital: (capital, instruments) => capital * instruments,
    initialCash: (capital) => capital,
    equityAtStart: (capital, instruments) => capital * instruments,
    defaultFillModel: 'queue',
    fees: (instrument) => required(instrument).fees,
    instrumentSpec: (name, instrument) => ({ ...cryptoSpec(required(instrument)), name }),
    priceTick: (instrument) => instrument?.tickSize ?? BTCUSDT_SPEC.tickSize,
    dayStartOffsetMs: 0,
    dayOf: utcDateOf,
    tradingDaysPerYear: 365,
    sessionSecondsPerDay: 86_400,
    // USD, Seed B's bot at $10,000: $5,000 max position, $50 max loss, 5 % drawdown. A market maker on a
    // book that moves many times a second requotes often: 300 orders per 10 s before the rate limit halts it.
    riskDefaults: (capital) => ({
      ...capitalRiskLimits(capital, CRYPTO_CAPITAL_FRACTIONS),
      maxOrdersPerWindow: 300,
    }),
    asOptions: [CRYPTO_AS_OPTIONS],
    signalStrategy: false,
    snapshotsOfBusiest: false,
  };
}

export const BINANCE_SPOT_PROFILE = binanceProfile('Binance spot');
export const BINANCE_USDM_PROFILE = binanceProfile('Binance USD-M futures');

/** The profile of a market (for Binance, of the instrument's venue). */
export function marketProfile(market: Market, instrument?: Pick<CryptoInstrument, 'venue'>): MarketProfile {
  if (market === 'krx') return KRX_OPTIONS_PROFILE;
  return instrument?.venue === 'usd-m' ? BINANCE_USDM_PROFILE : BINANCE_SPOT_PROFILE;
}

/** The engine settings a profile fixes (the rest comes from the run's setup). */
export function profileEngineSettings(
  profile: MarketProfile,
  capital: number,
): Pick<BacktestConfig, 'initialCash' | 'dayStartOffsetMs' | 'tradingDayOf' | 'snapshotWhen'> {
  return {
    initialCash: profile.initialCash(capital),
    dayStartOffsetMs: profile.dayStartOffsetMs,
    tradingDayOf: profile.tradingDayOf,
    snapshotWhen: profile.inSession,
  };
}

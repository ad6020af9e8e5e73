/**
 * InstrumentSpec (the engine's view of an instrument) for the markets quotelab trades: KOSPI200 options
 * (KRW 250,000 per index point, tick 0.01 below 10 points and 0.05 above, whole contracts, the session
 * close as the horizon) and Binance crypto, spot and USD-M perpetual futures (multiplier 1, a fixed tick
 * and lot, per-venue fees), from the venue table below.
 */
import type { FeeSchedule } from './fees.ts';
import type { BinanceVenue } from './binance/read-capture.ts';
import { BINANCE_SPOT_FEES } from './fees.ts';
import type { InstrumentSpec } from './instrument.ts';
import { expiryDate, sessionOf } from './krx-calendar.ts';
import { decodeKrxCode } from './krx-code.ts';
import { KOSPI200_OPTION_MULTIPLIER, optionTickSize } from './krx-contract.ts';
import { kstDateOf, kstToUtcMs } from './kst.ts';
import type { IsoDate } from './kst.ts';

export function krxOptionSpec(code: string): InstrumentSpec {
  // The code's year character repeats every 30 years: it is decoded near the first date it trades on.
  let expiry: IsoDate | undefined;
  let decoded = false;
  return {
    name: code,
    multiplier: KOSPI200_OPTION_MULTIPLIER,
    tickSize: optionTickSize,
    lotSize: 1,
    horizonEndMs(nowMs: number): number {
      const date = kstDateOf(nowMs);
      if (!decoded) {
        decoded = true;
        try {
          const { year, month } = decodeKrxCode(code, Number(date.slice(0, 4)));
          expiry = expiryDate(year, month);
        } catch {
          expiry = undefined; // not a KRX code: regular session hours
        }
      }
      return kstToUtcMs(date, sessionOf(date, expiry).close);
    },
  };
}

export function spotSpec(name: string, tickSize: number, lotSize: number): InstrumentSpec {
  return { name, multiplier: 1, tickSize: () => tickSize, lotSize };
}

/** Binance's two markets: spot, and USDⓈ-margined (USD-M) futures (the venue a capture reads as). */
export type CryptoVenue = BinanceVenue;

export const CRYPTO_VENUES: readonly CryptoVenue[] = ['spot', 'usd-m'];

/** One tradable Binance instrument: exchange filters and the regular (VIP 0, no BNB discount) fees. */
export interface CryptoInstrument {
  readonly venue: CryptoVenue;
  readonly symbol: string;
  /** PRICE_FILTER tickSize, quote currency (USDT). */
  readonly tickSize: number;
  /** LOT_SIZE stepSize, base units (BTC, ETH). */
  readonly lotSize: number;
  /** Smallest order notional (spot NOTIONAL minNotional, futures MIN_NOTIONAL notional), USDT. */
  readonly minNotional: number;
  readonly fees: FeeSchedule;
}

/** Binance USD-M futures, regular tier without BNB discount: 0.02 % maker, 0.05 % taker. */
export const BINANCE_USDM_FEES: FeeSchedule = { makerBps: 2, takerBps: 5 };

/**
 * The venue table. Filters as published by the exchange-information endpoints (checked 2024–2025):
 *   spot:  GET https://api.binance.com/api/v3/exchangeInfo?symbol=BTCUSDT (PRICE_FILTER, LOT_SIZE, NOTIONAL)
 *   USD-M: GET https://fapi.binance.com/fapi/v1/exchangeInfo (PRICE_FILTER, LOT_SIZE, MIN_NOTIONAL)
 * Fees: https://www.binance.com/en/fee/schedule (spot regular 0.1 %/0.1 %) and
 * https://www.binance.com/en/fee/futureFee (USD-M regular 0.02 %/0.05 %). Binance changes filters from
 * time to time: a capture from another period, or another symbol, takes `--instrument`.
 */
export const BINANCE_INSTRUMENTS: readonly CryptoInstrument[] = Object.freeze([
  {
    venue: 'spot',
    symbol: 'BTCUSDT',
    tickSize: 0.01,
    lotSize: 0.00001,
    minNotional: 5,
    fees: BINANCE_SPOT_FEES,
  },
  {
    venue: 'spot',
    symbol: 'ETHUSDT',
    tickSize: 0.01,
    lotSize: 0.0001,
    minNotional: 5,
    fees: BINANCE_SPOT_FEES,
  },
  {
    venue: 'usd-m',
    symbol: 'BTCUSDT',
    tickSize: 0.1,
    lotSize: 0.001,
    minNotional: 100,
    fees: BINANCE_USDM_FEES,
  },
  {
    venue: 'usd-m',
    symbol: 'ETHUSDT',
    tickSize: 0.01,
    lotSize: 0.001,
    minNotional: 20,
    fees: BINANCE_USDM_FEES,
  },
]);

const VENUE_FEES: Record<CryptoVenue, FeeSchedule> = { spot: BINANCE_SPOT_FEES, 'usd-m': BINANCE_USDM_FEES };

export function venueLabel(venue: CryptoVenue): string {
  return venue === 'spot' ? 'Binance spot' : 'Binance USD-M futures';
}

/** The table's row for a venue and symbol; an unknown pair fails with what is known and the way out. */
export function binanceInstrument(venue: CryptoVenue, symbol: string): CryptoInstrument {
  const found = BINANCE_INSTRUMENTS.find((i) => i.venue === venue && i.symbol === symbol.toUpperCase());
  if (found) return found;
  const known = BINANCE_INSTRUMENTS.map((i) => `${i.venue}:${i.symbol}`).join(', ');
  throw new Error(
    `no instrument specs for ${venueLabel(venue)} ${symbol} (known: ${known}); give them with --instrument ${venue}:${symbol.toUpperCase()},tick=<tick size>,lot=<lot size>[,minNotional=<USDT>]`,
  );
}

/**
 * Parses `--instrument VENUE:SYMBOL[,tick=T][,lot=L][,minNotional=N]`: a table row (its fields overridable),
 * or, for a symbol the table lacks, a new instrument with the venue's regular fees (tick and lot required).
 */
export function parseInstrumentOverride(text: string): CryptoInstrument {
  const [head = '', ...fields] = text.split(',').map((part) => part.trim());
  const colon = head.indexOf(':');
  const venue = head.slice(0, colon);
  const symbol = head.slice(colon + 1).toUpperCase();
  if (colon <= 0 || !(CRYPTO_VENUES as readonly string[]).includes(venue) || !/^[A-Z0-9]+$/.test(symbol))
    throw new Error(
      `--instrument takes VENUE:SYMBOL[,tick=T,lot=L,minNotional=N] with VENUE ${CRYPTO_VENUES.join(' or ')}, got ${JSON.stringify(text)}`,
    );
  const values: Partial<Record<'tick' | 'lot' | 'minNotional', number>> = {};
  for (const field of fields) {
    const [key = '', value = ''] = field.split('=');
    if (key !== 'tick' && key !== 'lot' && key !== 'minNotional')
      throw new Error(`--instrument: unknown field ${JSON.stringify(key)} (tick, lot, minNotional)`);
    const number = Number(value);
    if (value === '' || !Number.isFinite(number) || number < 0 || (key !== 'minNotional' && number === 0))
      throw new Error(`--instrument: ${key} must be a positive number, got ${JSON.stringify(value)}`);
    values[key] = number;
  }
  const row = BINANCE_INSTRUMENTS.find((i) => i.venue === venue && i.symbol === symbol);
  if (!row && (values.tick === undefined || values.lot === undefined))
    throw new Error(
      `--instrument ${venue}:${symbol}: not in the venue table, so tick= and lot= are required (e.g. ${venue}:${symbol},tick=0.01,lot=0.001)`,
    );
  return {
    venue: venue as CryptoVenue,
    symbol,
    tickSize: values.tick ?? row!.tickSize,
    lotSize: values.lot ?? row!.lotSize,
    minNotional: values.minNotional ?? row?.minNotional ?? 0,
    fees: row?.fees ?? VENUE_FEES[venue as CryptoVenue],
  };
}

/** The engine's spec of a crypto instrument: multiplier 1, 24/7 (no horizon). */
export function cryptoSpec(instrument: CryptoInstrument): InstrumentSpec {
  return spotSpec(instrument.symbol, instrument.tickSize, instrument.lotSize);
}

/** Binance BTCUSDT spot: tick 0.01 USDT, lot 0.00001 BTC, 24/7 (no horizon). */
export const BTCUSDT_SPEC: InstrumentSpec = cryptoSpec(binanceInstrument('spot', 'BTCUSDT'));

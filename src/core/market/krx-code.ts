/**
 * KRX derivative short codes, e.g. `B0161530`:
 *   B        product: A future, B call, C put
 *   01       underlying: 01 = KOSPI200
 *   6        year, on KRX's 30-character cycle 6789012345ABCDEFGHJKLMNPQRSTVW (1996–2025, then again)
 *   1        month: 1–9, A (Oct), B (Nov), C (Dec)
 *   530      strike, integer part; a last digit 2 or 7 means +0.5 (302 → 302.5); 000 for futures
 */
export type Product = 'future' | 'call' | 'put';
export type OptionSide = 'CALL' | 'PUT';

export const YEAR_CYCLE = '6789012345ABCDEFGHJKLMNPQRSTVW';
export const YEAR_CYCLE_START = 1996;
const MONTHS = '123456789ABC';
const PRODUCTS: Record<string, Product> = { A: 'future', B: 'call', C: 'put' };
const UNDERLYINGS: Record<string, string> = { '01': 'KOSPI200' };

export interface KrxCode {
  code: string;
  product: Product;
  /** CALL or PUT for options; undefined for futures. */
  side?: OptionSide;
  underlying: string;
  year: number;
  month: number;
  /** 'YYYYMM', as in the XML `ymcode`. */
  ymcode: string;
  /** Strike in index points, with the .5 rule applied; undefined for futures. */
  strike?: number;
}

export class KrxCodeError extends Error {
  override readonly name = 'KrxCodeError';
}

/**
 * Decodes a short code. The year character repeats every 30 years; `nearYear` picks the cycle (default:
 * the current year), so 2026 and 1996 decode correctly in their own decades.
 */
export function decodeKrxCode(code: string, nearYear = new Date().getUTCFullYear()): KrxCode {
  if (!/^[A-C]\d{2}[0-9A-Z][1-9A-C]\d{3}$/.test(code)) {
    throw new KrxCodeError(`not a KRX derivative code: ${JSON.stringify(code)} (expected e.g. B0161530)`);
  }
  const product = PRODUCTS[code[0]!]!;
  const underlying = UNDERLYINGS[code.slice(1, 3)];
  if (!underlying)
    throw new KrxCodeError(`unknown underlying ${code.slice(1, 3)} in ${code} (only 01 = KOSPI200)`);
  const yearIndex = YEAR_CYCLE.indexOf(code[3]!);
  if (yearIndex < 0) throw new KrxCodeError(`invalid year character ${code[3]} in ${code}`);
  const year = nearestCycleYear(yearIndex, nearYear);
  const month = MONTHS.indexOf(code[4]!) + 1;
  const strikeDigits = code.slice(5, 8);
  const ymcode = `${year}${String(month).padStart(2, '0')}`;
  if (product === 'future') {
    if (strikeDigits !== '000') throw new KrxCodeError(`future code ${code} must end in 000`);
    return { code, product, underlying, year, month, ymcode };
  }
  return {
    code,
    product,
    side: product === 'call' ? 'CALL' : 'PUT',
    underlying,
    year,
    month,
    ymcode,
    strike: strikeFromDigits(strikeDigits),
  };
}

/** '302' → 302.5, '530' → 530: strikes are spaced 2.5 points apart, so a last digit of 2 or 7 means x.5. */
export function strikeFromDigits(digits: string): number {
  const whole = Number(digits);
  const last = whole % 10;
  return last === 2 || last === 7 ? whole + 0.5 : whole;
}

/** The code of an option: inverse of decodeKrxCode. */
export function encodeKrxOptionCode(side: OptionSide, year: number, month: number, strike: number): string {
  const yearChar = YEAR_CYCLE[(((year - YEAR_CYCLE_START) % 30) + 30) % 30]!;
  const whole = Math.floor(strike);
  if (strike - whole !== 0 && strike - whole !== 0.5)
    throw new KrxCodeError(`strike ${strike} is not on the 2.5 grid`);
  if (whole < 0 || whole > 999) throw new KrxCodeError(`strike ${strike} does not fit three digits`);
  return `${side === 'CALL' ? 'B' : 'C'}01${yearChar}${MONTHS[month - 1]}${String(whole).padStart(3, '0')}`;
}

function nearestCycleYear(index: number, nearYear: number): number {
  const base = YEAR_CYCLE_START + index;
  const cycles = Math.round((nearYear - base) / 30);
  return base + cycles * 30;
}

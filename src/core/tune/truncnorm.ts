/**
 * The truncated normal distribution TPE's kernels are made of: log density, log probability mass of an
 * interval, and the inverse CDF used to draw from it. These follow Optuna's `_truncnorm` (itself SciPy's
 * algorithms) case by case, so that a kernel's density agrees with Optuna's to rounding:
 *
 *   - Φ and log Φ: erf/erfc (fdlibm's rational approximations, the ones C's libm and so Python's
 *     `math.erf` use), log Φ(a) by −Φ(−a) for a > 6, log(Φ(a)) down to −20, an asymptotic series below;
 *   - log mass of [a, b]: worked in the left tail (mirroring a > 0 to −b < 0), where log Φ is accurate,
 *     and as log1p(−Φ(a) − Φ(−b)) when the interval straddles 0;
 *   - the inverse CDF: solve log Φ(x) = y by Newton's method from a logistic/tail initial guess
 *     (Optuna's `_ndtri_exp`), again mirrored into the left tail.
 *
 * Everything is scalar: the Parzen estimator calls these per kernel and candidate, and JavaScript has no
 * vector maths to win from batching.
 */

/** log √(2π), the normal density's normalising constant. */
export const LOG_SQRT_2PI = Math.log(Math.sqrt(2 * Math.PI));
const SQRT2 = Math.sqrt(2);
const INV_SQRT2 = 1 / Math.sqrt(2);
/** √3/π: the scale of the logistic approximation Φ(x) ≈ 1/(1 + e^(−πx/√3)). */
const LOGISTIC_SCALE = Math.sqrt(3) / Math.PI;

// fdlibm (Sun Microsystems, 1993) coefficients for erf and erfc; "Developed at SunPro ... Permission to
// use, copy, modify, and distribute this software is freely granted, provided that this notice is
// preserved."
const ERX = 8.45062911510467529297e-1;
const EFX = 1.28379167095512586316e-1;
const PP = [
  1.28379167095512558561e-1, -3.2504210724700149937e-1, -2.84817495755985104766e-2,
  -5.77027029648944159157e-3, -2.37630166566501626084e-5,
];
const QQ = [
  1, 3.97917223959155352819e-1, 6.50222499887672944485e-2, 5.08130628187576562776e-3,
  1.32494738004321644526e-4, -3.9602282787753681232e-6,
];
const PA = [
  -2.36211856075265944077e-3, 4.14856118683748331666e-1, -3.72207876035701323847e-1,
  3.18346619901161753674e-1, -1.10894694282396677476e-1, 3.54783043256182359371e-2, -2.166375594868790843e-3,
];
const QA = [
  1, 1.06420880400844228286e-1, 5.40397917702171048937e-1, 7.18286544141962662868e-2,
  1.26171219808761642112e-1, 1.36370839120290507362e-2, 1.1984499846799107417e-2,
];
const RA = [
  -9.86494403484714822705e-3, -6.93858572707181764372e-1, -1.05586262253232909814e1,
  -6.23753324503260060396e1, -1.62396669462573470355e2, -1.84605092906711035994e2, -8.12874355063065934246e1,
  -9.81432934416914548592,
];
const SA = [
  1, 1.96512716674392571292e1, 1.376577541435190426e2, 4.34565877475229228821e2, 6.45387271733267880336e2,
  4.29008140027567833386e2, 1.08635005541779435134e2, 6.57024977031928170135, -6.04244152148580987438e-2,
];
const RB = [
  -9.86494292470009928597e-3, -7.99283237680523006574e-1, -1.77579549177547519889e1,
  -1.60636384855821916062e2, -6.37566443368389627722e2, -1.02509513161107724954e3, -4.83519191608651397019e2,
];
const SB = [
  1, 3.03380607434824582924e1, 3.25792512996573918826e2, 1.53672958608443695994e3, 3.19985821950859553908e3,
  2.55305040643316442583e3, 4.74528541206955367215e2, -2.24409524465858183362e1,
];

/** c[0] + c[1]·x + c[2]·x² + … by Horner's rule. */
function poly(c: readonly number[], x: number): number {
  let acc = c[c.length - 1]!;
  for (let i = c.length - 2; i >= 0; i--) acc = acc * x + c[i]!;
  return acc;
}

// Scratch for clearing the low 32 bits of a double (fdlibm's SET_LOW_WORD(z, 0)).
const bits = new Float64Array(1);
const words = new Uint32Array(bits.buffer);
const LOW_WORD = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

function truncateLowWord(x: number): number {
  bits[0] = x;
  words[LOW_WORD] = 0;
  return bits[0];
}

/** fdlibm switches erfc's tail fit at high word 0x4006DB6D: 1/0.35 with its low word cleared. */
const TAIL_SWITCH = truncateLowWord(1 / 0.35);

/**
 * e^(−x²−0.5625 + R/S) / x for the erfc tail, with x² split as z² + (z−x)(z+x) where z is x with its low
 * bits cleared: z² is exact, so the large exponent loses nothing to rounding.
 */
function tailTerm(x: number): number {
  const s = 1 / (x * x);
  const ratio = x < TAIL_SWITCH ? poly(RA, s) / poly(SA, s) : poly(RB, s) / poly(SB, s);
  const z = truncateLowWord(x);
  return (Math.exp(-z * z - 0.5625) * Math.exp((z - x) * (z + x) + ratio)) / x;
}

export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -28) return x + EFX * x;
    const z = x * x;
    return x + x * (poly(PP, z) / poly(QQ, z));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const value = ERX + poly(PA, s) / poly(QA, s);
    return x >= 0 ? value : -value;
  }
  if (ax >= 6) return x >= 0 ? 1 : -1;
  const value = 1 - tailTerm(ax);
  return x >= 0 ? value : -value;
}

export function erfc(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 0.84375) {
    if (ax < 2 ** -56) return 1 - x;
    const z = x * x;
    const y = poly(PP, z) / poly(QQ, z);
    if (x < 0.25) return 1 - (x + x * y);
    return 0.5 - (x * y + (x - 0.5));
  }
  if (ax < 1.25) {
    const s = ax - 1;
    const ratio = poly(PA, s) / poly(QA, s);
    return x >= 0 ? 1 - ERX - ratio : 1 + (ERX + ratio);
  }
  if (ax < 28) {
    if (x <= -6) return 2;
    const tail = tailTerm(ax);
    return x > 0 ? tail : 2 - tail;
  }
  return x > 0 ? 0 : 2;
}

/** Φ(a), the standard normal CDF, through erfc in the tails (Optuna's `_ndtr_single`). */
export function ndtr(a: number): number {
  const x = a / SQRT2;
  if (x < -INV_SQRT2) return 0.5 * erfc(-x);
  if (x < INV_SQRT2) return 0.5 + 0.5 * erf(x);
  return 1 - 0.5 * erfc(x);
}

/** Φ(a) as ½ + ½·erf(a/√2): Optuna's vectorised `_ndtr`, used where the result is near ½ or above. */
function ndtrByErf(a: number): number {
  return 0.5 + 0.5 * erf(a / SQRT2);
}

/** log Φ(a), accurate in both tails. */
export function logNdtr(a: number): number {
  if (a > 6) return -ndtr(-a); // log(1 − ε) ≈ −ε, with ε = Φ(−a) < 1e-9.
  if (a > -20) return Math.log(ndtr(a));
  // log Φ(a) = log(φ(a)/(−a)) + log(1 − 1/a² + 3/a⁴ − 15/a⁶ + …), summed until a term stops mattering.
  const logLeading = -0.5 * a * a - Math.log(-a) - 0.5 * Math.log(2 * Math.PI);
  let lastTotal = 0;
  let total = 1;
  let numerator = 1;
  let denominator = 1;
  const inverseSquare = 1 / (a * a);
  let sign = 1;
  for (let i = 1; Math.abs(lastTotal - total) > Number.EPSILON; i++) {
    lastTotal = total;
    sign = -sign;
    denominator *= inverseSquare;
    numerator *= 2 * i - 1;
    total += sign * numerator * denominator;
  }
  return logLeading + Math.log(total);
}

/** log(e^p + e^q) without overflow (NumPy's logaddexp). */
export function logAddExp(p: number, q: number): number {
  if (p === q) return p + Math.LN2; // also ±∞ + ±∞
  const max = Math.max(p, q);
  if (max === -Infinity) return -Infinity;
  return max + Math.log1p(Math.exp(-Math.abs(p - q)));
}

/** log(e^p − e^q) for p ≥ q. */
function logDiff(p: number, q: number): number {
  return p + Math.log1p(-Math.exp(q - p));
}

/** log P(a ≤ Z ≤ b) for a standard normal Z. */
export function logGaussMass(a: number, b: number): number {
  if (b <= 0) return logDiff(logNdtr(b), logNdtr(a));
  if (a > 0) return logDiff(logNdtr(-a), logNdtr(-b));
  // Straddling 0 the mass is at least a sliver around the mode; 1 − Φ(a) − Φ(−b) avoids the
  // cancellation of adding two masses close to ½ in log space.
  return Math.log1p(-ndtrByErf(a) - ndtrByErf(-b));
}

/** x with log Φ(x) = y (y ≤ 0), by Newton's method on log Φ (Optuna's `_ndtri_exp`). */
export function ndtriExp(y: number): number {
  // Near y = 0 the root is far right, where log Φ is flat: solve for −x in the left tail instead.
  const flipped = y > -1e-2;
  const z = flipped ? Math.log(-Math.expm1(y)) : y;
  let x = z < -5 ? -Math.sqrt(-2 * (z + LOG_SQRT_2PI)) : -LOGISTIC_SCALE * Math.log(Math.expm1(-z));
  for (let i = 0; i < 100; i++) {
    const logCdf = logNdtr(x);
    const logPdf = -0.5 * x * x - LOG_SQRT_2PI;
    const dx = (logCdf - z) * Math.exp(logCdf - logPdf);
    x -= dx;
    if (Math.abs(dx) < 1e-8 * Math.abs(x)) break;
  }
  return flipped ? -x : x;
}

/** The quantile q ∈ [0, 1] of the standard normal truncated to [a, b]. */
export function ppf(q: number, a: number, b: number): number {
  if (a === b) return NaN;
  if (q === 0) return a;
  if (q === 1) return b;
  const logMass = logGaussMass(a, b);
  if (a < 0) return ndtriExp(logAddExp(logNdtr(a), Math.log(q) + logMass));
  return -ndtriExp(logAddExp(logNdtr(-b), Math.log1p(-q) + logMass));
}

/** log density at x of N(loc, scale²) truncated to the standardised interval [a, b]. */
export function logPdf(x: number, a: number, b: number, loc: number, scale: number): number {
  const z = (x - loc) / scale;
  if (a === b) return NaN;
  if (z < a || z > b) return -Infinity;
  return -(z * z) / 2 - LOG_SQRT_2PI - logGaussMass(a, b) - Math.log(scale);
}

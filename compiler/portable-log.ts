/**
 * The natural logarithm from IEEE-754 additions, multiplications and divisions only (fdlibm's
 * e_log.c, error < 1 ulp), so every JavaScript engine gives the same bits. `Math.log` does not:
 * the V8 of Chromium 156 and the V8 of Node 20 disagree by one ulp on about 7 % of float32 inputs,
 * and a figure written to an artifact (the search's negative log-likelihood in tune.json) must be
 * the same in the page as on the CLI.
 */
const LN2_HI = 6.93147180369123816490e-1; // 0x3fe62e42fee00000
const LN2_LO = 1.90821492927058770002e-10; // 0x3dea39ef35793c76
const TWO54 = 1.8014398509481984e16; // 2^54
const LG1 = 6.666666666666735130e-1;
const LG2 = 3.999999999940941908e-1;
const LG3 = 2.857142874366239149e-1;
const LG4 = 2.222219843214978396e-1;
const LG5 = 1.818357216161805012e-1;
const LG6 = 1.531383769920937332e-1;
const LG7 = 1.479819860511658591e-1;

const word = new Float64Array(1);
const halves = new Uint32Array(word.buffer);
/** Index of the high 32 bits (sign, exponent, top of the mantissa) in `halves`. */
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

export function portableLog(value: number): number {
  let x = value;
  word[0] = x;
  let hx = halves[HI] | 0;
  const lx = halves[LO];
  let k = 0;
  if (hx < 0x00100000) {
    // Zero, negative, or subnormal.
    if (((hx & 0x7fffffff) | lx) === 0) return -Infinity;
    if (hx < 0) return NaN;
    k -= 54;
    x *= TWO54;
    word[0] = x;
    hx = halves[HI] | 0;
  }
  if (hx >= 0x7ff00000) return x + x;
  k += (hx >> 20) - 1023;
  hx &= 0x000fffff;
  const i = (hx + 0x95f64) & 0x100000;
  // x or x/2, normalized into [sqrt(2)/2, sqrt(2)).
  halves[HI] = hx | (i ^ 0x3ff00000);
  x = word[0];
  k += i >> 20;
  const f = x - 1.0;
  const dk = k;
  if ((0x000fffff & (2 + hx)) < 3) {
    // |f| < 2^-20
    if (f === 0) return k === 0 ? 0 : dk * LN2_HI + dk * LN2_LO;
    const r = f * f * (0.5 - 0.33333333333333333 * f);
    return k === 0 ? f - r : dk * LN2_HI - (r - dk * LN2_LO - f);
  }
  const s = f / (2.0 + f);
  const z = s * s;
  const w = z * z;
  const t1 = w * (LG2 + w * (LG4 + w * LG6));
  const t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const r = t2 + t1;
  if (((hx - 0x6147a) | (0x6b851 - hx)) > 0) {
    const hfsq = 0.5 * f * f;
    return k === 0 ? f - (hfsq - s * (hfsq + r)) : dk * LN2_HI - (hfsq - (s * (hfsq + r) + dk * LN2_LO) - f);
  }
  return k === 0 ? f - s * (f - r) : dk * LN2_HI - (s * (f - r) - dk * LN2_LO - f);
}

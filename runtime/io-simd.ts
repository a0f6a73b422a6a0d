/**
 * The float32 ⇄ integer conversions of io.ts, several values at a time (SIMD build). The same
 * float32 operations give the same results: f32x4 arithmetic is IEEE float32 lane by lane, and
 * every rounding step below is exact (docs/wasm.md, "Input quantization in SIMD").
 */
import { dequantizeOutput, quantizeInput, unstandardizeValues } from './io';

/**
 * Four values v = f32(x / scale) → their integer codes, as int32 lanes. With L = qmin − zp and
 * H = qmax − zp (integers, exact in float32):
 *   c = clamp(v, L, H), NaN → +0   `pmin`/`pmax` keep a NaN and send ±Inf to H/L; a value beyond
 *                                   an end rounds to a code beyond it, which clamps to that end
 *                                   anyway, so clamping first changes nothing; NaN → 0 → the zero point
 *   r = t + trunc(2f), t = trunc(c), f = c − t
 *                                   round half away from zero: f is exact, 2f is exact, and
 *                                   trunc(2f) is ±1 exactly when |f| ≥ 0.5
 *   q = bits(r + (1.5·2^23 + zp)) − bits(1.5·2^23)
 *                                   r + zp ∈ [qmin, qmax] keeps the sum in [2^23, 2^24), where
 *                                   float32 holds integers exactly with an ulp of 1
 */
// @ts-ignore: decorator
@inline
function codes4(v: v128, lo: v128, hi: v128, magic: v128, magicZp: v128): v128 {
  const c = v128.and(f32x4.pmax(f32x4.pmin(v, hi), lo), f32x4.eq(v, v));
  const t = f32x4.trunc(c);
  const f = f32x4.sub(c, t);
  return i32x4.sub(f32x4.add(f32x4.add(t, f32x4.trunc(f32x4.add(f, f))), magicZp), magic);
}

/** x' = f32(f32(x − mean) / std) when the IR has input standardization, then v = f32(x' / scale). */
// @ts-ignore: decorator
@inline
function scaled4(source: usize, mean: usize, std: usize, i: usize, scale: v128): v128 {
  let x = v128.load(source + (i << 2));
  if (std != 0) x = f32x4.div(f32x4.sub(x, v128.load(mean + (i << 2))), v128.load(std + (i << 2)));
  return f32x4.div(x, scale);
}

export function quantizeInputSimd(
  source: usize,
  output: usize,
  features: i32,
  mean: usize,
  std: usize,
  scale: f32,
  zeroPoint: i32,
  qmin: i32,
  qmax: i32,
  outputInt16: bool,
): void {
  const n = <usize>features;
  const scaleV = f32x4.splat(scale);
  const lo = f32x4.splat(<f32>(qmin - zeroPoint));
  const hi = f32x4.splat(<f32>(qmax - zeroPoint));
  const magic = f32x4.splat(12582912.0);
  const magicZp = f32x4.splat(<f32>(<i32>12582912 + zeroPoint));
  let i: usize = 0;
  // 16 values per step, narrowed together (the codes are in range, so narrowing never saturates).
  for (; i + 16 <= n; i += 16) {
    const a = codes4(scaled4(source, mean, std, i, scaleV), lo, hi, magic, magicZp);
    const b = codes4(scaled4(source, mean, std, i + 4, scaleV), lo, hi, magic, magicZp);
    const c = codes4(scaled4(source, mean, std, i + 8, scaleV), lo, hi, magic, magicZp);
    const d = codes4(scaled4(source, mean, std, i + 12, scaleV), lo, hi, magic, magicZp);
    const ab = i16x8.narrow_i32x4_s(a, b);
    const cd = i16x8.narrow_i32x4_s(c, d);
    if (outputInt16) {
      v128.store(output + (i << 1), ab);
      v128.store(output + (i << 1), cd, 16);
    } else {
      v128.store(output + i, i8x16.narrow_i16x8_s(ab, cd));
    }
  }
  for (; i + 4 <= n; i += 4) {
    const q = codes4(scaled4(source, mean, std, i, scaleV), lo, hi, magic, magicZp);
    const q16 = i16x8.narrow_i32x4_s(q, q);
    if (outputInt16) v128.store64_lane(output + (i << 1), q16, 0);
    else v128.store32_lane(output + i, i8x16.narrow_i16x8_s(q16, q16), 0);
  }
  if (i < n) {
    quantizeInput(
      source + (i << 2),
      output + (outputInt16 ? i << 1 : i),
      features - <i32>i,
      mean == 0 ? 0 : mean + (i << 2),
      std == 0 ? 0 : std + (i << 2),
      scale,
      zeroPoint,
      qmin,
      qmax,
      outputInt16,
    );
  }
}

export function dequantizeOutputSimd(input: usize, target: usize, features: i32, scale: f32, zeroPoint: i32, inputInt16: bool): void {
  const n4 = <usize>(features & ~3);
  const scaleV = f32x4.splat(scale);
  const zp = i32x4.splat(zeroPoint);
  for (let i: usize = 0; i < n4; i += 4) {
    const q = inputInt16
      ? i32x4.extend_low_i16x8_s(v128.load64_zero(input + (i << 1)))
      : i32x4.extend_low_i16x8_s(i16x8.extend_low_i8x16_s(v128.load32_zero(input + i)));
    v128.store(target + (i << 2), f32x4.mul(f32x4.convert_i32x4_s(i32x4.sub(q, zp)), scaleV));
  }
  if (n4 < <usize>features) {
    dequantizeOutput(input + (inputInt16 ? n4 << 1 : n4), target + (n4 << 2), features - <i32>n4, scale, zeroPoint, inputInt16);
  }
}

/** unstandardizeValues of io.ts four values at a time: f32x4.mul and f32x4.add round like f32.mul and f32.add. */
export function unstandardizeValuesSimd(values: usize, features: i32, mean: usize, std: usize): void {
  const n4 = <usize>(features & ~3);
  for (let i: usize = 0; i < n4; i += 4) {
    const k = i << 2;
    v128.store(values + k, f32x4.add(f32x4.mul(v128.load(values + k), v128.load(std + k)), v128.load(mean + k)));
  }
  if (n4 < <usize>features) unstandardizeValues(values + (n4 << 2), features - <i32>n4, mean + (n4 << 2), std + (n4 << 2));
}

/**
 * The float32 ⇄ integer conversions of io.ts, four values at a time (SIMD build). Same float32
 * operations in the same order, so the same results: f32x4 arithmetic is IEEE float32 lane by lane,
 * and every value after rounding is an integer the float32 format holds exactly until it is clamped
 * (an integer r with |r| ≥ 2^24 may round when the zero point is added, but it clamps to the same
 * end of the range either way).
 */
import { dequantizeOutput, quantizeInput } from './io';

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
  const n4 = <usize>(features & ~3);
  const scaleV = f32x4.splat(scale);
  const zpF = f32x4.splat(<f32>zeroPoint);
  const lo = f32x4.splat(<f32>qmin);
  const hi = f32x4.splat(<f32>qmax);
  const half = f32x4.splat(0.5);
  const minusHalf = f32x4.splat(-0.5);
  const one = f32x4.splat(1.0);
  // Integral floats in (−2^22, 2^22) plus 1.5·2^23 keep the integer in the low mantissa bits.
  const magic = f32x4.splat(12582912.0);
  for (let i: usize = 0; i < n4; i += 4) {
    let x = v128.load(source + (i << 2));
    if (std != 0) x = f32x4.div(f32x4.sub(x, v128.load(mean + (i << 2))), v128.load(std + (i << 2)));
    const v = f32x4.div(x, scaleV);
    // round half away from zero: trunc, then ±1 where the (exact) fraction reaches ±0.5.
    const t = f32x4.trunc(v);
    const f = f32x4.sub(v, t);
    const r = f32x4.sub(f32x4.add(t, v128.and(f32x4.ge(f, half), one)), v128.and(f32x4.le(f, minusHalf), one));
    // + zero point, clamp (±Inf land on qmax/qmin; pmin/pmax are plain compares), NaN → zero point.
    const clamped = f32x4.pmax(lo, f32x4.pmin(hi, f32x4.add(r, zpF)));
    const selected = v128.bitselect(clamped, zpF, f32x4.eq(v, v));
    // An integral float in [qmin, qmax] to int32, exactly.
    const q = i32x4.sub(f32x4.add(selected, magic), magic);
    const q16 = i16x8.narrow_i32x4_s(q, q);
    if (outputInt16) v128.store64_lane(output + (i << 1), q16, 0);
    else v128.store32_lane(output + i, i8x16.narrow_i16x8_s(q16, q16), 0);
  }
  if (n4 < <usize>features) {
    const tail = <i32>n4;
    quantizeInput(
      source + (n4 << 2),
      output + (outputInt16 ? n4 << 1 : n4),
      features - tail,
      mean == 0 ? 0 : mean + (n4 << 2),
      std == 0 ? 0 : std + (n4 << 2),
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

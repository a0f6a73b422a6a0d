/**
 * layer_norm in exact integer arithmetic (docs/quantized-ir.md), int8 or int16 codes in and out:
 * per row S = Σ x_i, D = n·Σ x_i² − S² + varianceEpsilon, k ≥ 0 the least with D·4^k ≥ 2^52,
 * r = ⌊√(D·4^k)⌋, inv = round(2^(29+b) / r) with b the bit length of r; per feature
 * t_i = round((n·x_i − S)·inv / 2^(13+b−k)) (Q16), then
 * RDBP(SRDHM(t_i, multiplier_i), rightShift_i) + bias_i + zero point, clamped. The same steps as
 * the C kernel (compiler/ops/layer-norm/c/firmnet_layer_norm.c); WebAssembly has a 64-bit divide, and the quotient
 * is the same floor either way.
 */
import { clampI32, rdbp, srdhm } from './fixed-point';

/** ⌊√d⌋ for d < 2^56, bit by bit. */
function isqrtU64(d: u64): u64 {
  let result: u64 = 0;
  let bit: u64 = <u64>1 << 54;
  for (let step = 0; step < 28; step++) {
    if (d >= result + bit) {
      d -= result + bit;
      result = (result >> 1) + bit;
    } else {
      result >>= 1;
    }
    bit >>= 2;
  }
  return result;
}

export function layerNorm(
  input: usize,
  output: usize,
  features: i32,
  int16: bool,
  varianceEpsilon: i64,
  multiplier: usize,
  rightShift: usize,
  bias: usize,
  outputZeroPoint: i32,
  activationMin: i32,
  activationMax: i32,
): void {
  const n = <usize>features;
  let sum: i32 = 0;
  let squares: i64 = 0;
  for (let i: usize = 0; i < n; i++) {
    const x = int16 ? <i32>load<i16>(input + (i << 1)) : <i32>load<i8>(input + i);
    sum += x;
    squares += <i64>(x * x);
  }
  let d = <u64>(<i64>features * squares - <i64>sum * <i64>sum + varianceEpsilon);
  let scale: i32 = 0;
  while (d < (<u64>1 << 52)) {
    d <<= 2;
    scale++;
  }
  const r = isqrtU64(d);
  const bits: i32 = r >> 27 != 0 ? 28 : 27;
  const inv = <i64>(((<u64>1 << <u64>(30 + bits)) + r) / (r << 1));
  const k = <i64>(13 + bits - scale);
  const half = <i64>1 << (k - 1);
  for (let i: usize = 0; i < n; i++) {
    const x = int16 ? <i32>load<i16>(input + (i << 1)) : <i32>load<i8>(input + i);
    const product = <i64>(features * x - sum) * inv;
    const t = product >= 0 ? <i32>((product + half) >> k) : -<i32>((-product + half) >> k);
    const k4 = i << 2;
    const y = rdbp(srdhm(t, load<i32>(multiplier + k4)), load<i32>(rightShift + k4)) + load<i32>(bias + k4);
    const q = clampI32(y + outputZeroPoint, activationMin, activationMax);
    if (int16) store<i16>(output + (i << 1), <i16>q);
    else store<i8>(output + i, <i8>q);
  }
}

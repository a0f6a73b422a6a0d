/**
 * Element-wise layers: LEAKY_RELU (two requantizations by sign) and lookup tables (int8 direct,
 * int16 513-knot interpolation). Scalar in both builds: per element they cost a few instructions,
 * against a dense layer's inFeatures multiply-adds per output.
 */
import { clampI32, mbqm } from './fixed-point';

// @ts-ignore: decorator
@inline
function loadQ(ptr: usize, i: usize, int16: bool): i32 {
  return int16 ? <i32>load<i16>(ptr + (i << 1)) : <i32>load<i8>(ptr + i);
}

// @ts-ignore: decorator
@inline
function storeQ(ptr: usize, i: usize, value: i32, int16: bool): void {
  if (int16) store<i16>(ptr + (i << 1), <i16>value);
  else store<i8>(ptr + i, <i8>value);
}

/** TFLite LEAKY_RELU: v = x − zp; MBQM(v, identity or alpha by sign) + out zp, clamped to [qmin, qmax]. */
export function leakyRelu(
  input: usize,
  output: usize,
  features: i32,
  inputInt16: bool,
  outputInt16: bool,
  inputZeroPoint: i32,
  outputZeroPoint: i32,
  multiplierIdentity: i32,
  shiftIdentity: i32,
  multiplierAlpha: i32,
  shiftAlpha: i32,
  qmin: i32,
  qmax: i32,
): void {
  for (let i: usize = 0; i < <usize>features; i++) {
    const v = loadQ(input, i, inputInt16) - inputZeroPoint;
    const scaled = v >= 0 ? mbqm(v, multiplierIdentity, shiftIdentity) : mbqm(v, multiplierAlpha, shiftAlpha);
    storeQ(output, i, clampI32(scaled + outputZeroPoint, qmin, qmax), outputInt16);
  }
}

/** int8 table: out = table[x + 128] (256 int8 entries). */
export function lookupS8(input: usize, output: usize, features: i32, table: usize): void {
  for (let i: usize = 0; i < <usize>features; i++) {
    store<i8>(output + i, load<i8>(table + <usize>(<i32>load<i8>(input + i) + 128)));
  }
}

/**
 * int16 table: 513 int16 knots at x = (j − 256)·128; j = 256 + (x >> 7),
 * out = t[j] + (((t[j+1] − t[j]) · (x & 127) + 64) >> 7), in int32.
 */
export function lookupS16(input: usize, output: usize, features: i32, table: usize): void {
  for (let i: usize = 0; i < <usize>features; i++) {
    const x = <i32>load<i16>(input + (i << 1));
    const j = <usize>(256 + (x >> 7));
    const base = <i32>load<i16>(table + (j << 1));
    const slope = <i32>load<i16>(table + (j << 1), 2) - base;
    store<i16>(output + (i << 1), <i16>(base + ((slope * (x & 127) + 64) >> 7)));
  }
}

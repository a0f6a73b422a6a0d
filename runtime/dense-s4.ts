/**
 * FULLY_CONNECTED with int4 weights and an int8 input, in both builds: the golden reference's
 * arithmetic (compiler/ops/fully-connected/reference.ts) over the IR's packed weights.
 *
 * Memory: `input`, `output` are activation tensors in the arena; `weights` the packed stream,
 * ceil(out · in / 2) bytes, weight k = o · in + i in the low nibble of byte k / 2 when k is even and
 * in the high nibble when it is odd (so a row of an odd `inFeatures` starts mid-byte); `bias`,
 * `multiplier`, `shift` int32[out].
 */
import { mbqm } from './fixed-point';
import { storeOutput } from './dense-scalar';

/** int32 accumulator (wrapping), bias + Σ (x − zp)·w, 32-bit MBQM, + zp, clamp; the nibbles sign-extended as they are read. */
export function denseS4(
  input: usize,
  output: usize,
  weights: usize,
  bias: usize,
  multiplier: usize,
  shift: usize,
  inFeatures: i32,
  outFeatures: i32,
  inputZeroPoint: i32,
  outputZeroPoint: i32,
  activationMin: i32,
  activationMax: i32,
  outputInt16: bool,
): void {
  const n = <usize>inFeatures;
  for (let o: usize = 0; o < <usize>outFeatures; o++) {
    let acc = load<i32>(bias + (o << 2));
    let k = o * n;
    for (let i: usize = 0; i < n; i++, k++) {
      const byte = <i32>load<u8>(weights + (k >> 1));
      // The nibble moved to the top of an int32, then shifted back arithmetically: its sign extension.
      const w = ((byte << (28 - 4 * <i32>(k & 1))) >> 28);
      acc += (<i32>load<i8>(input + i) - inputZeroPoint) * w;
    }
    const scaled = mbqm(acc, load<i32>(multiplier + (o << 2)), load<i32>(shift + (o << 2)));
    storeOutput(output, o, scaled, outputZeroPoint, activationMin, activationMax, outputInt16);
  }
}

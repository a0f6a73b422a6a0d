/**
 * Float32 ⇄ integer conversion at the network's edges, in float32 arithmetic (WebAssembly f32),
 * step for step as compiler/reference/io.ts does with Math.fround:
 *   x' = f32(f32(x − mean) / std)   (when the IR has input standardization)
 *   v  = f32(x' / scale)
 *   q  = clamp(round_half_away_from_zero(v) + zeroPoint, qmin, qmax); NaN → zeroPoint, ±Inf → qmax/qmin
 * and y = f32(f32(q − zeroPoint) · scale) on the way out; for a regression IR with target
 * standardization, the values in the target's units are f32(f32(y · std) + mean)
 * (compiler/data/standardize.ts, invertStandardization).
 */

/**
 * Quantizes `features` float32 values at `source` into the input tensor at `output`. `mean` and
 * `std` point to float32[features], or are 0 when the IR has no input standardization.
 */
export function quantizeInput(
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
  for (let i: usize = 0; i < <usize>features; i++) {
    let x = load<f32>(source + (i << 2));
    if (std != 0) x = (x - load<f32>(mean + (i << 2))) / load<f32>(std + (i << 2));
    const v = x / scale;
    let q: i32;
    if (isNaN(v)) {
      q = zeroPoint;
    } else if (!isFinite(v)) {
      q = v > 0 ? qmax : qmin;
    } else {
      // round half away from zero (f32.nearest would round halves to even); v − trunc(v) is exact.
      const t = Mathf.trunc(v);
      const f = v - t;
      const rounded = <f64>t + (f >= 0.5 ? 1.0 : f <= -0.5 ? -1.0 : 0.0);
      const shifted = rounded + <f64>zeroPoint;
      q = shifted < <f64>qmin ? qmin : shifted > <f64>qmax ? qmax : <i32>shifted;
    }
    if (outputInt16) store<i16>(output + (i << 1), <i16>q);
    else store<i8>(output + i, <i8>q);
  }
}

/** Dequantizes `features` outputs at `input` into float32 values at `target`. */
export function dequantizeOutput(input: usize, target: usize, features: i32, scale: f32, zeroPoint: i32, inputInt16: bool): void {
  for (let i: usize = 0; i < <usize>features; i++) {
    const q = inputInt16 ? <i32>load<i16>(input + (i << 1)) : <i32>load<i8>(input + i);
    store<f32>(target + (i << 2), <f32>(q - zeroPoint) * scale);
  }
}

/**
 * In place on `features` float32 values: y ← f32(f32(y · std) + mean), `mean` and `std` float32[features].
 * WebAssembly's f32.mul and f32.add round to float32 like the reference's Math.fround steps (a
 * product or sum of two float32 values computed in double and rounded once to float32 is the
 * correctly rounded float32 result).
 */
export function unstandardizeValues(values: usize, features: i32, mean: usize, std: usize): void {
  for (let i: usize = 0; i < <usize>features; i++) {
    const k = i << 2;
    store<f32>(values + k, load<f32>(values + k) * load<f32>(std + k) + load<f32>(mean + k));
  }
}

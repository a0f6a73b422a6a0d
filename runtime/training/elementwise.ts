/**
 * Element-wise kernels of the float trainer over `n` contiguous values (T is f32 or f64): the ReLU
 * family, and the sums and scalings the optimizer and the signals need. Whole vectors first, then
 * the last `n mod lanes` values one by one; every sum runs in a fixed order.
 */
import { f64Total, highF64, lanes, lowF64, zero } from './lanes';

/** Which member of the ReLU family: the scalar definitions in compiler/nn/activations.ts. */
export const RELU: i32 = 0; //       x > 0 ? x : 0                  (NaN → 0)
export const RELU6: i32 = 1; //      x ≤ 0 ? 0 : x ≥ 6 ? 6 : x      (NaN → NaN)
export const LEAKY_RELU: i32 = 2; // x > 0 ? x : alpha·x

export function reluForward<T>(kind: i32, x: usize, n: i32, y: usize, alpha: T): void {
  const S = <usize>sizeof<T>();
  const end = <usize>n * S;
  const full = <usize>(n / lanes<T>()) << 4;
  const six = v128.splat<T>(6);
  const vAlpha = v128.splat<T>(alpha);
  for (let k: usize = 0; k < full; k += 16) {
    const v = v128.load(x + k);
    let out: v128;
    if (kind == RELU) out = v128.pmax<T>(zero(), v);
    else if (kind == RELU6) out = v128.bitselect(zero(), v128.bitselect(six, v, v128.ge<T>(v, six)), v128.le<T>(v, zero()));
    else out = v128.bitselect(v, v128.mul<T>(v, vAlpha), v128.gt<T>(v, zero()));
    v128.store(y + k, out);
  }
  for (let k = full; k < end; k += S) {
    const v = load<T>(x + k);
    let out: T;
    if (kind == RELU) out = v > 0 ? v : <T>0;
    else if (kind == RELU6) out = v <= 0 ? <T>0 : v >= 6 ? <T>6 : v;
    else out = v > 0 ? v : alpha * v;
    store<T>(y + k, out);
  }
}

/** dx = dy · f'(x): 1 where the function passes x through, 0 (or alpha) elsewhere. */
export function reluBackward<T>(kind: i32, x: usize, dy: usize, n: i32, dx: usize, alpha: T): void {
  const S = <usize>sizeof<T>();
  const end = <usize>n * S;
  const full = <usize>(n / lanes<T>()) << 4;
  const six = v128.splat<T>(6);
  const vAlpha = v128.splat<T>(alpha);
  for (let k: usize = 0; k < full; k += 16) {
    const v = v128.load(x + k);
    const g = v128.load(dy + k);
    const positive = v128.gt<T>(v, zero());
    let out: v128;
    if (kind == RELU) out = v128.and(g, positive);
    else if (kind == RELU6) out = v128.and(g, v128.and(positive, v128.lt<T>(v, six)));
    else out = v128.bitselect(g, v128.mul<T>(g, vAlpha), positive);
    v128.store(dx + k, out);
  }
  for (let k = full; k < end; k += S) {
    const v = load<T>(x + k);
    const g = load<T>(dy + k);
    let out: T;
    if (kind == RELU) out = v > 0 ? g : <T>0;
    else if (kind == RELU6) out = v > 0 && v < 6 ? g : <T>0;
    else out = v > 0 ? g : alpha * g;
    store<T>(dx + k, out);
  }
}

/** Σ p[i]², in float64. */
export function sumSquares<T>(p: usize, n: i32): f64 {
  const S = <usize>sizeof<T>();
  const end = <usize>n * S;
  const full = <usize>(n / lanes<T>()) << 4;
  let sq0 = zero();
  let sq1 = zero();
  for (let k: usize = 0; k < full; k += 16) {
    const v = v128.load(p + k);
    const lo = lowF64<T>(v);
    const hi = highF64<T>(v);
    sq0 = f64x2.add(sq0, f64x2.mul(lo, lo));
    sq1 = f64x2.add(sq1, f64x2.mul(hi, hi));
  }
  let total = f64Total(sq0, sq1);
  for (let k = full; k < end; k += S) {
    const v = <f64>load<T>(p + k);
    total += v * v;
  }
  return total;
}

/** p[i] ← p[i] · s. */
export function scale<T>(p: usize, n: i32, s: T): void {
  const S = <usize>sizeof<T>();
  const end = <usize>n * S;
  const full = <usize>(n / lanes<T>()) << 4;
  const vs = v128.splat<T>(s);
  for (let k: usize = 0; k < full; k += 16) v128.store(p + k, v128.mul<T>(v128.load(p + k), vs));
  for (let k = full; k < end; k += S) store<T>(p + k, load<T>(p + k) * s);
}

/** True when every value is finite (no NaN, no ±Inf). */
export function allFinite<T>(p: usize, n: i32): bool {
  const S = <usize>sizeof<T>();
  const end = <usize>n * S;
  for (let k: usize = 0; k < end; k += S) {
    const v = load<T>(p + k);
    if (!(v - v == 0)) return false;
  }
  return true;
}

/** acc[j] ← max(acc[j], x[r][j]) over the rows; NaN values leave acc as it was. */
export function columnMax<T>(x: usize, rows: i32, cols: i32, acc: usize): void {
  const S = <usize>sizeof<T>();
  const row = <usize>cols * S;
  const full = <usize>(cols / lanes<T>()) << 4;
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * row;
    for (let k: usize = 0; k < full; k += 16) v128.store(acc + k, v128.pmax<T>(v128.load(acc + k), v128.load(xr + k)));
    for (let k = full; k < row; k += S) {
      const v = load<T>(xr + k);
      if (load<T>(acc + k) < v) store<T>(acc + k, v);
    }
  }
}

/** How many of the n values lie below `lo` or above `hi`. */
export function countOutside<T>(x: usize, n: i32, lo: T, hi: T): i32 {
  const S = <usize>sizeof<T>();
  let count = 0;
  for (let k: usize = 0; k < <usize>n * S; k += S) {
    const v = load<T>(x + k);
    if (v < lo || v > hi) count++;
  }
  return count;
}

/**
 * Losses of the float trainer (T is f32 or f64), the definitions in compiler/nn/losses.ts. Each
 * returns the sum of its terms (per element, or per row for softmax cross-entropy) in float64, so
 * a caller can average one batch or add up blocks of a long evaluation; when `grad` is not 0 it
 * also writes dLoss/dPrediction, the derivative of each term times `scale` (1/count of the batch's
 * terms). Everything but the MSE's vector loop is computed in float64 and stored as T.
 */
import { f64Total, highF64, lanes, lowF64, zero } from './lanes';

/** Σ (p − t)²; grad 2·(p − t)·scale. */
export function mseLoss<T>(p: usize, t: usize, n: i32, grad: usize, scale: T): f64 {
  const S = <usize>sizeof<T>();
  const end = <usize>n * S;
  const full = <usize>(n / lanes<T>()) << 4;
  const twice = v128.splat<T>(<T>2 * scale);
  let sq0 = zero();
  let sq1 = zero();
  for (let k: usize = 0; k < full; k += 16) {
    const d = v128.sub<T>(v128.load(p + k), v128.load(t + k));
    const lo = lowF64<T>(d);
    const hi = highF64<T>(d);
    sq0 = f64x2.add(sq0, f64x2.mul(lo, lo));
    sq1 = f64x2.add(sq1, f64x2.mul(hi, hi));
    if (grad != 0) v128.store(grad + k, v128.mul<T>(d, twice));
  }
  let total = f64Total(sq0, sq1);
  for (let k = full; k < end; k += S) {
    const d = load<T>(p + k) - load<T>(t + k);
    total += <f64>d * <f64>d;
    if (grad != 0) store<T>(grad + k, d * (<T>2 * scale));
  }
  return total;
}

/** Σ |p − t|; grad sign(p − t)·scale. */
export function maeLoss<T>(p: usize, t: usize, n: i32, grad: usize, scale: f64): f64 {
  const S = <usize>sizeof<T>();
  let total: f64 = 0;
  for (let k: usize = 0; k < <usize>n * S; k += S) {
    const d = <f64>load<T>(p + k) - <f64>load<T>(t + k);
    total += Math.abs(d);
    if (grad != 0) store<T>(grad + k, <T>(d > 0 ? scale : d < 0 ? -scale : d * 0));
  }
  return total;
}

/** Σ ½d² for |d| ≤ δ, δ·(|d| − ½δ) beyond; grad d·scale, or δ·sign(d)·scale beyond. */
export function huberLoss<T>(p: usize, t: usize, n: i32, grad: usize, scale: f64, delta: f64): f64 {
  const S = <usize>sizeof<T>();
  let total: f64 = 0;
  for (let k: usize = 0; k < <usize>n * S; k += S) {
    const d = <f64>load<T>(p + k) - <f64>load<T>(t + k);
    const a = Math.abs(d);
    if (a <= delta) {
      total += 0.5 * d * d;
      if (grad != 0) store<T>(grad + k, <T>(d * scale));
    } else {
      total += delta * (a - 0.5 * delta);
      if (grad != 0) store<T>(grad + k, <T>((d > 0 ? delta : d < 0 ? -delta : d * 0) * scale));
    }
  }
  return total;
}

/**
 * Binary cross-entropy on logits z, max(z, 0) − z·y + log(1 + e^−|z|), which never takes the log of
 * 0 and never overflows; grad (σ(z) − y)·scale.
 */
export function bceLoss<T>(p: usize, t: usize, n: i32, grad: usize, scale: f64): f64 {
  const S = <usize>sizeof<T>();
  let total: f64 = 0;
  for (let k: usize = 0; k < <usize>n * S; k += S) {
    const z = <f64>load<T>(p + k);
    const y = <f64>load<T>(t + k);
    const e = Math.exp(-Math.abs(z));
    total += max(z, 0) - z * y + Math.log1p(e);
    if (grad != 0) store<T>(grad + k, <T>(((z >= 0 ? 1 / (1 + e) : e / (1 + e)) - y) * scale));
  }
  return total;
}

/**
 * Softmax cross-entropy on logits, per row logsumexp(z) − Σ t·z with the row's max subtracted
 * first; grad (softmax(z) − t)·scale.
 */
export function softmaxCrossEntropyLoss<T>(p: usize, t: usize, rows: i32, cols: i32, grad: usize, scale: f64): f64 {
  const S = <usize>sizeof<T>();
  const row = <usize>cols * S;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const pr = p + <usize>r * row;
    const tr = t + <usize>r * row;
    const gr = grad + <usize>r * row;
    let top = -Infinity;
    for (let k: usize = 0; k < row; k += S) top = max(top, <f64>load<T>(pr + k));
    // e^(z − max) once per logit; the gradient row holds them until the sum is known.
    let z: f64 = 0;
    for (let k: usize = 0; k < row; k += S) {
      const e = Math.exp(<f64>load<T>(pr + k) - top);
      z += e;
      if (grad != 0) store<T>(gr + k, <T>e);
    }
    const logZ = top + Math.log(z);
    for (let k: usize = 0; k < row; k += S) {
      const target = <f64>load<T>(tr + k);
      total += target * (logZ - <f64>load<T>(pr + k));
    }
    if (grad == 0) continue;
    for (let k: usize = 0; k < row; k += S) store<T>(gr + k, <T>((<f64>load<T>(gr + k) / z - <f64>load<T>(tr + k)) * scale));
  }
  return total;
}

/**
 * Binary cross-entropy on logits with a weight per column and target: w[j] (cols values) weighs
 * the positive term and w[cols + j] the negative one, w₊·y·softplus(−z) + w₋·(1 − y)·softplus(z)
 * — PyTorch's `pos_weight` times a class weight. Equal to bceLoss when every weight is 1;
 * grad (w₋·(1 − y)·σ(z) − w₊·y·(1 − σ(z)))·scale.
 */
export function weightedBceLoss<T>(p: usize, t: usize, rows: i32, cols: i32, grad: usize, scale: f64, w: usize): f64 {
  const S = <usize>sizeof<T>();
  const row = <usize>cols * S;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const at = <usize>r * row;
    for (let k: usize = 0; k < row; k += S) {
      const z = <f64>load<T>(p + at + k);
      const y = <f64>load<T>(t + at + k);
      const positive = <f64>load<T>(w + k);
      const negative = <f64>load<T>(w + row + k);
      const e = Math.exp(-Math.abs(z));
      const softplus = max(z, 0) + Math.log1p(e);
      total += negative * (1 - y) * softplus + positive * y * (softplus - z);
      if (grad == 0) continue;
      const sigma = z >= 0 ? 1 / (1 + e) : e / (1 + e);
      const oneMinusSigma = z >= 0 ? e / (1 + e) : 1 / (1 + e);
      store<T>(grad + at + k, <T>((negative * (1 - y) * sigma - positive * y * oneMinusSigma) * scale));
    }
  }
  return total;
}

/**
 * Softmax cross-entropy with a weight per class, per row Σ w_c·t_c·(logsumexp(z) − z_c) (PyTorch's
 * `weight`, before its reduction); grad ((Σ_c w_c·t_c)·softmax(z)_k − w_k·t_k)·scale.
 */
export function weightedSoftmaxCrossEntropyLoss<T>(p: usize, t: usize, rows: i32, cols: i32, grad: usize, scale: f64, w: usize): f64 {
  const S = <usize>sizeof<T>();
  const row = <usize>cols * S;
  let total: f64 = 0;
  for (let r = 0; r < rows; r++) {
    const pr = p + <usize>r * row;
    const tr = t + <usize>r * row;
    const gr = grad + <usize>r * row;
    let top = -Infinity;
    for (let k: usize = 0; k < row; k += S) top = max(top, <f64>load<T>(pr + k));
    let z: f64 = 0;
    for (let k: usize = 0; k < row; k += S) {
      const e = Math.exp(<f64>load<T>(pr + k) - top);
      z += e;
      if (grad != 0) store<T>(gr + k, <T>e);
    }
    const logZ = top + Math.log(z);
    let rowWeight: f64 = 0;
    for (let k: usize = 0; k < row; k += S) {
      const weighted = <f64>load<T>(w + k) * <f64>load<T>(tr + k);
      rowWeight += weighted;
      total += weighted * (logZ - <f64>load<T>(pr + k));
    }
    if (grad == 0) continue;
    for (let k: usize = 0; k < row; k += S) {
      const weighted = <f64>load<T>(w + k) * <f64>load<T>(tr + k);
      store<T>(gr + k, <T>((rowWeight * (<f64>load<T>(gr + k) / z) - weighted) * scale));
    }
  }
  return total;
}

/**
 * BatchNorm1d of the float trainer over a row-major block x[rows][features] (T is f32 or f64),
 * lanes along features. Every pass streams the rows in order with per-feature accumulators in
 * `scratch` (3 × features values), so sums over rows run in row order; features past the last
 * whole vector are done one by one with the same arithmetic.
 */
import { lanes, sqrtOf } from './lanes';

/**
 * Train mode: normalises with the batch mean and biased variance (two passes: mean, then squared
 * deviations), writes x̂ and y = γ·x̂ + β, 1/σ per feature, and moves the running statistics
 * (running ← (1 − momentum)·running + momentum·batch, unbiased variance), as PyTorch does.
 */
export function batchNormTrain<T>(
  x: usize,
  rows: i32,
  features: i32,
  gamma: usize,
  beta: usize,
  eps: T,
  momentum: T,
  runningMean: usize,
  runningVar: usize,
  invStd: usize,
  xHat: usize,
  y: usize,
  scratch: usize,
): void {
  const S = <usize>sizeof<T>();
  const row = <usize>features * S;
  const full = <usize>(features / lanes<T>()) << 4;
  const n = <T>rows;
  const mean = scratch;
  const squares = scratch + row;
  memory.fill(scratch, 0, 2 * row);
  for (let r = 0; r < rows; r++) addRow<T>(mean, x + <usize>r * row, row, full);
  for (let k: usize = 0; k < row; k += S) store<T>(mean + k, load<T>(mean + k) / n);
  for (let r = 0; r < rows; r++) {
    const xr = x + <usize>r * row;
    for (let k: usize = 0; k < full; k += 16) {
      const d = v128.sub<T>(v128.load(xr + k), v128.load(mean + k));
      v128.store(squares + k, v128.add<T>(v128.load(squares + k), v128.mul<T>(d, d)));
    }
    for (let k = full; k < row; k += S) {
      const d = load<T>(xr + k) - load<T>(mean + k);
      store<T>(squares + k, load<T>(squares + k) + d * d);
    }
  }
  for (let k: usize = 0; k < row; k += S) {
    const m = load<T>(mean + k);
    const variance = load<T>(squares + k) / n;
    store<T>(runningMean + k, (<T>1 - momentum) * load<T>(runningMean + k) + momentum * m);
    store<T>(runningVar + k, (<T>1 - momentum) * load<T>(runningVar + k) + momentum * (variance * (n / (n - 1))));
    store<T>(invStd + k, <T>1 / sqrtOf<T>(variance + eps));
  }
  normalize<T>(x, rows, row, full, mean, invStd, gamma, beta, xHat, y);
}

/** Eval mode (and batches of one row): the running statistics normalise, nothing is updated. */
export function batchNormEval<T>(x: usize, rows: i32, features: i32, gamma: usize, beta: usize, eps: T, runningMean: usize, runningVar: usize, invStd: usize, xHat: usize, y: usize): void {
  const S = <usize>sizeof<T>();
  const row = <usize>features * S;
  for (let k: usize = 0; k < row; k += S) store<T>(invStd + k, <T>1 / sqrtOf<T>(load<T>(runningVar + k) + eps));
  normalize<T>(x, rows, row, <usize>(features / lanes<T>()) << 4, runningMean, invStd, gamma, beta, xHat, y);
}

/** x̂ = (x − mean)·(1/σ), y = γ·x̂ + β, row by row. */
function normalize<T>(x: usize, rows: i32, row: usize, full: usize, mean: usize, invStd: usize, gamma: usize, beta: usize, xHat: usize, y: usize): void {
  const S = <usize>sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const at = <usize>r * row;
    for (let k: usize = 0; k < full; k += 16) {
      const h = v128.mul<T>(v128.sub<T>(v128.load(x + at + k), v128.load(mean + k)), v128.load(invStd + k));
      v128.store(xHat + at + k, h);
      v128.store(y + at + k, v128.add<T>(v128.mul<T>(v128.load(gamma + k), h), v128.load(beta + k)));
    }
    for (let k = full; k < row; k += S) {
      const h = (load<T>(x + at + k) - load<T>(mean + k)) * load<T>(invStd + k);
      store<T>(xHat + at + k, h);
      store<T>(y + at + k, load<T>(gamma + k) * h + load<T>(beta + k));
    }
  }
}

/**
 * dγ = Σ dy·x̂, dβ = Σ dy (overwritten) and dx. With batch statistics every row moves the mean and
 * variance: dx = γ/σ · (dy − dβ/n − x̂·dγ/n); with running statistics (`batchStatistics` false)
 * dx = γ/σ · dy.
 */
export function batchNormBackward<T>(
  dy: usize,
  rows: i32,
  features: i32,
  gamma: usize,
  invStd: usize,
  xHat: usize,
  batchStatistics: bool,
  dGamma: usize,
  dBeta: usize,
  dx: usize,
  scratch: usize,
): void {
  const S = <usize>sizeof<T>();
  const row = <usize>features * S;
  const full = <usize>(features / lanes<T>()) << 4;
  const n = <T>rows;
  memory.fill(dGamma, 0, row);
  memory.fill(dBeta, 0, row);
  for (let r = 0; r < rows; r++) {
    const at = <usize>r * row;
    for (let k: usize = 0; k < full; k += 16) {
      const g = v128.load(dy + at + k);
      v128.store(dGamma + k, v128.add<T>(v128.load(dGamma + k), v128.mul<T>(g, v128.load(xHat + at + k))));
      v128.store(dBeta + k, v128.add<T>(v128.load(dBeta + k), g));
    }
    for (let k = full; k < row; k += S) {
      const g = load<T>(dy + at + k);
      store<T>(dGamma + k, load<T>(dGamma + k) + g * load<T>(xHat + at + k));
      store<T>(dBeta + k, load<T>(dBeta + k) + g);
    }
  }
  // Per feature: γ/σ, mean(dy) and mean(dy·x̂) (0 with running statistics).
  const factor = scratch;
  const meanG = scratch + row;
  const meanGX = scratch + 2 * row;
  for (let k: usize = 0; k < row; k += S) {
    store<T>(factor + k, load<T>(gamma + k) * load<T>(invStd + k));
    store<T>(meanG + k, batchStatistics ? load<T>(dBeta + k) / n : <T>0);
    store<T>(meanGX + k, batchStatistics ? load<T>(dGamma + k) / n : <T>0);
  }
  for (let r = 0; r < rows; r++) {
    const at = <usize>r * row;
    for (let k: usize = 0; k < full; k += 16) {
      const centred = v128.sub<T>(v128.sub<T>(v128.load(dy + at + k), v128.load(meanG + k)), v128.mul<T>(v128.load(xHat + at + k), v128.load(meanGX + k)));
      v128.store(dx + at + k, v128.mul<T>(v128.load(factor + k), centred));
    }
    for (let k = full; k < row; k += S) {
      const centred = load<T>(dy + at + k) - load<T>(meanG + k) - load<T>(xHat + at + k) * load<T>(meanGX + k);
      store<T>(dx + at + k, load<T>(factor + k) * centred);
    }
  }
}

/** acc[k] += x[k] over one row. */
// @ts-ignore: decorator
@inline function addRow<T>(acc: usize, xr: usize, row: usize, full: usize): void {
  const S = <usize>sizeof<T>();
  for (let k: usize = 0; k < full; k += 16) v128.store(acc + k, v128.add<T>(v128.load(acc + k), v128.load(xr + k)));
  for (let k = full; k < row; k += S) store<T>(acc + k, load<T>(acc + k) + load<T>(xr + k));
}

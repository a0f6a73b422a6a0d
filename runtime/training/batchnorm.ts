/**
 * BatchNorm1d of the float trainer over a row-major block x[rows][features] (T is f32 or f64),
 * lanes along features. Sums over rows run in row order; features past the last whole vector are
 * done one by one with the same arithmetic.
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
): void {
  const S = <usize>sizeof<T>();
  const row = <usize>features * S;
  const full = <usize>(features / lanes<T>()) << 4;
  const n = <T>rows;
  const vn = v128.splat<T>(n);
  const vUnbias = v128.splat<T>(n / (n - 1));
  const vEps = v128.splat<T>(eps);
  const vKeep = v128.splat<T>(<T>1 - momentum);
  const vMomentum = v128.splat<T>(momentum);
  const one = v128.splat<T>(1);
  for (let k: usize = 0; k < full; k += 16) {
    let sum = v128.splat<T>(0);
    for (let r = 0; r < rows; r++) sum = v128.add<T>(sum, v128.load(x + <usize>r * row + k));
    const mean = v128.div<T>(sum, vn);
    let sq = v128.splat<T>(0);
    for (let r = 0; r < rows; r++) {
      const d = v128.sub<T>(v128.load(x + <usize>r * row + k), mean);
      sq = v128.add<T>(sq, v128.mul<T>(d, d));
    }
    const variance = v128.div<T>(sq, vn);
    v128.store(runningMean + k, v128.add<T>(v128.mul<T>(vKeep, v128.load(runningMean + k)), v128.mul<T>(vMomentum, mean)));
    v128.store(runningVar + k, v128.add<T>(v128.mul<T>(vKeep, v128.load(runningVar + k)), v128.mul<T>(vMomentum, v128.mul<T>(variance, vUnbias))));
    const inv = v128.div<T>(one, v128.sqrt<T>(v128.add<T>(variance, vEps)));
    v128.store(invStd + k, inv);
    const g = v128.load(gamma + k);
    const b = v128.load(beta + k);
    for (let r = 0; r < rows; r++) {
      const at = <usize>r * row + k;
      const h = v128.mul<T>(v128.sub<T>(v128.load(x + at), mean), inv);
      v128.store(xHat + at, h);
      v128.store(y + at, v128.add<T>(v128.mul<T>(g, h), b));
    }
  }
  for (let k = full; k < row; k += S) {
    let sum: T = 0;
    for (let r = 0; r < rows; r++) sum += load<T>(x + <usize>r * row + k);
    const mean = sum / n;
    let sq: T = 0;
    for (let r = 0; r < rows; r++) {
      const d = load<T>(x + <usize>r * row + k) - mean;
      sq += d * d;
    }
    const variance = sq / n;
    store<T>(runningMean + k, (<T>1 - momentum) * load<T>(runningMean + k) + momentum * mean);
    store<T>(runningVar + k, (<T>1 - momentum) * load<T>(runningVar + k) + momentum * (variance * (n / (n - 1))));
    const inv = <T>1 / sqrtOf<T>(variance + eps);
    store<T>(invStd + k, inv);
    const g = load<T>(gamma + k);
    const b = load<T>(beta + k);
    for (let r = 0; r < rows; r++) {
      const at = <usize>r * row + k;
      const h = (load<T>(x + at) - mean) * inv;
      store<T>(xHat + at, h);
      store<T>(y + at, g * h + b);
    }
  }
}

/** Eval mode (and batches of one row): the running statistics normalise, nothing is updated. */
export function batchNormEval<T>(x: usize, rows: i32, features: i32, gamma: usize, beta: usize, eps: T, runningMean: usize, runningVar: usize, invStd: usize, xHat: usize, y: usize): void {
  const S = <usize>sizeof<T>();
  const row = <usize>features * S;
  const full = <usize>(features / lanes<T>()) << 4;
  const vEps = v128.splat<T>(eps);
  const one = v128.splat<T>(1);
  for (let k: usize = 0; k < full; k += 16) {
    const mean = v128.load(runningMean + k);
    const inv = v128.div<T>(one, v128.sqrt<T>(v128.add<T>(v128.load(runningVar + k), vEps)));
    v128.store(invStd + k, inv);
    const g = v128.load(gamma + k);
    const b = v128.load(beta + k);
    for (let r = 0; r < rows; r++) {
      const at = <usize>r * row + k;
      const h = v128.mul<T>(v128.sub<T>(v128.load(x + at), mean), inv);
      v128.store(xHat + at, h);
      v128.store(y + at, v128.add<T>(v128.mul<T>(g, h), b));
    }
  }
  for (let k = full; k < row; k += S) {
    const mean = load<T>(runningMean + k);
    const inv = <T>1 / sqrtOf<T>(load<T>(runningVar + k) + eps);
    store<T>(invStd + k, inv);
    const g = load<T>(gamma + k);
    const b = load<T>(beta + k);
    for (let r = 0; r < rows; r++) {
      const at = <usize>r * row + k;
      const h = (load<T>(x + at) - mean) * inv;
      store<T>(xHat + at, h);
      store<T>(y + at, g * h + b);
    }
  }
}

/**
 * dγ = Σ dy·x̂, dβ = Σ dy (overwritten) and dx. With batch statistics every row moves the mean and
 * variance: dx = γ/σ · (dy − dβ/n − x̂·dγ/n); with running statistics (`batchStatistics` false)
 * dx = γ/σ · dy.
 */
export function batchNormBackward<T>(dy: usize, rows: i32, features: i32, gamma: usize, invStd: usize, xHat: usize, batchStatistics: bool, dGamma: usize, dBeta: usize, dx: usize): void {
  const S = <usize>sizeof<T>();
  const row = <usize>features * S;
  const full = <usize>(features / lanes<T>()) << 4;
  const n = <T>rows;
  const vn = v128.splat<T>(n);
  for (let k: usize = 0; k < full; k += 16) {
    let sg = v128.splat<T>(0);
    let sb = v128.splat<T>(0);
    for (let r = 0; r < rows; r++) {
      const at = <usize>r * row + k;
      const g = v128.load(dy + at);
      sg = v128.add<T>(sg, v128.mul<T>(g, v128.load(xHat + at)));
      sb = v128.add<T>(sb, g);
    }
    v128.store(dGamma + k, sg);
    v128.store(dBeta + k, sb);
    const factor = v128.mul<T>(v128.load(gamma + k), v128.load(invStd + k));
    if (batchStatistics) {
      const meanG = v128.div<T>(sb, vn);
      const meanGX = v128.div<T>(sg, vn);
      for (let r = 0; r < rows; r++) {
        const at = <usize>r * row + k;
        const centred = v128.sub<T>(v128.sub<T>(v128.load(dy + at), meanG), v128.mul<T>(v128.load(xHat + at), meanGX));
        v128.store(dx + at, v128.mul<T>(factor, centred));
      }
    } else {
      for (let r = 0; r < rows; r++) {
        const at = <usize>r * row + k;
        v128.store(dx + at, v128.mul<T>(factor, v128.load(dy + at)));
      }
    }
  }
  for (let k = full; k < row; k += S) {
    let sg: T = 0;
    let sb: T = 0;
    for (let r = 0; r < rows; r++) {
      const at = <usize>r * row + k;
      const g = load<T>(dy + at);
      sg += g * load<T>(xHat + at);
      sb += g;
    }
    store<T>(dGamma + k, sg);
    store<T>(dBeta + k, sb);
    const factor = load<T>(gamma + k) * load<T>(invStd + k);
    const meanG = sb / n;
    const meanGX = sg / n;
    for (let r = 0; r < rows; r++) {
      const at = <usize>r * row + k;
      const g = load<T>(dy + at);
      store<T>(dx + at, batchStatistics ? factor * (g - meanG - load<T>(xHat + at) * meanGX) : factor * g);
    }
  }
}

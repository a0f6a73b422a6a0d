import { quantizeValue } from '../reference/io.js';
import type { CalibrationMethod } from '../ir/qmodel.js';
import type { QDtype } from '../ops/op-types.js';
import { type Range, tensorFor } from './quant-params.js';

/**
 * Calibration range of one tensor from its observed values, by method:
 * - minmax: the observed extremes;
 * - percentile: the p-th and (100−p)-th percentiles (p = 99.99 by default), clipping rare outliers;
 * - mse: the range [α·min, α·max] (α on a grid of 100 values) that minimizes the mean squared
 *   quantize→dequantize error of the observed values;
 * - kl: TensorRT-style entropy calibration generalised to asymmetric ranges: over a 2048-bin
 *   histogram, the candidate range whose 256-level quantized distribution Q is closest to the
 *   clipped reference distribution P in KL(P‖Q).
 * The MSE search quantizes exactly as the IR will for `dtype`.
 */
export function calibrationRange(values: Float32Array, method: CalibrationMethod, options: { percentile: number; dtype: QDtype }): Range {
  const { min, max } = extremes(values);
  switch (method) {
    case 'minmax':
      return { min, max };
    case 'percentile':
      return percentileRange(values, options.percentile);
    case 'mse':
      return mseRange(values, min, max, options.dtype);
    case 'kl':
      return klRange(values, min, max);
  }
}

export function extremes(values: ArrayLike<number>): Range {
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    if (values[i] < min) min = values[i];
    if (values[i] > max) max = values[i];
  }
  return values.length === 0 ? { min: 0, max: 0 } : { min, max };
}

function percentileRange(values: Float32Array, p: number): Range {
  const sorted = Float32Array.from(values).sort();
  const at = (q: number): number => {
    const pos = q * (sorted.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.min(lo + 1, sorted.length - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
  };
  return { min: at(1 - p / 100), max: at(p / 100) };
}

const GRID = 100;
const SAMPLE = 65536;

function mseRange(values: Float32Array, min: number, max: number, dtype: QDtype): Range {
  const sample = strideSample(values, SAMPLE);
  let best: Range = { min, max };
  let bestError = Infinity;
  for (let g = GRID; g >= 1; g--) {
    const alpha = g / GRID;
    const range = { min: min * alpha, max: max * alpha };
    const tensor = tensorFor(range, dtype, 1);
    let error = 0;
    for (let i = 0; i < sample.length; i++) {
      const d = sample[i] - (quantizeValue(sample[i], tensor) - tensor.zeroPoint) * tensor.scale;
      error += d * d;
    }
    if (error < bestError) {
      bestError = error;
      best = range;
    }
  }
  return best;
}

const BINS = 2048;
const QUANT_LEVELS = 256;

function klRange(values: Float32Array, min: number, max: number): Range {
  const lo = Math.min(min, 0);
  const hi = Math.max(max, 0);
  if (hi === lo) return { min, max };
  const width = (hi - lo) / BINS;
  const hist = new Float64Array(BINS);
  for (let i = 0; i < values.length; i++) hist[Math.min(BINS - 1, Math.floor((values[i] - lo) / width))]++;
  // Zero sits on a bin edge (or the range end); candidates shrink both sides around it by α.
  const zeroBin = Math.round(-lo / width);
  let best: Range = { min, max };
  let bestKl = Infinity;
  for (let g = GRID; g >= 1; g--) {
    const alpha = g / GRID;
    const first = zeroBin - Math.round(zeroBin * alpha);
    const last = zeroBin + Math.round((BINS - zeroBin) * alpha);
    if (last - first < QUANT_LEVELS) break;
    const kl = klDivergence(hist, first, last);
    if (kl < bestKl) {
      bestKl = kl;
      best = { min: lo + first * width, max: lo + last * width };
    }
  }
  return best;
}

/**
 * KL(P‖Q) over histogram bins [first, last): P holds the bins with the clipped outliers folded into
 * the edge bins; Q is the in-range bins (without the outliers) merged into 256 levels, each level's
 * mass spread evenly over its non-empty bins. Both are normalised; an empty Q bin under a non-empty
 * P bin costs as if it held a tiny mass.
 */
function klDivergence(hist: Float64Array, first: number, last: number): number {
  const n = last - first;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = hist[first + i];
  const q = new Float64Array(n);
  for (let level = 0; level < QUANT_LEVELS; level++) {
    const start = Math.floor((level * n) / QUANT_LEVELS);
    const end = Math.floor(((level + 1) * n) / QUANT_LEVELS);
    let mass = 0;
    let nonZero = 0;
    for (let i = start; i < end; i++) {
      mass += p[i];
      if (p[i] > 0) nonZero++;
    }
    for (let i = start; i < end; i++) q[i] = p[i] > 0 ? mass / nonZero : 0;
  }
  for (let i = 0; i < first; i++) p[0] += hist[i];
  for (let i = last; i < hist.length; i++) p[n - 1] += hist[i];
  let pTotal = 0;
  let qTotal = 0;
  for (let i = 0; i < n; i++) {
    pTotal += p[i];
    qTotal += q[i];
  }
  const tiny = 1e-12;
  let kl = 0;
  for (let i = 0; i < n; i++) {
    if (p[i] === 0) continue;
    const pi = p[i] / pTotal;
    const qi = qTotal > 0 ? Math.max(q[i] / qTotal, tiny) : tiny;
    kl += pi * Math.log(pi / qi);
  }
  return kl;
}

/** Every k-th value so that at most `limit` remain (deterministic). */
export function strideSample(values: Float32Array, limit: number): Float32Array {
  if (values.length <= limit) return values;
  const step = values.length / limit;
  const out = new Float32Array(limit);
  for (let i = 0; i < limit; i++) out[i] = values[Math.floor(i * step)];
  return out;
}

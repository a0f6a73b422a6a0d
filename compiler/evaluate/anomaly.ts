import type { Standardization } from '../model/float-model.js';

/** How an autoencoder turns reconstructions into anomaly decisions. */
export interface AnomalyScoring {
  /** Per-feature scale the errors are measured in (the model's input standardization). */
  standardization: Standardization | null;
  /** Reconstruction error above which a row is an anomaly; null before one is chosen. */
  threshold: number | null;
}

/** The threshold is this percentile of reconstruction errors on normal (training/calibration) rows. */
export const DEFAULT_ANOMALY_PERCENTILE = 99;

/**
 * Anomaly score per row: the mean squared reconstruction error in standardized units, so features
 * with large raw ranges do not dominate.
 */
export function reconstructionErrors(reconstruction: ArrayLike<number>, inputs: ArrayLike<number>, rows: number, s: Standardization | null): Float64Array {
  const nf = inputs.length / Math.max(rows, 1);
  const errors = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let sum = 0;
    for (let j = 0; j < nf; j++) {
      const d = (reconstruction[r * nf + j] - inputs[r * nf + j]) / (s ? s.std[j] : 1);
      sum += d * d;
    }
    errors[r] = sum / nf;
  }
  return errors;
}

/** Linear-interpolated percentile (0–100) of the values. */
export function percentileOf(values: ArrayLike<number>, percentile: number): number {
  const sorted = Float64Array.from(values).sort();
  const pos = (percentile / 100) * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

import type { Standardization } from '../model/float-model.js';
import { shortestFloat32 } from '../float32.js';

/**
 * Per-column mean and standard deviation (population) of `rows` of a row-major matrix, computed in
 * float64. A constant column gets std 1 so it maps to 0 instead of dividing by zero.
 */
export function fitStandardization(values: Float32Array, columns: number, rowIndices: ArrayLike<number>): Standardization {
  const n = rowIndices.length;
  const mean = new Float64Array(columns);
  const sq = new Float64Array(columns);
  for (let k = 0; k < n; k++) {
    const o = rowIndices[k] * columns;
    for (let j = 0; j < columns; j++) mean[j] += values[o + j];
  }
  for (let j = 0; j < columns; j++) mean[j] /= n;
  for (let k = 0; k < n; k++) {
    const o = rowIndices[k] * columns;
    for (let j = 0; j < columns; j++) {
      const d = values[o + j] - mean[j];
      sq[j] += d * d;
    }
  }
  const std = Array.from(sq, (s) => {
    const sd = Math.sqrt(s / n);
    return sd > 1e-12 ? shortestFloat32(sd) : 1;
  });
  return { mean: Array.from(mean, shortestFloat32), std };
}

/**
 * f32(f32(x − mean) / std) for every row, into a new array. Written as two float32 operations so
 * that the firmware (C float, WebAssembly f32) computes exactly the same values.
 */
export function applyStandardization(values: Float32Array, columns: number, s: Standardization | null): Float32Array {
  const out = new Float32Array(values);
  if (s === null) return out;
  for (let i = 0; i < out.length; i++) {
    const j = i % columns;
    out[i] = Math.fround(values[i] - Math.fround(s.mean[j])) / Math.fround(s.std[j]);
  }
  return out;
}

/**
 * Index of the first value that `applyStandardization` would turn into NaN/±Infinity, or −1: the
 * same float32 operations, without the copy (a million-row data set is checked in place).
 */
export function firstNonFiniteStandardized(values: Float32Array, columns: number, s: Standardization): number {
  const mean = Float32Array.from(s.mean);
  const std = Float32Array.from(s.std);
  for (let i = 0; i < values.length; i++) {
    const j = i % columns;
    if (!Number.isFinite(Math.fround(Math.fround(values[i] - mean[j]) / std[j]))) return i;
  }
  return -1;
}

/** f32(f32(y · std) + mean), the inverse, for regression outputs. */
export function invertStandardization(values: Float32Array, columns: number, s: Standardization | null): Float32Array {
  const out = new Float32Array(values);
  if (s === null) return out;
  for (let i = 0; i < out.length; i++) {
    const j = i % columns;
    out[i] = Math.fround(values[i] * Math.fround(s.std[j])) + Math.fround(s.mean[j]);
  }
  return out;
}

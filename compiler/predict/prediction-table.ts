/**
 * Head outputs as the table a user reads, by task: the class (index and label) and its
 * probabilities; per-label decisions and probabilities; regression values; or an autoencoder's
 * reconstruction error and anomaly decision. The same decisions as the evaluation: argmax, a binary
 * probability ≥ 0.5 (or the threshold chosen in training), an error above the threshold.
 */
import { reconstructionErrors } from '../evaluate/anomaly.js';
import { argmaxRows } from '../evaluate/metrics.js';
import { shortestFloat32 } from '../float32.js';
import type { Predictor } from './load-predictor.js';

export type Cell = number | string;

export interface PredictionTable {
  columns: string[];
  /** One row per input row, `row` (1-based, in file order) first. */
  rows: Cell[][];
}

type Facts = Pick<Predictor, 'task' | 'classNames' | 'outputNames' | 'outputFeatures' | 'inputStandardization' | 'anomaly' | 'thresholds'>;

export function predictionTable(p: Facts, features: Float32Array, scores: Float32Array, rows: number): PredictionTable {
  const k = p.outputFeatures;
  const f32 = (v: number): number => shortestFloat32(v);
  const rowNumber = (r: number): number => r + 1;
  const positiveAt = (j: number): number => p.thresholds?.[j] ?? 0.5;
  switch (p.task) {
    case 'multiclass': {
      const best = argmaxRows(scores, rows, k);
      return {
        columns: ['row', 'class', 'label', ...p.classNames.map((c) => `p_${c}`)],
        rows: Array.from({ length: rows }, (_, r) => [rowNumber(r), best[r], p.classNames[best[r]], ...Array.from(scores.subarray(r * k, (r + 1) * k), f32)]),
      };
    }
    case 'binary': {
      return {
        columns: ['row', 'class', 'label', `p_${p.classNames[1]}`],
        rows: Array.from({ length: rows }, (_, r) => {
          const c = scores[r] >= positiveAt(0) ? 1 : 0;
          return [rowNumber(r), c, p.classNames[c], f32(scores[r])];
        }),
      };
    }
    case 'multilabel': {
      const names = p.classNames.length === k ? p.classNames : p.outputNames;
      return {
        columns: ['row', ...names.flatMap((n) => [n, `p_${n}`])],
        rows: Array.from({ length: rows }, (_, r) => [rowNumber(r), ...names.flatMap((_, j) => [scores[r * k + j] >= positiveAt(j) ? 1 : 0, f32(scores[r * k + j])])]),
      };
    }
    case 'regression':
      return {
        columns: ['row', ...p.outputNames],
        rows: Array.from({ length: rows }, (_, r) => [rowNumber(r), ...Array.from(scores.subarray(r * k, (r + 1) * k), f32)]),
      };
    case 'autoencoder': {
      const errors = reconstructionErrors(scores, features, rows, p.inputStandardization);
      const threshold = p.anomaly?.threshold ?? null;
      return {
        columns: ['row', 'reconstruction_error', ...(threshold === null ? [] : ['anomaly'])],
        rows: Array.from({ length: rows }, (_, r) => [rowNumber(r), errors[r], ...(threshold === null ? [] : [errors[r] > threshold ? 1 : 0])]),
      };
    }
  }
}

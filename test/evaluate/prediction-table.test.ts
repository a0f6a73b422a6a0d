import { describe, expect, it } from 'vitest';
import { predictionTable } from '../../compiler/predict/prediction-table.js';

const base = { inputStandardization: null, anomaly: null, outputNames: [] as string[] };

describe('firmnet predict decides at the thresholds the model was trained with', () => {
  it('binary: probability ≥ the threshold, 0.5 without one', () => {
    const scores = Float32Array.from([0.3, 0.45, 0.6]);
    const facts = { ...base, task: 'binary' as const, classNames: ['no', 'yes'], outputFeatures: 1 };
    expect(predictionTable({ ...facts, thresholds: null }, new Float32Array(3), scores, 3).rows.map((r) => r[1])).toEqual([0, 0, 1]);
    expect(predictionTable({ ...facts, thresholds: [0.4] }, new Float32Array(3), scores, 3).rows.map((r) => r[1])).toEqual([0, 1, 1]);
  });

  it('multilabel: each label at its own threshold', () => {
    const scores = Float32Array.from([0.3, 0.3, 0.7, 0.7]);
    const facts = { ...base, task: 'multilabel' as const, classNames: ['a', 'b'], outputFeatures: 2, thresholds: [0.25, 0.8] };
    expect(predictionTable(facts, new Float32Array(2), scores, 2).rows.map((r) => [r[1], r[3]])).toEqual([
      [1, 0],
      [1, 0],
    ]);
  });
});

import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../compiler/data/dataset.js';
import { DEFAULT_OPTIMIZER } from '../../compiler/nn/optimizers.js';
import { DEFAULT_SCHEDULE } from '../../compiler/nn/schedules.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { Rng } from '../../compiler/rng.js';
import { type TrainConfig, splitRows, trainModel } from '../../compiler/train/train.js';
import { subsetRows } from '../../compiler/data/dataset.js';
import { compareWithFloat } from '../../compiler/evaluate/compare-with-float.js';
import { percentileOf, reconstructionErrors } from '../../compiler/evaluate/anomaly.js';
import { evaluateScores } from '../../compiler/evaluate/evaluate.js';
import { predictFloat } from '../../compiler/inference/float-inference.js';

const FEATURES = 12;

/** Normal rows lie near a 2-D plane in 12-D; anomalies do not. */
function data(rows: number, anomalies: number, rng: Rng): Dataset {
  const basis = Array.from({ length: 2 }, (_, k) => Array.from({ length: FEATURES }, (_, j) => Math.sin((j + 1) * (k + 1))));
  const features = new Float32Array((rows + anomalies) * FEATURES);
  const labels = new Int32Array(rows + anomalies);
  for (let r = 0; r < rows + anomalies; r++) {
    const a = rng.normal();
    const b = rng.normal();
    for (let j = 0; j < FEATURES; j++) {
      const normal = 3 * (a * basis[0][j] + b * basis[1][j]) + 0.05 * rng.normal() + 10;
      features[r * FEATURES + j] = r < rows ? normal : 10 + 3 * rng.normal();
    }
    labels[r] = r < rows ? 0 : 1;
  }
  return {
    file: 'synthetic',
    task: 'autoencoder',
    featureNames: Array.from({ length: FEATURES }, (_, j) => `x${j}`),
    labelColumns: ['label'],
    rows: rows + anomalies,
    features,
    classNames: [],
    targets: new Float32Array(features),
    targetColumns: FEATURES,
    labels,
  };
}

describe('autoencoder task', () => {
  const rng = new Rng(9);
  const train = data(600, 0, rng);
  const test = data(100, 100, rng);
  const { model } = trainModel(
    train,
    {
      task: 'autoencoder',
      architecture: { hidden: [16, 2, 16], activation: { op: 'tanh' }, outputActivation: null, batchNorm: false, dropout: 0, init: 'auto' },
      loss: null,
      optimizer: DEFAULT_OPTIMIZER,
      learningRate: 3e-3,
      schedule: DEFAULT_SCHEDULE,
      clipNorm: null,
      epochs: 40,
      batchSize: 32,
      validationSplit: 0.1,
      earlyStopping: null,
      standardize: true,
      seed: 1,
    },
    'ae',
  );

  it('reconstructs in raw units and sets the threshold at the 99th percentile of training errors', () => {
    expect(model.targetStandardization).toEqual(model.inputStandardization);
    const scores = predictFloat(model, train.features, train.rows).scores;
    const errors = reconstructionErrors(scores, train.features, train.rows, model.inputStandardization);
    // The threshold is taken over the 90% of rows used for fitting, so compare loosely with all rows.
    expect(model.anomaly!.percentile).toBe(99);
    expect(Math.abs(model.anomaly!.threshold - percentileOf(errors, 99)) / model.anomaly!.threshold).toBeLessThan(0.25);
  });

  it('separates anomalies by reconstruction error, float and int8', () => {
    const e = evaluateScores(predictFloat(model, test.features, test.rows).scores, test, { standardization: model.inputStandardization, threshold: model.anomaly!.threshold });
    expect(e.rocAuc).toBeGreaterThan(0.95);
    expect(e.threshold).toBe(model.anomaly!.threshold);
    expect(e.confusion).toBeDefined();
    const { qmodel } = quantizeModel(model, { features: train.features, rows: train.rows, description: 'synthetic', seed: 0 }, DEFAULT_QUANTIZE_OPTIONS);
    expect(qmodel.anomaly!.percentile).toBe(99);
    expect(qmodel.anomaly!.threshold).toBeGreaterThan(0);
    const p = predictQuantized(qmodel, test.features, test.rows);
    const c = compareWithFloat(model, qmodel, test, p.scores, p.dequantized);
    expect(c.quantized.rocAuc).toBeGreaterThan(0.95);
    expect(Math.abs(c.drop)).toBeLessThan(2);
    expect(c.agreement).toBeGreaterThan(0.9);
    expect(c.outputUnits).toBe('standardized values');
  });

  it('--threshold fpr=F: the 100·(1 − F)th percentile of the validation rows\' errors', () => {
    const config = { ...model.training!.config, epochs: 10, threshold: { rule: 'fpr' as const, target: 0.05 } } as unknown as TrainConfig;
    const fpr = trainModel(train, config, 'ae').model;
    // The validation rows as the trainer draws them: the second fork of the seed's generator.
    const seeded = new Rng(config.seed);
    seeded.fork();
    const { valRows } = splitRows(train, config.validationSplit, seeded.fork());
    const held = subsetRows(train, valRows);
    const errors = reconstructionErrors(predictFloat(fpr, held.features, held.rows).scores, held.features, held.rows, fpr.inputStandardization);
    expect(fpr.anomaly!.percentile).toBe(95);
    expect(fpr.anomaly!.threshold).toBeCloseTo(percentileOf(errors, 95), 6);
    // 5% of the 60 validation rows are above it (3 rows), up to the interpolation between two of them.
    expect(errors.filter((e) => e > fpr.anomaly!.threshold).length).toBe(3);
  });
});

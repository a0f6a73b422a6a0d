import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../compiler/data/dataset.js';
import type { Task } from '../../compiler/model/float-model.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings, trainConfig } from '../../compiler/train/settings.js';
import { trainModel } from '../../compiler/train/train.js';
import { type AccuracyComparison, compareWithFloat } from '../../compiler/evaluate/compare-with-float.js';

/** Trains the bundled recipe (64-64-32-out, dropout 0.1, Adam + L2) and compares float with int8 (auto calibration). */
function floatVersusInt8(data: string, task: Task, activation: TrainSettings['activation'], weightDecay: number): AccuracyComparison {
  const train = loadDataset(`models/data/${data}/train.csv`, { task, labelColumns: ['label'] });
  const test = loadDataset(`models/data/${data}/test.csv`, { task, labelColumns: ['label'], classNames: train.classNames });
  const settings = { ...DEFAULT_TRAIN_SETTINGS, hidden: [64, 32], activation, dropout: 0.1, weightDecay };
  const { model } = trainModel(train, trainConfig(task, settings), data);
  const { qmodel } = quantizeModel(model, { features: train.features, rows: train.rows, description: 'train', seed: 0 }, DEFAULT_QUANTIZE_OPTIONS);
  const p = predictQuantized(qmodel, test.features, test.rows);
  return compareWithFloat(model, qmodel, test, p.scores, p.dequantized);
}

describe('int8 accuracy acceptance (bundled test splits)', () => {
  it('digits 64-64-32-10 ReLU: float ≥ 97%, drop ≤ 0.3 pp, agreement ≥ 99%', () => {
    const c = floatVersusInt8('digits', 'multiclass', 'relu', 0.003);
    expect(c.float.accuracy).toBeGreaterThanOrEqual(0.97);
    expect(c.drop).toBeLessThanOrEqual(0.3);
    expect(c.agreement).toBeGreaterThanOrEqual(0.99);
  });

  it('breast-cancer ReLU: float ≥ 96.5%, drop ≤ 0.5 pp', () => {
    const c = floatVersusInt8('breast-cancer', 'binary', 'relu', 0.01);
    expect(c.float.accuracy).toBeGreaterThanOrEqual(0.965);
    expect(c.drop).toBeLessThanOrEqual(0.5);
  });

  it('sigmoid and tanh hidden layers (lookup tables): drop ≤ 1 pp', () => {
    expect(floatVersusInt8('breast-cancer', 'binary', 'sigmoid', 0.01).drop).toBeLessThanOrEqual(1);
    expect(floatVersusInt8('digits', 'multiclass', 'tanh', 0.003).drop).toBeLessThanOrEqual(1);
  });
});

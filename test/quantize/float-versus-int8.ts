import { loadDataset } from '../../compiler/data/dataset.js';
import type { Task } from '../../compiler/model/float-model.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { DEFAULT_TRAIN_SETTINGS, type TrainSettings, trainConfig } from '../../compiler/train/settings.js';
import { trainModel } from '../../compiler/train/train.js';
import { type AccuracyComparison, compareWithFloat } from '../../compiler/evaluate/compare-with-float.js';

/** Trains the bundled recipe (64-64-32-out, dropout 0.1, Adam + L2) and compares float with int8 (auto calibration). */
export function floatVersusInt8(data: string, task: Task, activation: TrainSettings['activation'], weightDecay: number): AccuracyComparison {
  const train = loadDataset(`models/data/${data}/train.csv`, { task, labelColumns: ['label'] });
  const test = loadDataset(`models/data/${data}/test.csv`, { task, labelColumns: ['label'], classNames: train.classNames });
  const settings = { ...DEFAULT_TRAIN_SETTINGS, hidden: [64, 32], activation, dropout: 0.1, weightDecay };
  const { model } = trainModel(train, trainConfig(task, settings), data);
  const { qmodel } = quantizeModel(model, { features: train.features, rows: train.rows, description: 'train', seed: 0 }, DEFAULT_QUANTIZE_OPTIONS);
  const p = predictQuantized(qmodel, test.features, test.rows);
  return compareWithFloat(model, qmodel, test, p.scores, p.dequantized);
}

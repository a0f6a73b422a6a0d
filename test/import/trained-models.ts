import { type Dataset, loadDataset } from '../../compiler/data/dataset.js';
import type { FloatModel, Task } from '../../compiler/model/float-model.js';
import { DEFAULT_OPTIMIZER } from '../../compiler/nn/optimizers.js';
import { DEFAULT_SCHEDULE } from '../../compiler/nn/schedules.js';
import type { ArchitectureConfig } from '../../compiler/train/architecture.js';
import { trainModel } from '../../compiler/train/train.js';

export const DATASETS = {
  digits: 'multiclass',
  'breast-cancer': 'binary',
  iris: 'multiclass',
  diabetes: 'regression',
} as const satisfies Record<string, Task>;
export type DatasetName = keyof typeof DATASETS;

export function loadSplit(name: DatasetName): { train: Dataset; test: Dataset } {
  const task = DATASETS[name];
  const train = loadDataset(`models/data/${name}/train.csv`, { task, labelColumns: ['label'] });
  const test = loadDataset(`models/data/${name}/test.csv`, { task, labelColumns: ['label'], classNames: task === 'regression' ? undefined : train.classNames });
  return { train, test };
}

/** A small model trained for a few epochs: real weight magnitudes without a slow test. */
export function trainSmall(name: DatasetName, architecture: Partial<ArchitectureConfig>, epochs = 8): { model: FloatModel; train: Dataset; test: Dataset } {
  const { train, test } = loadSplit(name);
  const { model } = trainModel(
    train,
    {
      task: DATASETS[name],
      architecture: { hidden: [32, 16], activation: { op: 'relu' }, outputActivation: null, batchNorm: false, dropout: 0, init: 'auto', ...architecture },
      loss: null,
      optimizer: DEFAULT_OPTIMIZER,
      learningRate: 3e-3,
      schedule: DEFAULT_SCHEDULE,
      clipNorm: null,
      epochs,
      batchSize: 32,
      validationSplit: 0,
      earlyStopping: null,
      standardize: true,
      seed: 1,
    },
    name,
  );
  return { model, train, test };
}

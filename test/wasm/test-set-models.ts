import { type Dataset, loadDataset } from '../../compiler/data/dataset.js';
import type { ActivationSpec, Task } from '../../compiler/model/float-model.js';
import { DEFAULT_OPTIMIZER } from '../../compiler/nn/optimizers.js';
import { DEFAULT_SCHEDULE } from '../../compiler/nn/schedules.js';
import type { QModel } from '../../compiler/ir/qmodel.js';
import { DEFAULT_QUANTIZE_OPTIONS, type QuantizeOptions, quantizeModel } from '../../compiler/quantize/quantize.js';
import { trainModel } from '../../compiler/train/train.js';

/** A small model trained quickly on a bundled data set (32-16, 8 epochs) and quantized, with its test split. */
export function quickModel(data: string, task: Task, activation: ActivationSpec, quantize: Partial<QuantizeOptions>): { qmodel: QModel; test: Dataset } {
  const train = loadDataset(`models/data/${data}/train.csv`, { task, labelColumns: ['label'] });
  const test = loadDataset(`models/data/${data}/test.csv`, { task, labelColumns: ['label'], classNames: train.classNames });
  const { model } = trainModel(
    train,
    {
      task,
      architecture: { hidden: [32, 16], activation, outputActivation: null, batchNorm: false, dropout: 0, init: 'auto' },
      loss: null,
      optimizer: DEFAULT_OPTIMIZER,
      learningRate: 3e-3,
      schedule: DEFAULT_SCHEDULE,
      clipNorm: null,
      epochs: 8,
      batchSize: 32,
      validationSplit: 0,
      earlyStopping: null,
      standardize: true,
      seed: 0,
    },
    data,
  );
  const { qmodel } = quantizeModel(model, { features: train.features, rows: train.rows, description: 'train.csv', seed: 0 }, { ...DEFAULT_QUANTIZE_OPTIONS, ...quantize });
  return { qmodel, test };
}

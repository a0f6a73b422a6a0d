import { type Dataset, loadDataset } from '../../compiler/data/dataset.js';
import type { ActivationSpec, Task } from '../../compiler/model/float-model.js';
import { DEFAULT_OPTIMIZER } from '../../compiler/nn/optimizers.js';
import { DEFAULT_SCHEDULE } from '../../compiler/nn/schedules.js';
import type { QModel } from '../../compiler/ir/qmodel.js';
import { DEFAULT_QUANTIZE_OPTIONS, type QuantizeOptions, quantizeModel } from '../../compiler/quantize/quantize.js';
import type { ArchitectureFlags } from '../../compiler/train/settings.js';
import { trainModel } from '../../compiler/train/train.js';
import { DEFAULT_QAT_SETTINGS, quantizeWithQat } from '../../compiler/train/qat/qat.js';

/** A small model trained quickly on a bundled data set (32-16, 8 epochs, with the opt-in layers `flags` turns on) and quantized (after `qatEpochs` of quantization-aware training if asked), with its test split. */
export function quickModel(data: string, task: Task, activation: ActivationSpec, quantize: Partial<QuantizeOptions>, flags: Partial<ArchitectureFlags> = {}, qatEpochs: number | null = null): { qmodel: QModel; test: Dataset } {
  const train = loadDataset(`models/data/${data}/train.csv`, { task, labelColumns: ['label'] });
  const test = loadDataset(`models/data/${data}/test.csv`, { task, labelColumns: ['label'], classNames: train.classNames });
  const { model } = trainModel(
    train,
    {
      task,
      architecture: { hidden: [32, 16], activation, outputActivation: null, batchNorm: false, ...flags, dropout: 0, init: 'auto' },
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
  const calibration = { features: train.features, rows: train.rows, description: 'train.csv', seed: 0 };
  const options = { ...DEFAULT_QUANTIZE_OPTIONS, ...quantize };
  const { qmodel } = qatEpochs === null ? quantizeModel(model, calibration, options) : quantizeWithQat(model, train, calibration, options, { ...DEFAULT_QAT_SETTINGS, epochs: qatEpochs });
  return { qmodel, test };
}

/**
 * The bundled models: one MLP per bundled dataset (models/data/<dataset>/), trained and quantized
 * deterministically with firmnet's defaults — `firmnet train --hidden 64,32` (ReLU, Adam, lr 1e-3,
 * batch 32, seed 0; fewer epochs than the CLI's 100, which changes no size) and `firmnet quantize`
 * (auto calibration on up to 1000 training rows, seed 0, per-channel weights, logits out). The code-size
 * measurement and the C tests both build them here, so they measure and check the same models.
 */
import { DEFAULT_QAT_SETTINGS, quantizeWithQat } from '../../compiler/train/qat/qat.js';
import { loadDataset } from '../../compiler/data/dataset.js';
import type { Dataset } from '../../compiler/data/dataset.js';
import type { ActivationSpec, Task } from '../../compiler/model/float-model.js';
import { DEFAULT_OPTIMIZER } from '../../compiler/nn/optimizers.js';
import { DEFAULT_SCHEDULE } from '../../compiler/nn/schedules.js';
import { DEFAULT_CALIBRATION_ROWS, calibrationSetFor } from '../../compiler/quantize/calibration-set.js';
import type { QModel } from '../../compiler/ir/qmodel.js';
import { DEFAULT_QUANTIZE_OPTIONS, type QuantizeOptions, quantizeModel } from '../../compiler/quantize/quantize.js';
import { type ArchitectureFlags, architectureFlagsOn } from '../../compiler/train/settings.js';
import { trainModel } from '../../compiler/train/train.js';

export interface BundledModelSpec {
  dataset: 'digits' | 'breast-cancer' | 'iris' | 'diabetes';
  task: Task;
}

export const BUNDLED_MODELS: readonly BundledModelSpec[] = [
  { dataset: 'digits', task: 'multiclass' },
  { dataset: 'breast-cancer', task: 'binary' },
  { dataset: 'iris', task: 'multiclass' },
  { dataset: 'diabetes', task: 'regression' },
];

export const BUNDLED_HIDDEN = [64, 32];
export const BUNDLED_EPOCHS = 20;

export interface BundledModel {
  spec: BundledModelSpec;
  qmodel: QModel;
  train: Dataset;
  test: Dataset;
}

/** Another activation or quantization, or opt-in layers of the trainer's architecture (a settings field set to true) after each hidden dense layer. */
export interface BundledVariant extends Partial<ArchitectureFlags> {
  /** Hidden activation (default ReLU). */
  activation?: ActivationSpec;
  quantize?: Partial<QuantizeOptions>;
  /** Quantization-aware training for this many epochs (default learning rate) before the conversion. */
  qatEpochs?: number;
}

/** A bundled model, or a variant of it (another activation or quantization) for wider test coverage. */
export function buildBundledModel(spec: BundledModelSpec, variant: BundledVariant = {}, root = '.'): BundledModel {
  const dir = `${root}/models/data/${spec.dataset}`;
  const train = loadDataset(`${dir}/train.csv`, { task: spec.task, labelColumns: ['label'] });
  const test = loadDataset(`${dir}/test.csv`, {
    task: spec.task,
    labelColumns: ['label'],
    classNames: spec.task === 'regression' ? undefined : train.classNames,
    featureNames: train.featureNames,
  });
  const { model } = trainModel(
    train,
    {
      task: spec.task,
      architecture: { hidden: BUNDLED_HIDDEN, activation: variant.activation ?? { op: 'relu' }, outputActivation: null, batchNorm: false, ...architectureFlagsOn(variant), dropout: 0, init: 'auto' },
      loss: null,
      optimizer: DEFAULT_OPTIMIZER,
      learningRate: 1e-3,
      schedule: DEFAULT_SCHEDULE,
      clipNorm: null,
      epochs: BUNDLED_EPOCHS,
      batchSize: 32,
      validationSplit: 0,
      earlyStopping: null,
      standardize: true,
      seed: 0,
    },
    spec.dataset,
  );
  // What `firmnet quantize` does by default: a seeded sample of the training CSV.
  const calibration = calibrationSetFor(model, `${dir}/train.csv`, DEFAULT_CALIBRATION_ROWS, 0);
  const options = { ...DEFAULT_QUANTIZE_OPTIONS, ...variant.quantize };
  const { qmodel } =
    variant.qatEpochs === undefined
      ? quantizeModel(model, calibration, options)
      : quantizeWithQat(model, train, calibration, options, { ...DEFAULT_QAT_SETTINGS, epochs: variant.qatEpochs });
  return { spec, qmodel, train, test };
}

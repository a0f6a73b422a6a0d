import { FirmnetError } from '../errors.js';
import type { ActivationSpec, Task } from '../model/float-model.js';
import type { Init } from '../nn/dense.js';
import { ARCHITECTURE_OPTIONS, type ArchitectureOptionField } from '../ops/float-layers.js';
import type { LossName } from '../nn/losses.js';
import { DEFAULT_OPTIMIZER, type OptimizerName } from '../nn/optimizers.js';
import { DEFAULT_SCHEDULE, type ScheduleName } from '../nn/schedules.js';
import type { ThresholdRule } from '../evaluate/thresholds.js';
import type { ClassWeightSetting } from './loss-weights.js';
import type { StopMetric, TrainConfig } from './train.js';

export const ACTIVATION_NAMES = ['relu', 'relu6', 'leaky_relu', 'sigmoid', 'tanh', 'gelu', 'gelu_tanh'] as const;
export const OUTPUT_ACTIVATION_NAMES = ['none', 'sigmoid', 'tanh', 'softmax'] as const;
export const INIT_NAMES = ['auto', 'he', 'xavier', 'zeros'] as const;
export const LOSS_NAMES = ['mse', 'mae', 'huber', 'bce_logits', 'softmax_ce_logits', 'multilabel_bce_logits'] as const;
export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'adam', 'adamw'] as const;
export const SCHEDULE_NAMES = ['constant', 'step', 'cosine', 'warmup_cosine'] as const;
export const STOP_METRIC_NAMES = ['none', 'val_loss', 'val_accuracy', 'val_f1', 'val_auc', 'val_rmse', 'val_mae'] as const;

/** The opt-in layers' settings fields, declared by their float layers (compiler/ops/float-layers.ts). */
export const ARCHITECTURE_OPTION_FIELDS: readonly ArchitectureOptionField[] = ARCHITECTURE_OPTIONS.map((o) => o.field);

/** One boolean per opt-in layer: that layer after each hidden dense layer (after BatchNorm, before the activation). */
export type ArchitectureFlags = Record<ArchitectureOptionField, boolean>;

/** The opt-in layers that are on, as the training config records them (only when on, so a config without them stays as it was). */
export function architectureFlagsOn(flags: Partial<ArchitectureFlags>): Partial<ArchitectureFlags> {
  return Object.fromEntries(ARCHITECTURE_OPTION_FIELDS.filter((f) => flags[f] === true).map((f) => [f, true]));
}

/**
 * Everything about a training run, flat and JSON-friendly: the `firmnet train` flags and the
 * `model`/`training` sections of a project file both map onto it, so they share one set of defaults.
 */
export interface TrainSettings extends ArchitectureFlags {
  hidden: number[];
  activation: (typeof ACTIVATION_NAMES)[number];
  /** Negative slope of leaky_relu. */
  alpha: number;
  outputActivation: (typeof OUTPUT_ACTIVATION_NAMES)[number];
  batchNorm: boolean;
  dropout: number;
  init: Init | 'auto';
  /** null: the task's default loss. */
  loss: LossName | null;
  optimizer: OptimizerName;
  learningRate: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
  schedule: ScheduleName;
  stepEpochs: number;
  gamma: number;
  warmupEpochs: number;
  clipNorm: number | null;
  epochs: number;
  batchSize: number;
  validationSplit: number;
  earlyStop: StopMetric | 'none';
  patience: number;
  minDelta: number;
  standardize: boolean;
  seed: number;
  /** Class imbalance: per-class loss weights, or 'balanced' (binary, multiclass); null: unweighted. */
  classWeight: ClassWeightSetting | null;
  /** Positive terms' weight, one for all outputs or one per output (binary, multilabel); null: 1. */
  posWeight: number[] | null;
  /** How the decision threshold is chosen on the validation split; null: 0.5 (classifiers), the 99th percentile of training errors (autoencoder). */
  threshold: ThresholdRule | null;
}

export const DEFAULT_TRAIN_SETTINGS: TrainSettings = {
  hidden: [64, 32],
  activation: 'relu',
  alpha: 0.01,
  outputActivation: 'none',
  batchNorm: false,
  ...(Object.fromEntries(ARCHITECTURE_OPTION_FIELDS.map((f) => [f, false])) as ArchitectureFlags),
  dropout: 0,
  init: 'auto',
  loss: null,
  optimizer: 'adam',
  learningRate: 1e-3,
  momentum: 0.9,
  nesterov: false,
  weightDecay: 0,
  schedule: 'constant',
  stepEpochs: DEFAULT_SCHEDULE.stepEpochs,
  gamma: DEFAULT_SCHEDULE.gamma,
  warmupEpochs: DEFAULT_SCHEDULE.warmupEpochs,
  clipNorm: null,
  epochs: 100,
  batchSize: 32,
  validationSplit: 0.1,
  earlyStop: 'none',
  patience: 20,
  minDelta: 0,
  standardize: true,
  seed: 0,
  classWeight: null,
  posWeight: null,
  threshold: null,
};

export function trainConfig(task: Task, s: TrainSettings): TrainConfig {
  if (s.hidden.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new FirmnetError('BAD_ARGUMENT', `hidden layer sizes must be positive integers, e.g. 64,32; got ${s.hidden.join(',')}`);
  }
  return {
    task,
    architecture: {
      hidden: s.hidden,
      activation: activationSpec(s.activation, s.alpha),
      outputActivation: s.outputActivation === 'none' ? null : activationSpec(s.outputActivation, s.alpha),
      batchNorm: s.batchNorm,
      // Recorded only when on, so the config (and the hash) of a model without them stays as it was.
      ...architectureFlagsOn(s),
      dropout: s.dropout,
      init: s.init,
    },
    loss: s.loss,
    optimizer: { ...DEFAULT_OPTIMIZER, name: s.optimizer, momentum: s.momentum, nesterov: s.nesterov, weightDecay: s.weightDecay },
    learningRate: s.learningRate,
    schedule: { ...DEFAULT_SCHEDULE, name: s.schedule, stepEpochs: s.stepEpochs, gamma: s.gamma, warmupEpochs: s.warmupEpochs },
    clipNorm: s.clipNorm,
    epochs: s.epochs,
    batchSize: s.batchSize,
    validationSplit: s.validationSplit,
    earlyStopping: s.earlyStop === 'none' ? null : { metric: s.earlyStop, patience: s.patience, minDelta: s.minDelta },
    standardize: s.standardize,
    seed: s.seed,
    // Recorded only when set, so the config (and the hash) of a model without them stays as it was.
    ...(s.classWeight !== null || s.posWeight !== null ? { lossWeights: { classWeight: s.classWeight, posWeight: s.posWeight } } : {}),
    ...(s.threshold !== null ? { threshold: s.threshold } : {}),
  };
}

function activationSpec(name: string, alpha: number): ActivationSpec {
  switch (name) {
    case 'leaky_relu':
      return { op: 'leaky_relu', alpha };
    case 'gelu':
      return { op: 'gelu', approximate: 'none' };
    case 'gelu_tanh':
      return { op: 'gelu', approximate: 'tanh' };
    default:
      return { op: name } as ActivationSpec;
  }
}

/**
 * The float model file (format `firmnet.model`, version 2; version 1 files, whose layers say `type` for `op`, are read too): architecture, float32 weights,
 * preprocessing, task and provenance. Documented in docs/model-format.md. Every later stage
 * (quantization, import/export, emitters) starts from this type.
 */
import type { LayerSpec } from '../ops/float-layer-types.js';
import type { DenseSpec } from '../ops/fully-connected/float-spec.js';
import type { LeakyReluSpec } from '../ops/leaky-relu/float-spec.js';
import type { TabulatedSpec } from '../ops/lut/float-spec.js';
import type { ReluSpec } from '../ops/relu/float-spec.js';
import type { SoftmaxSpec } from '../ops/softmax/float-spec.js';
import { floatParameterCount } from '../ops/float-layers.js';

export const MODEL_FORMAT = 'firmnet.model';
export const MODEL_VERSION = 2;

/** `autoencoder`: reconstruct the inputs; rows whose reconstruction error passes a threshold are anomalies. */
export type Task = 'regression' | 'binary' | 'multiclass' | 'multilabel' | 'autoencoder';

export const TASKS: readonly Task[] = ['regression', 'binary', 'multiclass', 'multilabel', 'autoencoder'];

/** What turns the network's last output (logits) into the user-facing prediction. */
export type Head = 'identity' | 'sigmoid' | 'softmax';

// The layer specs live with their ops (compiler/ops/<op>/float-spec.ts); these names are the model's.
export type { BatchNormSpec } from '../ops/batch-norm/float-spec.js';
export type { DropoutSpec } from '../ops/dropout/float-spec.js';
export type { LayerSpec, LayerType } from '../ops/float-layer-types.js';
export type { DenseSpec };

/** The element-wise activations a hidden layer (or an output layer) applies. */
export type ActivationSpec = ReluSpec | LeakyReluSpec | TabulatedSpec | SoftmaxSpec;
export type ActivationKind = ActivationSpec['op'];

/** x_model = (x_raw − mean) / std, per input feature. */
export interface Standardization {
  mean: number[];
  std: number[];
}

export interface AnomalyThreshold {
  percentile: number;
  /** Mean squared reconstruction error (standardized units) above which a row is an anomaly. */
  threshold: number;
}

/**
 * Decision thresholds of a binary or multilabel classifier, chosen on the validation split: output
 * j is positive when its probability is at least `thresholds[j]` (without this record, 0.5).
 */
export interface DecisionThresholds {
  /** The rule that chose them (compiler/evaluate/thresholds.ts): max-f1, recall=R or precision=P. */
  rule: string;
  /** Probability per output, in [0, 1]. */
  thresholds: number[];
  /** The validation metrics of each output at its threshold. */
  validation: { precision: number; recall: number; f1: number }[];
}

/** One epoch as a model file records it: only values the seed determines (no timings). */
export interface EpochRecord {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  /** The metric named by `TrainingHistory.valMetricName`. */
  valMetric: number | null;
  /** The early-stopping metric (`TrainingHistory.stopMetricName`), as it is (not negated). */
  stopMetric: number | null;
  learningRate: number;
  /** This epoch improved the early-stopping metric: its weights were the ones kept so far. */
  best: boolean;
}

/** The per-epoch curves of a training run, for reports (loss, validation metric, the early-stopping point). */
export interface TrainingHistory {
  lossName: string;
  valMetricName: string | null;
  stopMetricName: string | null;
  epochs: EpochRecord[];
}

export interface TrainingRecord {
  /** The training CSV (the default calibration data); a model file records it relative to its own folder. */
  dataFile: string | null;
  config: Record<string, unknown>;
  epochsRun: number;
  bestEpoch: number;
  metrics: Record<string, number>;
  /** Absent in models trained before firmnet recorded it, and in imported models. */
  history?: TrainingHistory;
}

export interface ModelSource {
  format: 'firmnet' | 'onnx' | 'tfjs';
  file: string | null;
}

export interface FloatModel {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_VERSION;
  name: string;
  task: Task;
  head: Head;
  inputFeatures: number;
  outputFeatures: number;
  featureNames: string[];
  /** CSV column(s) holding the target, used when a command reads labelled data for this model. */
  labelColumns: string[];
  /** Class (or label) names for classification; empty for regression. */
  classNames: string[];
  /** Applied to raw inputs before the first layer; null when inputs are used as they are. */
  inputStandardization: Standardization | null;
  /** Regression and autoencoder: the network predicts standardized targets; y_raw = y · std + mean. */
  targetStandardization: Standardization | null;
  /** Autoencoder: the anomaly threshold, a percentile of reconstruction errors on normal training rows. */
  anomaly: AnomalyThreshold | null;
  /** Binary (one output) and multilabel: thresholds chosen on the validation split (`train --threshold`); absent: 0.5. */
  decision?: DecisionThresholds;
  layers: LayerSpec[];
  seed: number | null;
  source: ModelSource;
  training: TrainingRecord | null;
}

export function headForTask(task: Task): Head {
  switch (task) {
    case 'multiclass':
      return 'softmax';
    case 'binary':
    case 'multilabel':
      return 'sigmoid';
    case 'regression':
    case 'autoencoder':
      return 'identity';
  }
}

export function denseLayers(model: FloatModel): DenseSpec[] {
  return model.layers.filter((l): l is DenseSpec => l.op === 'dense');
}

export function parameterCount(model: FloatModel): number {
  return floatParameterCount(model.layers);
}

import type { Dataset } from '../data/dataset.js';
import { FirmnetError } from '../errors.js';
import type { Task } from '../model/float-model.js';

/**
 * Class imbalance: `classWeight` weighs each class's terms of the loss (binary and multiclass),
 * `posWeight` the positive terms of each output (binary and multilabel, PyTorch's `pos_weight`).
 * `balanced` is scikit-learn's `compute_class_weight`: n_samples / (n_classes · count_c), counted on
 * the rows trained on (the validation rows held out).
 */
export type ClassWeightSetting = 'balanced' | number[];

export interface LossWeightSettings {
  classWeight: ClassWeightSetting | null;
  /** One value for every output, or one per output (label). */
  posWeight: number[] | null;
}

/** The weights as the loss kernels take them: per class (softmax), or positive then negative per output (BCE); null when unweighted. */
export interface ResolvedLossWeights {
  /** Binary and multiclass: the weight of each class, in class order. */
  classWeights: number[] | null;
  /** Binary and multilabel: the positive terms' factor per output. */
  posWeights: number[] | null;
  /** What the kernel reads. */
  kernelWeights: number[];
}

/** `--class-weight balanced` or weights in class order, `1,3`. */
export function parseClassWeight(text: string, flag = '--class-weight'): ClassWeightSetting {
  if (text.trim() === 'balanced') return 'balanced';
  return parseWeightList(text, flag, 'balanced, or one weight per class in class order, e.g. 1,3');
}

/** `--pos-weight 3` or one per label, `3,1,2`. */
export function parsePosWeight(text: string, flag = '--pos-weight'): number[] {
  return parseWeightList(text, flag, 'one weight for every label, e.g. 3, or one per label in label order, e.g. 3,1,2');
}

function parseWeightList(text: string, flag: string, expected: string): number[] {
  const cells = text.split(',').map((s) => s.trim());
  const values = cells.map(Number);
  if (cells.length === 0 || cells.some((c) => c === '') || values.some((v) => !(Number.isFinite(v) && v > 0))) {
    throw new FirmnetError('BAD_ARGUMENT', `${flag} takes ${expected}; every weight a finite number above 0; got '${text}'`);
  }
  return values;
}

/** The checks that need no data: weights finite and above 0, and a task whose loss takes them. */
export function checkLossWeightSettings(task: Task, s: LossWeightSettings): void {
  const bad = (msg: string): never => {
    throw new FirmnetError('BAD_ARGUMENT', msg);
  };
  const positive = (flag: string, values: number[]): void => {
    if (values.length === 0 || values.some((v) => !(typeof v === 'number' && Number.isFinite(v) && v > 0))) bad(`${flag} weights must be finite numbers above 0, got ${values.join(',')}`);
  };
  if (s.classWeight !== null) {
    if (task !== 'binary' && task !== 'multiclass') bad(`--class-weight applies to binary and multiclass tasks, not ${task}${task === 'multilabel' ? '; weigh each label\'s positives with --pos-weight' : ''}`);
    if (s.classWeight !== 'balanced') positive('--class-weight', s.classWeight);
  }
  if (s.posWeight !== null) {
    if (task !== 'binary' && task !== 'multilabel') bad(`--pos-weight applies to binary and multilabel tasks, not ${task}${task === 'multiclass' ? '; use --class-weight' : ''}`);
    positive('--pos-weight', s.posWeight);
  }
}

/** The checks that need the data's classes and labels but no training: weight counts. Run before the first epoch. */
export function checkLossWeightsForData(data: Pick<Dataset, 'task' | 'classNames' | 'labels' | 'labelColumns' | 'targetColumns'>, s: LossWeightSettings): void {
  resolveLossWeights(data, Uint32Array.from(data.labels.keys()), s);
}

/** The weights for this data, counted on `fitRows`; null when the run is unweighted. */
export function resolveLossWeights(data: Pick<Dataset, 'task' | 'classNames' | 'labels' | 'labelColumns' | 'targetColumns'>, fitRows: Uint32Array, s: LossWeightSettings): ResolvedLossWeights | null {
  checkLossWeightSettings(data.task, s);
  if (s.classWeight === null && s.posWeight === null) return null;
  const classWeights = s.classWeight === null ? null : classWeightsFor(data, fitRows, s.classWeight);
  const outputs = data.targetColumns;
  let posWeights: number[] | null = null;
  if (s.posWeight !== null) {
    if (s.posWeight.length !== 1 && s.posWeight.length !== outputs) {
      const what = data.task === 'binary' ? 'a binary model has one output' : `the model has ${outputs} labels (${data.labelColumns.join(', ')})`;
      throw new FirmnetError('BAD_ARGUMENT', `--pos-weight has ${s.posWeight.length} weights, but ${what}: give one weight, or one per label in label order`);
    }
    posWeights = Array.from({ length: outputs }, (_, j) => s.posWeight![s.posWeight!.length === 1 ? 0 : j]);
  }
  let kernelWeights: number[];
  if (data.task === 'multiclass') {
    kernelWeights = classWeights!;
  } else {
    // One sigmoid output per label: the positive term weighs class 1 (times pos_weight), the negative term class 0.
    const positive = Array.from({ length: outputs }, (_, j) => (classWeights ? classWeights[1] : 1) * (posWeights ? posWeights[j] : 1));
    const negative = Array.from({ length: outputs }, () => (classWeights ? classWeights[0] : 1));
    kernelWeights = [...positive, ...negative];
  }
  return { classWeights, posWeights, kernelWeights };
}

function classWeightsFor(data: Pick<Dataset, 'classNames' | 'labels'>, fitRows: Uint32Array, setting: ClassWeightSetting): number[] {
  const classes = data.classNames.length;
  if (setting !== 'balanced') {
    if (setting.length !== classes) {
      throw new FirmnetError('BAD_ARGUMENT', `--class-weight has ${setting.length} weights, but the data has ${classes} classes (${data.classNames.join(', ')}): give one weight per class in that order, or balanced`);
    }
    return setting.slice();
  }
  const counts = new Float64Array(classes);
  for (let i = 0; i < fitRows.length; i++) counts[data.labels[fitRows[i]]]++;
  const missing = data.classNames.filter((_, c) => counts[c] === 0);
  if (missing.length > 0) {
    throw new FirmnetError('BAD_ARGUMENT', `--class-weight balanced: class ${missing.join(', ')} has no rows to train on, so its weight would be infinite; give explicit weights or add rows of it`);
  }
  return Array.from(counts, (n) => fitRows.length / (classes * n));
}

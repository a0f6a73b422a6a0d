import type { Dataset } from '../data/dataset.js';
import type { AnomalyThreshold, FloatModel, Standardization, Task } from '../model/float-model.js';
import { reconstructionErrors } from './anomaly.js';
import { type Evaluation, evaluateScores, headlineMetric } from './evaluate.js';
import { argmaxRows } from './metrics.js';
import { type ScoreDistribution, scoreDistribution } from './score-distribution.js';
import { predictFloat } from '../inference/float-inference.js';

/**
 * What the comparison reads of the quantized model; a QModel has these fields. Named here rather
 * than picked from QModel so that evaluation stays below quantization, which uses its anomaly scores.
 */
export interface QuantizedScoring {
  /** True when the softmax/sigmoid head is an int8 layer, so outputs are quantized probabilities. */
  headInFirmware: boolean;
  /** Autoencoder: threshold on the int8 model's reconstruction errors. */
  anomaly: AnomalyThreshold | null;
  /** Float preprocessing before input quantization. */
  inputStandardization: Standardization | null;
}

/** Float model versus its quantized version on one labelled dataset: the accuracy report. */
export interface AccuracyComparison {
  task: Task;
  rows: number;
  float: Evaluation;
  quantized: Evaluation;
  /**
   * What int8 cost on the task's headline metric: accuracy in percentage points (classification),
   * ROC-AUC in points × 100 (autoencoder), or the RMSE increase (regression).
   */
  drop: number;
  /** Share of rows (labels, for multilabel) where both make the same decision (class, or anomaly at their thresholds). */
  agreement: number | null;
  /**
   * RMSE between float and dequantized outputs, in network units: logits, probabilities with an int8
   * head, standardized values (regression or autoencoder with a target standardization), else the
   * data's own units (e.g. an imported autoencoder that reconstructs raw inputs).
   */
  outputRmse: number;
  outputUnits: 'logits' | 'probabilities' | 'standardized values' | 'data units';
  /** Binary classifier and autoencoder: how the deciding score is spread (ROC curves, histograms, threshold); else null. */
  scores: ScoreDistribution | null;
}

/**
 * `quantizedScores` are head outputs of any int8 backend (golden reference, WebAssembly, C) and
 * `quantizedOutputs` its dequantized network outputs; this only compares numbers.
 */
export function compareWithFloat(
  model: FloatModel,
  q: QuantizedScoring,
  data: Dataset,
  quantizedScores: Float32Array,
  quantizedOutputs: Float32Array,
): AccuracyComparison {
  const f = predictFloat(model, data.features, data.rows);
  const floatScoring = { standardization: model.inputStandardization, threshold: model.anomaly?.threshold ?? null };
  const int8Scoring = { standardization: q.inputStandardization, threshold: q.anomaly?.threshold ?? null };
  const float = evaluateScores(f.scores, data, floatScoring);
  const quantized = evaluateScores(quantizedScores, data, int8Scoring);
  const reference = q.headInFirmware ? f.scores : f.logits;
  let se = 0;
  for (let i = 0; i < reference.length; i++) se += (reference[i] - quantizedOutputs[i]) ** 2;
  const headline = headlineMetric(data.task);
  const fv = Number(float[headline.key] ?? 0);
  const qv = Number(quantized[headline.key] ?? 0);
  const scale = data.task === 'regression' ? 1 : 100;
  return {
    task: data.task,
    rows: data.rows,
    float,
    quantized,
    drop: (headline.lowerIsBetter ? qv - fv : fv - qv) * scale,
    agreement: agreement(data, model, f.scores, quantizedScores, f.cols, floatScoring.threshold, int8Scoring.threshold),
    outputRmse: Math.sqrt(se / Math.max(reference.length, 1)),
    outputUnits: q.headInFirmware ? 'probabilities' : data.task === 'regression' || data.task === 'autoencoder' ? (model.targetStandardization ? 'standardized values' : 'data units') : 'logits',
    scores: decisionScores(data, model, q, f.scores, quantizedScores, f.cols),
  };
}

/** The score a binary decision is made on, float and int8, with the int8 model's threshold; null for other tasks. */
function decisionScores(data: Dataset, model: FloatModel, q: QuantizedScoring, a: Float32Array, b: Float32Array, cols: number): ScoreDistribution | null {
  if (data.task === 'binary') {
    // One column: the positive class's probability, positive from 0.5; two: argmax, the first class on a tie.
    const positive = (s: Float32Array): Float32Array => (cols === 1 ? s : Float32Array.from({ length: data.rows }, (_, r) => s[r * cols + 1]));
    const names: [string, string] = [data.classNames[0] ?? '0', data.classNames[1] ?? '1'];
    return scoreDistribution({ score: `probability of ${names[1]}`, classNames: names, floatScores: positive(a), int8Scores: positive(b), labels: data.labels, threshold: 0.5, atLeast: cols === 1, range: [0, 1] });
  }
  if (data.task === 'autoencoder') {
    const units = model.inputStandardization ? 'standardized units' : 'data units';
    return scoreDistribution({
      score: `reconstruction error (mean squared, ${units})`,
      classNames: ['normal', 'anomaly'],
      floatScores: reconstructionErrors(a, data.features, data.rows, model.inputStandardization),
      int8Scores: reconstructionErrors(b, data.features, data.rows, q.inputStandardization),
      labels: data.labels.length === data.rows ? data.labels : null,
      threshold: q.anomaly?.threshold ?? null,
      atLeast: false,
      range: null,
    });
  }
  return null;
}

function agreement(data: Dataset, model: FloatModel, a: Float32Array, b: Float32Array, cols: number, floatThreshold: number | null, int8Threshold: number | null): number | null {
  switch (data.task) {
    case 'regression':
      return null;
    case 'autoencoder': {
      if (floatThreshold === null || int8Threshold === null) return null;
      const ea = reconstructionErrors(a, data.features, data.rows, model.inputStandardization);
      const eb = reconstructionErrors(b, data.features, data.rows, model.inputStandardization);
      let same = 0;
      for (let r = 0; r < data.rows; r++) if (ea[r] > floatThreshold === eb[r] > int8Threshold) same++;
      return same / data.rows;
    }
    case 'multiclass': {
      const pa = argmaxRows(a, data.rows, cols);
      const pb = argmaxRows(b, data.rows, cols);
      let same = 0;
      for (let r = 0; r < data.rows; r++) if (pa[r] === pb[r]) same++;
      return same / data.rows;
    }
    case 'binary':
    case 'multilabel': {
      let same = 0;
      for (let i = 0; i < a.length; i++) if (a[i] >= 0.5 === b[i] >= 0.5) same++;
      return same / a.length;
    }
  }
}

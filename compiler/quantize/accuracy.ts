import type { Dataset } from '../data/dataset.js';
import type { FloatModel, Task } from '../model/float-model.js';
import { predictFloat } from '../model/float-inference.js';
import { argmaxRows } from '../train/metrics.js';
import { type Evaluation, evaluateScores } from '../train/evaluate.js';

/** Float model versus its quantized version on one labelled dataset: the accuracy report. */
export interface AccuracyComparison {
  task: Task;
  rows: number;
  float: Evaluation;
  quantized: Evaluation;
  /** Classification: (float − int8) accuracy in percentage points; regression: int8 RMSE − float RMSE. */
  drop: number;
  /** Share of rows (labels, for multilabel) where both predict the same class. */
  agreement: number | null;
  /** RMSE between float and dequantized outputs, in network units (logits, or probabilities with an int8 head). */
  outputRmse: number;
  outputUnits: 'logits' | 'probabilities' | 'standardized values';
}

/**
 * `quantizedScores` are head outputs of any int8 backend (golden reference, WebAssembly, C) and
 * `quantizedOutputs` its dequantized network outputs; this only compares numbers.
 */
export function compareWithFloat(
  model: FloatModel,
  data: Dataset,
  quantizedScores: Float32Array,
  quantizedOutputs: Float32Array,
  headInFirmware: boolean,
): AccuracyComparison {
  const f = predictFloat(model, data.features, data.rows);
  const float = evaluateScores(f.scores, data);
  const quantized = evaluateScores(quantizedScores, data);
  const reference = headInFirmware ? f.scores : f.logits;
  let se = 0;
  for (let i = 0; i < reference.length; i++) se += (reference[i] - quantizedOutputs[i]) ** 2;
  const regression = data.task === 'regression';
  return {
    task: data.task,
    rows: data.rows,
    float,
    quantized,
    drop: regression ? (quantized.rmse ?? 0) - (float.rmse ?? 0) : ((float.accuracy ?? 0) - (quantized.accuracy ?? 0)) * 100,
    agreement: regression ? null : agreement(data.task, f.scores, quantizedScores, data.rows, f.cols),
    outputRmse: Math.sqrt(se / Math.max(reference.length, 1)),
    outputUnits: headInFirmware ? 'probabilities' : regression ? 'standardized values' : 'logits',
  };
}

function agreement(task: Task, a: Float32Array, b: Float32Array, rows: number, cols: number): number {
  if (task === 'multiclass') {
    const pa = argmaxRows(a, rows, cols);
    const pb = argmaxRows(b, rows, cols);
    let same = 0;
    for (let r = 0; r < rows; r++) if (pa[r] === pb[r]) same++;
    return same / rows;
  }
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] >= 0.5 === b[i] >= 0.5) same++;
  return same / a.length;
}

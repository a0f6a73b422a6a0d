/**
 * Evaluation metrics. Inputs are plain arrays of predictions (probabilities, class indices or values)
 * so the same functions score the float model, the int8 golden reference and the firmware.
 */

export interface ClassificationMetrics {
  accuracy: number;
  macroPrecision: number;
  macroRecall: number;
  macroF1: number;
  /** confusion[actual][predicted] */
  confusion: number[][];
  perClassRecall: number[];
  /** Expected calibration error over 15 equal-width confidence bins. */
  ece: number;
}

export interface BinaryRankingMetrics {
  rocAuc: number;
  prAuc: number;
}

export interface RegressionMetrics {
  rmse: number;
  mae: number;
  r2: number;
}

export function argmaxRows(scores: ArrayLike<number>, rows: number, cols: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let j = 1; j < cols; j++) if (scores[r * cols + j] > scores[r * cols + best]) best = j;
    out[r] = best;
  }
  return out;
}

export function confusionMatrix(actual: ArrayLike<number>, predicted: ArrayLike<number>, classes: number): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < actual.length; i++) m[actual[i]][predicted[i]]++;
  return m;
}

/**
 * `probabilities` is rows × classes for multiclass, or rows × 1 (P(class 1)) for binary;
 * `labels` are class indices.
 */
export function classificationMetrics(probabilities: ArrayLike<number>, labels: ArrayLike<number>, classes: number): ClassificationMetrics {
  const rows = labels.length;
  const binary = probabilities.length === rows && classes === 2;
  const predicted = new Int32Array(rows);
  const confidence = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    if (binary) {
      const p = probabilities[r];
      predicted[r] = p >= 0.5 ? 1 : 0;
      confidence[r] = Math.max(p, 1 - p);
    } else {
      let best = 0;
      for (let j = 1; j < classes; j++) if (probabilities[r * classes + j] > probabilities[r * classes + best]) best = j;
      predicted[r] = best;
      confidence[r] = probabilities[r * classes + best];
    }
  }
  const confusion = confusionMatrix(labels, predicted, classes);
  let correct = 0;
  for (let c = 0; c < classes; c++) correct += confusion[c][c];
  const precision: number[] = [];
  const recall: number[] = [];
  const f1: number[] = [];
  for (let c = 0; c < classes; c++) {
    let predictedC = 0;
    let actualC = 0;
    for (let k = 0; k < classes; k++) {
      predictedC += confusion[k][c];
      actualC += confusion[c][k];
    }
    const p = predictedC === 0 ? 0 : confusion[c][c] / predictedC;
    const rc = actualC === 0 ? 0 : confusion[c][c] / actualC;
    precision.push(p);
    recall.push(rc);
    f1.push(p + rc === 0 ? 0 : (2 * p * rc) / (p + rc));
  }
  return {
    accuracy: rows === 0 ? 0 : correct / rows,
    macroPrecision: mean(precision),
    macroRecall: mean(recall),
    macroF1: mean(f1),
    confusion,
    perClassRecall: recall,
    ece: expectedCalibrationError(confidence, predicted, labels, 15),
  };
}

/**
 * Precision, recall and F1 of the positive class (1) of a binary confusion matrix: the per-label
 * scores of a multi-label problem (scikit-learn's average='binary'). An empty denominator gives 0.
 */
export function positiveClassScores(confusion: number[][]): { precision: number; recall: number; f1: number } {
  const tp = confusion[1][1];
  const predicted = confusion[0][1] + tp;
  const actual = confusion[1][0] + tp;
  const precision = predicted === 0 ? 0 : tp / predicted;
  const recall = actual === 0 ? 0 : tp / actual;
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

export function expectedCalibrationError(
  confidence: ArrayLike<number>,
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  bins: number,
): number {
  const count = new Float64Array(bins);
  const conf = new Float64Array(bins);
  const hits = new Float64Array(bins);
  for (let i = 0; i < labels.length; i++) {
    const b = Math.min(bins - 1, Math.floor(confidence[i] * bins));
    count[b]++;
    conf[b] += confidence[i];
    if (predicted[i] === labels[i]) hits[b]++;
  }
  let ece = 0;
  for (let b = 0; b < bins; b++) if (count[b] > 0) ece += Math.abs(hits[b] - conf[b]);
  return labels.length === 0 ? 0 : ece / labels.length;
}

/**
 * ROC-AUC by the rank statistic (ties get average ranks) and PR-AUC as average precision
 * (step-wise, as scikit-learn's average_precision_score).
 */
export function binaryRankingMetrics(scores: ArrayLike<number>, labels: ArrayLike<number>): BinaryRankingMetrics {
  const n = labels.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => scores[a] - scores[b]);
  let positives = 0;
  for (let i = 0; i < n; i++) if (labels[i] === 1) positives++;
  const negatives = n - positives;
  if (positives === 0 || negatives === 0) return { rocAuc: Number.NaN, prAuc: Number.NaN };
  let rankSum = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && scores[order[j + 1]] === scores[order[i]]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) if (labels[order[k]] === 1) rankSum += avgRank;
    i = j + 1;
  }
  const rocAuc = (rankSum - (positives * (positives + 1)) / 2) / (positives * negatives);

  let ap = 0;
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  for (let i = n - 1; i >= 0; ) {
    let j = i;
    while (j - 1 >= 0 && scores[order[j - 1]] === scores[order[i]]) j--;
    for (let k = j; k <= i; k++) {
      if (labels[order[k]] === 1) tp++;
      else fp++;
    }
    const recall = tp / positives;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
    i = j - 1;
  }
  return { rocAuc, prAuc: ap };
}

export function regressionMetrics(predicted: ArrayLike<number>, actual: ArrayLike<number>): RegressionMetrics {
  const n = actual.length;
  let se = 0;
  let ae = 0;
  let meanActual = 0;
  for (let i = 0; i < n; i++) meanActual += actual[i];
  meanActual /= n;
  let tss = 0;
  for (let i = 0; i < n; i++) {
    const d = predicted[i] - actual[i];
    se += d * d;
    ae += Math.abs(d);
    tss += (actual[i] - meanActual) ** 2;
  }
  return { rmse: Math.sqrt(se / n), mae: ae / n, r2: tss === 0 ? 0 : 1 - se / tss };
}

function mean(values: number[]): number {
  return values.length === 0 ? 0 : values.reduce((a, b) => a + b, 0) / values.length;
}

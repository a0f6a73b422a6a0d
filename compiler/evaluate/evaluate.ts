import type { Dataset } from '../data/dataset.js';
import type { Task } from '../model/float-model.js';
import { type AnomalyScoring, reconstructionErrors } from './anomaly.js';
import { binaryRankingMetrics, classificationMetrics, positiveClassScores, regressionMetrics } from './metrics.js';

/** Task-appropriate scores of predictions against a dataset; absent fields do not apply to the task. */
export interface Evaluation {
  task: Task;
  rows: number;
  accuracy?: number;
  macroPrecision?: number;
  macroRecall?: number;
  macroF1?: number;
  perClassRecall?: number[];
  confusion?: number[][];
  ece?: number;
  rocAuc?: number;
  prAuc?: number;
  rmse?: number;
  mae?: number;
  r2?: number;
  /** Autoencoder: mean reconstruction error, in the units of `reconstructionUnits`, and the anomaly threshold used. */
  reconstructionMse?: number;
  /** Standardized units when the model standardizes its inputs, else the data's own units. */
  reconstructionUnits?: 'standardized units' | 'data units';
  threshold?: number;
}

/**
 * Autoencoder: the mean reconstruction error; with 0/1 labels, ROC/PR-AUC of the errors as anomaly
 * scores; with a threshold too, the anomaly decisions scored as a binary classifier.
 */
function anomalyMetrics(reconstruction: ArrayLike<number>, data: Dataset, anomaly: AnomalyScoring): Omit<Evaluation, 'task' | 'rows'> {
  const errors = reconstructionErrors(reconstruction, data.features, data.rows, anomaly.standardization);
  const out: Omit<Evaluation, 'task' | 'rows'> = {
    reconstructionMse: errors.reduce((a, b) => a + b, 0) / Math.max(errors.length, 1),
    reconstructionUnits: anomaly.standardization ? 'standardized units' : 'data units',
  };
  if (data.labels.length === 0) return out;
  // Ranking needs both normal and anomalous rows (training and validation data are all normal).
  if (data.labels.includes(0) && data.labels.includes(1)) Object.assign(out, binaryRankingMetrics(errors, data.labels));
  if (anomaly.threshold === null) return out;
  const decisions = errors.map((e) => (e > anomaly.threshold! ? 1 : 0));
  const { ece: _unused, ...m } = classificationMetrics(decisions, data.labels, 2);
  return { ...out, ...m, threshold: anomaly.threshold };
}

/**
 * `scores` are the head outputs (rows × cols): probabilities for classification, values in the
 * user's units for regression.
 */
export function evaluateScores(scores: ArrayLike<number>, data: Dataset, anomaly: AnomalyScoring = { standardization: null, threshold: null }): Evaluation {
  const base = { task: data.task, rows: data.rows };
  switch (data.task) {
    case 'multiclass': {
      const m = classificationMetrics(scores, data.labels, data.classNames.length);
      return { ...base, ...m };
    }
    case 'binary': {
      const m = classificationMetrics(scores, data.labels, 2);
      const r = binaryRankingMetrics(scores, data.labels);
      return { ...base, ...m, ...r };
    }
    case 'multilabel': {
      // Each label is its own binary problem scored on its positive class (as scikit-learn's
      // average='macro' over a label-indicator matrix); accuracy is label-wise.
      const k = data.targetColumns;
      let correct = 0;
      const f1: number[] = [];
      const recall: number[] = [];
      const precision: number[] = [];
      for (let j = 0; j < k; j++) {
        const p = new Float64Array(data.rows);
        const y = new Int32Array(data.rows);
        for (let r = 0; r < data.rows; r++) {
          p[r] = scores[r * k + j];
          y[r] = data.targets[r * k + j];
          if ((p[r] >= 0.5 ? 1 : 0) === y[r]) correct++;
        }
        const m = positiveClassScores(classificationMetrics(p, y, 2).confusion);
        f1.push(m.f1);
        recall.push(m.recall);
        precision.push(m.precision);
      }
      const mean = (v: number[]): number => v.reduce((a, b) => a + b, 0) / v.length;
      return { ...base, accuracy: correct / (data.rows * k), macroF1: mean(f1), macroPrecision: mean(precision), macroRecall: mean(recall), perClassRecall: recall };
    }
    case 'regression':
      return { ...base, ...regressionMetrics(scores, data.targets) };
    case 'autoencoder':
      return { ...base, ...anomalyMetrics(scores, data, anomaly) };
  }
}

/** The headline number for a task (higher is better unless `lowerIsBetter`). */
export function headlineMetric(task: Task): { key: keyof Evaluation; label: string; lowerIsBetter: boolean } {
  if (task === 'regression') return { key: 'rmse', label: 'RMSE', lowerIsBetter: true };
  if (task === 'autoencoder') return { key: 'rocAuc', label: 'ROC-AUC', lowerIsBetter: false };
  return { key: 'accuracy', label: 'accuracy', lowerIsBetter: false };
}

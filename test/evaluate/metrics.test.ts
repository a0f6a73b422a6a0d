import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../compiler/data/dataset.js';
import { evaluateScores } from '../../compiler/evaluate/evaluate.js';
import { binaryRankingMetrics, classificationMetrics, confusionMatrix, expectedCalibrationError, positiveClassScores, regressionMetrics } from '../../compiler/evaluate/metrics.js';

// Every expected value below is worked out by hand in the comments (and agrees with scikit-learn's
// definitions: precision_score/recall_score/f1_score, roc_auc_score, average_precision_score).

describe('metrics on hand-computed cases', () => {
  it('confusion matrix: rows actual, columns predicted', () => {
    expect(confusionMatrix([0, 1, 2, 2, 1, 0], [0, 2, 2, 1, 1, 0], 3)).toEqual([
      [2, 0, 0],
      [0, 1, 1],
      [0, 1, 1],
    ]);
  });

  it('multiclass precision, recall, F1, accuracy and ECE', () => {
    // labels 0 0 1 1 2 2, argmax 0 1 1 1 2 0 → confusion [[1,1,0],[0,2,0],[1,0,1]]
    const p = [0.7, 0.2, 0.1, 0.3, 0.6, 0.1, 0.1, 0.8, 0.1, 0.2, 0.5, 0.3, 0.05, 0.05, 0.9, 0.4, 0.35, 0.25];
    const m = classificationMetrics(p, [0, 0, 1, 1, 2, 2], 3);
    expect(m.confusion).toEqual([
      [1, 1, 0],
      [0, 2, 0],
      [1, 0, 1],
    ]);
    expect(m.accuracy).toBeCloseTo(4 / 6, 12);
    // precision 1/2, 2/3, 1/1; recall 1/2, 2/2, 1/2; F1 1/2, 4/5, 2/3
    expect(m.macroPrecision).toBeCloseTo((1 / 2 + 2 / 3 + 1) / 3, 12);
    expect(m.macroRecall).toBeCloseTo((1 / 2 + 1 + 1 / 2) / 3, 12);
    expect(m.macroF1).toBeCloseTo((1 / 2 + 4 / 5 + 2 / 3) / 3, 12);
    expect(m.perClassRecall).toEqual([0.5, 1, 0.5]);
    // Confidences 0.7 ✓, 0.6 ✗, 0.8 ✓, 0.5 ✓, 0.9 ✓, 0.4 ✗ fall in six different bins of 15:
    // ECE = (0.3 + 0.6 + 0.2 + 0.5 + 0.1 + 0.4) / 6
    expect(m.ece).toBeCloseTo(2.1 / 6, 12);
  });

  it('ECE averages |accuracy − confidence| per bin, weighted by the bin', () => {
    // Bin [0.8, 0.9) of 10: confidences 0.85, 0.85, 0.85, 0.85, two right → |0.5 − 0.85| · 4/5;
    // bin [0.6, 0.7): 0.65 right → |1 − 0.65| · 1/5
    expect(expectedCalibrationError([0.85, 0.85, 0.85, 0.85, 0.65], [1, 1, 0, 0, 1], [1, 0, 0, 1, 1], 10)).toBeCloseTo(0.35 * 0.8 + 0.35 * 0.2, 12);
  });

  it('binary classification from one probability per row', () => {
    // p ≥ 0.5 → 1 1 0 0 1 1 against 1 0 1 0 0 1: TP 2, FP 2, FN 1, TN 1
    const m = classificationMetrics([0.9, 0.6, 0.4, 0.2, 0.7, 0.55], [1, 0, 1, 0, 0, 1], 2);
    expect(m.confusion).toEqual([
      [1, 2],
      [1, 2],
    ]);
    const positive = positiveClassScores(m.confusion);
    expect(positive.precision).toBe(0.5);
    expect(positive.recall).toBeCloseTo(2 / 3, 12);
    expect(positive.f1).toBeCloseTo(4 / 7, 12);
    // class 0: precision 1/2, recall 1/3
    expect(m.macroPrecision).toBeCloseTo(0.5, 12);
    expect(m.macroRecall).toBeCloseTo((1 / 3 + 2 / 3) / 2, 12);
  });

  it('positive-class scores with no predicted or no actual positives are 0', () => {
    expect(positiveClassScores([[3, 0], [2, 0]])).toEqual({ precision: 0, recall: 0, f1: 0 });
    expect(positiveClassScores([[3, 1], [0, 0]])).toEqual({ precision: 0, recall: 0, f1: 0 });
  });

  it('ROC-AUC and PR-AUC (average precision)', () => {
    // scikit-learn's documentation example: AUC 0.75, AP 0.8333
    const m = binaryRankingMetrics([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(m.rocAuc).toBeCloseTo(0.75, 12);
    expect(m.prAuc).toBeCloseTo(5 / 6, 12);
    // Positives ranked last: AUC 0; AP = 0.5 · 1/3 + 0.5 · 2/4
    const worst = binaryRankingMetrics([0.9, 0.8, 0.1, 0.2], [0, 0, 1, 1]);
    expect(worst.rocAuc).toBe(0);
    expect(worst.prAuc).toBeCloseTo(0.5 / 3 + 0.25, 12);
    // All scores tied: AUC 0.5 (ties count half), one threshold with precision 1/2 at recall 1
    const tied = binaryRankingMetrics([0.5, 0.5, 0.5, 0.5], [0, 1, 0, 1]);
    expect(tied.rocAuc).toBe(0.5);
    expect(tied.prAuc).toBe(0.5);
    expect(binaryRankingMetrics([0.2, 0.9], [0, 1])).toEqual({ rocAuc: 1, prAuc: 1 });
    expect(Number.isNaN(binaryRankingMetrics([0.2, 0.9], [1, 1]).rocAuc)).toBe(true);
  });

  it('regression RMSE, MAE and R²', () => {
    // errors 1, 0, −2; mean actual 11/3, total sum of squares 56/3
    const m = regressionMetrics([2, 3, 5], [1, 3, 7]);
    expect(m.rmse).toBeCloseTo(Math.sqrt(5 / 3), 12);
    expect(m.mae).toBeCloseTo(1, 12);
    expect(m.r2).toBeCloseTo(1 - 5 / (56 / 3), 12);
  });

  it("multi-label: precision, recall and F1 of each label's positive class, macro-averaged", () => {
    // Three imbalanced labels over six rows (targets, and the scores' ≥ 0.5 decisions):
    //   A  y 1 0 0 0 0 0  ŷ 1 1 0 0 0 0  TP 1 FP 1 FN 0 → P 1/2, R 1,   F1 2/3
    //   B  y 1 1 1 0 0 0  ŷ 1 0 0 0 0 0  TP 1 FP 0 FN 2 → P 1,   R 1/3, F1 1/2
    //   C  y 0 0 0 0 0 1  ŷ 0 0 0 1 1 0  TP 0 FP 2 FN 1 → P 0,   R 0,   F1 0
    const targets = [1, 1, 0, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1];
    const scores = [0.9, 0.8, 0.1, 0.7, 0.3, 0.2, 0.1, 0.4, 0.3, 0.2, 0.1, 0.6, 0.3, 0.2, 0.8, 0.1, 0.1, 0.4];
    const data: Dataset = {
      file: 'labels.csv',
      task: 'multilabel',
      featureNames: ['x'],
      labelColumns: ['A', 'B', 'C'],
      rows: 6,
      features: new Float32Array(6),
      classNames: ['A', 'B', 'C'],
      targets: Float32Array.from(targets),
      targetColumns: 3,
      labels: new Int32Array(0),
    };
    const e = evaluateScores(scores, data);
    // Averaging precision over both classes of each label gave (3/4 + 4/5 + 3/8) / 3 = 0.642 here.
    expect(e.macroPrecision).toBeCloseTo((1 / 2 + 1 + 0) / 3, 12);
    expect(e.macroRecall).toBeCloseTo((1 + 1 / 3 + 0) / 3, 12);
    expect(e.macroF1).toBeCloseTo((2 / 3 + 1 / 2 + 0) / 3, 12);
    expect(e.perClassRecall).toEqual([1, 1 / 3, 0]);
    // label-wise accuracy: 5 + 4 + 3 of 18 decisions right
    expect(e.accuracy).toBeCloseTo(12 / 18, 12);
  });
});

import { describe, expect, it } from 'vitest';
import { binaryRankingMetrics } from '../../compiler/evaluate/metrics.js';
import { HISTOGRAM_BINS, ROC_POINTS, rocCurve, scoreDistribution, scoreHistogram } from '../../compiler/evaluate/score-distribution.js';
import { Rng } from '../../compiler/rng.js';

describe('rocCurve', () => {
  it('steps through each distinct score, highest first, from (0, 0) to (1, 1)', () => {
    const roc = rocCurve([0.9, 0.8, 0.7, 0.6, 0.5], [1, 0, 1, 0, 0])!;
    expect(roc.fpr).toEqual([0, 0, 1 / 3, 1 / 3, 2 / 3, 1]);
    expect(roc.tpr).toEqual([0, 0.5, 0.5, 1, 1, 1]);
    expect(roc.auc).toBeCloseTo(5 / 6, 12);
  });

  it('moves tied scores together (a diagonal step), and its area is the rank AUC', () => {
    const roc = rocCurve([0.5, 0.5, 0.2], [1, 0, 0])!;
    expect(roc.fpr).toEqual([0, 0.5, 1]);
    expect(roc.tpr).toEqual([0, 1, 1]);
    expect(roc.auc).toBeCloseTo(binaryRankingMetrics([0.5, 0.5, 0.2], [1, 0, 0]).rocAuc, 12);
  });

  it('is null without both classes, and keeps at most ROC_POINTS points, both ends among them', () => {
    expect(rocCurve([0.1, 0.2], [1, 1])).toBeNull();
    const rng = new Rng(1);
    const n = 5000;
    const labels = Array.from({ length: n }, (_, i) => i % 3 === 0 ? 1 : 0);
    const scores = labels.map((y) => rng.normal() + y);
    const roc = rocCurve(scores, labels)!;
    expect(roc.fpr.length).toBe(ROC_POINTS);
    expect([roc.fpr[0], roc.tpr[0], roc.fpr[ROC_POINTS - 1], roc.tpr[ROC_POINTS - 1]]).toEqual([0, 0, 1, 1]);
    expect(roc.auc).toBeCloseTo(binaryRankingMetrics(scores, labels).rocAuc, 12);
  });
});

describe('scoreHistogram', () => {
  it('counts every row once, per class, the tail above the 99.5th percentile in the last bin', () => {
    const scores = [...Array.from({ length: 999 }, (_, i) => i / 1000), 50];
    const labels = scores.map((_, i) => (i % 2));
    const h = scoreHistogram(scores, labels, ['normal', 'anomaly'], null, 0.5);
    expect(h.edges.length).toBe(HISTOGRAM_BINS + 1);
    expect(h.series.map((s) => s.name)).toEqual(['normal', 'anomaly']);
    expect(h.series.map((s) => s.counts.reduce((a, b) => a + b, 0))).toEqual([500, 500]);
    expect(h.edges[HISTOGRAM_BINS]).toBeLessThan(1);
    expect(h.clippedRows).toBe(5);
    expect(h.series[1].counts[HISTOGRAM_BINS - 1]).toBeGreaterThanOrEqual(1);
  });

  it('keeps the threshold inside the range, and has one series without labels of both classes', () => {
    const h = scoreHistogram([0.1, 0.2, 0.3], null, ['normal', 'anomaly'], null, 2);
    expect(h.edges[HISTOGRAM_BINS]).toBeGreaterThan(2);
    expect(h.series.map((s) => [s.name, s.counts.reduce((a, b) => a + b, 0)])).toEqual([['all rows', 3]]);
  });
});

it('scoreDistribution: the threshold\'s (FPR, TPR) decides as the model does (>= for probabilities)', () => {
  const d = scoreDistribution({ score: 'p', classNames: ['a', 'b'], floatScores: [0.2, 0.5, 0.7], int8Scores: [0.2, 0.5, 0.7], labels: [0, 0, 1], threshold: 0.5, atLeast: true, range: [0, 1] });
  expect(d.roc!.int8AtThreshold).toEqual({ fpr: 0.5, tpr: 1 });
  const strict = scoreDistribution({ score: 'e', classNames: ['a', 'b'], floatScores: [0.2, 0.5, 0.7], int8Scores: [0.2, 0.5, 0.7], labels: [0, 0, 1], threshold: 0.5, atLeast: false, range: null });
  expect(strict.roc!.int8AtThreshold).toEqual({ fpr: 0, tpr: 1 });
});

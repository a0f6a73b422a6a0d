import { describe, expect, it } from 'vitest';
import { chooseThreshold, metricsAtThreshold, parseThresholdRule } from '../../compiler/evaluate/thresholds.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';

// Sorted by score: 0.9 +, 0.8 +, 0.7 −, 0.6 +, 0.4 −, 0.3 +, 0.2 −, 0.1 −  (4 positives)
const scores = [0.1, 0.9, 0.4, 0.8, 0.3, 0.7, 0.2, 0.6];
const labels = [0, 1, 0, 1, 1, 0, 0, 1];

describe('choosing a threshold', () => {
  it('max-f1: by hand, F1 at 0.8 is 2/3, at 0.6 is 3/4, at 0.3 is 4/5 (the most)', () => {
    const c = chooseThreshold(scores, labels, { rule: 'max-f1' }, 't');
    expect(c.threshold).toBe(0.3);
    expect(c.precision).toBe(4 / 6);
    expect(c.recall).toBe(1);
    expect(c.f1).toBeCloseTo(0.8, 12);
  });

  it('max-f1 takes the highest threshold on ties', () => {
    // 0.9 +, 0.5 −, 0.4 −, 0.3 +: F1 2/3 at 0.9 (P 1, R 1/2) and at 0.3 (P 1/2, R 1), less between.
    expect(chooseThreshold([0.9, 0.5, 0.4, 0.3], [1, 0, 0, 1], { rule: 'max-f1' }, 't').threshold).toBe(0.9);
    expect(chooseThreshold([0.3, 0.4, 0.5, 0.9], [1, 0, 0, 1], { rule: 'max-f1' }, 't').threshold).toBe(0.9);
  });

  it('recall=R: the highest threshold that finds that share; precision=P: the lowest that keeps it', () => {
    expect(chooseThreshold(scores, labels, { rule: 'recall', target: 0.75 }, 't').threshold).toBe(0.6);
    expect(chooseThreshold(scores, labels, { rule: 'recall', target: 1 }, 't').threshold).toBe(0.3);
    expect(chooseThreshold(scores, labels, { rule: 'recall', target: 0.5 }, 't').threshold).toBe(0.8);
    // Precision ≥ 0.75 at 0.9 (1), 0.8 (1), 0.6 (0.75); at 0.3 it is 4/6.
    expect(chooseThreshold(scores, labels, { rule: 'precision', target: 0.75 }, 't').threshold).toBe(0.6);
    expect(chooseThreshold(scores, labels, { rule: 'precision', target: 0.6 }, 't').threshold).toBe(0.3);
  });

  it('tied scores are one candidate', () => {
    const c = chooseThreshold([0.5, 0.5, 0.2], [1, 0, 1], { rule: 'recall', target: 0.5 }, 't');
    expect(c).toEqual({ threshold: 0.5, precision: 0.5, recall: 0.5, f1: 0.5 });
  });

  it('says when no threshold can be chosen', () => {
    expectFirmnetError(() => chooseThreshold([0.2, 0.4], [0, 0], { rule: 'max-f1' }, 'label x'), 'BAD_ARGUMENT', /label x: the validation split has no positive row/);
    expectFirmnetError(() => chooseThreshold([0.9, 0.4], [0, 1], { rule: 'precision', target: 0.9 }, 't'), 'BAD_ARGUMENT', /no threshold reaches precision 0.9.*highest is 0.5000/);
  });

  it('metrics at a threshold count score ≥ threshold as positive', () => {
    expect(metricsAtThreshold(scores, labels, 0.6)).toEqual({ precision: 0.75, recall: 0.75, f1: 0.75 });
  });
});

describe('parsing rules', () => {
  it('reads the four forms and refuses the rest', () => {
    expect(parseThresholdRule('max-f1')).toEqual({ rule: 'max-f1' });
    expect(parseThresholdRule('recall=0.9')).toEqual({ rule: 'recall', target: 0.9 });
    expect(parseThresholdRule('precision=1')).toEqual({ rule: 'precision', target: 1 });
    expect(parseThresholdRule('fpr=0')).toEqual({ rule: 'fpr', target: 0 });
    for (const bad of ['recall=0', 'recall=1.1', 'precision=-1', 'fpr=1', 'fpr=x', 'f1', 'recall=']) {
      expectFirmnetError(() => parseThresholdRule(bad), 'BAD_ARGUMENT', /--threshold takes max-f1, recall=R, precision=P/);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { parseClassWeight, parsePosWeight, resolveLossWeights } from '../../compiler/train/loss-weights.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';

const labels = Int32Array.from([0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 2, 2]);
const data = { task: 'multiclass' as const, classNames: ['a', 'b', 'c'], labels, labelColumns: ['label'], targetColumns: 3 };
const all = Uint32Array.from(labels.keys());

describe('class weights', () => {
  it("balanced is scikit-learn's n_samples / (n_classes · count_c), counted on the rows trained on", () => {
    // sklearn.utils.class_weight.compute_class_weight('balanced', classes=[0, 1, 2], y=labels) = [1.3333, 0.5714, 2.0]
    const w = resolveLossWeights(data, all, { classWeight: 'balanced', posWeight: null })!;
    expect(w.classWeights).toEqual([12 / 9, 12 / 21, 12 / 6]);
    expect(w.kernelWeights).toEqual(w.classWeights);
    // Without rows 0 and 3 (held out): 10 rows, counts 2, 6, 2.
    const fit = Uint32Array.from([1, 2, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(resolveLossWeights(data, fit, { classWeight: 'balanced', posWeight: null })!.classWeights).toEqual([10 / 6, 10 / 18, 10 / 6]);
  });

  it('binary: the positive term weighs class 1 times pos_weight, the negative term class 0', () => {
    const b = { task: 'binary' as const, classNames: ['no', 'yes'], labels: Int32Array.from([0, 0, 0, 1]), labelColumns: ['label'], targetColumns: 1 };
    const w = resolveLossWeights(b, Uint32Array.from([0, 1, 2, 3]), { classWeight: 'balanced', posWeight: [3] })!;
    expect(w.classWeights).toEqual([4 / 6, 4 / 2]);
    expect(w.kernelWeights).toEqual([2 * 3, 4 / 6]);
  });

  it('multilabel: one pos_weight for all labels, or one per label', () => {
    const m = { task: 'multilabel' as const, classNames: ['p', 'q'], labels: new Int32Array(0), labelColumns: ['p', 'q'], targetColumns: 2 };
    expect(resolveLossWeights(m, all, { classWeight: null, posWeight: [2] })!.kernelWeights).toEqual([2, 2, 1, 1]);
    expect(resolveLossWeights(m, all, { classWeight: null, posWeight: [2, 5] })!.kernelWeights).toEqual([2, 5, 1, 1]);
    expectFirmnetError(() => resolveLossWeights(m, all, { classWeight: null, posWeight: [1, 2, 3] }), 'BAD_ARGUMENT', /--pos-weight has 3 weights, but the model has 2 labels \(p, q\)/);
    expectFirmnetError(() => resolveLossWeights(m, all, { classWeight: 'balanced', posWeight: null }), 'BAD_ARGUMENT', /--class-weight applies to binary and multiclass.*--pos-weight/);
  });

  it('refuses a wrong count, a class without training rows, and weights that are not finite and above 0', () => {
    expectFirmnetError(() => resolveLossWeights(data, all, { classWeight: [1, 2], posWeight: null }), 'BAD_ARGUMENT', /--class-weight has 2 weights, but the data has 3 classes \(a, b, c\)/);
    expectFirmnetError(() => resolveLossWeights(data, Uint32Array.from([0, 3]), { classWeight: 'balanced', posWeight: null }), 'BAD_ARGUMENT', /class c has no rows to train on/);
    expectFirmnetError(() => resolveLossWeights(data, all, { classWeight: null, posWeight: [2] }), 'BAD_ARGUMENT', /--pos-weight applies to binary and multilabel.*--class-weight/);
    for (const text of ['0,1', '1,-2', '1,inf', '1,,2', 'NaN', 'even']) expectFirmnetError(() => parseClassWeight(text), 'BAD_ARGUMENT', /--class-weight takes balanced, or one weight per class/);
    expect(parseClassWeight(' balanced ')).toBe('balanced');
    expect(parseClassWeight('1, 3')).toEqual([1, 3]);
    expect(parsePosWeight('2.5')).toEqual([2.5]);
    expectFirmnetError(() => parsePosWeight('0'), 'BAD_ARGUMENT', /--pos-weight takes one weight for every label/);
  });
});

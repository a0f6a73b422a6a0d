/**
 * Decision thresholds in the IR (version 2): the probability → output-code mapping, that version 1
 * files load as they did (same version, same hash), and that every field of `decision` is checked.
 */
import { describe, expect, it } from 'vitest';
import { type QModel, outputTensor } from '../../compiler/ir/qmodel.js';
import { parseModelText } from '../../compiler/model/model-file.js';
import { modelToJson } from '../../compiler/model/model-file.js';
import { parseQModelText, qmodelToJson } from '../../compiler/quantize/qmodel-file.js';
import { sealQModel } from '../../compiler/quantize/seal.js';
import { decisionCodes } from '../../compiler/reference/decisions.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';
import { loadVectors } from '../helpers/vectors.js';
import { trainSmall } from '../import/trained-models.js';

const binary = loadVectors().find((v) => v.qmodel.task === 'binary' && outputTensor(v.qmodel).features === 1)!.qmodel;

function withDecision(q: QModel, decision: NonNullable<QModel['decision']>): string {
  return qmodelToJson(sealQModel({ ...q, version: 2, decision }));
}

function edited(text: string, edit: (json: Record<string, unknown>) => void): string {
  const json = JSON.parse(text) as Record<string, unknown>;
  edit(json);
  return JSON.stringify(json);
}

describe('decision codes', () => {
  const logits = { dtype: 'int8' as const, features: 1, scale: 0.5, zeroPoint: -10, rangeMin: -59, rangeMax: 68.5 };
  it('a sigmoid head in float: the smallest code whose sigmoid reaches the threshold', () => {
    const codes = (t: number): number => decisionCodes({ headInFirmware: false, output: logits }, { rule: 'max-f1', thresholds: [t], validation: [] }).codes[0];
    // 0.5 is a logit of 0, the zero point; σ(1) = 0.7311 is the code two above it, and just past it the third.
    expect(codes(0.5)).toBe(-10);
    expect(codes(0.7310585)).toBe(-8);
    expect(codes(0.7310586)).toBe(-7);
    expect(codes(0)).toBe(-128);
  });

  it('probabilities in the firmware (int8 head at scale 1/256): the code of the threshold itself', () => {
    const probabilities = { dtype: 'int8' as const, features: 2, scale: 1 / 256, zeroPoint: -128, rangeMin: 0, rangeMax: 255 / 256 };
    const d = decisionCodes({ headInFirmware: true, output: probabilities }, { rule: 'max-f1', thresholds: [0.25, 0.2501], validation: [] });
    expect(d.codes).toEqual([-64, -63]);
    // Above the largest probability (255/256): no code reaches it, one past the maximum.
    expect(decisionCodes({ headInFirmware: true, output: probabilities }, { rule: 'max-f1', thresholds: [0.999], validation: [] }).codes).toEqual([128]);
  });
});

describe('IR versions', () => {
  it('a version 1 IR without decision loads as version 1 with its hash', () => {
    const text = qmodelToJson(binary);
    expect(binary.version).toBe(1);
    const q = parseQModelText(text, 'v1.q.json');
    expect(q.version).toBe(1);
    expect(q.hash).toBe(binary.hash);
    expect(q.decision).toBeUndefined();
  });

  it('a version 2 IR with decision round-trips', () => {
    const decision = { rule: 'recall=0.9', thresholds: [0.25], codes: [-3] };
    expect(parseQModelText(withDecision(binary, decision), 'v2.q.json').decision).toEqual(decision);
  });

  it('rejects decision in a version 1 file, codes out of range, thresholds beyond [0, 1], a rule that is not one, the wrong length, an unknown version', () => {
    const good = withDecision(binary, { rule: 'max-f1', thresholds: [0.25], codes: [-3] });
    const bad = (edit: (json: Record<string, unknown>) => void): string => edited(good, edit);
    const decision = (json: Record<string, unknown>): Record<string, unknown> => json.decision as Record<string, unknown>;
    expectFirmnetError(() => parseQModelText(bad((j) => (j.version = 1)), 'x.q.json'), 'BAD_IR_FILE', /x\.q\.json.*decision.*version 1.*added in version 2/);
    expectFirmnetError(() => parseQModelText(bad((j) => (decision(j).codes = [129])), 'x.q.json'), 'BAD_IR_FILE', /decision\.codes\[0\].*≤ 128/);
    expectFirmnetError(() => parseQModelText(bad((j) => (decision(j).codes = [-1.5])), 'x.q.json'), 'BAD_IR_FILE', /decision\.codes\[0\].*integer/);
    expectFirmnetError(() => parseQModelText(bad((j) => (decision(j).thresholds = [1.5])), 'x.q.json'), 'BAD_IR_FILE', /decision\.thresholds\[0\].*≤ 1/);
    expectFirmnetError(() => parseQModelText(bad((j) => (decision(j).thresholds = [0.2, 0.3])), 'x.q.json'), 'BAD_IR_FILE', /decision\.thresholds.*2 entries, expected 1/);
    expectFirmnetError(() => parseQModelText(bad((j) => (decision(j).rule = 'max-f1 */ int evil; /*')), 'x.q.json'), 'BAD_IR_FILE', /decision\.rule.*expected max-f1/);
    expectFirmnetError(() => parseQModelText(bad((j) => (decision(j).rule = 'recall=1.5')), 'x.q.json'), 'BAD_IR_FILE', /decision\.rule/);
    expectFirmnetError(() => parseQModelText(bad((j) => (j.version = 3)), 'x.q.json'), 'BAD_IR_FILE', /version 3 is not supported/);
  });
});

describe('the float model file', () => {
  const { model } = trainSmall('breast-cancer', { hidden: [4] }, 1);
  const text = modelToJson({ ...model, decision: { rule: 'max-f1', thresholds: [0.4], validation: [{ precision: 0.9, recall: 0.8, f1: 0.85 }] } });
  const bad = (edit: (d: Record<string, unknown>, json: Record<string, unknown>) => void): string =>
    edited(text, (j) => {
      edit(j.decision as Record<string, unknown>, j);
    });

  it('reads decision back', () => {
    expect(parseModelText(text, 'm.json').decision?.thresholds).toEqual([0.4]);
  });

  it('names the field of a bad decision', () => {
    expectFirmnetError(() => parseModelText(bad((d) => (d.thresholds = [-0.1])), 'm.json'), 'BAD_MODEL_FILE', /m\.json.*decision\.thresholds\[0\].*≥ 0/);
    expectFirmnetError(() => parseModelText(bad((d) => (d.thresholds = [0.4, 0.5])), 'm.json'), 'BAD_MODEL_FILE', /decision\.thresholds.*expected 1/);
    expectFirmnetError(() => parseModelText(bad((d) => (d.rule = 'fpr=0.1')), 'm.json'), 'BAD_MODEL_FILE', /decision\.rule/);
    expectFirmnetError(() => parseModelText(bad((d) => ((d.validation as Record<string, number>[])[0].f1 = Number.NaN)), 'm.json'), 'BAD_MODEL_FILE', /decision\.validation\[0\]\.f1/);
  });
});

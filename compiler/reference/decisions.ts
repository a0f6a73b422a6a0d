import type { DecisionThresholds } from '../model/float-model.js';
import { type QDecision, type QModel, outputTensor } from '../ir/qmodel.js';
import type { QTensor } from '../ops/op-types.js';
import { type QArray, allocQ, qRange } from '../ops/q-array.js';
import { dequantize } from './io.js';
import { applyHead } from '../inference/float-inference.js';

/** The probability the reference gives output code `code` of tensor `t`: dequantized, then the float sigmoid unless the head is in the firmware. */
function codeProbabilities(t: QTensor, headInFirmware: boolean): { codes: QArray; probabilities: Float32Array } {
  const { min, max } = qRange(t.dtype);
  const codes = allocQ(t.dtype, max - min + 1);
  for (let c = min; c <= max; c++) codes[c - min] = c;
  const values = dequantize(t, codes);
  const probabilities = headInFirmware ? values : applyHead({ head: 'sigmoid', targetStandardization: null }, values, values.length, 1);
  return { codes, probabilities };
}

/** The float thresholds as output codes (QDecision): per output, the smallest code whose probability reaches its threshold. */
export function decisionCodes(q: Pick<QModel, 'headInFirmware'> & { output: QTensor }, decision: DecisionThresholds): QDecision {
  const { codes, probabilities } = codeProbabilities(q.output, q.headInFirmware);
  const never = qRange(q.output.dtype).max + 1;
  return {
    rule: decision.rule,
    thresholds: decision.thresholds.slice(),
    codes: decision.thresholds.map((threshold) => {
      // Probabilities rise with the code (positive scale, monotone sigmoid), so the first hit is the smallest.
      const i = probabilities.findIndex((p) => p >= threshold);
      return i < 0 ? never : codes[i];
    }),
  };
}

/** Per row and output, 1 when the output code is at least the decision's code: what `<name>_predict_class` and the module's `decide` return. */
export function decideOutputs(q: QModel, output: QArray, rows: number): Uint8Array {
  if (!q.decision) throw new Error('internal: the IR has no decision thresholds');
  const k = outputTensor(q).features;
  const out = new Uint8Array(rows * k);
  for (let r = 0; r < rows; r++) for (let j = 0; j < k; j++) out[r * k + j] = output[r * k + j] >= q.decision.codes[j] ? 1 : 0;
  return out;
}

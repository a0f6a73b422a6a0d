import { type QModel, inputTensor, outputTensor } from '../ir/qmodel.js';
import { clamp, multiplyByQuantizedMultiplier, quantizeMultiplier } from '../ops/fixed-point.js';
import type { QTensor } from '../ops/op-types.js';
import { type QArray, qRange } from '../ops/q-array.js';

/** The fixed-point multiplier that re-quantizes an input code into the output tensor's scale: M = input scale / output scale. */
export function inputRequantize(input: QTensor, output: QTensor): { multiplier: number; shift: number } {
  return quantizeMultiplier(Math.fround(input.scale) / Math.fround(output.scale));
}

/** The largest score `features` outputs of `output` can give: every term at the full code range, squared. */
export function maxAnomalyScore(output: QTensor): number {
  const { min, max } = qRange(output.dtype);
  return output.features * (max - min) * (max - min);
}

/**
 * The autoencoder's integer anomaly score, per row: Σ_j (out_j − in'_j)², where in'_j is input code j
 * re-quantized to the output tensor, in'_j = clamp(out_zp + MultiplyByQuantizedMultiplier(in_j − in_zp,
 * multiplier, shift), out_min, out_max) with the IR's `decision.requantize` (TFLite double rounding).
 * The autoencoder's targets share its input standardization, so both codes measure the same value.
 * Exact in a Number: the score is at most features · 255² (int8) or features · 65535² (int16),
 * which the IR parser bounds below 2^53; C sums it in uint64_t, WASM in u64.
 */
export function anomalyScores(q: QModel, input: QArray, output: QArray, rows: number): Float64Array {
  const requantize = q.decision?.requantize;
  if (!requantize) throw new Error('internal: the IR has no autoencoder decision');
  const inT = inputTensor(q);
  const outT = outputTensor(q);
  const { min, max } = qRange(outT.dtype);
  const n = outT.features;
  const scores = new Float64Array(rows);
  for (let r = 0; r < rows; r++) {
    let score = 0;
    for (let j = 0; j < n; j++) {
      const target = clamp(outT.zeroPoint + multiplyByQuantizedMultiplier(input[r * inT.features + j] - inT.zeroPoint, requantize.multiplier, requantize.shift), min, max);
      const d = output[r * n + j] - target;
      score += d * d;
    }
    scores[r] = score;
  }
  return scores;
}

/** Per row, 1 when its anomaly score is above the IR's threshold score (`decision.codes[0]`). */
export function isAnomaly(q: QModel, scores: Float64Array): Uint8Array {
  if (!q.decision?.requantize) throw new Error('internal: the IR has no autoencoder decision');
  const threshold = q.decision.codes[0];
  return Uint8Array.from(scores, (s) => (s > threshold ? 1 : 0));
}

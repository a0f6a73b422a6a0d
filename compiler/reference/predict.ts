import type { QModel } from '../ir/qmodel.js';
import type { QArray } from '../ops/q-array.js';
import { runModel } from './interpreter.js';
import { dequantizeOutput, headScores, quantizeInput } from './io.js';

export interface QuantizedPrediction {
  rows: number;
  cols: number;
  /** The int8 (or int16) output codes. */
  output: QArray;
  /** Dequantized outputs in the network's units (logits, or probabilities when the head is in the firmware). */
  dequantized: Float32Array;
  /** After the float head: probabilities or regression values in the user's units. */
  scores: Float32Array;
}

/** Raw float features → golden-reference prediction: quantize, run the IR, dequantize, head. */
export function predictQuantized(q: QModel, features: Float32Array, rows: number): QuantizedPrediction {
  const output = runModel(q, quantizeInput(q, features, rows), rows);
  const dequantized = dequantizeOutput(q, output);
  const cols = dequantized.length / Math.max(rows, 1);
  return { rows, cols, output, dequantized, scores: headScores(q, dequantized, rows) };
}

import type { Unhashed } from '../ops/op-types.js';
import type { QArray } from '../ops/q-array.js';
import type { QLayer } from '../ops/quantized-op-types.js';
import { quantizedOp } from '../ops/quantized-ops.js';

/** One layer of the golden reference on a batch: its op's reference arithmetic (compiler/ops/<op>/reference.ts). */
export function runLayer(layer: Unhashed<QLayer>, input: QArray, rows: number): QArray {
  return quantizedOp(layer).reference(layer, input, rows);
}

/**
 * The golden int8 reference: runs every layer of the IR on a batch of quantized inputs. This
 * defines the numbers the WebAssembly and C backends must reproduce bit for bit.
 */
export function runModel(q: { layers: readonly Unhashed<QLayer>[] }, input: QArray, rows: number, onLayer?: (index: number, output: QArray) => void): QArray {
  let h = input;
  q.layers.forEach((layer, i) => {
    h = runLayer(layer, h, rows);
    onLayer?.(i, h);
  });
  return h;
}

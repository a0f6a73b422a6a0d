import type { QLayer, Unhashed } from '../quantize/qmodel.js';
import { fullyConnected } from './fully-connected.js';
import { leakyRelu } from './leaky-relu.js';
import { lookupTable } from './lut.js';
import { softmax } from './softmax.js';
import type { QArray } from './tensor.js';

/** One layer of the golden reference on a batch. */
export function runLayer(layer: Unhashed<QLayer>, input: QArray, rows: number): QArray {
  switch (layer.op) {
    case 'fully_connected':
      return fullyConnected(layer, input, rows);
    case 'leaky_relu':
      return leakyRelu(layer, input, rows);
    case 'lut':
      return lookupTable(layer, input, rows);
    case 'softmax':
      return softmax(layer, input, rows);
  }
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

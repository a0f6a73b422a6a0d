import type { Unhashed } from '../op-types.js';
import { type QArray, allocQ } from '../q-array.js';
import type { SoftmaxLayer } from './ir.js';

/** Reference int8 softmax: exp table on (max − x), integer normalisation to scale 1/256, zero point −128. */
export function softmax(layer: Unhashed<SoftmaxLayer>, input: QArray, rows: number): QArray {
  const k = layer.input.features;
  const out = allocQ('int8', rows * k);
  const e = new Uint32Array(k);
  for (let r = 0; r < rows; r++) {
    const o = r * k;
    let max = -128;
    for (let j = 0; j < k; j++) if (input[o + j] > max) max = input[o + j];
    let sum = 0;
    for (let j = 0; j < k; j++) {
      e[j] = layer.expTable[max - input[o + j]];
      sum += e[j];
    }
    const half = Math.floor(sum / 2);
    for (let j = 0; j < k; j++) {
      const p = Math.floor((e[j] * 256 + half) / sum) - 128;
      out[o + j] = p > 127 ? 127 : p;
    }
  }
  return out;
}

import type { Unhashed } from '../op-types.js';
import { type QArray, allocQ } from '../q-array.js';
import type { LutLayer } from './ir.js';

/** Reference table lookup: direct for int8, 513-knot linear interpolation for int16. */
export function lookupTable(layer: Unhashed<LutLayer>, input: QArray, rows: number): QArray {
  const n = rows * layer.input.features;
  const out = allocQ(layer.output.dtype, n);
  const t = layer.table;
  if (layer.input.dtype === 'int8') {
    for (let i = 0; i < n; i++) out[i] = t[input[i] + 128];
    return out;
  }
  for (let i = 0; i < n; i++) {
    const x = input[i];
    const j = 256 + (x >> 7);
    const base = t[j];
    const slope = t[j + 1] - base;
    out[i] = base + ((slope * (x & 127) + 64) >> 7);
  }
  return out;
}

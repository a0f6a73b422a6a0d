import type { Unhashed } from '../op-types.js';
import { unpackInt4 } from './int4.js';
import type { FullyConnectedLayer } from './ir.js';

const cache = new WeakMap<number[], Int8Array>();

/** The layer's weights as values, row-major [out][in], whatever their width in the IR (int4 unpacked). */
export function weightValues(layer: Unhashed<FullyConnectedLayer>): Int8Array {
  let w = cache.get(layer.weights);
  if (!w) {
    w = layer.weightBits === 4 ? unpackInt4(layer.weights, layer.inFeatures * layer.outFeatures) : Int8Array.from(layer.weights);
    cache.set(layer.weights, w);
  }
  return w;
}

import type { JsonReader } from '../../io/json-reader.js';
import type { LayerBase, LayerFields, Unhashed } from '../op-types.js';
import { MULTIPLIER, SHIFT, sameFeatures } from '../parse-fields.js';

/** TFLite LEAKY_RELU: two requantizations of (x − inZeroPoint), one per sign. */
export interface LeakyReluLayer extends LayerBase {
  op: 'leaky_relu';
  alpha: number;
  multiplierIdentity: number;
  shiftIdentity: number;
  multiplierAlpha: number;
  shiftAlpha: number;
}

type Json = Record<string, unknown>;

export function parseLeakyRelu(r: JsonReader, l: Json, path: string, base: LayerFields): Unhashed<LeakyReluLayer> {
  sameFeatures(r, path, base);
  return {
    op: 'leaky_relu',
    ...base,
    alpha: r.number(l, 'alpha', path),
    multiplierIdentity: r.number(l, 'multiplierIdentity', path, MULTIPLIER),
    shiftIdentity: r.number(l, 'shiftIdentity', path, SHIFT),
    multiplierAlpha: r.number(l, 'multiplierAlpha', path, MULTIPLIER),
    shiftAlpha: r.number(l, 'shiftAlpha', path, SHIFT),
  };
}

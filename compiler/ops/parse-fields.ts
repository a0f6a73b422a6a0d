/** Field rules several ops' IR parsers share. */
import type { JsonReader, NumberRule } from '../io/json-reader.js';
import { INT32_MAX, INT32_MIN } from './fixed-point.js';
import type { QTensor } from './op-types.js';

/** A requantization shift: M = multiplier · 2^(shift − 31). */
export const SHIFT: NumberRule = { integer: true, min: -31, max: 30 };
export const MULTIPLIER: NumberRule = { integer: true, min: INT32_MIN, max: INT32_MAX };

/** An element-wise layer keeps its feature count. */
export function sameFeatures(r: JsonReader, path: string, base: { input: QTensor; output: QTensor }): void {
  if (base.input.features !== base.output.features) r.fail(`${path}.output.features`, `is ${base.output.features}, expected ${base.input.features} (element-wise layer)`);
}

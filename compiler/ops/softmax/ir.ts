import type { JsonReader } from '../../io/json-reader.js';
import type { LayerBase, LayerFields, Unhashed } from '../op-types.js';
import { sameFeatures } from '../parse-fields.js';

/**
 * Row-wise softmax, int8 in and out (output scale 1/256, zero point −128, TFLite's convention).
 * e_i = expTable[max − x_i] (expTable[d] = round(2^15 · exp(−d · input.scale))), s = Σ e_i,
 * y_i = clamp(floor((e_i·256 + floor(s/2)) / s) − 128, −128, 127), all in uint32.
 */
export interface SoftmaxLayer extends LayerBase {
  op: 'softmax';
  expTable: number[];
}

/** exp(0) in the table's Q15: the row maximum's term. */
export const EXP_ONE = 32768;

/** At most 2^16 classes keep the sum of 2^15-sized terms inside the uint32 the kernels use. */
export const MAX_CLASSES = 65536;

type Json = Record<string, unknown>;

export function parseSoftmax(r: JsonReader, l: Json, path: string, base: LayerFields): Unhashed<SoftmaxLayer> {
  sameFeatures(r, path, base);
  if (base.input.dtype !== 'int8' || base.output.dtype !== 'int8') r.fail(path, 'softmax takes int8 input and output');
  if (base.output.scale !== 1 / 256 || base.output.zeroPoint !== -128) r.fail(`${path}.output`, 'softmax output must have scale 1/256 and zero point −128');
  const expTable = r.numbers(l, 'expTable', path, 256, { integer: true, min: 0, max: EXP_ONE });
  // exp(0) = 1: the row maximum always contributes 2^15, so the sum can never be 0.
  if (expTable[0] !== EXP_ONE) r.fail(`${path}.expTable[0]`, `must be 32768 (2^15 · exp(0)), got ${expTable[0]}`);
  if (base.input.features > MAX_CLASSES) r.fail(`${path}.input.features`, `a softmax over ${base.input.features} classes overflows the uint32 sum of the kernels (at most 65536)`);
  return { op: 'softmax', ...base, expTable };
}

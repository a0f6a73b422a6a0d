import type { JsonReader } from '../../io/json-reader.js';
import { DTYPE_RANGE, type LayerBase, type LayerFields, type Unhashed } from '../op-types.js';
import { sameFeatures } from '../parse-fields.js';

export type LutFunction = 'sigmoid' | 'tanh' | 'gelu' | 'gelu_tanh';

const LUT_FUNCTIONS: readonly LutFunction[] = ['sigmoid', 'tanh', 'gelu', 'gelu_tanh'];

/**
 * Element-wise function by table. int8: 256 entries, y = table[x + 128]. int16: 513 entries at
 * x = (j − 256)·128, linearly interpolated: y = t[j] + ((t[j+1] − t[j])·(x & 127) + 64) >> 7,
 * j = 256 + (x >> 7), in int32 arithmetic. Input and output have the same dtype.
 */
export interface LutLayer extends LayerBase {
  op: 'lut';
  function: LutFunction;
  table: number[];
}

type Json = Record<string, unknown>;

export function parseLut(r: JsonReader, l: Json, path: string, base: LayerFields): Unhashed<LutLayer> {
  sameFeatures(r, path, base);
  if (base.input.dtype !== base.output.dtype) r.fail(`${path}.output.dtype`, `a table keeps the dtype: input is ${base.input.dtype}, output ${base.output.dtype}`);
  const range = DTYPE_RANGE[base.output.dtype];
  return {
    op: 'lut',
    ...base,
    function: r.string(l, 'function', path, LUT_FUNCTIONS),
    table: r.numbers(l, 'table', path, base.input.dtype === 'int8' ? 256 : 513, { integer: true, min: range.min, max: range.max }),
  };
}

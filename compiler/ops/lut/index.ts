/** Sigmoid, tanh and GELU by table: a direct lookup for int8, 513 interpolated knots for int16. */
import { checkIntegers } from '../check-integers.js';
import { ELEMENTWISE_KERNEL, elementwiseTerms } from '../elementwise-cost.js';
import type { QuantizedOpDefinition } from '../op-definition.js';
import { probabilityParams } from '../op-types.js';
import { type LutLayer, parseLut } from './ir.js';
import { lowerLut } from './lower.js';
import { type PreparedLut, prepareLut } from './prepare.js';
import { lookupTable as reference } from './reference.js';
import { lutCall, lutConstants, lutParams, LUT_WASM_KERNELS, lutWasmCall, lutWasmConstants } from './render.js';
import { lutForward, type LutStage } from './stage.js';

declare module '../quantized-op-types.js' {
  interface QuantizedOpTypes {
    lut: { layer: LutLayer; stage: LutStage; prepared: PreparedLut; variant: 'lut_s8' | 'lut_s16' };
  }
}

export const lut: QuantizedOpDefinition<'lut'> = {
  op: 'lut',
  parse: parseLut,
  stageForward: lutForward,
  stageOutFeatures: (stage) => stage.features,
  // A table maps a tensor to one of the same width: the quantizer widens both sides together.
  dtypes: 'same',
  elementwise: true,
  // The sigmoid head outputs probabilities, at TFLite's fixed parameters.
  fixedOutput: (stage, dtype) => (stage.fn === 'sigmoid' && stage.name.startsWith('head.') ? probabilityParams(dtype) : null),
  lower: lowerLut,
  checkLowered: (layer, where) => checkIntegers(where, 'table', layer.table),
  reference,
  prepare: prepareLut,
  deviceConstants: lutConstants,
  c: { call: lutCall, params: lutParams, workspaceBytes: () => 0, kernelFiles: ['firmnet_lut.c'], header: null, detail: (layer) => `${layer.function} by table, ${layer.input.features} features` },
  wasm: { workspaceBytes: () => 0, constants: lutWasmConstants, call: lutWasmCall, kernels: LUT_WASM_KERNELS },
  vectors: () => [],
  cost: {
    kernels: { lut_s8: ELEMENTWISE_KERNEL, lut_s16: ELEMENTWISE_KERNEL },
    variant: (layer) => (layer.input.dtype === 'int16' ? 'lut_s16' : 'lut_s8'),
    terms: elementwiseTerms,
    macs: () => 0,
    parameters: () => 0,
    label: (l) => `lut (${l.function})`,
    shape: (layer) => `${layer.input.features}`,
    probe: (variant, features) => {
      const dtype = variant === 'lut_s16' ? 'int16' : 'int8';
      return { stage: { op: 'lut', name: 'probe', sourceLayers: [], features, fn: 'tanh' }, inputDtype: dtype, output: { dtype, range: { min: -4, max: 6 } } };
    },
  },
};

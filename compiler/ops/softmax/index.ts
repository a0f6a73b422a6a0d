/** SOFTMAX, int8 only: exp table on (max − x), integer normalisation to probabilities at scale 1/256, zero point −128. */
import { checkIntegers } from '../check-integers.js';
import { elementwiseTerms } from '../elementwise-cost.js';
import type { QuantizedOpDefinition } from '../op-definition.js';
import { probabilityParams } from '../op-types.js';
import { parseSoftmax, type SoftmaxLayer } from './ir.js';
import { lowerSoftmax } from './lower.js';
import { type PreparedSoftmax, prepareSoftmax } from './prepare.js';
import { softmax as reference } from './reference.js';
import { softmaxCall, softmaxConstants, softmaxParams, SOFTMAX_WASM_KERNELS, softmaxWasmCall, softmaxWasmConstants } from './render.js';
import { softmaxForward, type SoftmaxStage } from './stage.js';

declare module '../quantized-op-types.js' {
  interface QuantizedOpTypes {
    softmax: { layer: SoftmaxLayer; stage: SoftmaxStage; prepared: PreparedSoftmax; variant: 'softmax' };
  }
}

export const softmax: QuantizedOpDefinition<'softmax'> = {
  op: 'softmax',
  parse: parseSoftmax,
  stageForward: softmaxForward,
  stageOutFeatures: (stage) => stage.features,
  dtypes: 'int8',
  elementwise: false,
  fixedOutput: (_stage, dtype) => probabilityParams(dtype),
  lower: lowerSoftmax,
  checkLowered: (layer, where) => checkIntegers(where, 'expTable', layer.expTable),
  reference,
  prepare: prepareSoftmax,
  deviceConstants: softmaxConstants,
  c: { call: softmaxCall, params: softmaxParams, workspaceBytes: () => 0, kernelFiles: ['firmnet_softmax.c'], header: null, detail: (layer) => `${layer.input.features} features, output scale 1/256 zero point -128` },
  wasm: { workspaceBytes: () => 0, constants: softmaxWasmConstants, call: softmaxWasmCall, kernels: SOFTMAX_WASM_KERNELS },
  vectors: () => [],
  cost: {
    kernels: { softmax: { terms: ['elements', 'calls'], calibrationShapes: [[2], [4], [10], [33], [100]], heldOutShapes: [[3], [64]] } },
    variant: () => 'softmax',
    terms: elementwiseTerms,
    macs: () => 0,
    parameters: () => 0,
    label: () => 'softmax',
    shape: (layer) => `${layer.input.features}`,
    probe: (_variant, features) => ({ stage: { op: 'softmax', name: 'probe', sourceLayers: [], features }, inputDtype: 'int8', output: { dtype: 'int8', range: { min: 0, max: 1 } } }),
  },
};

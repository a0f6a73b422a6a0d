/** LEAKY_RELU (and a ReLU that has nothing to fuse into, alpha 0): requantize x − zp by the identity or the alpha multiplier. */
import { checkIntegers } from '../check-integers.js';
import { ELEMENTWISE_KERNEL, elementwiseTerms } from '../elementwise-cost.js';
import type { QuantizedOpDefinition } from '../op-definition.js';
import { type LeakyReluLayer, parseLeakyRelu } from './ir.js';
import { lowerLeakyRelu } from './lower.js';
import { type PreparedLeakyRelu, prepareLeakyRelu } from './prepare.js';
import { leakyRelu as reference } from './reference.js';
import { leakyReluCall, leakyReluParams, LEAKY_RELU_WASM_KERNELS, leakyReluWasmCall } from './render.js';
import { leakyReluForward, type LeakyReluStage } from './stage.js';

declare module '../quantized-op-types.js' {
  interface QuantizedOpTypes {
    leaky_relu: { layer: LeakyReluLayer; stage: LeakyReluStage; prepared: PreparedLeakyRelu; variant: 'leaky_relu' };
  }
}

export const leakyRelu: QuantizedOpDefinition<'leaky_relu'> = {
  op: 'leaky_relu',
  parse: parseLeakyRelu,
  stageForward: leakyReluForward,
  stageOutFeatures: (stage) => stage.features,
  dtypes: 'any',
  elementwise: true,
  fixedOutput: () => null,
  lower: lowerLeakyRelu,
  checkLowered: (layer, where) => {
    checkIntegers(where, 'multiplierIdentity', [layer.multiplierIdentity]);
    checkIntegers(where, 'multiplierAlpha', [layer.multiplierAlpha]);
  },
  reference,
  prepare: prepareLeakyRelu,
  deviceConstants: () => [],
  c: { call: leakyReluCall, params: leakyReluParams, workspaceBytes: () => 0, kernelFiles: ['firmnet_leaky_relu.c'], header: null, detail: (layer) => `alpha ${layer.alpha}, ${layer.input.features} features` },
  wasm: { workspaceBytes: () => 0, constants: () => [], call: leakyReluWasmCall, kernels: LEAKY_RELU_WASM_KERNELS },
  vectors: () => [],
  cost: {
    kernels: { leaky_relu: ELEMENTWISE_KERNEL },
    variant: () => 'leaky_relu',
    terms: elementwiseTerms,
    macs: () => 0,
    parameters: () => 0,
    label: (l) => (l.alpha === 0 ? 'leaky_relu (relu)' : `leaky_relu (alpha ${l.alpha})`),
    shape: (layer) => `${layer.input.features}`,
    // Slope 0.1 on an unchanged tensor: the output keeps the input's quantization.
    probe: (_variant, features) => ({ stage: { op: 'leaky_relu', name: 'probe', sourceLayers: [], features, alpha: 0.1 }, inputDtype: 'int8', output: 'input' }),
  },
};

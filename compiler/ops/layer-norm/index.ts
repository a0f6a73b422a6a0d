/** LAYER_NORM: exact integer mean and variance of a row's codes, an integer square root and one reciprocal per row, a Q16 normalized value requantized by γ, plus β. */
import { checkIntegers } from '../check-integers.js';
import type { QuantizedOpDefinition } from '../op-definition.js';
import { type LayerNormLayer, parseLayerNorm } from './ir.js';
import { lowerLayerNorm } from './lower.js';
import { type PreparedLayerNorm, prepareLayerNorm } from './prepare.js';
import { layerNorm as reference } from './reference.js';
import { layerNormCall, layerNormConstants, layerNormDetail, layerNormParams, LAYER_NORM_WASM_KERNELS, layerNormWasmCall, layerNormWasmConstants } from './render.js';
import { type LayerNormStage, layerNormStageForward } from './stage.js';
import { layerNormVectors } from './vectors.js';

declare module '../quantized-op-types.js' {
  interface QuantizedOpTypes {
    layer_norm: { layer: LayerNormLayer; stage: LayerNormStage; prepared: PreparedLayerNorm; variant: 'layer_norm_s8' | 'layer_norm_s16' };
  }
}

export const layerNorm: QuantizedOpDefinition<'layer_norm'> = {
  op: 'layer_norm',
  parse: parseLayerNorm,
  stageForward: layerNormStageForward,
  stageOutFeatures: (stage) => stage.features,
  // The int16 kernel reads and writes int16 (16x8): the quantizer widens both sides together.
  dtypes: 'same',
  elementwise: false,
  fixedOutput: () => null,
  lower: lowerLayerNorm,
  checkLowered: (layer, where) => {
    checkIntegers(where, 'varianceEpsilon', [layer.varianceEpsilon]);
    checkIntegers(where, 'multiplier', layer.multiplier);
    checkIntegers(where, 'bias', layer.bias);
  },
  reference,
  prepare: prepareLayerNorm,
  deviceConstants: layerNormConstants,
  c: { call: layerNormCall, params: layerNormParams, workspaceBytes: () => 0, kernelFiles: ['firmnet_layer_norm.c', 'firmnet_layer_norm.h'], kernelDir: 'compiler/ops/layer-norm/c', header: 'firmnet_layer_norm.h', detail: layerNormDetail },
  wasm: { workspaceBytes: () => 0, constants: layerNormWasmConstants, call: layerNormWasmCall, kernels: LAYER_NORM_WASM_KERNELS },
  vectors: layerNormVectors,
  cost: {
    // Two passes over the row (sums, then the normalized value and its requantization) and, per call, the square root and the reciprocal.
    kernels: {
      layer_norm_s8: { terms: ['elements', 'calls'], calibrationShapes: [[4], [16], [33], [64], [200]], heldOutShapes: [[10], [128]] },
      layer_norm_s16: { terms: ['elements', 'calls'], calibrationShapes: [[4], [16], [33], [64], [200]], heldOutShapes: [[10], [128]] },
    },
    variant: (layer) => (layer.input.dtype === 'int16' ? 'layer_norm_s16' : 'layer_norm_s8'),
    terms: (layer) => ({ elements: layer.input.features, calls: 1 }),
    macs: () => 0,
    parameters: (layer) => 2 * layer.input.features,
    label: (l) => (l.activation === 'none' ? 'layer_norm' : `layer_norm + ${l.activation}`),
    shape: (layer) => `${layer.input.features}`,
    probe: (variant, features, _outFeatures, rng) => {
      const dtype = variant === 'layer_norm_s16' ? 'int16' : 'int8';
      return {
        stage: {
          op: 'layer_norm',
          name: 'probe',
          sourceLayers: [],
          features,
          gamma: Float64Array.from({ length: features }, () => 1 + 0.2 * rng.normal()),
          beta: Float64Array.from({ length: features }, () => 0.1 * rng.normal()),
          epsilon: 1e-5,
          activation: 'none',
        },
        inputDtype: dtype,
        output: { dtype, range: { min: -4, max: 4 } },
      };
    },
  },
};

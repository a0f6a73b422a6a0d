/** FULLY_CONNECTED: int8 or int4 weights, int32 (int8 input) or 64-bit (int16 input) accumulation, per-channel requantization, fused ReLU/ReLU6 clamp. */
import type { QuantizedOpDefinition } from '../op-definition.js';
import { checkFullyConnected } from './check.js';
import { FULLY_CONNECTED_KERNELS, fullyConnectedProbe, fullyConnectedTerms, fullyConnectedVariant } from './cost.js';
import { type FullyConnectedLayer, parseFullyConnected } from './ir.js';
import { lowerFullyConnected } from './lower.js';
import { type PreparedFullyConnected, prepareFullyConnected } from './prepare.js';
import { fullyConnected as reference } from './reference.js';
import { fullyConnectedCWorkspaceBytes, fullyConnectedCall, fullyConnectedConstants, fullyConnectedDetail, fullyConnectedParams } from './render-c.js';
import { FULLY_CONNECTED_WASM_KERNELS, fullyConnectedWasmCall, fullyConnectedWasmConstants, fullyConnectedWorkspaceBytes } from './render-wasm.js';
import { fullyConnectedForward, type FullyConnectedStage } from './stage.js';
import type { FullyConnectedVariant } from './variant.js';

declare module '../quantized-op-types.js' {
  interface QuantizedOpTypes {
    fully_connected: { layer: FullyConnectedLayer; stage: FullyConnectedStage; prepared: PreparedFullyConnected; variant: FullyConnectedVariant };
  }
}

export const fullyConnected: QuantizedOpDefinition<'fully_connected'> = {
  op: 'fully_connected',
  parse: parseFullyConnected,
  stageForward: fullyConnectedForward,
  stageOutFeatures: (stage) => stage.outFeatures,
  dtypes: 'any',
  elementwise: false,
  fixedOutput: () => null,
  lower: lowerFullyConnected,
  checkLowered: checkFullyConnected,
  reference,
  prepare: prepareFullyConnected,
  deviceConstants: fullyConnectedConstants,
  c: {
    call: fullyConnectedCall,
    params: fullyConnectedParams,
    workspaceBytes: fullyConnectedCWorkspaceBytes,
    kernelFiles: ['firmnet_dense.c', 'firmnet_dense_dot.h', 'firmnet_dense_dot_armv6m.h', 'firmnet_dense_dot_armv7em_dsp.h', 'firmnet_dense_dot_portable.h', 'firmnet_dense_dot_rv32.h', 'firmnet_dense_dot_vector_host.h', 'firmnet_dense_layout.h', 'firmnet_dense_s4.c'],
    header: null,
    detail: fullyConnectedDetail,
  },
  wasm: { workspaceBytes: fullyConnectedWorkspaceBytes, constants: fullyConnectedWasmConstants, call: fullyConnectedWasmCall, kernels: FULLY_CONNECTED_WASM_KERNELS },
  vectors: () => [],
  cost: {
    kernels: FULLY_CONNECTED_KERNELS,
    variant: fullyConnectedVariant,
    terms: fullyConnectedTerms,
    macs: (layer) => layer.inFeatures * layer.outFeatures,
    parameters: (layer) => layer.inFeatures * layer.outFeatures + layer.bias.length,
    label: (l) => (l.activation === 'none' ? 'fully_connected' : `fully_connected + ${l.activation}`),
    shape: (layer) => `${layer.inFeatures}→${layer.outFeatures}`,
    probe: fullyConnectedProbe,
  },
};

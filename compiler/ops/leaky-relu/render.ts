import { dtypeSuffix, type Unhashed } from '../op-types.js';
import type { CKernelCall, CParams, WasmKernelCall, WasmKernelSignature, WasmLayerAddresses } from '../op-definition.js';
import type { LeakyReluLayer } from './ir.js';
import type { PreparedLeakyRelu } from './prepare.js';

/** Four scalars and two offsets: a params struct, no arrays. */
export function leakyReluParams(layer: Unhashed<LeakyReluLayer>, prepared: PreparedLeakyRelu): CParams {
  return {
    type: 'firmnet_leaky_relu_params',
    fields: [
      ['features', layer.input.features],
      ['input_offset', prepared.inputOffset],
      ['output_offset', layer.output.zeroPoint],
      ['multiplier_identity', layer.multiplierIdentity],
      ['shift_identity', layer.shiftIdentity],
      ['multiplier_alpha', layer.multiplierAlpha],
      ['shift_alpha', layer.shiftAlpha],
    ],
  };
}

/** `firmnet_leaky_relu_s8`, `_s16`, or `_s8_s16` / `_s16_s8` when the layer changes dtype. */
export function leakyReluCall(layer: Unhashed<LeakyReluLayer>): CKernelCall {
  const a = dtypeSuffix(layer.input.dtype);
  const b = dtypeSuffix(layer.output.dtype);
  return { kernel: `firmnet_leaky_relu_${a === b ? a : `${a}_${b}`}`, args: ['params', 'input', 'output'] };
}

/** The multipliers and shifts are immediates of the call; there are no constant arrays. */
export function leakyReluWasmCall(layer: Unhashed<LeakyReluLayer>, prepared: PreparedLeakyRelu, at: WasmLayerAddresses): WasmKernelCall {
  return {
    file: 'elementwise',
    kernel: 'leakyRelu',
    args: [
      at.input,
      at.output,
      layer.input.features,
      layer.input.dtype === 'int16',
      layer.output.dtype === 'int16',
      layer.input.zeroPoint,
      layer.output.zeroPoint,
      layer.multiplierIdentity,
      layer.shiftIdentity,
      layer.multiplierAlpha,
      layer.shiftAlpha,
      prepared.outputMin,
      prepared.outputMax,
    ],
  };
}

/** input, output, features, the two int16 flags, the zero points, both (multiplier, shift) pairs, the clamp. */
export const LEAKY_RELU_WASM_KERNELS: readonly WasmKernelSignature[] = [
  { file: 'elementwise', kernel: 'leakyRelu', params: ['usize', 'usize', 'i32', 'bool', 'bool', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32', 'i32'], builds: 'both' },
];

import { int16Bytes, int32Bytes, int64Bytes } from '../../io/little-endian.js';
import type { Unhashed } from '../op-types.js';
import { type WasmConstant, type WasmKernelCall, type WasmKernelSignature, type WasmLayerAddresses, type WasmParam, wasmAddress } from '../op-definition.js';
import type { FullyConnectedLayer } from './ir.js';
import { packDenseS8Simd } from './pack-simd.js';
import type { PreparedFullyConnected } from './prepare.js';

/**
 * The SIMD build's int8-input kernel reads its weights packed and its shifts as factors (pack-simd.ts);
 * every other build reads the IR's arrays: weights int8, bias int32 (int64 for int16 input),
 * multiplier and shift int32. The WebAssembly kernels subtract the input zero point as they go, so
 * they take the IR's bias, not the folded one.
 */
export function fullyConnectedWasmConstants(layer: Unhashed<FullyConnectedLayer>, prepared: PreparedFullyConnected, simd: boolean, label: string): WasmConstant[] {
  if (simd && packedForSimd(layer)) {
    const packed = packDenseS8Simd(layer, prepared);
    return [
      { slot: 'weights', label: 'weights (packed, int16)', bytes: int16Bytes(packed.weights) },
      { slot: 'bias', label: 'bias', bytes: int32Bytes(Array.from(packed.bias)) },
      { slot: 'multiplier', label: 'multiplier', bytes: int32Bytes(Array.from(packed.multiplier)) },
      { slot: 'leftFactor', label: 'shift (left factors)', bytes: int32Bytes(Array.from(packed.leftFactor)) },
      { slot: 'rightFactor', label: 'shift (right factors)', bytes: int32Bytes(Array.from(packed.rightFactor)) },
    ];
  }
  // int4: the IR's packed bytes (two weights per byte, low nibble first).
  return [
    { slot: 'weights', label: layer.weightBits === 4 ? 'weights (int4, packed)' : 'weights', bytes: Uint8Array.from(layer.weights, (w) => w & 0xff) },
    { slot: 'bias', label: 'bias', bytes: layer.input.dtype === 'int16' ? int64Bytes(layer.bias, `${label}.bias`) : int32Bytes(layer.bias) },
    { slot: 'multiplier', label: 'multiplier', bytes: int32Bytes(layer.multiplier) },
    { slot: 'shift', label: 'shift', bytes: int32Bytes(layer.shift) },
  ];
}

/** The SIMD kernel widens the int8 input to int16 in the workspace, padded to an even length. */
export function fullyConnectedWorkspaceBytes(layer: Unhashed<FullyConnectedLayer>, simd: boolean): number {
  return simd && packedForSimd(layer) ? 2 * (layer.inFeatures + (layer.inFeatures & 1)) : 0;
}

export function fullyConnectedWasmCall(
  layer: Unhashed<FullyConnectedLayer>,
  prepared: PreparedFullyConnected,
  at: WasmLayerAddresses,
  context: { simd: boolean; workspace: number },
): WasmKernelCall {
  const { simd } = context;
  const file = simd ? 'dense-simd' : 'dense-scalar';
  const suffix = simd ? 'Simd' : 'Scalar';
  const sizes = [layer.inFeatures, layer.outFeatures];
  const tail = [layer.output.zeroPoint, layer.activationMin, layer.activationMax, layer.output.dtype === 'int16'];
  const weights = wasmAddress(at, 'weights');
  const bias = wasmAddress(at, 'bias');
  const multiplier = wasmAddress(at, 'multiplier');
  if (layer.weightBits === 4) {
    // One scalar kernel in both builds: the nibbles are unpacked one by one.
    return { file: 'dense-s4', kernel: 'denseS4', args: [at.input, at.output, weights, bias, multiplier, wasmAddress(at, 'shift'), ...sizes, layer.input.zeroPoint, ...tail] };
  }
  if (layer.input.dtype === 'int16') {
    return { file, kernel: `denseS16${suffix}`, args: [at.input, at.output, weights, bias, multiplier, wasmAddress(at, 'shift'), ...sizes, ...tail] };
  }
  if (simd) {
    // Whether any channel shifts left, or has no right shift: when none does, the kernel skips that step.
    const leftShifts = prepared.leftShift.some((s) => s > 0);
    const unroundedChannels = prepared.rightShift.some((s) => s === 0);
    const factors = [wasmAddress(at, 'leftFactor'), wasmAddress(at, 'rightFactor')];
    return {
      file,
      kernel: 'denseS8Simd',
      args: [at.input, at.output, context.workspace, weights, bias, multiplier, ...factors, ...sizes, layer.input.zeroPoint, ...tail, leftShifts, unroundedChannels],
    };
  }
  return { file, kernel: 'denseS8Scalar', args: [at.input, at.output, weights, bias, multiplier, wasmAddress(at, 'shift'), ...sizes, layer.input.zeroPoint, ...tail] };
}

/** An int8-input layer with int8 weights: the SIMD build's packed, one-channel-per-lane kind. */
function packedForSimd(layer: Unhashed<FullyConnectedLayer>): boolean {
  return layer.input.dtype === 'int8' && layer.weightBits === 8;
}

/** input, output, weights, bias, multiplier, shift, inFeatures, outFeatures. */
const DENSE_HEAD: readonly WasmParam[] = ['usize', 'usize', 'usize', 'usize', 'usize', 'usize', 'i32', 'i32'];
/** outputZeroPoint, activationMin, activationMax, outputInt16. */
const DENSE_TAIL: readonly WasmParam[] = ['i32', 'i32', 'i32', 'bool'];

/** The kernels fullyConnectedWasmCall names, in the argument order it writes. */
export const FULLY_CONNECTED_WASM_KERNELS: readonly WasmKernelSignature[] = [
  { file: 'dense-s4', kernel: 'denseS4', params: [...DENSE_HEAD, 'i32', ...DENSE_TAIL], builds: 'both' },
  { file: 'dense-scalar', kernel: 'denseS8Scalar', params: [...DENSE_HEAD, 'i32', ...DENSE_TAIL], builds: 'scalar' },
  { file: 'dense-scalar', kernel: 'denseS16Scalar', params: [...DENSE_HEAD, ...DENSE_TAIL], builds: 'scalar' },
  {
    file: 'dense-simd',
    kernel: 'denseS8Simd',
    // input, output, workspace, weights, bias, multiplier, leftFactor, rightFactor, sizes, inputZeroPoint, tail, leftShifts, unroundedChannels.
    params: ['usize', 'usize', 'usize', 'usize', 'usize', 'usize', 'usize', 'usize', 'i32', 'i32', 'i32', ...DENSE_TAIL, 'bool', 'bool'],
    builds: 'simd',
  },
  { file: 'dense-simd', kernel: 'denseS16Simd', params: [...DENSE_HEAD, ...DENSE_TAIL], builds: 'simd' },
];

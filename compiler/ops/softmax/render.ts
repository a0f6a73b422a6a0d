import { int32Bytes } from '../../io/little-endian.js';
import type { Unhashed } from '../op-types.js';
import { type CKernelCall, type CParams, type DeviceConstant, type WasmConstant, type WasmKernelCall, type WasmKernelSignature, type WasmLayerAddresses, wasmAddress } from '../op-definition.js';
import type { SoftmaxLayer } from './ir.js';

/** The exp table fits uint16 on the device (its largest entry is 2^15); the WebAssembly kernel reads it as int32. */
export function softmaxConstants(layer: Unhashed<SoftmaxLayer>): DeviceConstant[] {
  return [{ kind: 'tables', stem: 'exp_table', element: 'uint16', values: layer.expTable, comment: 'exp_table[d] = round(2^15 * exp(-d * input scale))' }];
}

export function softmaxCall(): CKernelCall {
  return { kernel: 'firmnet_softmax_s8', args: ['params', 'input', 'output'] };
}

export function softmaxParams(layer: Unhashed<SoftmaxLayer>): CParams {
  return { type: 'firmnet_softmax_s8_params', fields: [['features', layer.input.features], ['exp_table', { array: 'exp_table' }]] };
}

export function softmaxWasmConstants(layer: Unhashed<SoftmaxLayer>): WasmConstant[] {
  return [{ slot: 'table', label: 'expTable', bytes: int32Bytes(layer.expTable) }];
}

export function softmaxWasmCall(layer: Unhashed<SoftmaxLayer>, _prepared: unknown, at: WasmLayerAddresses): WasmKernelCall {
  return { file: 'softmax', kernel: 'softmaxS8', args: [at.input, at.output, layer.input.features, wasmAddress(at, 'table')] };
}

/** input, output, features, expTable. */
export const SOFTMAX_WASM_KERNELS: readonly WasmKernelSignature[] = [{ file: 'softmax', kernel: 'softmaxS8', params: ['usize', 'usize', 'i32', 'usize'], builds: 'both' }];

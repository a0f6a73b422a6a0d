import { int16Bytes } from '../../io/little-endian.js';
import { dtypeSuffix, type Unhashed } from '../op-types.js';
import { type CKernelCall, type CParams, type DeviceConstant, type WasmConstant, type WasmKernelCall, type WasmKernelSignature, type WasmLayerAddresses, wasmAddress } from '../op-definition.js';
import type { LutLayer } from './ir.js';

export function lutConstants(layer: Unhashed<LutLayer>): DeviceConstant[] {
  const int16 = layer.input.dtype === 'int16';
  const comment = int16 ? `${layer.function}: 513 knots at x = (j - 256) * 128, interpolated` : `${layer.function}: output = table[input + 128]`;
  return [{ kind: 'tables', stem: 'table', element: int16 ? 'int16' : 'int8', values: layer.table, comment }];
}

export function lutCall(layer: Unhashed<LutLayer>): CKernelCall {
  return { kernel: `firmnet_lut_${dtypeSuffix(layer.input.dtype)}`, args: ['params', 'input', 'output'] };
}

export function lutParams(layer: Unhashed<LutLayer>): CParams {
  return { type: `firmnet_lut_${dtypeSuffix(layer.input.dtype)}_params`, fields: [['features', layer.input.features], ['table', { array: 'table' }]] };
}

export function lutWasmConstants(layer: Unhashed<LutLayer>): WasmConstant[] {
  const bytes = layer.input.dtype === 'int16' ? int16Bytes(layer.table) : Uint8Array.from(layer.table, (t) => t & 0xff);
  return [{ slot: 'table', label: 'table', bytes }];
}

export function lutWasmCall(layer: Unhashed<LutLayer>, _prepared: unknown, at: WasmLayerAddresses): WasmKernelCall {
  return { file: 'elementwise', kernel: layer.input.dtype === 'int16' ? 'lookupS16' : 'lookupS8', args: [at.input, at.output, layer.input.features, wasmAddress(at, 'table')] };
}

/** input, output, features, table. */
export const LUT_WASM_KERNELS: readonly WasmKernelSignature[] = [
  { file: 'elementwise', kernel: 'lookupS8', params: ['usize', 'usize', 'i32', 'usize'], builds: 'both' },
  { file: 'elementwise', kernel: 'lookupS16', params: ['usize', 'usize', 'i32', 'usize'], builds: 'both' },
];

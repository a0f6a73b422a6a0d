/**
 * Lookups over the IR ops of the registry (registry.ts). Every generic step — the IR parser,
 * lowering, the golden reference, both emitters, the simulator's bytes and cycles, the
 * instruction-profile probes — looks the op up here instead of switching over op names.
 */
import { type DeviceConstant, ELEMENT_BYTES, type KernelProfileSpec, type QuantizedOpDefinition } from './op-definition.js';
import type { ConstantBytes, Unhashed } from './op-types.js';
import type { KernelVariant, QLayer, QOp } from './quantized-op-types.js';
import { QUANTIZED_OPS } from './registry.js';

export { QUANTIZED_OPS } from './registry.js';

/** The op names, in the registry's order (the IR parser's list of accepted `op` values). */
export const Q_OPS = Object.keys(QUANTIZED_OPS) as QOp[];

/**
 * The definition of a layer's or stage's op. The one cast of the registry: TypeScript cannot relate
 * `QUANTIZED_OPS[x.op]` to `x` for a union, but the registry's type pairs every op with its own
 * definition, so the definition found by `x.op` takes `x`.
 */
export function quantizedOp(of: { op: QOp }): QuantizedOpDefinition<QOp> {
  return QUANTIZED_OPS[of.op] as QuantizedOpDefinition<QOp>;
}

/** Every kernel variant the cycle model profiles, with its op, in registry order. */
export const KERNEL_VARIANTS = Object.fromEntries(
  Object.values(QUANTIZED_OPS).flatMap((def) => Object.entries(def.cost.kernels).map(([variant, spec]) => [variant, { op: def.op, ...(spec as KernelProfileSpec) }])),
) as Record<KernelVariant, KernelProfileSpec & { op: QOp }>;

export function kernelVariantOf(layer: Unhashed<QLayer>): KernelVariant {
  return quantizedOp(layer).cost.variant(layer);
}

/** Bytes of a layer's constant arrays on the device, by kind: what the C emitter writes and the simulator counts as flash. */
export function layerConstantBytes(layer: Unhashed<QLayer>): ConstantBytes {
  const def = quantizedOp(layer);
  return constantBytesOf(def.deviceConstants(layer, def.prepare(layer)));
}

export function constantBytesOf(constants: readonly DeviceConstant[]): ConstantBytes {
  const bytes: ConstantBytes = { weights: 0, biases: 0, requantization: 0, tables: 0 };
  for (const c of constants) bytes[c.kind] += ELEMENT_BYTES[c.element] * c.values.length;
  return bytes;
}

export function totalConstantBytes(bytes: ConstantBytes): number {
  return bytes.weights + bytes.biases + bytes.requantization + bytes.tables;
}

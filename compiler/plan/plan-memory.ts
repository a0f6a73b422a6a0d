import type { QModel } from '../ir/qmodel.js';
import { DTYPE_RANGE } from '../ops/op-types.js';
import type { QLayer } from '../ops/quantized-op-types.js';
import { layerConstantBytes, quantizedOp, totalConstantBytes } from '../ops/quantized-ops.js';

export interface PlannedTensor {
  /** 'input', or the name of the layer that writes it. */
  name: string;
  offset: number;
  bytes: number;
}

/** Scratch a layer's kernel uses while it runs (e.g. the dense kernels' widened input). */
export interface PlannedWorkspace {
  /** Index of the layer whose kernel uses it. */
  layer: number;
  offset: number;
  bytes: number;
}

export interface MemoryPlan {
  /** Bytes of the one static arena every activation and every kernel workspace lives in. */
  arenaBytes: number;
  /** The least any plan can use: the largest input + output + workspace of one layer (all are live while it runs). */
  lowerBoundBytes: number;
  /** Byte alignment of every tensor's and workspace's offset. */
  alignment: number;
  tensors: PlannedTensor[];
  /** One entry per layer with a workspace, in layer order. */
  workspaces: PlannedWorkspace[];
  /** Why arenaBytes exceeds the lower bound, when it does. */
  note: string | null;
}

export const DEFAULT_ALIGNMENT = 16;

export interface PlanOptions {
  alignment?: number;
  /**
   * Workspace bytes of each layer's kernel. Default: the C kernels' (each op's `c.workspaceBytes`),
   * so the plan is the device firmware's, whose arena the simulator reports and `.bss` holds.
   */
  workspaceBytes?: (layer: QLayer) => number;
}

/**
 * Arena layout for a chain of layers: tensors alternate between the start of the arena (even
 * positions: the input, the 2nd layer's output, …) and its end (odd positions), so each layer's
 * input and output never overlap; a layer's workspace sits right after the tensor at the start, in
 * the gap between its input and output. The arena is the largest input + workspace + output of one
 * layer. Offsets are aligned (16 bytes suits WebAssembly SIMD and Cortex-M word and LDRD loads
 * alike), which only costs bytes when a size is not a multiple of the alignment.
 */
export function planMemory(q: Pick<QModel, 'layers'>, options: PlanOptions = {}): MemoryPlan {
  const alignment = options.alignment ?? DEFAULT_ALIGNMENT;
  const workspaceOf = options.workspaceBytes ?? ((layer: QLayer) => quantizedOp(layer).c.workspaceBytes(layer));
  const specs = [
    { name: 'input', tensor: q.layers[0].input },
    ...q.layers.map((l) => ({ name: l.name, tensor: l.output })),
  ];
  const bytes = specs.map((s) => s.tensor.features * DTYPE_RANGE[s.tensor.dtype].bytes);
  const padded = bytes.map((b) => alignUp(b, alignment));
  const workspaceBytes = q.layers.map(workspaceOf);
  let lowerBoundBytes = 0;
  let arenaBytes = 0;
  for (let k = 0; k + 1 < bytes.length; k++) {
    lowerBoundBytes = Math.max(lowerBoundBytes, bytes[k] + workspaceBytes[k] + bytes[k + 1]);
    arenaBytes = Math.max(arenaBytes, padded[k] + alignUp(workspaceBytes[k], alignment) + padded[k + 1]);
  }
  const tensors = specs.map((s, k) => ({ name: s.name, bytes: bytes[k], offset: k % 2 === 0 ? 0 : arenaBytes - padded[k] }));
  // Layer k reads tensor k and writes tensor k + 1; the one at offset 0 is the even one of the two.
  const workspaces = workspaceBytes.flatMap((b, k) => (b > 0 ? [{ layer: k, offset: padded[k % 2 === 0 ? k : k + 1], bytes: b }] : []));
  const note =
    arenaBytes === lowerBoundBytes
      ? null
      : `${arenaBytes - lowerBoundBytes} bytes of padding: tensors and workspaces start on ${alignment}-byte boundaries and some sizes are not multiples of ${alignment}`;
  return { arenaBytes, lowerBoundBytes, alignment, tensors, workspaces, note };
}

/**
 * Where the model's constant arrays (weights, biases, requantization records, tables) can live. The
 * generated C keeps them const in flash; a build that defines `<NAME>_WEIGHTS_IN_SRAM` (or
 * `FIRMNET_WEIGHTS_IN_SRAM`) compiles them into .data instead, copied from flash to SRAM by the
 * start-up code, so the kernels read them without flash wait states. That variant is never chosen
 * silently: this is what it costs, for the simulator to report beside the flash variant.
 */
export interface WeightPlacement {
  /** Bytes of the constant arrays, `<NAME>_WEIGHT_BYTES`: in flash either way (SRAM's initial copy). */
  constantBytes: number;
  /** SRAM the variant adds on top of the arena, at most: the arrays plus the most alignment padding the aligned ones can need. */
  sramBytes: number;
  /** Per layer, the constant bytes its kernel reads: what moves off the flash path when they are in SRAM. */
  layerBytes: number[];
  /** The macro that selects the variant for every model of a build; each model also has `<NAME>_WEIGHTS_IN_SRAM`. */
  macro: 'FIRMNET_WEIGHTS_IN_SRAM';
}

export function weightPlacement(q: Pick<QModel, 'layers'>): WeightPlacement {
  const layerBytes = q.layers.map((l) => totalConstantBytes(layerConstantBytes(l)));
  const constantBytes = layerBytes.reduce((s, b) => s + b, 0);
  // An array aligned to `a` bytes can be preceded by at most a − 1 bytes of padding wherever the linker puts it.
  const padding = q.layers.reduce((s, l) => {
    const def = quantizedOp(l);
    return s + def.deviceConstants(l, def.prepare(l)).reduce((t, c) => t + (c.alignBytes ? c.alignBytes - 1 : 0), 0);
  }, 0);
  return { constantBytes, sramBytes: constantBytes + padding, layerBytes, macro: 'FIRMNET_WEIGHTS_IN_SRAM' };
}

function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

import type { QModel } from '../ir/qmodel.js';
import { DTYPE_RANGE } from '../ops/op-types.js';

export interface PlannedTensor {
  /** 'input', or the name of the layer that writes it. */
  name: string;
  offset: number;
  bytes: number;
}

export interface MemoryPlan {
  /** Bytes of the one static arena every activation lives in. */
  arenaBytes: number;
  /** The least any plan can use: the largest input + output of one layer (both are live while it runs). */
  lowerBoundBytes: number;
  /** Byte alignment of every tensor's offset. */
  alignment: number;
  tensors: PlannedTensor[];
  /** Why arenaBytes exceeds the lower bound, when it does. */
  note: string | null;
}

export const DEFAULT_ALIGNMENT = 16;

/**
 * Arena layout for a chain of layers: tensors alternate between the start of the arena (even
 * positions: the input, the 2nd layer's output, …) and its end (odd positions), so each layer's
 * input and output never overlap and the arena is the largest input + output pair. Offsets are
 * aligned (16 bytes suits WebAssembly SIMD and Cortex-M word loads alike), which only costs bytes
 * when a tensor's size is not a multiple of the alignment. Every backend uses this one plan.
 */
export function planMemory(q: Pick<QModel, 'layers'>, alignment = DEFAULT_ALIGNMENT): MemoryPlan {
  const specs = [
    { name: 'input', tensor: q.layers[0].input },
    ...q.layers.map((l) => ({ name: l.name, tensor: l.output })),
  ];
  const bytes = specs.map((s) => s.tensor.features * DTYPE_RANGE[s.tensor.dtype].bytes);
  const padded = bytes.map((b) => alignUp(b, alignment));
  let lowerBoundBytes = 0;
  let arenaBytes = 0;
  for (let k = 0; k + 1 < bytes.length; k++) {
    lowerBoundBytes = Math.max(lowerBoundBytes, bytes[k] + bytes[k + 1]);
    arenaBytes = Math.max(arenaBytes, padded[k] + padded[k + 1]);
  }
  const tensors = specs.map((s, k) => ({ name: s.name, bytes: bytes[k], offset: k % 2 === 0 ? 0 : arenaBytes - padded[k] }));
  const note =
    arenaBytes === lowerBoundBytes
      ? null
      : `${arenaBytes - lowerBoundBytes} bytes of padding: tensors start on ${alignment}-byte boundaries and some sizes are not multiples of ${alignment}`;
  return { arenaBytes, lowerBoundBytes, alignment, tensors, note };
}

function alignUp(n: number, alignment: number): number {
  return Math.ceil(n / alignment) * alignment;
}

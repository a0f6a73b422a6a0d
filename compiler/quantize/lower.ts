import type { QTensor, Unhashed } from '../ops/op-types.js';
import type { QLayer, Stage } from '../ops/quantized-op-types.js';
import { quantizedOp } from '../ops/quantized-ops.js';

/** Turns one folded float stage into an IR layer, given its quantized input and output tensors (compiler/ops/<op>/lower.ts). */
export function lowerStage(stage: Stage, input: QTensor, output: QTensor, perChannel: boolean, weightBits: 4 | 8 = 8): Unhashed<QLayer> {
  const base = { name: stage.name, input, output, sourceLayers: stage.sourceLayers };
  return quantizedOp(stage).lower(stage, base, { perChannel, weightBits });
}

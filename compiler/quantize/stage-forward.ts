import type { Stage } from '../ops/quantized-op-types.js';
import { quantizedOp } from '../ops/quantized-ops.js';

export function stageOutFeatures(stage: Stage): number {
  return quantizedOp(stage).stageOutFeatures(stage);
}

/**
 * Float tensors of a batch: index 0 is the (standardized) input, index k+1 the output of stage k
 * (each op's float forward, in float32 like the float model).
 */
export function observeTensors(stages: Stage[], input: Float32Array, rows: number): Float32Array[] {
  const tensors = [input];
  for (const stage of stages) tensors.push(quantizedOp(stage).stageForward(stage, tensors[tensors.length - 1], rows));
  return tensors;
}

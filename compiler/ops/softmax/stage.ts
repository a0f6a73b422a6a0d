import type { StageBase } from '../op-types.js';

/** A float softmax over the last features: the network's last layer, or the softmax head. */
export interface SoftmaxStage extends StageBase {
  op: 'softmax';
  features: number;
}

export function softmaxForward(stage: SoftmaxStage, x: Float32Array, rows: number): Float32Array {
  const k = stage.features;
  const y = new Float32Array(x.length);
  for (let r = 0; r < rows; r++) {
    let max = -Infinity;
    for (let j = 0; j < k; j++) max = Math.max(max, x[r * k + j]);
    let sum = 0;
    for (let j = 0; j < k; j++) sum += Math.exp(x[r * k + j] - max);
    for (let j = 0; j < k; j++) y[r * k + j] = Math.exp(x[r * k + j] - max) / sum;
  }
  return y;
}

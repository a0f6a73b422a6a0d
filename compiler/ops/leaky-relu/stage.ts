import type { StageBase } from '../op-types.js';

/** A float LeakyReLU, or a ReLU with no dense layer before it to fuse into (alpha 0). */
export interface LeakyReluStage extends StageBase {
  op: 'leaky_relu';
  features: number;
  alpha: number;
}

export function leakyReluForward(stage: LeakyReluStage, x: Float32Array): Float32Array {
  return x.map((v) => (v > 0 ? v : stage.alpha * v));
}

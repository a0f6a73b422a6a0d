import type { FusedActivation } from '../fused-activation.js';
import type { StageBase } from '../op-types.js';

/** A float dense layer after folding: BatchNorm folded into its weights, a ReLU/ReLU6 after it fused as its clamp. */
export interface FullyConnectedStage extends StageBase {
  op: 'fully_connected';
  inFeatures: number;
  outFeatures: number;
  weights: Float64Array;
  bias: Float64Array;
  activation: FusedActivation;
}

export function fullyConnectedForward(stage: FullyConnectedStage, x: Float32Array, rows: number): Float32Array {
  const { inFeatures: nIn, outFeatures: nOut, weights, bias, activation } = stage;
  const y = new Float32Array(rows * nOut);
  for (let r = 0; r < rows; r++) {
    for (let o = 0; o < nOut; o++) {
      let acc = bias[o];
      for (let i = 0; i < nIn; i++) acc += weights[o * nIn + i] * x[r * nIn + i];
      if (activation !== 'none' && acc < 0) acc = 0;
      if (activation === 'relu6' && acc > 6) acc = 6;
      y[r * nOut + o] = acc;
    }
  }
  return y;
}

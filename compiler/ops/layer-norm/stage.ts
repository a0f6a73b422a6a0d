import type { FusedActivation } from '../fused-activation.js';
import type { StageBase } from '../op-types.js';
import { layerNormForward } from './float-math.js';

/** A float LayerNorm over a row's features, a ReLU/ReLU6 after it fused as its clamp. */
export interface LayerNormStage extends StageBase {
  op: 'layer_norm';
  features: number;
  gamma: Float64Array;
  beta: Float64Array;
  epsilon: number;
  activation: FusedActivation;
}

export function layerNormStageForward(stage: LayerNormStage, x: Float32Array, rows: number): Float32Array {
  const y = new Float32Array(rows * stage.features);
  layerNormForward(x, rows, stage.features, stage.gamma, stage.beta, stage.epsilon, { y, normalized: new Float32Array(y.length), invStd: new Float64Array(rows) });
  if (stage.activation === 'none') return y;
  const top = stage.activation === 'relu6' ? 6 : Infinity;
  return y.map((v) => Math.min(Math.max(v, 0), top));
}

import type { FloatTrainer } from '../float-trainer.js';
import type { LayerNormSpec } from './float-spec.js';
import { layerNormBackward, layerNormForward } from './float-math.js';

/**
 * LayerNorm in the trainer: γ and β learned (no weight decay, as PyTorch's usual groups), the same
 * in train and eval mode. The forward pass keeps each row's x̂ and 1/σ for the backward pass; per
 * row that is two passes over the features, small next to the dense layers around it.
 */
export const layerNormTrainer: FloatTrainer<LayerNormSpec> = {
  tensors: (spec) => [
    { name: 'gamma', values: spec.gamma, decay: false },
    { name: 'beta', values: spec.beta, decay: false },
  ],
  savedPerRow: (spec) => [spec.features, 1],
  forward: (spec, { x, rows, tensors: [gamma, beta], saved: [normalized, invStd], y }) => layerNormForward(x, rows, spec.features, gamma, beta, spec.epsilon, { y, normalized, invStd }),
  backward: (spec, { dy, rows, tensors: [gamma], saved: [normalized, invStd], dx, grads: [dGamma, dBeta] }) =>
    layerNormBackward(dy, rows, spec.features, gamma, { normalized, invStd }, { dx, dGamma, dBeta }),
  withTensors: (spec, [gamma, beta]) => ({ ...spec, gamma, beta }),
  // ε 1e-3 keeps the finite differences well conditioned on rows of spread 2.
  example: { spec: { op: 'layer_norm', features: 5, gamma: [1.5, 0.5, -1, 2, 0.8], beta: [0.1, 0.2, -0.3, 0, 1], epsilon: 1e-3 }, inFeatures: 5 },
};

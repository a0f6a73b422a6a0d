import type { Matrix } from '../nn/matrix.js';
import type { Network } from '../nn/network.js';

export interface UnitSignals {
  /** Share of ReLU-family units that are ≤ 0 for every probe row (they pass no gradient). */
  deadReluFraction: number | null;
  /** Share of sigmoid/tanh outputs within 1% of their asymptotes (their gradient is ~0). */
  saturatedFraction: number | null;
  /** L2 norm of every trainable parameter. */
  paramNorm: number;
}

/** Health signals of the network on a fixed probe batch, in eval mode. */
export function unitSignals(network: Network, probe: Matrix): UnitSignals {
  let reluUnits = 0;
  let deadUnits = 0;
  let squashValues = 0;
  let saturatedValues = 0;
  network.forward(probe, 'eval', (index, out) => {
    const type = network.layers[index].type;
    if (type === 'relu' || type === 'relu6' || type === 'leaky_relu') {
      reluUnits += out.cols;
      for (let j = 0; j < out.cols; j++) {
        let alive = false;
        for (let r = 0; r < out.rows && !alive; r++) alive = out.data[r * out.cols + j] > 0;
        if (!alive) deadUnits++;
      }
    } else if (type === 'sigmoid' || type === 'tanh') {
      const lo = type === 'sigmoid' ? 0.01 : -0.99;
      const hi = 0.99;
      squashValues += out.data.length;
      for (let i = 0; i < out.data.length; i++) if (out.data[i] < lo || out.data[i] > hi) saturatedValues++;
    }
  });
  let sq = 0;
  for (const p of network.params()) for (let i = 0; i < p.value.length; i++) sq += p.value[i] * p.value[i];
  return {
    deadReluFraction: reluUnits === 0 ? null : deadUnits / reluUnits,
    saturatedFraction: squashValues === 0 ? null : saturatedValues / squashValues,
    paramNorm: Math.sqrt(sq),
  };
}

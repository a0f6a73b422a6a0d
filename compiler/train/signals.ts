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

/**
 * Health signals of the network on probe rows in eval mode, gathered while an eval pass runs:
 * `onLayer` goes to `Network.evaluateRows` (the validation pass, when there is one, so the signals
 * cost no extra forward pass) and sees every block of rows; `finish` reads the totals.
 */
export function signalCollector(network: Network): { onLayer: (index: number, output: Matrix) => void; finish: () => UnitSignals } {
  const alive = network.layers.map((l) => (l.type === 'relu' || l.type === 'relu6' || l.type === 'leaky_relu' ? new Uint8Array(l.outFeatures) : null));
  let squashValues = 0;
  let saturatedValues = 0;
  const onLayer = (index: number, out: Matrix): void => {
    const type = network.layers[index].type;
    const seen = alive[index];
    if (seen) {
      for (let r = 0; r < out.rows; r++) {
        const o = r * out.cols;
        for (let j = 0; j < out.cols; j++) if (out.data[o + j] > 0) seen[j] = 1;
      }
    } else if (type === 'sigmoid' || type === 'tanh') {
      const lo = type === 'sigmoid' ? 0.01 : -0.99;
      const hi = 0.99;
      squashValues += out.data.length;
      for (let i = 0; i < out.data.length; i++) if (out.data[i] < lo || out.data[i] > hi) saturatedValues++;
    }
  };
  const finish = (): UnitSignals => {
    let reluUnits = 0;
    let deadUnits = 0;
    for (const seen of alive) {
      if (!seen) continue;
      reluUnits += seen.length;
      for (const a of seen) if (a === 0) deadUnits++;
    }
    const e = network.engine;
    const values = network.parameters.values;
    return {
      deadReluFraction: reluUnits === 0 ? null : deadUnits / reluUnits,
      saturatedFraction: squashValues === 0 ? null : saturatedValues / squashValues,
      paramNorm: Math.sqrt(e.kernels.sumSquares(e.address(values), values.length)),
    };
  };
  return { onLayer, finish };
}

import type { Matrix } from '../nn/matrix.js';
import type { Network } from '../nn/network.js';

export interface UnitSignals {
  /** Share of ReLU-family units that are ≤ 0 for every probe row (validation rows, or the epoch's training batches): they pass no gradient. */
  deadReluFraction: number | null;
  /** Share of sigmoid/tanh outputs within 1% of their asymptotes (their gradient is ~0). */
  saturatedFraction: number | null;
  /** L2 norm of every trainable parameter. */
  paramNorm: number;
}

/**
 * Health signals of the network, gathered from forward passes that run anyway: `onLayer` sees
 * layer outputs (in the network's engine) block by block — the validation pass's, or without
 * validation each training batch's — and `finish` reads the totals. Each unit's largest output and
 * the count of saturated values are kept by the engine's kernels.
 */
export function signalCollector(network: Network): { onLayer: (index: number, output: Matrix) => void; finish: () => UnitSignals } {
  const e = network.engine;
  const k = e.kernels;
  for (const maxima of network.unitMaxima) maxima?.fill(0);
  let squashValues = 0;
  let saturatedValues = 0;
  const onLayer = (index: number, out: Matrix): void => {
    const maxima = network.unitMaxima[index];
    if (maxima) {
      k.columnMax(e.address(out.data), out.rows, out.cols, e.address(maxima));
      return;
    }
    const type = network.layers[index].type;
    if (type === 'sigmoid' || type === 'tanh') {
      squashValues += out.data.length;
      saturatedValues += k.countOutside(e.address(out.data), out.data.length, type === 'sigmoid' ? 0.01 : -0.99, 0.99);
    }
  };
  const finish = (): UnitSignals => {
    let reluUnits = 0;
    let deadUnits = 0;
    for (const maxima of network.unitMaxima) {
      if (!maxima) continue;
      reluUnits += maxima.length;
      for (const m of maxima) if (!(m > 0)) deadUnits++;
    }
    const values = network.parameters.values;
    return {
      deadReluFraction: reluUnits === 0 ? null : deadUnits / reluUnits,
      saturatedFraction: squashValues === 0 ? null : saturatedValues / squashValues,
      paramNorm: Math.sqrt(k.sumSquares(e.address(values), values.length)),
    };
  };
  return { onLayer, finish };
}

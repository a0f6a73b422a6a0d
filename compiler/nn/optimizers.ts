import type { Network } from './network.js';

export type OptimizerName = 'sgd' | 'momentum' | 'adam' | 'adamw';

export interface OptimizerConfig {
  name: OptimizerName;
  /** momentum only. */
  momentum: number;
  nesterov: boolean;
  beta1: number;
  beta2: number;
  epsilon: number;
  /** L2 penalty added to the gradient (sgd, momentum, adam) or decoupled decay (adamw). */
  weightDecay: number;
}

export const DEFAULT_OPTIMIZER: OptimizerConfig = {
  name: 'adam',
  momentum: 0.9,
  nesterov: false,
  beta1: 0.9,
  beta2: 0.999,
  epsilon: 1e-8,
  weightDecay: 0,
};

export interface Optimizer {
  /** Updates every parameter of the network from its gradient; returns Σ g² of the gradients it read. */
  step(learningRate: number): number;
}

/** Per-parameter state arrays an optimizer keeps (NetworkOptions.optimizerSlots). */
export function optimizerSlots(config: OptimizerConfig): number {
  switch (config.name) {
    case 'sgd':
      return 0;
    case 'momentum':
      return 1;
    case 'adam':
    case 'adamw':
      return 2;
  }
}

/**
 * The optimizer for a network built with `optimizerSlots(config)` slots. Every update runs on the
 * engine's kernels (runtime/training/optimizers.ts) over the parameter block: once over the
 * weight-decayed tensors and once over the rest (bias, BatchNorm), or once over all when there is
 * no decay.
 */
export function createOptimizer(config: OptimizerConfig, network: Network): Optimizer {
  const needed = optimizerSlots(config);
  if (network.parameters.slots.length < needed) throw new Error(`internal: ${config.name} needs ${needed} optimizer slots, the network has ${network.parameters.slots.length}`);
  const parts = parameterParts(network, config.weightDecay);
  const k = network.engine.kernels;
  switch (config.name) {
    case 'sgd':
    case 'momentum': {
      const momentum = config.name === 'sgd' ? 0 : config.momentum;
      return {
        step: (lr) => parts.reduce((sum, p) => sum + k.sgd(p.w, p.g, p.slots[0] ?? 0, p.n, lr, momentum, config.nesterov, p.weightDecay), 0),
      };
    }
    case 'adam':
    case 'adamw': {
      const decoupled = config.name === 'adamw';
      const { beta1, beta2, epsilon } = config;
      const e = network.engine;
      const bytes = network.parameters.values.BYTES_PER_ELEMENT;
      let t = 0;
      return {
        step: (lr) => {
          t++;
          const stepSize = lr / (1 - Math.pow(beta1, t));
          const invSqrtC2 = 1 / Math.sqrt(1 - Math.pow(beta2, t));
          // Each part in two halves, the second possibly on the helper thread; Σ g² = first + second either way.
          let squares = 0;
          for (const p of parts) {
            const half = Math.floor(p.n / 8) * 4;
            const tail = [stepSize, beta1, beta2, invSqrtC2, epsilon, p.weightDecay, lr * p.weightDecay, decoupled ? 1 : 0];
            const at = half * bytes;
            const first = [p.w, p.g, p.slots[0], p.slots[1], half, ...tail];
            const second = [p.w + at, p.g + at, p.slots[0] + at, p.slots[1] + at, p.n - half, ...tail];
            squares += e.halves('adam32', k.adam, first, second, p.n);
          }
          return squares;
        },
      };
    }
  }
}

/** A stretch of the parameter block with one weight decay, as kernel addresses. */
interface ParameterPart {
  w: number;
  g: number;
  slots: number[];
  n: number;
  weightDecay: number;
}

function parameterParts(network: Network, weightDecay: number): ParameterPart[] {
  const e = network.engine;
  const block = network.parameters;
  const total = block.values.length;
  const bytes = block.values.BYTES_PER_ELEMENT;
  const part = (from: number, to: number, wd: number): ParameterPart => ({
    w: e.address(block.values) + from * bytes,
    g: e.address(block.grads) + from * bytes,
    slots: block.slots.map((s) => e.address(s) + from * bytes),
    n: to - from,
    weightDecay: wd,
  });
  if (weightDecay === 0 || block.decayedLength === 0) return [part(0, total, 0)];
  return [part(0, block.decayedLength, weightDecay), part(block.decayedLength, total, 0)].filter((p) => p.n > 0);
}

/** Global L2 norm of all gradients. */
export function gradientNorm(network: Network): number {
  const e = network.engine;
  const g = network.parameters.grads;
  return Math.sqrt(e.kernels.sumSquares(e.address(g), g.length));
}

/** Scales all gradients so their global L2 norm is at most `maxNorm`; returns the norm before clipping. */
export function clipGradientsByGlobalNorm(network: Network, maxNorm: number): number {
  const norm = gradientNorm(network);
  if (norm > maxNorm && Number.isFinite(norm)) {
    const e = network.engine;
    const g = network.parameters.grads;
    e.kernels.scale(e.address(g), g.length, maxNorm / norm);
  }
  return norm;
}

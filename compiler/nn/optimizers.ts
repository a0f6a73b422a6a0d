import type { Param } from './layer.js';
import { type FloatArray, allocFloats, precisionOf } from './matrix.js';

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
  step(params: Param[], learningRate: number): void;
}

export function createOptimizer(config: OptimizerConfig): Optimizer {
  switch (config.name) {
    case 'sgd':
      return new Sgd(0, false, config.weightDecay);
    case 'momentum':
      return new Sgd(config.momentum, config.nesterov, config.weightDecay);
    case 'adam':
      return new Adam(config, false);
    case 'adamw':
      return new Adam(config, true);
  }
}

/** Per-parameter state arrays, created lazily with the parameter's length and precision. */
class SlotStore {
  private readonly slots = new Map<Param, FloatArray>();
  get(p: Param): FloatArray {
    let s = this.slots.get(p);
    if (!s) {
      s = allocFloats(precisionOf(p.value), p.value.length);
      this.slots.set(p, s);
    }
    return s;
  }
}

/** SGD with optional (Nesterov) momentum, PyTorch's formulation: v ← μv + g; step g + μv (Nesterov) or v. */
class Sgd implements Optimizer {
  private readonly velocity = new SlotStore();
  constructor(
    private readonly momentum: number,
    private readonly nesterov: boolean,
    private readonly weightDecay: number,
  ) {}

  step(params: Param[], lr: number): void {
    for (const p of params) {
      const w = p.value;
      const g = p.grad;
      const wd = p.decay ? this.weightDecay : 0;
      if (this.momentum === 0) {
        for (let i = 0; i < w.length; i++) w[i] -= lr * (g[i] + wd * w[i]);
        continue;
      }
      const v = this.velocity.get(p);
      const mu = this.momentum;
      for (let i = 0; i < w.length; i++) {
        const gi = g[i] + wd * w[i];
        v[i] = mu * v[i] + gi;
        w[i] -= lr * (this.nesterov ? gi + mu * v[i] : v[i]);
      }
    }
  }
}

/** Adam with bias correction; with `decoupled` it is AdamW (decay applied to weights, not gradients). */
class Adam implements Optimizer {
  private readonly m = new SlotStore();
  private readonly v = new SlotStore();
  private t = 0;
  constructor(
    private readonly config: OptimizerConfig,
    private readonly decoupled: boolean,
  ) {}

  step(params: Param[], lr: number): void {
    this.t++;
    const { beta1, beta2, epsilon, weightDecay } = this.config;
    const c1 = 1 - Math.pow(beta1, this.t);
    const c2 = 1 - Math.pow(beta2, this.t);
    for (const p of params) {
      const w = p.value;
      const g = p.grad;
      const m = this.m.get(p);
      const v = this.v.get(p);
      const wd = p.decay ? weightDecay : 0;
      for (let i = 0; i < w.length; i++) {
        const gi = this.decoupled ? g[i] : g[i] + wd * w[i];
        m[i] = beta1 * m[i] + (1 - beta1) * gi;
        v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
        const update = m[i] / c1 / (Math.sqrt(v[i] / c2) + epsilon);
        w[i] -= lr * (this.decoupled ? update + wd * w[i] : update);
      }
    }
  }
}

/** Scales all gradients so their global L2 norm is at most `maxNorm`; returns the norm before clipping. */
export function clipGradientsByGlobalNorm(params: Param[], maxNorm: number | null): number {
  let sq = 0;
  for (const p of params) for (let i = 0; i < p.grad.length; i++) sq += p.grad[i] * p.grad[i];
  const norm = Math.sqrt(sq);
  if (maxNorm !== null && norm > maxNorm && Number.isFinite(norm)) {
    const scale = maxNorm / norm;
    for (const p of params) for (let i = 0; i < p.grad.length; i++) p.grad[i] *= scale;
  }
  return norm;
}

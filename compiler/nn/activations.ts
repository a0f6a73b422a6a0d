import type { ActivationSpec } from '../model/float-model.js';
import { geluExact, geluExactGrad, geluTanh, geluTanhGrad, sigmoid } from '../ops/activation-math.js';
import type { Layer, Mode, Param } from './layer.js';
import { type Matrix, zerosLike } from './matrix.js';

/** Element-wise activations: y = f(x), dx = f'(x) · dy, with f' written in terms of x or y. */
abstract class ElementwiseActivation implements Layer {
  abstract readonly type: ActivationSpec['type'];
  readonly inFeatures: number;
  readonly outFeatures: number;
  protected x: Matrix | null = null;
  protected y: Matrix | null = null;

  constructor(features: number) {
    this.inFeatures = features;
    this.outFeatures = features;
  }

  protected abstract f(x: number): number;
  /** Derivative at input x with output y. */
  protected abstract df(x: number, y: number): number;
  abstract toSpec(): ActivationSpec;

  forward(x: Matrix, _mode: Mode): Matrix {
    const y = zerosLike(x);
    const xd = x.data;
    const yd = y.data;
    for (let i = 0; i < xd.length; i++) yd[i] = this.f(xd[i]);
    this.x = x;
    this.y = y;
    return y;
  }

  backward(dy: Matrix): Matrix {
    const x = this.x!.data;
    const y = this.y!.data;
    const dx = zerosLike(dy);
    for (let i = 0; i < x.length; i++) dx.data[i] = dy.data[i] * this.df(x[i], y[i]);
    return dx;
  }

  params(): Param[] {
    return [];
  }
}

export class ReLU extends ElementwiseActivation {
  readonly type = 'relu' as const;
  protected f(x: number): number {
    return x > 0 ? x : 0;
  }
  protected df(x: number): number {
    return x > 0 ? 1 : 0;
  }
  toSpec(): ActivationSpec {
    return { type: 'relu' };
  }
}

export class ReLU6 extends ElementwiseActivation {
  readonly type = 'relu6' as const;
  protected f(x: number): number {
    return x <= 0 ? 0 : x >= 6 ? 6 : x;
  }
  protected df(x: number): number {
    return x > 0 && x < 6 ? 1 : 0;
  }
  toSpec(): ActivationSpec {
    return { type: 'relu6' };
  }
}

export class LeakyReLU extends ElementwiseActivation {
  readonly type = 'leaky_relu' as const;
  constructor(
    features: number,
    readonly alpha: number,
  ) {
    super(features);
  }
  protected f(x: number): number {
    return x > 0 ? x : this.alpha * x;
  }
  protected df(x: number): number {
    return x > 0 ? 1 : this.alpha;
  }
  toSpec(): ActivationSpec {
    return { type: 'leaky_relu', alpha: this.alpha };
  }
}

export class Sigmoid extends ElementwiseActivation {
  readonly type = 'sigmoid' as const;
  protected f(x: number): number {
    return sigmoid(x);
  }
  protected df(_x: number, y: number): number {
    return y * (1 - y);
  }
  toSpec(): ActivationSpec {
    return { type: 'sigmoid' };
  }
}

export class Tanh extends ElementwiseActivation {
  readonly type = 'tanh' as const;
  protected f(x: number): number {
    return Math.tanh(x);
  }
  protected df(_x: number, y: number): number {
    return 1 - y * y;
  }
  toSpec(): ActivationSpec {
    return { type: 'tanh' };
  }
}

export class GELU extends ElementwiseActivation {
  readonly type = 'gelu' as const;
  constructor(
    features: number,
    readonly approximate: 'none' | 'tanh',
  ) {
    super(features);
  }
  protected f(x: number): number {
    return this.approximate === 'tanh' ? geluTanh(x) : geluExact(x);
  }
  protected df(x: number): number {
    return this.approximate === 'tanh' ? geluTanhGrad(x) : geluExactGrad(x);
  }
  toSpec(): ActivationSpec {
    return { type: 'gelu', approximate: this.approximate };
  }
}

/** Row-wise softmax; backward is the Jacobian-vector product dx = y ⊙ (dy − ⟨dy, y⟩). */
export class Softmax implements Layer {
  readonly type = 'softmax' as const;
  readonly inFeatures: number;
  readonly outFeatures: number;
  private y: Matrix | null = null;

  constructor(features: number) {
    this.inFeatures = features;
    this.outFeatures = features;
  }

  forward(x: Matrix, _mode: Mode): Matrix {
    const y = zerosLike(x);
    softmaxRows(x, y);
    this.y = y;
    return y;
  }

  backward(dy: Matrix): Matrix {
    const y = this.y!;
    const dx = zerosLike(dy);
    const k = y.cols;
    for (let r = 0; r < y.rows; r++) {
      const o = r * k;
      let dot = 0;
      for (let j = 0; j < k; j++) dot += dy.data[o + j] * y.data[o + j];
      for (let j = 0; j < k; j++) dx.data[o + j] = y.data[o + j] * (dy.data[o + j] - dot);
    }
    return dx;
  }

  params(): Param[] {
    return [];
  }

  toSpec(): ActivationSpec {
    return { type: 'softmax' };
  }
}

/** Numerically stable softmax of each row of `x` into `out` (may alias). */
export function softmaxRows(x: Matrix, out: Matrix): void {
  const k = x.cols;
  for (let r = 0; r < x.rows; r++) {
    const o = r * k;
    let max = -Infinity;
    for (let j = 0; j < k; j++) if (x.data[o + j] > max) max = x.data[o + j];
    let sum = 0;
    for (let j = 0; j < k; j++) {
      const e = Math.exp(x.data[o + j] - max);
      out.data[o + j] = e;
      sum += e;
    }
    for (let j = 0; j < k; j++) out.data[o + j] /= sum;
  }
}

export function activationLayer(spec: ActivationSpec, features: number): Layer {
  switch (spec.type) {
    case 'relu':
      return new ReLU(features);
    case 'relu6':
      return new ReLU6(features);
    case 'leaky_relu':
      return new LeakyReLU(features, spec.alpha);
    case 'sigmoid':
      return new Sigmoid(features);
    case 'tanh':
      return new Tanh(features);
    case 'gelu':
      return new GELU(features, spec.approximate);
    case 'softmax':
      return new Softmax(features);
  }
}

import type { ActivationSpec } from '../model/float-model.js';
import { geluExact, geluExactGrad, geluTanh, geluTanhGrad, sigmoid } from './activation-math.js';
import { type Engine, RELU_KIND, RowBlock } from './engine.js';
import type { Layer, Mode, Param } from './layer.js';
import type { Matrix } from './matrix.js';

/** An activation's output and input-gradient buffers in the network's engine. */
abstract class ActivationLayer implements Layer {
  abstract readonly type: ActivationSpec['type'];
  readonly inFeatures: number;
  readonly outFeatures: number;
  protected engine: Engine | null = null;
  protected output: RowBlock | null = null;
  protected inputGradient: RowBlock | null = null;
  protected x: Matrix | null = null;
  protected y: Matrix | null = null;

  constructor(features: number) {
    this.inFeatures = features;
    this.outFeatures = features;
  }

  abstract forward(x: Matrix, mode: Mode): Matrix;
  abstract backward(dy: Matrix, inputGradient: boolean): Matrix | null;
  abstract toSpec(): ActivationSpec;

  bufferLengths(rows: number): number[] {
    return [rows * this.outFeatures, rows * this.inFeatures];
  }

  attach(engine: Engine, rows: number): void {
    this.engine = engine;
    this.output = new RowBlock(engine, rows, this.outFeatures);
    this.inputGradient = new RowBlock(engine, rows, this.inFeatures);
  }

  params(): Param[] {
    return [];
  }
}

/** Element-wise activations computed in TypeScript: y = f(x), dx = f'(x) · dy, with f' written in terms of x or y. */
abstract class ElementwiseActivation extends ActivationLayer {
  protected abstract f(x: number): number;
  /** Derivative at input x with output y. */
  protected abstract df(x: number, y: number): number;

  forward(x: Matrix, _mode: Mode): Matrix {
    const y = this.output!.rows(x.rows);
    const xd = x.data;
    const yd = y.data;
    for (let i = 0; i < xd.length; i++) yd[i] = this.f(xd[i]);
    this.x = x;
    this.y = y;
    return y;
  }

  backward(dy: Matrix, inputGradient: boolean): Matrix | null {
    if (!inputGradient) return null;
    const x = this.x!.data;
    const y = this.y!.data;
    const dx = this.inputGradient!.rows(dy.rows);
    for (let i = 0; i < x.length; i++) dx.data[i] = dy.data[i] * this.df(x[i], y[i]);
    return dx;
  }
}

/**
 * The ReLU family on the engine's SIMD kernels (runtime/training/elementwise.ts), which implement
 * exactly these definitions; the gradient is dy where the unit passes x through and 0 (α·dy for
 * leaky ReLU) elsewhere, as in PyTorch.
 */
abstract class ReluFamily extends ActivationLayer {
  protected abstract readonly kind: number;
  protected readonly alpha: number = 0;

  forward(x: Matrix, _mode: Mode): Matrix {
    const e = this.engine!;
    const y = this.output!.rows(x.rows);
    e.kernels.reluForward(this.kind, e.address(x.data), x.data.length, e.address(y.data), this.alpha);
    this.x = x;
    return y;
  }

  backward(dy: Matrix, inputGradient: boolean): Matrix | null {
    if (!inputGradient) return null;
    const e = this.engine!;
    const dx = this.inputGradient!.rows(dy.rows);
    e.kernels.reluBackward(this.kind, e.address(this.x!.data), e.address(dy.data), dy.data.length, e.address(dx.data), this.alpha);
    return dx;
  }
}

/** x > 0 ? x : 0. */
export class ReLU extends ReluFamily {
  readonly type = 'relu' as const;
  protected readonly kind = RELU_KIND.relu;
  toSpec(): ActivationSpec {
    return { type: 'relu' };
  }
}

/** x ≤ 0 ? 0 : x ≥ 6 ? 6 : x. */
export class ReLU6 extends ReluFamily {
  readonly type = 'relu6' as const;
  protected readonly kind = RELU_KIND.relu6;
  toSpec(): ActivationSpec {
    return { type: 'relu6' };
  }
}

/** x > 0 ? x : α·x. */
export class LeakyReLU extends ReluFamily {
  readonly type = 'leaky_relu' as const;
  protected readonly kind = RELU_KIND.leaky_relu;
  constructor(
    features: number,
    override readonly alpha: number,
  ) {
    super(features);
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
export class Softmax extends ActivationLayer {
  readonly type = 'softmax' as const;

  forward(x: Matrix, _mode: Mode): Matrix {
    const y = this.output!.rows(x.rows);
    softmaxRows(x, y);
    this.y = y;
    return y;
  }

  backward(dy: Matrix, inputGradient: boolean): Matrix | null {
    if (!inputGradient) return null;
    const y = this.y!;
    const dx = this.inputGradient!.rows(dy.rows);
    const k = y.cols;
    for (let r = 0; r < y.rows; r++) {
      const o = r * k;
      let dot = 0;
      for (let j = 0; j < k; j++) dot += dy.data[o + j] * y.data[o + j];
      for (let j = 0; j < k; j++) dx.data[o + j] = y.data[o + j] * (dy.data[o + j] - dot);
    }
    return dx;
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

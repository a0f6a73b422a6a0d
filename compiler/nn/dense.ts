import type { DenseSpec } from '../model/float-model.js';
import type { Rng } from '../rng.js';
import { type Engine, RowBlock } from './engine.js';
import type { Layer, Mode, Param } from './layer.js';
import { toSpecNumbers } from './layer.js';
import { type Matrix, type Precision, allocFloats } from './matrix.js';

export type Init = 'he' | 'xavier' | 'zeros';

/** y = x Wᵀ + b with W stored [outFeatures][inFeatures] (kernels: runtime/training/dense.ts). */
export class Dense implements Layer {
  readonly type = 'dense' as const;
  readonly weight: Param;
  readonly bias: Param;
  private x: Matrix | null = null;
  private engine: Engine | null = null;
  private output: RowBlock | null = null;
  private inputGradient: RowBlock | null = null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    precision: Precision,
    index: number,
  ) {
    this.weight = {
      name: `dense${index}.weight`,
      value: allocFloats(precision, inFeatures * outFeatures),
      grad: allocFloats(precision, inFeatures * outFeatures),
      decay: true,
    };
    this.bias = {
      name: `dense${index}.bias`,
      value: allocFloats(precision, outFeatures),
      grad: allocFloats(precision, outFeatures),
      decay: false,
    };
  }

  static fromSpec(spec: DenseSpec, precision: Precision, index: number): Dense {
    const d = new Dense(spec.inFeatures, spec.outFeatures, precision, index);
    d.weight.value.set(spec.weights);
    d.bias.value.set(spec.bias);
    return d;
  }

  /** He: N(0, 2/fanIn) for ReLU-like units; Xavier/Glorot: U(±√(6/(fanIn+fanOut))) for sigmoid/tanh. */
  initialize(init: Init, rng: Rng): void {
    const w = this.weight.value;
    if (init === 'he') {
      const std = Math.sqrt(2 / this.inFeatures);
      for (let i = 0; i < w.length; i++) w[i] = rng.normal() * std;
    } else if (init === 'xavier') {
      const limit = Math.sqrt(6 / (this.inFeatures + this.outFeatures));
      for (let i = 0; i < w.length; i++) w[i] = (rng.uniform() * 2 - 1) * limit;
    } else {
      w.fill(0);
    }
    this.bias.value.fill(0);
  }

  bufferLengths(rows: number): number[] {
    return [rows * this.outFeatures, rows * this.inFeatures];
  }

  attach(engine: Engine, rows: number): void {
    this.engine = engine;
    this.output = new RowBlock(engine, rows, this.outFeatures);
    this.inputGradient = new RowBlock(engine, rows, this.inFeatures);
  }

  forward(x: Matrix, _mode: Mode): Matrix {
    const e = this.engine!;
    const y = this.output!.rows(x.rows);
    const args = [e.address(x.data), x.rows, this.inFeatures, this.outFeatures, e.address(this.weight.value), e.address(this.bias.value), e.address(y.data)];
    e.ranged('denseForward32', e.kernels.denseForward, args, this.outFeatures, 4, x.rows * this.inFeatures * this.outFeatures);
    this.x = x;
    return y;
  }

  backward(dy: Matrix, inputGradient: boolean): Matrix | null {
    const e = this.engine!;
    const x = this.x!;
    const [nIn, nOut] = [this.inFeatures, this.outFeatures];
    const work = x.rows * nIn * nOut;
    const weightArgs = [e.address(x.data), e.address(dy.data), x.rows, nIn, nOut, e.address(this.weight.grad), e.address(this.bias.grad)];
    e.ranged('denseWeightGradient32', e.kernels.denseWeightGradient, weightArgs, nOut, 4, work);
    if (!inputGradient) return null;
    const dx = this.inputGradient!.rows(x.rows);
    const inputArgs = [e.address(dy.data), x.rows, nIn, nOut, e.address(this.weight.value), e.address(dx.data)];
    // dx's columns split in blocks of two vectors (8 float32 values), the kernel's tile width.
    e.ranged('denseInputGradient32', e.kernels.denseInputGradient, inputArgs, nIn, 8, work);
    return dx;
  }

  params(): Param[] {
    return [this.weight, this.bias];
  }

  toSpec(): DenseSpec {
    return {
      type: 'dense',
      inFeatures: this.inFeatures,
      outFeatures: this.outFeatures,
      weights: toSpecNumbers(this.weight.value),
      bias: toSpecNumbers(this.bias.value),
    };
  }
}

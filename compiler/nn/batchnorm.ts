import type { BatchNormSpec } from '../model/float-model.js';
import { type Engine, RowBlock } from './engine.js';
import type { Layer, Mode, Param } from './layer.js';
import { toSpecNumbers } from './layer.js';
import { type FloatArray, type Matrix, type Precision, allocFloats } from './matrix.js';

/**
 * BatchNorm1d over features. Train mode normalises with the batch's mean and biased variance and
 * updates running statistics (running ← (1−momentum)·running + momentum·batch, unbiased variance,
 * as PyTorch does); eval mode uses the running statistics. Kernels: runtime/training/batchnorm.ts.
 */
export class BatchNorm implements Layer {
  readonly type = 'batchnorm' as const;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly gamma: Param;
  readonly beta: Param;
  /** Running statistics: the constructor's (or the spec's) until `attach` moves them into the engine. */
  runningMean: FloatArray;
  runningVar: FloatArray;
  private engine: Engine | null = null;
  private output: RowBlock | null = null;
  private inputGradient: RowBlock | null = null;
  private xHat: RowBlock | null = null;
  private invStd: FloatArray | null = null;
  /** Per-feature sums the kernels accumulate into. */
  private scratch: FloatArray | null = null;
  private batchStatistics = false;

  constructor(
    readonly features: number,
    precision: Precision,
    index: number,
    readonly eps = 1e-5,
    readonly momentum = 0.1,
  ) {
    this.inFeatures = features;
    this.outFeatures = features;
    this.gamma = { name: `batchnorm${index}.gamma`, value: allocFloats(precision, features).fill(1), grad: allocFloats(precision, features), decay: false };
    this.beta = { name: `batchnorm${index}.beta`, value: allocFloats(precision, features), grad: allocFloats(precision, features), decay: false };
    this.runningMean = allocFloats(precision, features);
    this.runningVar = allocFloats(precision, features).fill(1);
  }

  static fromSpec(spec: BatchNormSpec, precision: Precision, index: number): BatchNorm {
    const bn = new BatchNorm(spec.features, precision, index, spec.eps, spec.momentum);
    bn.gamma.value.set(spec.gamma);
    bn.beta.value.set(spec.beta);
    bn.runningMean.set(spec.runningMean);
    bn.runningVar.set(spec.runningVar);
    return bn;
  }

  bufferLengths(rows: number): number[] {
    const f = this.features;
    return [rows * f, rows * f, rows * f, f, f, f, 3 * f];
  }

  attach(engine: Engine, rows: number): void {
    const f = this.features;
    this.engine = engine;
    this.output = new RowBlock(engine, rows, f);
    this.inputGradient = new RowBlock(engine, rows, f);
    this.xHat = new RowBlock(engine, rows, f);
    this.invStd = engine.floats(f);
    const mean = this.runningMean;
    const variance = this.runningVar;
    this.runningMean = engine.floats(f);
    this.runningMean.set(mean);
    this.runningVar = engine.floats(f);
    this.runningVar.set(variance);
    this.scratch = engine.floats(3 * f);
  }

  forward(x: Matrix, mode: Mode): Matrix {
    const e = this.engine!;
    const k = e.kernels;
    const n = x.rows;
    const f = this.features;
    const y = this.output!.rows(n);
    const xHat = this.xHat!.rows(n);
    this.batchStatistics = mode === 'train' && n > 1;
    const operands = [e.address(this.gamma.value), e.address(this.beta.value), this.eps] as const;
    if (this.batchStatistics) {
      k.batchNormTrain(e.address(x.data), n, f, ...operands, this.momentum, e.address(this.runningMean), e.address(this.runningVar), e.address(this.invStd!), e.address(xHat.data), e.address(y.data), e.address(this.scratch!));
    } else {
      k.batchNormEval(e.address(x.data), n, f, ...operands, e.address(this.runningMean), e.address(this.runningVar), e.address(this.invStd!), e.address(xHat.data), e.address(y.data));
    }
    return y;
  }

  backward(dy: Matrix, inputGradient: boolean): Matrix | null {
    const e = this.engine!;
    const dx = this.inputGradient!.rows(dy.rows);
    e.kernels.batchNormBackward(
      e.address(dy.data),
      dy.rows,
      this.features,
      e.address(this.gamma.value),
      e.address(this.invStd!),
      e.address(this.xHat!.rows(dy.rows).data),
      this.batchStatistics,
      e.address(this.gamma.grad),
      e.address(this.beta.grad),
      e.address(dx.data),
      e.address(this.scratch!),
    );
    return inputGradient ? dx : null;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  toSpec(): BatchNormSpec {
    return {
      type: 'batchnorm',
      features: this.features,
      gamma: toSpecNumbers(this.gamma.value),
      beta: toSpecNumbers(this.beta.value),
      runningMean: toSpecNumbers(this.runningMean),
      runningVar: toSpecNumbers(this.runningVar),
      eps: this.eps,
      momentum: this.momentum,
    };
  }
}

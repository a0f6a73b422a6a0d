import type { BatchNormSpec } from '../model/float-model.js';
import type { Layer, Mode, Param } from './layer.js';
import { toSpecNumbers } from './layer.js';
import { type FloatArray, type Matrix, type Precision, allocFloats, precisionOf, zerosLike } from './matrix.js';

/**
 * BatchNorm1d over features. Train mode normalises with the batch's mean and biased variance and
 * updates running statistics (running ← (1−momentum)·running + momentum·batch, unbiased variance,
 * as PyTorch does); eval mode uses the running statistics.
 */
export class BatchNorm implements Layer {
  readonly type = 'batchnorm' as const;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly gamma: Param;
  readonly beta: Param;
  readonly runningMean: FloatArray;
  readonly runningVar: FloatArray;
  private xHat: Matrix | null = null;
  private invStd: FloatArray | null = null;
  private lastMode: Mode = 'eval';

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

  forward(x: Matrix, mode: Mode): Matrix {
    const n = x.rows;
    const f = this.features;
    const useBatch = mode === 'train' && n > 1;
    const mean = new Float64Array(f);
    const variance = new Float64Array(f);
    if (useBatch) {
      for (let r = 0; r < n; r++) for (let j = 0; j < f; j++) mean[j] += x.data[r * f + j];
      for (let j = 0; j < f; j++) mean[j] /= n;
      for (let r = 0; r < n; r++) {
        for (let j = 0; j < f; j++) {
          const d = x.data[r * f + j] - mean[j];
          variance[j] += d * d;
        }
      }
      for (let j = 0; j < f; j++) {
        const biased = variance[j] / n;
        this.runningMean[j] = (1 - this.momentum) * this.runningMean[j] + this.momentum * mean[j];
        this.runningVar[j] = (1 - this.momentum) * this.runningVar[j] + this.momentum * (biased * n) / (n - 1);
        variance[j] = biased;
      }
    } else {
      mean.set(this.runningMean);
      variance.set(this.runningVar);
    }
    const invStd = allocFloats(precisionOf(x.data), f);
    for (let j = 0; j < f; j++) invStd[j] = 1 / Math.sqrt(variance[j] + this.eps);
    const xHat = zerosLike(x);
    const y = zerosLike(x);
    const g = this.gamma.value;
    const b = this.beta.value;
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < f; j++) {
        const k = r * f + j;
        const h = (x.data[k] - mean[j]) * invStd[j];
        xHat.data[k] = h;
        y.data[k] = g[j] * h + b[j];
      }
    }
    this.xHat = xHat;
    this.invStd = invStd;
    this.lastMode = useBatch ? 'train' : 'eval';
    return y;
  }

  backward(dy: Matrix): Matrix {
    const xHat = this.xHat!;
    const invStd = this.invStd!;
    const n = dy.rows;
    const f = this.features;
    const dGamma = this.gamma.grad;
    const dBeta = this.beta.grad;
    dGamma.fill(0);
    dBeta.fill(0);
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < f; j++) {
        const k = r * f + j;
        dGamma[j] += dy.data[k] * xHat.data[k];
        dBeta[j] += dy.data[k];
      }
    }
    const dx = zerosLike(dy);
    const g = this.gamma.value;
    if (this.lastMode === 'eval') {
      for (let r = 0; r < n; r++) for (let j = 0; j < f; j++) dx.data[r * f + j] = dy.data[r * f + j] * g[j] * invStd[j];
      return dx;
    }
    // Batch statistics depend on every row: dx = γ/σ · (dy − mean(dy) − x̂ · mean(dy · x̂)).
    for (let r = 0; r < n; r++) {
      for (let j = 0; j < f; j++) {
        const k = r * f + j;
        dx.data[k] = ((g[j] * invStd[j]) / n) * (n * dy.data[k] - dBeta[j] - xHat.data[k] * dGamma[j]);
      }
    }
    return dx;
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

import type { DenseSpec } from '../model/float-model.js';
import type { Rng } from '../rng.js';
import type { Layer, Mode, Param } from './layer.js';
import { toSpecNumbers } from './layer.js';
import { type FloatArray, type Matrix, type Precision, allocFloats, precisionOf, zeros } from './matrix.js';

export type Init = 'he' | 'xavier' | 'zeros';

/** y = x Wᵀ + b with W stored [outFeatures][inFeatures]. */
export class Dense implements Layer {
  readonly type = 'dense' as const;
  readonly weight: Param;
  readonly bias: Param;
  private x: Matrix | null = null;

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

  forward(x: Matrix, _mode: Mode): Matrix {
    this.x = x;
    const y = zeros(x.rows, this.outFeatures, precisionOf(x.data));
    denseForward(x.data, x.rows, this.inFeatures, this.outFeatures, this.weight.value, this.bias.value, y.data);
    return y;
  }

  backward(dy: Matrix): Matrix {
    const x = this.x!;
    const nIn = this.inFeatures;
    const nOut = this.outFeatures;
    const w = this.weight.value;
    const dw = this.weight.grad;
    const db = this.bias.grad;
    dw.fill(0);
    db.fill(0);
    const dx = zeros(x.rows, nIn, precisionOf(x.data));
    for (let b = 0; b < x.rows; b++) {
      const xo = b * nIn;
      for (let o = 0; o < nOut; o++) {
        const g = dy.data[b * nOut + o];
        if (g === 0) continue;
        db[o] += g;
        const wo = o * nIn;
        for (let i = 0; i < nIn; i++) {
          dw[wo + i] += g * x.data[xo + i];
          dx.data[xo + i] += g * w[wo + i];
        }
      }
    }
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

/** The matrix product itself, shared by training and float inference. */
export function denseForward(
  x: FloatArray,
  rows: number,
  inFeatures: number,
  outFeatures: number,
  weights: FloatArray,
  bias: FloatArray,
  y: FloatArray,
): void {
  for (let b = 0; b < rows; b++) {
    const xo = b * inFeatures;
    const yo = b * outFeatures;
    for (let o = 0; o < outFeatures; o++) {
      const wo = o * inFeatures;
      let acc = 0;
      for (let i = 0; i < inFeatures; i++) acc += x[xo + i] * weights[wo + i];
      y[yo + o] = acc + bias[o];
    }
  }
}

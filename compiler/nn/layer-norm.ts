import type { LayerNormSpec } from '../model/float-model.js';
import { layerNormBackward, layerNormForward } from '../ops/layer-norm/float-math.js';
import type { Layer, Param } from './layer.js';
import { toSpecNumbers } from './layer.js';
import { type FloatArray, type Matrix, type Precision, allocFloats, precisionOf, zerosLike } from './matrix.js';

/** LayerNorm over each row's features, learned γ and β; the arithmetic is the op's (compiler/ops/layer-norm/float-math.ts). Same in train and eval mode. */
export class LayerNorm implements Layer {
  readonly type = 'layer_norm' as const;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly gamma: Param;
  readonly beta: Param;
  private saved: { normalized: FloatArray; invStd: FloatArray } | null = null;

  constructor(
    readonly features: number,
    precision: Precision,
    index: number,
    readonly epsilon = 1e-5,
  ) {
    this.inFeatures = features;
    this.outFeatures = features;
    this.gamma = { name: `layer_norm${index}.gamma`, value: allocFloats(precision, features).fill(1), grad: allocFloats(precision, features), decay: false };
    this.beta = { name: `layer_norm${index}.beta`, value: allocFloats(precision, features), grad: allocFloats(precision, features), decay: false };
  }

  static fromSpec(spec: LayerNormSpec, precision: Precision, index: number): LayerNorm {
    const ln = new LayerNorm(spec.features, precision, index, spec.epsilon);
    ln.gamma.value.set(spec.gamma);
    ln.beta.value.set(spec.beta);
    return ln;
  }

  forward(x: Matrix): Matrix {
    const y = zerosLike(x);
    const precision = precisionOf(x.data);
    const saved = { normalized: allocFloats(precision, x.data.length), invStd: allocFloats(precision, x.rows) };
    layerNormForward(x.data, x.rows, this.features, this.gamma.value, this.beta.value, this.epsilon, { y: y.data, ...saved });
    this.saved = saved;
    return y;
  }

  backward(dy: Matrix): Matrix {
    const dx = zerosLike(dy);
    layerNormBackward(dy.data, dy.rows, this.features, this.gamma.value, this.saved!, { dx: dx.data, dGamma: this.gamma.grad, dBeta: this.beta.grad });
    return dx;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  toSpec(): LayerNormSpec {
    return { type: 'layer_norm', features: this.features, gamma: toSpecNumbers(this.gamma.value), beta: toSpecNumbers(this.beta.value), epsilon: this.epsilon };
  }
}

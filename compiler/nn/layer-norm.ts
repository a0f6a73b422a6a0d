import type { LayerNormSpec } from '../ops/layer-norm/float-spec.js';
import { layerNormBackward, layerNormForward } from '../ops/layer-norm/float-math.js';
import { type Engine, RowBlock } from './engine.js';
import type { Layer, Param } from './layer.js';
import { toSpecNumbers } from './layer.js';
import { type FloatArray, type Matrix, type Precision, allocFloats } from './matrix.js';

/**
 * LayerNorm over each row's features, learned γ and β, the same in train and eval mode. The
 * arithmetic is the op's (compiler/ops/layer-norm/float-math.ts), run in TypeScript on the engine's
 * buffers: per row it is two passes over the features, small next to the dense layers around it.
 */
export class LayerNorm implements Layer {
  readonly op = 'layer_norm' as const;
  readonly inFeatures: number;
  readonly outFeatures: number;
  readonly gamma: Param;
  readonly beta: Param;
  private output: RowBlock | null = null;
  private inputGradient: RowBlock | null = null;
  private normalized: RowBlock | null = null;
  private invStd: FloatArray | null = null;

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

  bufferLengths(rows: number): number[] {
    const f = this.features;
    return [rows * f, rows * f, rows * f, rows];
  }

  attach(engine: Engine, rows: number): void {
    const f = this.features;
    this.output = new RowBlock(engine, rows, f);
    this.inputGradient = new RowBlock(engine, rows, f);
    this.normalized = new RowBlock(engine, rows, f);
    this.invStd = engine.floats(rows);
  }

  forward(x: Matrix): Matrix {
    const y = this.output!.rows(x.rows);
    const normalized = this.normalized!.rows(x.rows).data;
    layerNormForward(x.data, x.rows, this.features, this.gamma.value, this.beta.value, this.epsilon, { y: y.data, normalized, invStd: this.invStd! });
    return y;
  }

  backward(dy: Matrix, inputGradient: boolean): Matrix | null {
    const dx = inputGradient ? this.inputGradient!.rows(dy.rows) : null;
    const saved = { normalized: this.normalized!.rows(dy.rows).data, invStd: this.invStd! };
    layerNormBackward(dy.data, dy.rows, this.features, this.gamma.value, saved, { dx: dx?.data ?? null, dGamma: this.gamma.grad, dBeta: this.beta.grad });
    return dx;
  }

  params(): Param[] {
    return [this.gamma, this.beta];
  }

  toSpec(): LayerNormSpec {
    return { op: 'layer_norm', features: this.features, gamma: toSpecNumbers(this.gamma.value), beta: toSpecNumbers(this.beta.value), epsilon: this.epsilon };
  }
}

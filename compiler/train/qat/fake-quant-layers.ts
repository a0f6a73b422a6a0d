import type { DenseSpec, LayerSpec } from '../../model/float-model.js';
import type { Dense } from '../../nn/dense.js';
import { type Engine, RowBlock } from '../../nn/engine.js';
import { type Layer, type Mode, type Param, toSpecNumbers } from '../../nn/layer.js';
import { type Matrix, allocFloats, precisionOf } from '../../nn/matrix.js';
import { type ActivationRange, fakeQuantizeActivations, fakeQuantizeWeights, straightThroughGradient } from './fake-quant.js';

/**
 * A dense layer whose forward pass uses its weights fake-quantized (fakeQuantizeWeights) while the
 * optimizer updates the float weights behind them. The wrapped layer runs the engine's kernels on
 * a buffer of fake-quantized weights, refreshed before every forward pass; its weight gradient is
 * written straight into the float weights' gradient (the straight-through estimator), and its input
 * gradient uses the fake-quantized weights the forward pass used.
 */
export class FakeQuantDense implements Layer {
  readonly op = 'dense' as const;
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** The float weights the optimizer updates (the model file's weights after QAT). */
  readonly weight: Param;

  constructor(
    private readonly inner: Dense,
    private readonly perChannel: boolean,
    readonly weightBits: number,
  ) {
    this.inFeatures = inner.inFeatures;
    this.outFeatures = inner.outFeatures;
    const precision = precisionOf(inner.weight.value);
    const value = allocFloats(precision, inner.weight.value.length);
    value.set(inner.weight.value);
    this.weight = { name: inner.weight.name, value, grad: allocFloats(precision, value.length), decay: true };
  }

  bufferLengths(rows: number): number[] {
    return [...this.inner.bufferLengths(rows), this.weight.value.length];
  }

  attach(engine: Engine, rows: number): void {
    this.inner.attach(engine, rows);
    // The network has placed this layer's params by now; the inner layer computes with the fake-quantized copy and writes the float weights' gradient.
    this.inner.weight.value = engine.floats(this.weight.value.length);
    this.inner.weight.grad = this.weight.grad;
  }

  forward(x: Matrix, mode: Mode): Matrix {
    fakeQuantizeWeights(this.weight.value, this.outFeatures, this.inFeatures, this.perChannel, this.weightBits, this.inner.weight.value);
    return this.inner.forward(x, mode);
  }

  backward(dy: Matrix, inputGradient: boolean): Matrix | null {
    return this.inner.backward(dy, inputGradient);
  }

  params(): Param[] {
    return [this.weight, this.inner.bias];
  }

  toSpec(): DenseSpec {
    return { ...this.inner.toSpec(), weights: toSpecNumbers(this.weight.value) };
  }
}

/**
 * A layer with fake quantization of its input (the network's first layer: the IR's input tensor)
 * and/or of its output (the last layer of a quantizer stage: that stage's output tensor). In train
 * mode each batch first moves the tensor's moving-average range (ActivationRange.observe), then is
 * fake-quantized with the updated range; eval mode uses the range as it stands. Gradients pass
 * where the value was inside the range and are 0 where it saturated (clipped straight-through).
 */
export class FakeQuantActivations implements Layer {
  readonly op: LayerSpec['op'];
  readonly inFeatures: number;
  readonly outFeatures: number;
  private inputBlock: RowBlock | null = null;
  private outputBlock: RowBlock | null = null;
  private gradientBlock: RowBlock | null = null;
  private inputPass = new Uint8Array(0);
  private outputPass = new Uint8Array(0);

  constructor(
    readonly inner: Layer,
    readonly input: ActivationRange | null,
    readonly output: ActivationRange | null,
  ) {
    this.op = inner.op;
    this.inFeatures = inner.inFeatures;
    this.outFeatures = inner.outFeatures;
  }

  bufferLengths(rows: number): number[] {
    return [...this.inner.bufferLengths(rows), rows * this.inFeatures, rows * this.outFeatures, rows * Math.max(this.inFeatures, this.outFeatures)];
  }

  attach(engine: Engine, rows: number): void {
    this.inner.attach(engine, rows);
    this.inputBlock = new RowBlock(engine, rows, this.inFeatures);
    this.outputBlock = new RowBlock(engine, rows, this.outFeatures);
    this.gradientBlock = new RowBlock(engine, rows, Math.max(this.inFeatures, this.outFeatures));
    this.inputPass = new Uint8Array(rows * this.inFeatures);
    this.outputPass = new Uint8Array(rows * this.outFeatures);
  }

  forward(x: Matrix, mode: Mode): Matrix {
    let h = x;
    if (this.input) h = this.fakeQuantize(this.input, x, this.inputBlock!, this.inputPass, mode);
    const y = this.inner.forward(h, mode);
    return this.output ? this.fakeQuantize(this.output, y, this.outputBlock!, this.outputPass, mode) : y;
  }

  backward(dy: Matrix, inputGradient: boolean): Matrix | null {
    let g = dy;
    if (this.output) g = this.passThrough(dy, this.outputPass);
    const dx = this.inner.backward(g, inputGradient);
    return dx && this.input ? this.passThrough(dx, this.inputPass) : dx;
  }

  params(): Param[] {
    return this.inner.params();
  }

  toSpec(): LayerSpec {
    return this.inner.toSpec();
  }

  private fakeQuantize(range: ActivationRange, x: Matrix, block: RowBlock, pass: Uint8Array, mode: Mode): Matrix {
    if (mode === 'train') range.observe(x.data);
    const out = block.rows(x.rows);
    fakeQuantizeActivations(x.data, range.tensor(), out.data, pass.subarray(0, x.data.length));
    return out;
  }

  /** The clipped straight-through gradient, in this layer's gradient buffer (shaped like `g`). */
  private passThrough(g: Matrix, pass: Uint8Array): Matrix {
    const data = this.gradientBlock!.data.subarray(0, g.data.length);
    straightThroughGradient(g.data, pass, data);
    return { rows: g.rows, cols: g.cols, data };
  }
}

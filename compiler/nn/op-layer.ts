import type { FloatTrainer } from '../ops/float-trainer.js';
import type { LayerSpec } from '../ops/float-layer-types.js';
import { type Engine, RowBlock } from './engine.js';
import type { Layer, Param } from './layer.js';
import { toSpecNumbers } from './layer.js';
import { type FloatArray, type Matrix, type Precision, allocFloats } from './matrix.js';

/**
 * The trainer's layer for a kind its op trains by definition (`trainer` of its FloatLayerDefinition):
 * this class holds the engine buffers and parameters, the op's float math does the arithmetic. One
 * class for every such kind, so an op adds no file or table entry here.
 */
export class OpLayer<S extends LayerSpec> implements Layer {
  readonly op: S['op'];
  private readonly tensors: Param[];
  private output: RowBlock | null = null;
  private inputGradient: RowBlock | null = null;
  private saved: FloatArray[] = [];

  constructor(
    private readonly spec: S,
    private readonly trainer: FloatTrainer<S>,
    readonly inFeatures: number,
    readonly outFeatures: number,
    precision: Precision,
    index: number,
  ) {
    this.op = spec.op;
    this.tensors = trainer.tensors(spec).map((t) => {
      const value = allocFloats(precision, t.values.length);
      value.set(t.values);
      return { name: `${spec.op}${index}.${t.name}`, value, grad: allocFloats(precision, t.values.length), decay: t.decay };
    });
  }

  bufferLengths(rows: number): number[] {
    return [rows * this.outFeatures, rows * this.inFeatures, ...this.trainer.savedPerRow(this.spec).map((perRow) => rows * perRow)];
  }

  attach(engine: Engine, rows: number): void {
    this.output = new RowBlock(engine, rows, this.outFeatures);
    this.inputGradient = new RowBlock(engine, rows, this.inFeatures);
    this.saved = this.trainer.savedPerRow(this.spec).map((perRow) => engine.floats(rows * perRow));
  }

  forward(x: Matrix): Matrix {
    const y = this.output!.rows(x.rows);
    this.trainer.forward(this.spec, { x: x.data, rows: x.rows, tensors: this.tensors.map((t) => t.value), saved: this.saved, y: y.data });
    return y;
  }

  backward(dy: Matrix, inputGradient: boolean): Matrix | null {
    const dx = inputGradient ? this.inputGradient!.rows(dy.rows) : null;
    const grads = this.tensors.map((t) => t.grad);
    this.trainer.backward(this.spec, { dy: dy.data, rows: dy.rows, tensors: this.tensors.map((t) => t.value), saved: this.saved, dx: dx?.data ?? null, grads });
    return dx;
  }

  params(): Param[] {
    return this.tensors;
  }

  toSpec(): S {
    return this.trainer.withTensors(this.spec, this.tensors.map((t) => toSpecNumbers(t.value)));
  }
}

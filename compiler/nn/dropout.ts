import type { DropoutSpec } from '../model/float-model.js';
import type { Rng } from '../rng.js';
import { type Engine, RowBlock } from './engine.js';
import type { Layer, Mode, Param } from './layer.js';
import type { Matrix } from './matrix.js';

/** Inverted dropout: in train mode zero each unit with probability `rate` and scale the rest by 1/(1−rate). */
export class Dropout implements Layer {
  readonly type = 'dropout' as const;
  readonly inFeatures: number;
  readonly outFeatures: number;
  private output: RowBlock | null = null;
  private inputGradient: RowBlock | null = null;
  private maskBlock: RowBlock | null = null;
  private mask: Matrix | null = null;

  constructor(
    features: number,
    readonly rate: number,
    private readonly rng: Rng,
  ) {
    this.inFeatures = features;
    this.outFeatures = features;
  }

  bufferLengths(rows: number): number[] {
    return [rows * this.outFeatures, rows * this.inFeatures, rows * this.inFeatures];
  }

  attach(engine: Engine, rows: number): void {
    this.output = new RowBlock(engine, rows, this.outFeatures);
    this.inputGradient = new RowBlock(engine, rows, this.inFeatures);
    this.maskBlock = new RowBlock(engine, rows, this.inFeatures);
  }

  forward(x: Matrix, mode: Mode): Matrix {
    if (mode === 'eval' || this.rate === 0) {
      this.mask = null;
      return x;
    }
    const keep = 1 - this.rate;
    const mask = this.maskBlock!.rows(x.rows);
    const y = this.output!.rows(x.rows);
    for (let i = 0; i < x.data.length; i++) {
      const m = this.rng.uniform() < keep ? 1 / keep : 0;
      mask.data[i] = m;
      y.data[i] = x.data[i] * m;
    }
    this.mask = mask;
    return y;
  }

  backward(dy: Matrix, inputGradient: boolean): Matrix | null {
    if (!inputGradient) return null;
    if (this.mask === null) return dy;
    const dx = this.inputGradient!.rows(dy.rows);
    for (let i = 0; i < dy.data.length; i++) dx.data[i] = dy.data[i] * this.mask.data[i];
    return dx;
  }

  params(): Param[] {
    return [];
  }

  toSpec(): DropoutSpec {
    return { type: 'dropout', rate: this.rate };
  }
}

import { shortestFloat32 } from '../float32.js';
import type { LayerSpec } from '../model/float-model.js';
import type { Engine } from './engine.js';
import type { FloatArray, Matrix } from './matrix.js';

export type Mode = 'train' | 'eval';

/**
 * A trainable tensor and its gradient (same length). `decay` marks tensors weight decay applies to.
 * Once the layer is in a Network, `value` and `grad` are views into the network's engine memory.
 */
export interface Param {
  name: string;
  value: FloatArray;
  grad: FloatArray;
  decay: boolean;
}

/**
 * A layer of the float network. It runs inside a Network's engine (compiler/nn/engine.ts): `attach`
 * gives it buffers for batches of up to `rows` rows, and from then on `forward` and `backward` take
 * and return matrices in that memory. `forward` remembers what `backward` needs and returns its
 * output buffer (valid until its next forward); `backward` receives dLoss/dOutput, fills its params'
 * `grad` (overwriting) and returns dLoss/dInput, or null when `inputGradient` is false (the first
 * layer of a network being trained: nothing consumes it).
 */
export interface Layer {
  readonly type: LayerSpec['type'];
  readonly inFeatures: number;
  readonly outFeatures: number;
  /** Element counts of the engine buffers `attach` takes, for batches of up to `rows` rows. */
  bufferLengths(rows: number): number[];
  /** Takes the layer's buffers from the engine; its params are already placed there. */
  attach(engine: Engine, rows: number): void;
  forward(x: Matrix, mode: Mode): Matrix;
  backward(dy: Matrix, inputGradient: boolean): Matrix | null;
  params(): Param[];
  toSpec(): LayerSpec;
}

/** float32-exact numbers for the model file (shortest decimal that reads back to the same float32). */
export function toSpecNumbers(values: FloatArray): number[] {
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) out[i] = shortestFloat32(values[i]);
  return out;
}

// Kept until compiler/quantize/lower.ts imports it from its home, compiler/float32.ts.
export { shortestFloat32 };

import { shortestFloat32 } from '../float32.js';
import type { LayerSpec } from '../model/float-model.js';
import type { FloatArray, Matrix } from './matrix.js';

export type Mode = 'train' | 'eval';

/** A trainable tensor and its gradient (same length). `decay` marks tensors weight decay applies to. */
export interface Param {
  name: string;
  value: FloatArray;
  grad: FloatArray;
  decay: boolean;
}

/**
 * A layer of the float network. `forward` remembers what `backward` needs; `backward` receives
 * dLoss/dOutput, fills its params' `grad` (overwriting) and returns dLoss/dInput.
 */
export interface Layer {
  readonly type: LayerSpec['type'];
  readonly inFeatures: number;
  readonly outFeatures: number;
  forward(x: Matrix, mode: Mode): Matrix;
  backward(dy: Matrix): Matrix;
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

import { geluExact, geluTanh, sigmoid } from '../../nn/activation-math.js';
import type { StageBase } from '../op-types.js';
import type { LutFunction } from './ir.js';

/** A float sigmoid, tanh or GELU (or the sigmoid head), tabulated when lowered. */
export interface LutStage extends StageBase {
  op: 'lut';
  features: number;
  fn: LutFunction;
}

/** The float function a LUT layer tabulates. */
export function lutFunction(fn: LutFunction): (x: number) => number {
  switch (fn) {
    case 'sigmoid':
      return sigmoid;
    case 'tanh':
      return Math.tanh;
    case 'gelu':
      return geluExact;
    case 'gelu_tanh':
      return geluTanh;
  }
}

export function lutForward(stage: LutStage, x: Float32Array): Float32Array {
  const f = lutFunction(stage.fn);
  return x.map((v) => f(v));
}

import { geluExact, geluTanh, sigmoid } from '../nn/activation-math.js';
import type { Stage } from './fold.js';
import type { LutFunction } from './qmodel.js';

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

/** Float forward of one folded stage on a batch (rows × features), in float32 like the float model. */
export function stageForward(stage: Stage, x: Float32Array, rows: number): Float32Array {
  switch (stage.kind) {
    case 'dense': {
      const { inFeatures: nIn, outFeatures: nOut, weights, bias, activation } = stage;
      const y = new Float32Array(rows * nOut);
      for (let r = 0; r < rows; r++) {
        for (let o = 0; o < nOut; o++) {
          let acc = bias[o];
          for (let i = 0; i < nIn; i++) acc += weights[o * nIn + i] * x[r * nIn + i];
          if (activation !== 'none' && acc < 0) acc = 0;
          if (activation === 'relu6' && acc > 6) acc = 6;
          y[r * nOut + o] = acc;
        }
      }
      return y;
    }
    case 'leaky_relu':
      return x.map((v) => (v > 0 ? v : stage.alpha * v));
    case 'lut': {
      const f = lutFunction(stage.fn);
      return x.map((v) => f(v));
    }
    case 'softmax': {
      const k = stage.features;
      const y = new Float32Array(x.length);
      for (let r = 0; r < rows; r++) {
        let max = -Infinity;
        for (let j = 0; j < k; j++) max = Math.max(max, x[r * k + j]);
        let sum = 0;
        for (let j = 0; j < k; j++) sum += Math.exp(x[r * k + j] - max);
        for (let j = 0; j < k; j++) y[r * k + j] = Math.exp(x[r * k + j] - max) / sum;
      }
      return y;
    }
  }
}

export function stageOutFeatures(stage: Stage): number {
  return stage.kind === 'dense' ? stage.outFeatures : stage.features;
}

/** Float tensors of a batch: index 0 is the (standardized) input, index k+1 the output of stage k. */
export function observeTensors(stages: Stage[], input: Float32Array, rows: number): Float32Array[] {
  const tensors = [input];
  for (const stage of stages) tensors.push(stageForward(stage, tensors[tensors.length - 1], rows));
  return tensors;
}

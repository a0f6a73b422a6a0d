/**
 * Runs a float model on raw rows: input standardization, the network, the head. It sits above
 * nn/ and data/, which both build on the model types in model/, so model/ stays below them.
 */
import { applyStandardization, invertStandardization } from '../data/standardize.js';
import { sigmoid } from '../nn/activation-math.js';
import { softmaxRows } from '../nn/activations.js';
import type { Matrix } from '../nn/matrix.js';
import { Network } from '../nn/network.js';
import { Rng } from '../rng.js';
import type { FloatModel } from '../model/float-model.js';

export interface FloatPrediction {
  rows: number;
  cols: number;
  /** Network output before the head, in the network's (standardized) units. */
  logits: Float32Array;
  /** After the head: probabilities, or regression values in the user's units. */
  scores: Float32Array;
}

/** Runs the float model in eval mode on raw feature rows (row-major rows × inputFeatures). */
export function predictFloat(model: FloatModel, features: Float32Array, rows: number): FloatPrediction {
  const network = Network.fromSpecs(model.layers, model.inputFeatures, new Rng(0));
  return predictWithNetwork(model, network, features, rows);
}

export function predictWithNetwork(model: FloatModel, network: Network, features: Float32Array, rows: number): FloatPrediction {
  const x: Matrix = { rows, cols: model.inputFeatures, data: applyStandardization(features, model.inputFeatures, model.inputStandardization) };
  const out = network.forward(x, 'eval');
  const logits = out.data instanceof Float32Array ? out.data : new Float32Array(out.data);
  return { rows, cols: out.cols, logits, scores: applyHead(model, logits, rows, out.cols) };
}

export function applyHead(model: Pick<FloatModel, 'head' | 'targetStandardization'>, logits: Float32Array, rows: number, cols: number): Float32Array {
  switch (model.head) {
    case 'softmax': {
      const y = { rows, cols, data: new Float32Array(logits.length) };
      softmaxRows({ rows, cols, data: logits }, y);
      return y.data;
    }
    case 'sigmoid':
      return logits.map(sigmoid);
    case 'identity':
      return invertStandardization(logits, cols, model.targetStandardization);
  }
}

/**
 * The quantized IR (format `firmnet.qmodel`, version 1): the single source of truth every backend
 * (golden reference, WebAssembly, C) and the simulator read. Plain JSON; documented in
 * docs/quantized-ir.md. Real value = scale · (q − zeroPoint) for every tensor.
 */
import type { AnomalyThreshold, Head, Standardization, Task } from '../model/float-model.js';

export const QMODEL_FORMAT = 'firmnet.qmodel';
export const QMODEL_VERSION = 1;

export type QDtype = 'int8' | 'int16';

export const DTYPE_RANGE: Record<QDtype, { min: number; max: number; bytes: number }> = {
  int8: { min: -128, max: 127, bytes: 1 },
  int16: { min: -32768, max: 32767, bytes: 2 },
};

/** An activation tensor between two layers. int16 tensors are symmetric (zeroPoint 0), as in TFLite 16x8. */
export interface QTensor {
  dtype: QDtype;
  features: number;
  scale: number;
  zeroPoint: number;
  /** The calibrated float range the scale and zero point were chosen from (for reports only). */
  rangeMin: number;
  rangeMax: number;
}

interface LayerBase {
  name: string;
  input: QTensor;
  output: QTensor;
  /** Indices of the float model's layers this layer implements (after folding), for per-layer comparisons. */
  sourceLayers: number[];
  /** sha256 (first 16 hex digits) of the layer's canonical JSON without this field. */
  hash: string;
}

export type FusedActivation = 'none' | 'relu' | 'relu6';

/**
 * y = clamp(MBQM(bias + Σ (x − inZeroPoint)·w, multiplier, shift) + outZeroPoint, activationMin, activationMax).
 * int8 input: int32 accumulator and 32-bit MBQM; int16 input (zeroPoint 0): 64-bit accumulator and
 * TFLite's 64-bit MBQM. Weights int8 symmetric in [−127, 127], row-major [outFeatures][inFeatures].
 */
export interface FullyConnectedLayer extends LayerBase {
  op: 'fully_connected';
  inFeatures: number;
  outFeatures: number;
  weightGranularity: 'per_channel' | 'per_tensor';
  /** Per output channel (per_tensor repeats one value); bias scale = input.scale · weightScales[c]. */
  weightScales: number[];
  weights: number[];
  /** int32 for int8 input; for int16 input a 64-bit value with |bias| < 2^47. */
  bias: number[];
  /** Per output channel: M = input.scale · weightScales[c] / output.scale ≈ multiplier · 2^(shift − 31). */
  multiplier: number[];
  shift: number[];
  activation: FusedActivation;
  activationMin: number;
  activationMax: number;
}

/** TFLite LEAKY_RELU: two requantizations of (x − inZeroPoint), one per sign. */
export interface LeakyReluLayer extends LayerBase {
  op: 'leaky_relu';
  alpha: number;
  multiplierIdentity: number;
  shiftIdentity: number;
  multiplierAlpha: number;
  shiftAlpha: number;
}

export type LutFunction = 'sigmoid' | 'tanh' | 'gelu' | 'gelu_tanh';

/**
 * Element-wise function by table. int8: 256 entries, y = table[x + 128]. int16: 513 entries at
 * x = (j − 256)·128, linearly interpolated: y = t[j] + ((t[j+1] − t[j])·(x & 127) + 64) >> 7,
 * j = 256 + (x >> 7), in int32 arithmetic. Input and output have the same dtype.
 */
export interface LutLayer extends LayerBase {
  op: 'lut';
  function: LutFunction;
  table: number[];
}

/**
 * Row-wise softmax, int8 in and out (output scale 1/256, zero point −128, TFLite's convention).
 * e_i = expTable[max − x_i] (expTable[d] = round(2^15 · exp(−d · input.scale))), s = Σ e_i,
 * y_i = clamp(floor((e_i·256 + floor(s/2)) / s) − 128, −128, 127), all in uint32.
 */
export interface SoftmaxLayer extends LayerBase {
  op: 'softmax';
  expTable: number[];
}

export type QLayer = FullyConnectedLayer | LeakyReluLayer | LutLayer | SoftmaxLayer;
export type QOpKind = QLayer['op'];

export type CalibrationMethod = 'minmax' | 'percentile' | 'mse' | 'kl';

export interface CalibrationRecord {
  /** The method asked for; `auto` chooses per tensor (see `tensorMethods`). */
  method: CalibrationMethod | 'auto';
  percentile: number;
  rows: number;
  seed: number;
  data: string;
  /** Method chosen for the network input and each layer's output tensor, in order. */
  tensorMethods: CalibrationMethod[];
}

export interface QModel {
  format: typeof QMODEL_FORMAT;
  version: typeof QMODEL_VERSION;
  name: string;
  task: Task;
  featureNames: string[];
  labelColumns: string[];
  classNames: string[];
  /** Float preprocessing before input quantization: x' = f32(f32(x − mean) / std). */
  inputStandardization: Standardization | null;
  /** Float head after output dequantization ('identity' when the head runs in the firmware). */
  head: Head;
  /** True when the softmax/sigmoid head is an int8 layer, so outputs are quantized probabilities. */
  headInFirmware: boolean;
  /** Regression and autoencoder: y = f32(f32(y' · std) + mean) after dequantization. */
  targetStandardization: Standardization | null;
  /** Autoencoder: threshold on the int8 model's reconstruction errors of the calibration rows. */
  anomaly: AnomalyThreshold | null;
  layers: QLayer[];
  calibration: CalibrationRecord;
  source: { floatModelHash: string; floatLayers: number };
  /** sha256 (first 16 hex digits) over everything above. */
  hash: string;
}

export function inputTensor(q: QModel): QTensor {
  return q.layers[0].input;
}

export function outputTensor(q: QModel): QTensor {
  return q.layers[q.layers.length - 1].output;
}

/** A layer or model before `sealQModel` sets its content hash (distributes over the layer union). */
export type Unhashed<T> = T extends unknown ? Omit<T, 'hash'> : never;
export type UnhashedQModel = Omit<QModel, 'hash' | 'layers'> & { layers: Unhashed<QLayer>[] };

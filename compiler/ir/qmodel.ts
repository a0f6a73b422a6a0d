/**
 * The quantized IR (format `firmnet.qmodel`, version 2): the single source of truth every backend
 * (golden reference, WebAssembly, C) and the simulator read. Plain JSON; documented in
 * docs/quantized-ir.md. The layers are the ops' own types (compiler/ops/); this is the model around them.
 */
import type { AnomalyThreshold, Head, Standardization, Task } from '../model/float-model.js';
import type { QTensor, Unhashed } from '../ops/op-types.js';
import type { QLayer } from '../ops/quantized-op-types.js';

export const QMODEL_FORMAT = 'firmnet.qmodel';
export const QMODEL_VERSION = 2;

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

/** A model before `sealQModel` sets its content hashes. */
export type UnhashedQModel = Omit<QModel, 'hash' | 'layers'> & { layers: Unhashed<QLayer>[] };

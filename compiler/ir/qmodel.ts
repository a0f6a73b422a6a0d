/**
 * The quantized IR (format `firmnet.qmodel`, version 1): the single source of truth every backend
 * (golden reference, WebAssembly, C) and the simulator read. Plain JSON; documented in
 * docs/quantized-ir.md. The layers are the ops' own types (compiler/ops/); this is the model around them.
 */
import type { AnomalyThreshold, Head, Standardization, Task } from '../model/float-model.js';
import type { QTensor, Unhashed } from '../ops/op-types.js';
import type { QLayer } from '../ops/quantized-op-types.js';

export const QMODEL_FORMAT = 'firmnet.qmodel';
/**
 * Version 2 added `decision`; an IR without one is written as version 1, so it reads as before
 * (and its hash is unchanged). Both versions load.
 */
export const QMODEL_VERSION = 2;
export type QModelVersion = 1 | 2;

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
  version: QModelVersion;
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
  /** Binary (one output) and multilabel: the float model's thresholds as output codes (version 2). */
  decision?: QDecision;
  layers: QLayer[];
  calibration: CalibrationRecord;
  source: { floatModelHash: string; floatLayers: number };
  /** sha256 (first 16 hex digits) over everything above. */
  hash: string;
}

/**
 * Output j is positive when its code (the output tensor's integer, as the golden reference
 * produces it) is at least `codes[j]`: the smallest code whose probability — dequantized, then the
 * float sigmoid unless the head is in the firmware — reaches `thresholds[j]`. A code one past the
 * dtype's maximum means no code does (never positive). So the firmware compares integers and
 * decides exactly as "reference probability ≥ threshold".
 */
export interface QDecision {
  rule: string;
  thresholds: number[];
  codes: number[];
}

export function inputTensor(q: QModel): QTensor {
  return q.layers[0].input;
}

export function outputTensor(q: QModel): QTensor {
  return q.layers[q.layers.length - 1].output;
}

/** A model before `sealQModel` sets its content hashes. */
export type UnhashedQModel = Omit<QModel, 'hash' | 'layers'> & { layers: Unhashed<QLayer>[] };

/**
 * The quantized IR (format `firmnet.qmodel`, version 2): the single source of truth every backend
 * (golden reference, WebAssembly, C) and the simulator read. Plain JSON; documented in
 * docs/quantized-ir.md. The layers are the ops' own types (compiler/ops/); this is the model around them.
 */
import type { AnomalyThreshold, Head, Standardization, Task } from '../model/float-model.js';
import type { QTensor, Unhashed } from '../ops/op-types.js';
import type { QLayer } from '../ops/quantized-op-types.js';

export const QMODEL_FORMAT = 'firmnet.qmodel';
/**
 * Version 2 added `decision`, version 3 `weightBits` on fully-connected layers. Older files load:
 * they are checked against the hashes they were written with, then read as version 3 and sealed again.
 */
export const QMODEL_VERSION = 3;

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
  /**
   * Autoencoder only (compiler/reference/anomaly-score.ts): rule 'percentile', thresholds [P], and
   * codes [S], the integer anomaly score above which a row is an anomaly — the Pth percentile of the
   * golden reference's scores on the calibration rows, rounded down. `requantize` re-quantizes an
   * input code into the output tensor's scale (M = input scale / output scale, TFLite form).
   */
  requantize?: { multiplier: number; shift: number };
}

/** A binary or multilabel model's decision thresholds on output codes (not an autoencoder's score threshold). */
export function codeDecision(q: Pick<QModel, 'decision'>): QDecision | undefined {
  return q.decision && !q.decision.requantize ? q.decision : undefined;
}

export type AnomalyDecision = QDecision & { requantize: { multiplier: number; shift: number } };

/** An autoencoder's integer anomaly-score decision. */
export function anomalyDecision(q: Pick<QModel, 'decision'>): AnomalyDecision | undefined {
  return q.decision?.requantize ? (q.decision as AnomalyDecision) : undefined;
}

export function inputTensor(q: QModel): QTensor {
  return q.layers[0].input;
}

export function outputTensor(q: QModel): QTensor {
  return q.layers[q.layers.length - 1].output;
}

/** A model before `sealQModel` sets its content hashes. */
export type UnhashedQModel = Omit<QModel, 'hash' | 'layers'> & { layers: Unhashed<QLayer>[] };

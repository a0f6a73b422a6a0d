import { applyStandardization } from '../data/standardize.js';
import { FirmnetError } from '../errors.js';
import { FLOAT32_MAX, isFiniteFloat32 } from '../float32.js';
import { canonicalJson, sha256Hex } from '../io/content-hash.js';
import type { AnomalyThreshold, DecisionThresholds, FloatModel } from '../model/float-model.js';
import { anomalyScores, inputRequantize } from '../reference/anomaly-score.js';
import { decisionCodes } from '../reference/decisions.js';
import { predictQuantized } from '../reference/predict.js';
import { dequantize, quantizeInput, quantizeValue } from '../reference/io.js';
import { runLayer, runModel } from '../reference/interpreter.js';
import { type CalibrationMethod, type QModel, QMODEL_FORMAT, QMODEL_VERSION, inputTensor, outputTensor } from '../ir/qmodel.js';
import { DTYPE_RANGE, type FixedParams, type QDtype, type QTensor, type Unhashed } from '../ops/op-types.js';
import { type QArray, allocQ } from '../ops/q-array.js';
import type { QLayer, QOp, Stage } from '../ops/quantized-op-types.js';
import { quantizedOp } from '../ops/quantized-ops.js';
import { foldModel } from './fold.js';
import { lowerStage } from './lower.js';
import { checkObservedFinite, checkQuantizedLayers } from './scale-guard.js';
import { sealQModel } from './seal.js';
import { fixedTensor, tensorFor } from './quant-params.js';
import { calibrationRange } from './ranges.js';
import { sqnrDb } from './sqnr.js';
import { observeTensors, stageOutFeatures } from './stage-forward.js';
import { type WeightBitsOptions, checkWeightBits, weightBitsOf } from './weight-bits.js';
import { percentileOf, reconstructionErrors } from '../evaluate/anomaly.js';

export const CALIBRATION_METHODS: CalibrationMethod[] = ['minmax', 'percentile', 'mse', 'kl'];

export interface QuantizeOptions extends WeightBitsOptions {
  method: CalibrationMethod | 'auto';
  /** percentile method: keep this share (in %) of values inside the range. */
  percentile: number;
  perChannel: boolean;
  /** Tensors to keep in int16 ("16x8"): 'input', layer names (their output), or 'all'. */
  int16: string[];
  /** Quantize the softmax/sigmoid head too (output: probabilities at scale 1/256) instead of leaving logits. */
  headInFirmware: boolean;
}

export const DEFAULT_QUANTIZE_OPTIONS: QuantizeOptions = { method: 'auto', percentile: 99.99, perChannel: true, int16: [], headInFirmware: false, weightBits: 8, layerWeightBits: {} };

/** Representative inputs (raw features, row-major) the float model is run on to observe ranges. */
export interface CalibrationSet {
  features: Float32Array;
  rows: number;
  /** Where the rows came from, for the IR's record (e.g. "train.csv, 1000 of 1437 rows, seed 0"). */
  description: string;
  seed: number;
}

/** Per-tensor outcome of calibration: the quantize command's per-layer table. */
export interface TensorCalibration {
  tensor: string;
  op: QOp | 'input';
  dtype: QDtype;
  method: CalibrationMethod | 'fixed';
  rangeMin: number;
  rangeMax: number;
  scale: number;
  zeroPoint: number;
  /** Share (%) of calibration values outside the representable range (they saturate). */
  clippedPercent: number;
  /** Float tensor vs the dequantized int8 tensor of the golden reference, on the calibration rows. */
  sqnrDb: number;
}

export interface QuantizeResult {
  qmodel: QModel;
  tensors: TensorCalibration[];
}

/** Rows used to score candidates in `auto` (the whole model runs once per candidate). */
const AUTO_SCORING_ROWS = 256;

/** Progress of calibration: `done` of `total` tensors have their range chosen. */
export type CalibrationProgress = (done: number, total: number) => void;

/** Options that can be checked before any file is read (the IR records them, so they must be valid). */
export function checkQuantizeOptions(options: QuantizeOptions): void {
  if (!CALIBRATION_METHODS.includes(options.method as CalibrationMethod) && options.method !== 'auto') {
    throw new FirmnetError('BAD_ARGUMENT', `--method must be auto or one of ${CALIBRATION_METHODS.join(', ')}, got ${options.method}`);
  }
  if (!(options.percentile >= 50 && options.percentile <= 100)) {
    throw new FirmnetError('BAD_ARGUMENT', `--percentile is the share (%) of values kept inside the range, from 50 to 100 (e.g. 99.99), got ${options.percentile}`);
  }
}

/**
 * What can be checked against the model before any data is read: the network folds into
 * quantizable layers, and every `--int16` tensor exists and may be 16-bit. Returns the folded
 * stages and the tensors' names and dtypes.
 */
export function planQuantization(model: FloatModel, options: QuantizeOptions): { stages: Stage[]; names: string[]; dtypes: QDtype[] } {
  checkQuantizeOptions(options);
  const stages = foldModel(model, { headInFirmware: options.headInFirmware });
  const names = ['input', ...stages.map((s) => s.name)];
  checkWeightBits(options, stages);
  return { stages, names, dtypes: resolveDtypes(stages, names, options.int16) };
}

export function quantizeModel(model: FloatModel, calibration: CalibrationSet, options: QuantizeOptions, onProgress?: CalibrationProgress): QuantizeResult {
  const { stages, names, dtypes } = planQuantization(model, options);
  if (calibration.rows === 0) throw new FirmnetError('BAD_ARGUMENT', 'the calibration set is empty');
  const input = applyStandardization(calibration.features.subarray(0, calibration.rows * model.inputFeatures), model.inputFeatures, model.inputStandardization);
  const observed = observeTensors(stages, input, calibration.rows);
  const features = [model.inputFeatures, ...stages.map(stageOutFeatures)];
  checkObservedFinite(observed, names, features, model.featureNames, calibration.description);
  const fixed = names.map((_, t) => fixedParams(stages, t, dtypes[t]));
  const rangeOf = memoize((t: number, method: CalibrationMethod) => calibrationRange(observed[t], method, { percentile: options.percentile, dtype: dtypes[t] }));

  const tensorsFor = (methods: CalibrationMethod[]): QTensor[] =>
    methods.map((m, t) => {
      const f = fixed[t];
      return f ? fixedTensor(features[t], f.scale, f.zeroPoint, dtypes[t]) : tensorFor(rangeOf(t, m), dtypes[t], features[t]);
    });
  const lowerAll = (methods: CalibrationMethod[]): Unhashed<QLayer>[] => {
    const tensors = tensorsFor(methods);
    return stages.map((stage, k) => lowerStage(stage, tensors[k], tensors[k + 1], options.perChannel, weightBitsOf(options, stage.name)));
  };
  const build = (methods: CalibrationMethod[]): QModel => {
    const layers = lowerAll(methods);
    checkQuantizedLayers(layers);
    return buildQModel(model, layers, options, calibration, methods);
  };

  let methods: CalibrationMethod[] = names.map(() => (options.method === 'auto' ? 'mse' : options.method));
  if (options.method === 'auto') methods = chooseMethodsGreedily(methods, fixed, lowerAll, calibration.rows, observed, onProgress);
  else onProgress?.(names.length, names.length);
  const built = build(methods);
  const withAnomaly = model.anomaly ? sealQModel({ ...built, anomaly: int8AnomalyThreshold(built, calibration, model.anomaly.percentile) }) : built;
  const qmodel = model.decision ? withDecision(withAnomaly, model.decision) : model.anomaly ? withAnomalyDecision(withAnomaly, calibration, model.anomaly.percentile) : withAnomaly;
  return { qmodel, tensors: tensorReport(qmodel, names, methods, fixed, calibration, observed) };
}

/**
 * `auto`: tensor by tensor in network order, try every method's range for that tensor (earlier
 * tensors keep their choice, later ones the MSE range) and keep the one whose quantized model
 * output has the best SQNR against the float output on the calibration rows. End-to-end SQNR
 * rewards ranges that are good for the prediction, not just for the tensor itself.
 * Trying tensor t changes only layers t−1 and later, so the earlier layers run once per tensor.
 */
function chooseMethodsGreedily(
  start: CalibrationMethod[],
  fixed: (FixedParams | null)[],
  lowerAll: (methods: CalibrationMethod[]) => Unhashed<QLayer>[],
  calibrationRows: number,
  observed: Float32Array[],
  onProgress?: CalibrationProgress,
): CalibrationMethod[] {
  const rows = Math.min(calibrationRows, AUTO_SCORING_ROWS);
  const inputRows = observed[0].subarray(0, (rows * observed[0].length) / calibrationRows);
  const reference = observed[observed.length - 1];
  const target = reference.subarray(0, (rows * reference.length) / calibrationRows);
  const methods = start.slice();
  const score = (layers: Unhashed<QLayer>[], from: number, activation: QArray): number => {
    let h = activation;
    for (let k = from; k < layers.length; k++) h = runLayer(layers[k], h, rows);
    return sqnrDb(target, dequantize(layers[layers.length - 1].output, h));
  };
  for (let t = 0; t < methods.length; t++) {
    if (fixed[t]) continue;
    // The activation entering layer t−1 does not depend on tensor t's range.
    const from = Math.max(t - 1, 0);
    let prefix: QArray | null = null;
    if (t > 0) {
      const layers = lowerAll(methods);
      prefix = quantizeRows(inputRows, layers[0].input);
      for (let k = 0; k < from; k++) prefix = runLayer(layers[k], prefix, rows);
    }
    let bestScore = -Infinity;
    let best = methods[t];
    for (const m of CALIBRATION_METHODS) {
      methods[t] = m;
      const layers = lowerAll(methods);
      const s = score(layers, from, prefix ?? quantizeRows(inputRows, layers[0].input));
      if (s > bestScore) {
        bestScore = s;
        best = m;
      }
    }
    methods[t] = best;
    onProgress?.(t + 1, methods.length);
  }
  return methods;
}

/** Already standardized float rows → codes of tensor `t` (the input quantization, without re-standardizing). */
function quantizeRows(values: Float32Array, t: QTensor): QArray {
  const out = allocQ(t.dtype, values.length);
  for (let i = 0; i < values.length; i++) out[i] = quantizeValue(values[i], t);
  return out;
}

/** Output parameters an op fixes instead of calibrating: softmax outputs and the sigmoid head (TFLite's probability parameters). */
function fixedParams(stages: Stage[], tensor: number, dtype: QDtype): FixedParams | null {
  if (tensor === 0) return null;
  const stage = stages[tensor - 1];
  return quantizedOp(stage).fixedOutput(stage, dtype);
}

function resolveDtypes(stages: Stage[], names: string[], requested: string[]): QDtype[] {
  const all = requested.includes('all');
  for (const name of requested) {
    if (name !== 'all' && !names.includes(name)) {
      throw new FirmnetError('BAD_ARGUMENT', `--int16 '${name}' is not a tensor of this model; tensors are: ${names.join(', ')} (or 'all')`);
    }
  }
  const dtypes: QDtype[] = names.map((n) => (all || requested.includes(n) ? 'int16' : 'int8'));
  // Ops that work on int8 only pin both their tensors first; then ops that keep the width widen both sides together.
  stages.forEach((stage, k) => {
    if (quantizedOp(stage).dtypes === 'int8') {
      if (!all && (requested.includes(names[k]) || requested.includes(names[k + 1]))) {
        throw new FirmnetError('BAD_ARGUMENT', `--int16: the ${stage.op} '${stage.name}' works on int8 only, so its input '${names[k]}' and output cannot be int16`);
      }
      dtypes[k] = 'int8';
      dtypes[k + 1] = 'int8';
    }
  });
  stages.forEach((stage, k) => {
    if (quantizedOp(stage).dtypes === 'same' && dtypes[k] !== dtypes[k + 1]) {
      dtypes[k] = 'int16';
      dtypes[k + 1] = 'int16';
    }
  });
  return dtypes;
}

function buildQModel(model: FloatModel, layers: Unhashed<QLayer>[], options: QuantizeOptions, calibration: CalibrationSet, methods: CalibrationMethod[]): QModel {
  const headInFirmware = options.headInFirmware && model.head !== 'identity';
  return sealQModel({
    format: QMODEL_FORMAT,
    version: QMODEL_VERSION,
    name: model.name,
    task: model.task,
    featureNames: model.featureNames,
    labelColumns: model.labelColumns,
    classNames: model.classNames,
    inputStandardization: model.inputStandardization,
    head: headInFirmware ? 'identity' : model.head,
    headInFirmware,
    targetStandardization: model.targetStandardization,
    anomaly: null,
    layers,
    calibration: {
      method: options.method,
      percentile: options.percentile,
      rows: calibration.rows,
      seed: calibration.seed,
      data: calibration.description,
      tensorMethods: methods,
    },
    source: { floatModelHash: sha256Hex(canonicalJson(model)).slice(0, 16), floatLayers: model.layers.length },
  });
}

function tensorReport(
  q: QModel,
  names: string[],
  methods: CalibrationMethod[],
  fixed: (FixedParams | null)[],
  calibration: CalibrationSet,
  observed: Float32Array[],
): TensorCalibration[] {
  const qInput = quantizeInput(q, calibration.features, calibration.rows);
  const quantized = [qInput];
  runModel(q, qInput, calibration.rows, (_, out) => quantized.push(out));
  const tensors = [q.layers[0].input, ...q.layers.map((l) => l.output)];
  return tensors.map((t, k) => {
    const { min, max } = DTYPE_RANGE[t.dtype];
    const lo = (min - t.zeroPoint) * t.scale;
    const hi = (max - t.zeroPoint) * t.scale;
    let clipped = 0;
    for (const v of observed[k]) if (v < lo || v > hi) clipped++;
    return {
      tensor: names[k],
      op: k === 0 ? 'input' : q.layers[k - 1].op,
      dtype: t.dtype,
      method: fixed[k] ? 'fixed' : methods[k],
      rangeMin: t.rangeMin,
      rangeMax: t.rangeMax,
      scale: t.scale,
      zeroPoint: t.zeroPoint,
      clippedPercent: (100 * clipped) / observed[k].length,
      sqnrDb: sqnrDb(observed[k], dequantize(t, quantized[k])),
    };
  });
}

/** The float model's thresholds carried into the IR as output codes. */
function withDecision(q: QModel, decision: DecisionThresholds): QModel {
  const output = outputTensor(q);
  if (decision.thresholds.length !== output.features) {
    throw new FirmnetError('INCOMPATIBLE', `the model's decision has ${decision.thresholds.length} thresholds for ${output.features} outputs; train it again with --threshold`);
  }
  return sealQModel({ ...q, decision: decisionCodes({ headInFirmware: q.headInFirmware, output }, decision) });
}

/**
 * The autoencoder's decision in integers: the threshold score is the same percentile as the float
 * model's threshold, of the golden reference's integer scores on the (normal) calibration rows,
 * rounded down (scores are integers, so "score > floor(p)" is "score > p").
 */
function withAnomalyDecision(q: QModel, calibration: CalibrationSet, percentile: number): QModel {
  const requantize = inputRequantize(inputTensor(q), outputTensor(q));
  const withRequantize: QModel = { ...q, decision: { rule: 'percentile', thresholds: [percentile], codes: [0], requantize } };
  const input = quantizeInput(q, calibration.features, calibration.rows);
  const scores = anomalyScores(withRequantize, input, runModel(q, input, calibration.rows), calibration.rows);
  return sealQModel({ ...withRequantize, decision: { ...withRequantize.decision!, codes: [Math.floor(percentileOf(scores, percentile))] } });
}

/**
 * The int8 model scores reconstructions slightly differently from the float one, so its threshold
 * is chosen again, at the same percentile, on its own errors for the (normal) calibration rows.
 */
/**
 * The IR stores the threshold as a float32; errors are measured in standardized units, so a model
 * whose reconstructions are far off (or whose std is tiny) can put it beyond float32 even though
 * every tensor quantized.
 */
function int8AnomalyThreshold(q: QModel, calibration: CalibrationSet, percentile: number): AnomalyThreshold {
  const p = predictQuantized(q, calibration.features, calibration.rows);
  const errors = reconstructionErrors(p.scores, calibration.features.subarray(0, p.scores.length), calibration.rows, q.inputStandardization);
  const threshold = percentileOf(errors, percentile);
  if (!isFiniteFloat32(threshold)) {
    throw new FirmnetError(
      'INCOMPATIBLE',
      `calibration data ${calibration.description}: the int8 model's anomaly threshold (the ${percentile}th percentile of its reconstruction errors) is ${threshold}, beyond float32 (±${FLOAT32_MAX.toPrecision(8)}); ` +
        "the model reconstructs this data far outside its range, in units of the input standardization's std: check the model's weights and standardization against the calibration data",
    );
  }
  return { percentile, threshold };
}

function memoize<R>(fn: (t: number, m: CalibrationMethod) => R): (t: number, m: CalibrationMethod) => R {
  const cache = new Map<string, R>();
  return (t, m) => {
    const key = `${t}:${m}`;
    if (!cache.has(key)) cache.set(key, fn(t, m));
    return cache.get(key)!;
  };
}


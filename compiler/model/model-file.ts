import { FirmnetError } from '../errors.js';
import { FLOAT32_MIN_NORMAL, isPositiveNormalFloat32 } from '../float32.js';
import { toJsonText } from '../io/atomic-write.js';
import { type JsonDocument, loadJsonDocument, parseJsonDocumentText, saveJsonDocument } from '../io/json-document.js';
import { JsonReader, join } from '../io/json-reader.js';
import { recordedPath, resolveRecordedPath } from '../io/recorded-path.js';
import { float32, float32s } from '../ops/float-fields.js';
import { FLOAT_LAYERS, FLOAT_LAYER_TYPES, floatLayerOf } from '../ops/float-layers.js';
import {
  type FloatModel,
  type Task,
  type Head,
  type LayerSpec,
  MODEL_FORMAT,
  MODEL_VERSION,
  type ModelSource,
  type Standardization,
  type TrainingRecord,
  type EpochRecord,
  type TrainingHistory,
  TASKS,
  type AnomalyThreshold,
} from './float-model.js';

const HEADS: readonly Head[] = ['identity', 'sigmoid', 'softmax'];

const MODEL_DOCUMENT: JsonDocument<FloatModel> = { code: 'BAD_MODEL_FILE', what: 'firmnet model file', parse: parseModel };

export function modelToJson(model: FloatModel): string {
  return toJsonText(model);
}

/** The file each model read by `loadModel` came from: the files it names are relative to that file's folder. */
const loadedFrom = new WeakMap<FloatModel, string>();

/**
 * Writes `model` to `path`. The files it names (`training.dataFile`, `source.file`) are recorded
 * relative to the folder of `finalPath` (default `path`; a build writes into a staging folder and
 * moves the file there), so a model file does not depend on where the checkout lives. They are
 * read as this process names them: relative to the file the model was loaded from, else to the
 * current folder.
 */
export function saveModel(path: string, model: FloatModel, finalPath = path): void {
  const record = (file: string | null): string | null => (file === null ? null : recordedPath(finalPath, modelFilePath(model, file)));
  const recorded: FloatModel = {
    ...model,
    source: { ...model.source, file: record(model.source.file) },
    training: model.training && { ...model.training, dataFile: record(model.training.dataFile) },
  };
  saveJsonDocument(MODEL_DOCUMENT, path, recorded);
}

/** Reads a model file; `finalPath` (default `file`) is where it lives for the paths it records, as in `saveModel`. */
export function loadModel(file: string, finalPath = file): FloatModel {
  const model = loadJsonDocument(MODEL_DOCUMENT, file);
  loadedFrom.set(model, finalPath);
  return model;
}

/** A file the model names (its training data, its import source), as this process opens it. */
export function modelFilePath(model: FloatModel, file: string): string {
  const modelFile = loadedFrom.get(model);
  return modelFile === undefined ? file : resolveRecordedPath(modelFile, file);
}

export function parseModelText(text: string, file: string): FloatModel {
  return parseJsonDocumentText(MODEL_DOCUMENT, text, file);
}

function parseModel(r: JsonReader, root: Record<string, unknown>): FloatModel {
  const format = root.format;
  if (format !== MODEL_FORMAT) {
    const hint = format === 'firmnet.qmodel' ? ' (this is a quantized model; this command takes the float model.json)' : '';
    r.fail('format', `expected '${MODEL_FORMAT}', got ${JSON.stringify(format)}${hint}`);
  }
  const version = r.number(root, 'version', '', { integer: true });
  if (version !== MODEL_VERSION && version !== 1) {
    throw new FirmnetError(
      'BAD_MODEL_FILE',
      `${r.file}: model format version ${version} is not supported by this firmnet (it reads versions 1 and ${MODEL_VERSION}); ${version > MODEL_VERSION ? 'upgrade firmnet' : 're-train or re-import the model'}`,
    );
  }
  const inputFeatures = r.number(root, 'inputFeatures', '', { integer: true, min: 1 });
  const outputFeatures = r.number(root, 'outputFeatures', '', { integer: true, min: 1 });
  const task = r.string(root, 'task', '', TASKS);
  const layers = r.array(root, 'layers', '').map((l, i) => parseLayer(r, r.object(l, `layers[${i}]`), `layers[${i}]`, version === 1 ? 'type' : 'op'));
  checkShapes(r, layers, inputFeatures, outputFeatures);
  const classNames = r.strings(root, 'classNames', '');
  if ((task === 'binary' && classNames.length !== 2) || (task === 'multiclass' && classNames.length !== outputFeatures)) {
    r.fail('classNames', `a ${task} model with ${outputFeatures} output(s) needs ${task === 'binary' ? 2 : outputFeatures} class names, got ${classNames.length}`);
  }
  const sourceObj = r.child(root, 'source', '');
  const source: ModelSource = {
    format: r.string(sourceObj, 'format', 'source', ['firmnet', 'onnx', 'tfjs'] as const),
    file: sourceObj.file === null ? null : r.string(sourceObj, 'file', 'source'),
  };
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: r.string(root, 'name', ''),
    task,
    head: r.string(root, 'head', '', HEADS),
    inputFeatures,
    outputFeatures,
    featureNames: r.strings(root, 'featureNames', '', inputFeatures),
    labelColumns: r.strings(root, 'labelColumns', ''),
    classNames,
    inputStandardization: parseStandardization(r, root, 'inputStandardization', inputFeatures),
    targetStandardization: parseStandardization(r, root, 'targetStandardization', outputFeatures),
    anomaly: parseAnomaly(r, root),
    ...parseDecision(r, root, task, outputFeatures),
    layers,
    seed: r.nullableNumber(root, 'seed', '', { integer: true }),
    source,
    training: parseTraining(r, root),
  };
}

/**
 * A `{mean, std}` field of a float or quantized model file, or null. Inputs are divided by std in
 * float32, so each std must be a positive normal float32: a zero or denormal std (1e-45) turns
 * every input into ±Infinity.
 */
export function parseStandardization(r: JsonReader, root: Record<string, unknown>, key: string, length?: number): Standardization | null {
  const s = r.nullableChild(root, key, '');
  if (s === null) return null;
  return parseStandardizationObject(r, s, key, length);
}

/** `{mean, std}` at `key`: finite float32 means and positive normal float32 stds, `length` of each (or as many means as stds). */
export function parseStandardizationObject(r: JsonReader, s: Record<string, unknown>, key: string, length?: number): Standardization {
  const std = float32s(r, s, 'std', key, length);
  std.forEach((v, i) => {
    if (!isPositiveNormalFloat32(v)) {
      r.fail(`${key}.std[${i}]`, `must be a positive normal float32 (at least ${FLOAT32_MIN_NORMAL.toPrecision(8)}), got ${v}; a constant feature takes std 1`);
    }
  });
  return { mean: float32s(r, s, 'mean', key, length ?? std.length), std };
}

/** The `anomaly` field of a float or quantized model file. */
export function parseAnomaly(r: JsonReader, root: Record<string, unknown>): AnomalyThreshold | null {
  const a = r.nullableChild(root, 'anomaly', '');
  if (a === null) return null;
  return { percentile: r.number(a, 'percentile', 'anomaly', { min: 0, max: 100 }), threshold: float32(r, a, 'threshold', 'anomaly', { min: 0 }) };
}

/**
 * A decision rule as `formatThresholdRule` writes it: max-f1, recall=R or precision=P with R, P
 * plain decimals in (0, 1]. Strict, because generated code quotes it in comments.
 */
export function checkDecisionRule(r: JsonReader, rule: string, path: string): void {
  const target = /^(recall|precision)=([0-9]+(\.[0-9]+)?(e-[0-9]+)?)$/.exec(rule);
  if (rule !== 'max-f1' && !(target && Number(target[2]) > 0 && Number(target[2]) <= 1)) r.fail(path, `expected max-f1, recall=R or precision=P with R, P in (0, 1], got ${JSON.stringify(rule)}`);
}

/** `decision`: thresholds chosen on the validation split, one probability in [0, 1] per output of a binary (one output) or multilabel model. */
function parseDecision(r: JsonReader, root: Record<string, unknown>, task: Task, outputFeatures: number): Pick<FloatModel, 'decision'> {
  if (root.decision === undefined) return {};
  const d = r.child(root, 'decision', '');
  if (task !== 'binary' && task !== 'multilabel') r.fail('decision', `applies to binary and multilabel models, not ${task}; remove the field`);
  if (task === 'binary' && outputFeatures !== 1) r.fail('decision', `needs a binary model with one output, this one has ${outputFeatures}; remove the field`);
  const rule = r.string(d, 'rule', 'decision');
  checkDecisionRule(r, rule, 'decision.rule');
  const thresholds = r.numbers(d, 'thresholds', 'decision', outputFeatures, { min: 0, max: 1 });
  const validation = r.array(d, 'validation', 'decision', outputFeatures).map((v, i) => {
    const at = `decision.validation[${i}]`;
    const o = r.object(v, at);
    return { precision: r.number(o, 'precision', at, { min: 0, max: 1 }), recall: r.number(o, 'recall', at, { min: 0, max: 1 }), f1: r.number(o, 'f1', at, { min: 0, max: 1 }) };
  });
  return { decision: { rule, thresholds, validation } };
}

function parseTraining(r: JsonReader, root: Record<string, unknown>): TrainingRecord | null {
  const t = r.nullableChild(root, 'training', '');
  if (t === null) return null;
  const metrics = r.child(t, 'metrics', 'training');
  const parsed: Record<string, number> = {};
  for (const k of Object.keys(metrics)) parsed[k] = r.number(metrics, k, 'training.metrics');
  return {
    dataFile: t.dataFile === null ? null : r.string(t, 'dataFile', 'training'),
    config: r.child(t, 'config', 'training'),
    epochsRun: r.number(t, 'epochsRun', 'training', { integer: true, min: 0 }),
    bestEpoch: r.number(t, 'bestEpoch', 'training', { integer: true, min: 0 }),
    metrics: parsed,
    ...('history' in t ? { history: parseHistory(r, r.child(t, 'history', 'training'), r.number(t, 'epochsRun', 'training', { integer: true, min: 0 })) } : {}),
  };
}

/** `training.history`: at most one record per epoch run, numbered 1, 2, … in order. */
function parseHistory(r: JsonReader, h: Record<string, unknown>, epochsRun: number): TrainingHistory {
  const path = 'training.history';
  const nullableName = (key: string): string | null => (h[key] === null ? null : r.string(h, key, path));
  const epochs = r.array(h, 'epochs', path);
  if (epochs.length > epochsRun) r.fail(`${path}.epochs`, `has ${epochs.length} entries, but training.epochsRun is ${epochsRun}`);
  return {
    lossName: r.string(h, 'lossName', path),
    valMetricName: nullableName('valMetricName'),
    stopMetricName: nullableName('stopMetricName'),
    epochs: epochs.map((value, i): EpochRecord => {
      const at = `${path}.epochs[${i}]`;
      const e = r.object(value, at);
      const epoch = r.number(e, 'epoch', at, { integer: true, min: i + 1, max: i + 1 });
      return {
        epoch,
        trainLoss: r.number(e, 'trainLoss', at),
        valLoss: r.nullableNumber(e, 'valLoss', at),
        valMetric: r.nullableNumber(e, 'valMetric', at),
        stopMetric: r.nullableNumber(e, 'stopMetric', at),
        learningRate: r.number(e, 'learningRate', at),
        best: r.boolean(e, 'best', at),
      };
    }),
  };
}

/**
 * A layer names its kind in `op` (version 2), the name the IR and the op registries use; version 1
 * files call it `type`, and read the same otherwise, so they load and are written back as version 2.
 */
function parseLayer(r: JsonReader, l: Record<string, unknown>, path: string, kindKey: 'op' | 'type'): LayerSpec {
  return FLOAT_LAYERS[r.string(l, kindKey, path, FLOAT_LAYER_TYPES)].parse(r, l, path);
}

/** Feature counts must chain from the input through every layer to the output. */
function checkShapes(r: JsonReader, layers: LayerSpec[], inputFeatures: number, outputFeatures: number): void {
  let features = inputFeatures;
  layers.forEach((l, i) => {
    features = floatLayerOf(l).outFeatures(l, features, (field, message) => r.fail(`${join('layers', i)}.${field}`, message));
  });
  if (features !== outputFeatures) r.fail('outputFeatures', `is ${outputFeatures}, but the last layer gives ${features}`);
}

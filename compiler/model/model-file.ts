import { FirmnetError } from '../errors.js';
import { FLOAT32_MIN_NORMAL, isFiniteFloat32, isPositiveNormalFloat32 } from '../float32.js';
import { toJsonText } from '../io/atomic-write.js';
import { type JsonDocument, loadJsonDocument, parseJsonDocumentText, saveJsonDocument } from '../io/json-document.js';
import { JsonReader, type NumberRule, join } from '../io/json-reader.js';
import { recordedPath, resolveRecordedPath } from '../io/recorded-path.js';
import {
  type ActivationSpec,
  type FloatModel,
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
const LAYER_TYPES = ['dense', 'relu', 'relu6', 'leaky_relu', 'sigmoid', 'tanh', 'gelu', 'softmax', 'batchnorm', 'dropout'] as const;

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
  if (version !== MODEL_VERSION) {
    throw new FirmnetError(
      'BAD_MODEL_FILE',
      `${r.file}: model format version ${version} is not supported by this firmnet (it reads version ${MODEL_VERSION}); ${version > MODEL_VERSION ? 'upgrade firmnet' : 're-train or re-import the model'}`,
    );
  }
  const inputFeatures = r.number(root, 'inputFeatures', '', { integer: true, min: 1 });
  const outputFeatures = r.number(root, 'outputFeatures', '', { integer: true, min: 1 });
  const task = r.string(root, 'task', '', TASKS);
  const layers = r.array(root, 'layers', '').map((l, i) => parseLayer(r, r.object(l, `layers[${i}]`), `layers[${i}]`));
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

/**
 * Numbers the float32 network computes with: each must stay finite in float32 (1e39 would be
 * Infinity there), named by its JSON path when it does not.
 */
export function float32s(r: JsonReader, obj: Record<string, unknown>, key: string, path: string, length?: number, rule: NumberRule = {}): number[] {
  const values = r.numbers(obj, key, path, length, rule);
  values.forEach((v, i) => {
    if (!isFiniteFloat32(v)) r.fail(`${join(path, key)}[${i}]`, `${v} is outside the float32 range (±3.4028235e38)`);
  });
  return values;
}

function float32(r: JsonReader, obj: Record<string, unknown>, key: string, path: string, rule: NumberRule = {}): number {
  const v = r.number(obj, key, path, rule);
  if (!isFiniteFloat32(v)) r.fail(join(path, key), `${v} is outside the float32 range (±3.4028235e38)`);
  return v;
}

/** The `anomaly` field of a float or quantized model file. */
export function parseAnomaly(r: JsonReader, root: Record<string, unknown>): AnomalyThreshold | null {
  const a = r.nullableChild(root, 'anomaly', '');
  if (a === null) return null;
  return { percentile: r.number(a, 'percentile', 'anomaly', { min: 0, max: 100 }), threshold: float32(r, a, 'threshold', 'anomaly', { min: 0 }) };
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

function parseLayer(r: JsonReader, l: Record<string, unknown>, path: string): LayerSpec {
  const type = r.string(l, 'type', path, LAYER_TYPES);
  switch (type) {
    case 'dense': {
      const inFeatures = r.number(l, 'inFeatures', path, { integer: true, min: 1 });
      const outFeatures = r.number(l, 'outFeatures', path, { integer: true, min: 1 });
      return {
        type,
        inFeatures,
        outFeatures,
        weights: float32s(r, l, 'weights', path, inFeatures * outFeatures),
        bias: float32s(r, l, 'bias', path, outFeatures),
      };
    }
    case 'batchnorm': {
      const features = r.number(l, 'features', path, { integer: true, min: 1 });
      const runningVar = float32s(r, l, 'runningVar', path, features, { min: 0 });
      const eps = float32(r, l, 'eps', path, { min: 0 });
      // The layer divides by sqrt(runningVar + eps) in float32.
      runningVar.forEach((v, i) => {
        if (!isPositiveNormalFloat32(Math.sqrt(Math.fround(Math.fround(v) + Math.fround(eps))))) {
          r.fail(`${path}.runningVar[${i}]`, `runningVar + eps is ${Math.fround(v) + Math.fround(eps)}, so the layer divides by (nearly) zero; give eps > 0 (PyTorch uses 1e-5)`);
        }
      });
      return {
        type,
        features,
        gamma: float32s(r, l, 'gamma', path, features),
        beta: float32s(r, l, 'beta', path, features),
        runningMean: float32s(r, l, 'runningMean', path, features),
        runningVar,
        eps,
        momentum: r.number(l, 'momentum', path, { min: 0, max: 1 }),
      };
    }
    case 'dropout':
      return { type, rate: r.number(l, 'rate', path, { min: 0, max: 0.999 }) };
    case 'leaky_relu':
      return { type, alpha: float32(r, l, 'alpha', path) };
    case 'gelu':
      return { type, approximate: r.string(l, 'approximate', path, ['none', 'tanh'] as const) };
    default:
      return { type } as ActivationSpec;
  }
}

/** Feature counts must chain from the input through every layer to the output. */
function checkShapes(r: JsonReader, layers: LayerSpec[], inputFeatures: number, outputFeatures: number): void {
  let features = inputFeatures;
  layers.forEach((l, i) => {
    const path = join('layers', i);
    if (l.type === 'dense') {
      if (l.inFeatures !== features) r.fail(`${path}.inFeatures`, `is ${l.inFeatures}, but the previous layer gives ${features} features`);
      features = l.outFeatures;
    } else if (l.type === 'batchnorm' && l.features !== features) {
      r.fail(`${path}.features`, `is ${l.features}, but the previous layer gives ${features} features`);
    }
  });
  if (features !== outputFeatures) r.fail('outputFeatures', `is ${outputFeatures}, but the last layer gives ${features}`);
}

/**
 * Turns an imported network (layers read from an ONNX graph or a TF.js model) into a firmnet float
 * model: decides task, head, class and feature names, and applies the preprocessing sidecar. The
 * rules are documented in docs/import-export.md ("How task, head and classes are decided").
 */
import { FirmnetError, isFirmnetError } from '../errors.js';
import { type AnomalyThreshold, type FloatModel, type Head, type LayerSpec, MODEL_FORMAT, MODEL_VERSION, type Standardization, type Task } from '../model/float-model.js';
import { modelToJson, parseModelText } from '../model/model-file.js';
import { modelIdentifier } from '../model/model-name.js';
import { shortestFloat32 } from '../float32.js';
import { someOf } from './import-limits.js';
import type { Preprocessing } from './preprocessing-sidecar.js';

export interface ImportOptions {
  /** The file as named in messages and recorded in the model's `source.file`. */
  file: string;
  /** Model name (default: what the file records, else the file name). */
  name?: string;
  /** Overrides what the model's last layer suggests (see docs/import-export.md). */
  task?: Task;
  classNames?: string[];
  /** The parsed preprocessing sidecar (`loadPreprocessing`). */
  preprocessing?: Preprocessing;
}

/** What a file records about itself beyond the layers (firmnet writes these into exported ONNX). */
export interface RecordedInfo {
  name?: string;
  task?: Task;
  featureNames?: string[];
  labelColumns?: string[];
  classNames?: string[];
  /** Autoencoders exported by firmnet carry their anomaly threshold. */
  anomaly?: AnomalyThreshold;
}

export interface ImportedNetwork {
  format: 'onnx' | 'tfjs';
  inputFeatures: number;
  layers: LayerSpec[];
  /** Where each layer came from, for messages, e.g. "node 'fc3' (Softmax)". */
  origins: string[];
  /** Standardization found inside the graph (a leading Sub/Div, a trailing Mul/Add). */
  inputStandardization: Standardization | null;
  targetStandardization: Standardization | null;
  recorded: RecordedInfo;
}

export function finishImport(net: ImportedNetwork, options: ImportOptions): FloatModel {
  const pre = options.preprocessing ?? {};
  const layers = net.layers.slice();
  const last = layers[layers.length - 1];
  const lastOrigin = net.origins[net.origins.length - 1] ?? '';
  const outputFeatures = outputWidth(layers, net.inputFeatures);
  const task = options.task ?? pre.task ?? net.recorded.task ?? inferTask(last?.type, outputFeatures);
  const fail = (message: string): never => {
    throw new FirmnetError('BAD_ARGUMENT', `${options.file}: ${message}`);
  };

  let head: Head = 'identity';
  if (task === 'multiclass') {
    if (outputFeatures < 2) fail(`a multiclass model needs at least 2 outputs, this one has ${outputFeatures}; use --task binary (one sigmoid output) or regression`);
    if (last?.type === 'sigmoid') fail(`the model ends in a sigmoid (${lastOrigin}); softmax on top of it would change the outputs; use --task multilabel or binary`);
    if (last?.type === 'softmax') layers.pop();
    head = 'softmax';
  } else if (task === 'binary' || task === 'multilabel') {
    if (task === 'binary' && outputFeatures !== 1) {
      fail(`a binary model has one output (a sigmoid probability), this one has ${outputFeatures}; a ${outputFeatures}-output softmax classifier imports as --task multiclass`);
    }
    if (last?.type === 'softmax') fail(`the model ends in a softmax (${lastOrigin}); a ${task} model ends in a sigmoid; use --task multiclass`);
    if (last?.type === 'sigmoid') layers.pop();
    head = 'sigmoid';
  } else if (task === 'autoencoder' && outputFeatures !== net.inputFeatures) {
    fail(`an autoencoder reconstructs its input, so it has as many outputs as inputs; this model has ${net.inputFeatures} inputs and ${outputFeatures} outputs`);
  }
  if (layers.length === 0) fail('the model has no layers besides its output activation');

  const inputStandardization = pickStandardization('input', net.inputStandardization, pre.input, net.inputFeatures, options.file);
  const targetStandardization = pickStandardization('target', net.targetStandardization, pre.target, outputFeatures, options.file);
  if (targetStandardization && task !== 'regression' && task !== 'autoencoder') {
    fail(`a target standardization (y·std + mean) only applies to regression, but the task is ${task}`);
  }

  const classNames = options.classNames ?? pre.classNames ?? fitting(net.recorded.classNames, task, outputFeatures) ?? defaultClassNames(task, outputFeatures);
  const expected = task === 'binary' ? 2 : task === 'regression' || task === 'autoencoder' ? 0 : outputFeatures;
  if (classNames.length !== expected) {
    fail(expected === 0 ? `${task === 'autoencoder' ? 'an autoencoder' : 'a regression model'} has no class names, got ${classNames.length}` : `a ${task} model with ${outputFeatures} output(s) needs ${expected} class names, got ${classNames.length} (${someOf(classNames)})`);
  }
  const featureNames = pre.featureNames ?? fittingLength(net.recorded.featureNames, net.inputFeatures) ?? Array.from({ length: net.inputFeatures }, (_, i) => `x${i}`);
  if (featureNames.length !== net.inputFeatures) fail(`the preprocessing sidecar names ${featureNames.length} features, the model takes ${net.inputFeatures}`);
  const labelColumns = pre.labelColumns ?? net.recorded.labelColumns ?? defaultLabelColumns(task, classNames, outputFeatures);

  const model: FloatModel = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: options.name ?? net.recorded.name ?? nameFromFile(options.file),
    task,
    head,
    inputFeatures: net.inputFeatures,
    outputFeatures,
    featureNames,
    labelColumns,
    classNames,
    inputStandardization,
    targetStandardization,
    anomaly: task === 'autoencoder' ? (net.recorded.anomaly ?? null) : null,
    layers: layers.map(float32Layer),
    seed: null,
    source: { format: net.format, file: options.file },
    training: null,
  };
  return checkedModel(model, net);
}

/**
 * The model file's own validation (shapes chain, counts, ranges) is the last check of what a file
 * declared. Its messages name the model's fields (`layers[2].runningVar[0]`), so they are re-told
 * naming the node or layer of the imported file that the field came from.
 */
function checkedModel(model: FloatModel, net: ImportedNetwork): FloatModel {
  const file = model.source.file ?? '';
  try {
    return parseModelText(modelToJson(model), file);
  } catch (e) {
    if (!isFirmnetError(e) || e.code !== 'BAD_MODEL_FILE') throw e;
    const detail = e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message;
    const layer = /^layers\[(\d+)\]/.exec(detail);
    const origin = layer ? ` (firmnet's layers[${layer[1]}], from ${net.origins[Number(layer[1])] ?? 'the file'})` : '';
    throw new FirmnetError(net.format === 'onnx' ? 'BAD_ONNX' : 'BAD_TFJS', `${file}: the model read from it is not valid: ${detail}${origin}`);
  }
}

function inferTask(lastType: LayerSpec['type'] | undefined, outputFeatures: number): Task {
  if (lastType === 'softmax') return 'multiclass';
  if (lastType === 'sigmoid') return outputFeatures === 1 ? 'binary' : 'multilabel';
  return 'regression';
}

function outputWidth(layers: LayerSpec[], inputFeatures: number): number {
  let f = inputFeatures;
  for (const l of layers) if (l.type === 'dense') f = l.outFeatures;
  return f;
}

function pickStandardization(which: 'input' | 'target', inGraph: Standardization | null, sidecar: Standardization | undefined, features: number, file: string): Standardization | null {
  if (inGraph && sidecar) {
    throw new FirmnetError('BAD_ARGUMENT', `${file}: the graph already standardizes its ${which} (Sub/Div or Mul/Add nodes) and the preprocessing sidecar gives '${which}' too; drop one of them`);
  }
  const s = inGraph ?? sidecar ?? null;
  if (s === null) return null;
  const expand = (v: number[]) => (v.length === 1 && features > 1 ? new Array<number>(features).fill(v[0]) : v);
  const mean = expand(s.mean);
  const std = expand(s.std);
  if (mean.length !== features || std.length !== features) {
    throw new FirmnetError('BAD_ARGUMENT', `${file}: the ${which} standardization has ${mean.length} mean and ${std.length} std values, the model has ${features} ${which === 'input' ? 'inputs' : 'outputs'}`);
  }
  return { mean: mean.map(shortestFloat32), std: std.map(shortestFloat32) };
}

function fitting(names: string[] | undefined, task: Task, outputFeatures: number): string[] | undefined {
  if (names === undefined) return undefined;
  const expected = task === 'binary' ? 2 : task === 'regression' || task === 'autoencoder' ? 0 : outputFeatures;
  return names.length === expected ? names : undefined;
}

function fittingLength(names: string[] | undefined, n: number): string[] | undefined {
  return names !== undefined && names.length === n ? names : undefined;
}

function defaultClassNames(task: Task, outputFeatures: number): string[] {
  switch (task) {
    case 'regression':
    case 'autoencoder':
      return [];
    case 'binary':
      return ['0', '1'];
    case 'multiclass':
      return Array.from({ length: outputFeatures }, (_, i) => String(i));
    case 'multilabel':
      return Array.from({ length: outputFeatures }, (_, i) => `label_${i}`);
  }
}

function defaultLabelColumns(task: Task, classNames: string[], outputFeatures: number): string[] {
  if (task === 'multilabel') return classNames.slice();
  if (task === 'regression' && outputFeatures > 1) return Array.from({ length: outputFeatures }, (_, i) => `label_${i}`);
  return ['label'];
}

/** The file name without folders and extension, as a C-identifier-friendly model name. */
export function nameFromFile(file: string): string {
  const parts = file.replace(/\\/g, '/').split('/').filter(Boolean);
  let base = (parts[parts.length - 1] ?? 'model').replace(/\.(onnx|json)$/i, '');
  // TF.js models are all called model.json; their folder says which model it is.
  if (base === 'model' && parts.length >= 2) base = parts[parts.length - 2];
  return modelIdentifier(base);
}

function float32Layer(l: LayerSpec): LayerSpec {
  switch (l.type) {
    case 'dense':
      return { ...l, weights: l.weights.map(shortestFloat32), bias: l.bias.map(shortestFloat32) };
    case 'batchnorm':
      return {
        ...l,
        gamma: l.gamma.map(shortestFloat32),
        beta: l.beta.map(shortestFloat32),
        runningMean: l.runningMean.map(shortestFloat32),
        runningVar: l.runningVar.map(shortestFloat32),
        eps: shortestFloat32(l.eps),
        momentum: shortestFloat32(l.momentum),
      };
    case 'leaky_relu':
      return { ...l, alpha: shortestFloat32(l.alpha) };
    case 'dropout':
      return { ...l, rate: shortestFloat32(l.rate) };
    default:
      return l;
  }
}

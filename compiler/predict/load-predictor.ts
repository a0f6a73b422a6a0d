/**
 * What `firmnet predict` runs rows through: the float model (compiler/inference), the quantized IR
 * through the golden reference (bit-identical to both firmware backends), or an emitted WebAssembly
 * module through its own loader (model.mjs), the artifact itself. Each gives head outputs: class
 * probabilities, regression values in the target's units, or reconstructions.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { FirmnetError } from '../errors.js';
import { predictFloat } from '../inference/float-inference.js';
import { readAnyModel } from '../inspect/read-any-model.js';
import type { AnomalyThreshold, Standardization, Task } from '../model/float-model.js';
import { loadQModel } from '../quantize/qmodel-file.js';
import { type QModel, codeDecision } from '../ir/qmodel.js';
import { predictQuantized } from '../reference/predict.js';

export interface Predictor {
  /** What ran: for the output's description. */
  backend: 'float model' | 'quantized IR (golden reference)' | 'WebAssembly module';
  name: string;
  task: Task;
  featureNames: string[];
  classNames: string[];
  /** Regression: one name per output (the label columns). */
  outputNames: string[];
  outputFeatures: number;
  /** Autoencoder: the errors are measured in these units, and compared with this threshold. */
  inputStandardization: Standardization | null;
  anomaly: AnomalyThreshold | null;
  /** Binary and multilabel: the probability each output is positive at (`train --threshold`); null: 0.5. */
  thresholds: readonly number[] | null;
  /** Head outputs for rows × featureNames.length raw features. */
  predict(features: Float32Array, rows: number): Float32Array;
}

/** What an emitted model.mjs exports that predict uses. */
interface WasmLoader {
  name: string;
  hash: string;
  task: Task;
  featureNames: readonly string[];
  classNames: readonly string[];
  outputFeatures: number;
  /** Absent from loaders emitted before decision thresholds. */
  decisionThresholds?: readonly number[] | null;
  predictBatch(features: Float32Array, rows: number): Float32Array;
}

/**
 * A model file (float, IR, ONNX, TF.js) or an emitted WebAssembly folder (or its model.wasm /
 * model.mjs). `irFile`: the IR the module was emitted from, for what the loader does not carry
 * (regression output names, an autoencoder's standardization and threshold); default: model.q.json
 * next to the folder, as `firmnet build` lays it out.
 */
export async function loadPredictor(file: string, irFile?: string): Promise<Predictor> {
  const wasmDir = wasmFolder(file);
  if (wasmDir) return loadWasm(wasmDir, irFile);
  const read = readAnyModel(file);
  if (read.kind === 'quantized') {
    const q = read.qmodel;
    return { ...irFacts(q), backend: 'quantized IR (golden reference)', predict: (features, rows) => predictQuantized(q, features, rows).scores };
  }
  const m = read.model;
  return {
    backend: 'float model',
    name: m.name,
    task: m.task,
    featureNames: m.featureNames,
    classNames: m.classNames,
    outputNames: outputNames(m.labelColumns, m.outputFeatures),
    outputFeatures: m.outputFeatures,
    inputStandardization: m.inputStandardization,
    anomaly: m.anomaly,
    thresholds: m.decision?.thresholds ?? null,
    predict: (features, rows) => predictFloat(m, features, rows).scores,
  };
}

function irFacts(q: QModel): Omit<Predictor, 'backend' | 'predict'> {
  const outputFeatures = q.layers[q.layers.length - 1].output.features;
  return {
    name: q.name,
    task: q.task,
    featureNames: q.featureNames,
    classNames: q.classNames,
    outputNames: outputNames(q.labelColumns, outputFeatures),
    outputFeatures,
    inputStandardization: q.inputStandardization,
    anomaly: q.anomaly,
    // Probability ≥ threshold is exactly the IR's integer decision (docs/quantized-ir.md).
    thresholds: codeDecision(q)?.thresholds ?? null,
  };
}

/** The label columns name regression outputs when there is one per output; else output_1, output_2, …. */
function outputNames(labelColumns: string[], outputs: number): string[] {
  return labelColumns.length === outputs ? labelColumns : Array.from({ length: outputs }, (_, i) => `output_${i + 1}`);
}

/** The folder of an emitted module, when `file` is one (or its model.wasm / model.mjs); else null. */
function wasmFolder(file: string): string | null {
  if (/\.(wasm|mjs)$/i.test(file)) return dirname(file);
  try {
    return statSync(file).isDirectory() && existsSync(join(file, 'model.mjs')) ? file : null;
  } catch {
    return null;
  }
}

async function loadWasm(dir: string, irFile: string | undefined): Promise<Predictor> {
  const loaderFile = resolve(dir, 'model.mjs');
  if (!existsSync(loaderFile) || !existsSync(resolve(dir, 'model.wasm'))) {
    throw new FirmnetError('BAD_ARGUMENT', `${dir} has no model.wasm and model.mjs side by side; give the folder \`firmnet emit --target wasm\` wrote`);
  }
  let wasm: WasmLoader;
  try {
    wasm = (await import(pathToFileURL(loaderFile).href)) as WasmLoader;
  } catch (e) {
    throw new FirmnetError('BAD_ARGUMENT', `${loaderFile} could not be loaded (${(e as Error).message}); emit the module again with \`firmnet emit --target wasm\``);
  }
  if (typeof wasm.predictBatch !== 'function' || !Array.isArray(wasm.featureNames) || typeof wasm.hash !== 'string') {
    throw new FirmnetError('BAD_ARGUMENT', `${loaderFile} is not a loader written by firmnet emit --target wasm (no predictBatch, featureNames or hash)`);
  }
  const q = irBeside(dir, wasm.hash, irFile);
  if (!q && wasm.task === 'autoencoder') {
    throw new FirmnetError(
      'BAD_ARGUMENT',
      `${dir}: an autoencoder's reconstruction error needs the input standardization and threshold of the IR the module was emitted from; pass --ir model.q.json (looked for ${join(dirname(resolve(dir)), 'model.q.json')})`,
    );
  }
  const facts = q
    ? irFacts(q)
    : {
        name: wasm.name,
        task: wasm.task,
        featureNames: [...wasm.featureNames],
        classNames: [...wasm.classNames],
        outputNames: outputNames([], wasm.outputFeatures),
        outputFeatures: wasm.outputFeatures,
        inputStandardization: null,
        anomaly: null,
        thresholds: wasm.decisionThresholds ?? null,
      };
  return { ...facts, backend: 'WebAssembly module', predict: (features, rows) => wasm.predictBatch(features, rows) };
}

/** The IR named by --ir (which must be the module's), or model.q.json next to the folder when it is the module's; else null. */
function irBeside(dir: string, hash: string, irFile: string | undefined): QModel | null {
  if (irFile !== undefined) {
    const q = loadQModel(irFile);
    if (q.hash !== hash) throw new FirmnetError('BAD_ARGUMENT', `${irFile} is not the IR ${dir} was emitted from (its hash is ${q.hash}, the module's ${hash}); pass the right one with --ir`);
    return q;
  }
  const candidate = join(dirname(resolve(dir)), 'model.q.json');
  if (basename(resolve(dir)) === '' || !existsSync(candidate)) return null;
  try {
    const q = loadQModel(candidate);
    return q.hash === hash ? q : null;
  } catch {
    return null; // not the module's IR: the loader's own facts are used
  }
}

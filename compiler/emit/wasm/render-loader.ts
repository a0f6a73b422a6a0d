/**
 * The typed loader written next to model.wasm: `model.mjs` (plain ES module, no dependencies,
 * Node ≥ 20 and browsers) and `model.d.mts`. It owns no arithmetic of the network: the module
 * quantizes, runs, dequantizes and un-standardizes regression outputs; the loader copies inputs in
 * and results out (one copy each way), checks lengths and types, and applies a softmax or sigmoid
 * head exactly as compiler/reference/io.ts does (Math.exp stays in JavaScript).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../io/package-root.js';
import { type QModel, anomalyDecision, codeDecision, inputTensor, outputTensor } from '../../ir/qmodel.js';
import type { QDtype } from '../../ops/op-types.js';
import { comment, generatedHeader } from '../render.js';
import { jsLiteral } from './js-syntax.js';
import { type WasmMemoryLayout, targetStandardization } from './layout-memory.js';
import { modelId } from './module-exports.js';

/**
 * The loader's code is a real module, runtime/js/model-loader.mjs, read at emit time: its constants
 * block (between the marker comments) is replaced by the model's constants, and the placeholder
 * tokens for the tensors' typed arrays and input dtype are filled in.
 */
export const LOADER_TEMPLATE = 'runtime/js/model-loader.mjs';
const CONSTANTS_BEGIN = '// firmnet-loader: model constants begin';
const CONSTANTS_END = '// firmnet-loader: model constants end';

export interface LoaderFacts {
  simd: boolean;
  wasmBytes: number;
  codeBytes: number;
  dataBytes: number;
  constantBytes: number;
  memoryBytes: number;
  imports: string[];
}

export function renderLoader(q: QModel, layout: WasmMemoryLayout, facts: LoaderFacts, command: string): string {
  const input = inputTensor(q);
  const output = outputTensor(q);
  const sizes = {
    wasmBytes: facts.wasmBytes,
    codeBytes: facts.codeBytes,
    dataBytes: facts.dataBytes,
    constantBytes: facts.constantBytes,
    arenaBytes: layout.arenaBytes,
    workspaceBytes: layout.workspaceBytes,
    memoryBytes: facts.memoryBytes,
  };
  const unstandardize = targetStandardization(q) !== null;
  const jsHead = q.head === 'softmax' || q.head === 'sigmoid';
  const constants = `export const name = ${jsLiteral(q.name)};
export const hash = ${jsLiteral(q.hash)};
export const task = ${jsLiteral(q.task)};
/** The float head applied after dequantization ('identity' when the IR has the head in the firmware). */
export const head = ${jsLiteral(q.head)};
export const featureNames = Object.freeze(${jsLiteral(q.featureNames)});
export const classNames = Object.freeze(${jsLiteral(q.classNames)});
export const inputFeatures = ${input.features};
export const outputFeatures = ${output.features};
export const inputDtype = ${jsLiteral(input.dtype)};
export const outputDtype = ${jsLiteral(output.dtype)};
export const simd = ${facts.simd};
/** Bytes: the .wasm file, its code and data sections, the constants, the activation arena, the workspace, linear memory. */
export const sizes = Object.freeze(${jsLiteral(sizes)});
/** ${comment`What model.wasm imports: ${facts.imports.length === 0 ? 'nothing' : facts.imports.join(', ')}.`} */
export const imports = Object.freeze(${jsLiteral(facts.imports)});
/** Binary and multilabel models trained with --threshold: the probability threshold of each output (predictClass decides on their codes); else null. */
export const decisionThresholds = ${codeDecision(q) ? `Object.freeze(${jsLiteral(q.decision!.thresholds)})` : 'null'};
/** Autoencoders with an integer decision: the anomaly score above which a row is an anomaly (isAnomaly); else null. */
export const anomalyScoreThreshold = ${anomalyDecision(q) ? q.decision!.codes[0] : 'null'};

const MODEL_ID = ${modelId(q.hash)};
const INPUT_OFFSET = ${layout.layers[0].input};
const OUTPUT_OFFSET = ${layout.layers[layout.layers.length - 1].output};
const FLOAT_IO_OFFSET = ${layout.workspaceOffset};
/** The regression head runs in the module (unstandardizeOutput); a softmax or sigmoid head here, in JavaScript. */
const UNSTANDARDIZE = ${unstandardize};
const JS_HEAD = ${jsHead};
/** The IR has decision thresholds: the module exports decide(label). */
const DECISIONS = ${codeDecision(q) !== undefined};
/** The IR has an autoencoder decision: the module exports anomalyScore(). */
const ANOMALY = ${anomalyDecision(q) !== undefined};
`;
  const body = fillPlaceholders(loaderTemplateBody(), {
    INPUT_ARRAY: typedArrayName(input.dtype),
    OUTPUT_ARRAY: typedArrayName(output.dtype),
    INPUT_DTYPE: input.dtype,
  });
  const header = generatedHeader(q, command, [comment`Loader for model.wasm: predict(Float32Array), predictInt8(Int8Array), batches, sizes. See docs/wasm.md.`]);
  return `${header}\n${constants}${body}`;
}

function typedArrayName(dtype: QDtype): 'Int8Array' | 'Int16Array' {
  return dtype === 'int16' ? 'Int16Array' : 'Int8Array';
}

let cachedTemplate: string | null = null;

/** The loader template's text, read once per process from the package. */
export function loaderTemplate(): string {
  cachedTemplate ??= readFileSync(join(packageRoot(), LOADER_TEMPLATE), 'utf8');
  return cachedTemplate;
}

/** The template's code after its constants block (from the blank line that ends the block). */
function loaderTemplateBody(): string {
  const text = loaderTemplate();
  const end = text.indexOf(`${CONSTANTS_END}\n`);
  if (text.indexOf(CONSTANTS_BEGIN) < 0 || end < 0) throw new Error(`${LOADER_TEMPLATE}: the "${CONSTANTS_BEGIN}" / "${CONSTANTS_END}" marker lines are missing`);
  return text.slice(end + CONSTANTS_END.length + 1);
}

/** Replaces every placeholder token; each must occur (a template without it has drifted from this renderer). */
function fillPlaceholders(text: string, values: Record<string, string>): string {
  let out = text;
  for (const [token, value] of Object.entries(values)) {
    if (!out.includes(token)) throw new Error(`${LOADER_TEMPLATE}: placeholder ${token} not found`);
    out = out.replaceAll(token, value);
  }
  return out;
}

export function renderLoaderTypes(q: QModel, facts: LoaderFacts, command: string): string {
  const input = inputTensor(q);
  const output = outputTensor(q);
  const inArray = input.dtype === 'int16' ? 'Int16Array' : 'Int8Array';
  const outArray = output.dtype === 'int16' ? 'Int16Array' : 'Int8Array';
  const int8 = input.dtype === 'int8' && output.dtype === 'int8';
  return `${generatedHeader(q, command, [comment`Types of model.mjs.`])}
export declare const name: string;
export declare const hash: ${jsLiteral(q.hash)};
export declare const task: ${jsLiteral(q.task)};
export declare const head: ${jsLiteral(q.head)};
export declare const featureNames: readonly string[];
export declare const classNames: readonly string[];
export declare const inputFeatures: ${input.features};
export declare const outputFeatures: ${output.features};
export declare const inputDtype: ${jsLiteral(input.dtype)};
export declare const outputDtype: ${jsLiteral(output.dtype)};
export declare const simd: ${facts.simd};
export declare const sizes: Readonly<{
  wasmBytes: number;
  codeBytes: number;
  dataBytes: number;
  constantBytes: number;
  arenaBytes: number;
  workspaceBytes: number;
  memoryBytes: number;
}>;
/** ${comment`Imports of model.wasm ("module.field"): ${facts.imports.length === 0 ? 'none' : facts.imports.join(', ')}.`} */
export declare const imports: readonly string[];
/** The probability threshold of each output, when the model was trained with --threshold; else null. */
export declare const decisionThresholds: readonly number[] | null;
/** The integer anomaly score above which a row is an anomaly, for an autoencoder with an integer decision; else null. */
export declare const anomalyScoreThreshold: number | null;

/** Like the golden reference's predictQuantized: integer outputs, dequantized outputs, scores after the head. */
export interface Prediction {
  rows: number;
  cols: number;
  output: ${outArray};
  dequantized: Float32Array;
  scores: Float32Array;
}

export interface ModelInstance {
  readonly memory: WebAssembly.Memory;
  readonly exports: WebAssembly.Exports;
  /** One row of ${input.features} raw features → ${output.features} outputs after the head (probabilities or values). */
  predict(features: Float32Array | ArrayLike<number>): Float32Array;
  /** rows × ${input.features} raw features (row-major) → rows × ${output.features} outputs after the head. */
  predictBatch(features: Float32Array | ArrayLike<number>, rows?: number): Float32Array;
  predictDetailed(features: Float32Array | ArrayLike<number>, rows?: number): Prediction;
  /** ${codeDecision(q) ? `One row of raw features → per output 1 when it reaches its decision threshold (rule ${q.decision!.rule}), else 0; decided on the output codes by the module.` : 'Throws: this model has no decision thresholds (train it with --threshold).'} */
  predictClass(features: Float32Array | ArrayLike<number>): Uint8Array;
  /** ${anomalyDecision(q) ? 'One row of raw features → its integer anomaly score (docs/quantized-ir.md "Decisions"), computed by the module.' : 'Throws: this model has no anomaly decision.'} */
  anomalyScore(features: Float32Array | ArrayLike<number>): number;
  /** ${anomalyDecision(q) ? 'One row of raw features → true when its anomaly score is above anomalyScoreThreshold.' : 'Throws: this model has no anomaly decision.'} */
  isAnomaly(features: Float32Array | ArrayLike<number>): boolean;
  /** ${int8 ? 'One row of int8 input codes → int8 output codes.' : `Throws: this model's input is ${input.dtype} and its output ${output.dtype}; use predictQuantized.`} */
  predictInt8(input: Int8Array): Int8Array;
  /** One row of ${input.dtype} input codes → ${output.dtype} output codes. */
  predictQuantized(input: ${inArray}): ${outArray};
  predictQuantizedBatch(input: ${inArray}, rows?: number): ${outArray};
}

/** A fresh instance with its own fixed memory. */
export declare function createInstance(): ModelInstance;

export declare const memory: WebAssembly.Memory;
export declare const predict: ModelInstance['predict'];
export declare const predictBatch: ModelInstance['predictBatch'];
export declare const anomalyScore: ModelInstance['anomalyScore'];
export declare const isAnomaly: ModelInstance['isAnomaly'];
export declare const predictClass: ModelInstance['predictClass'];
export declare const predictDetailed: ModelInstance['predictDetailed'];
export declare const predictInt8: ModelInstance['predictInt8'];
export declare const predictQuantized: ModelInstance['predictQuantized'];
export declare const predictQuantizedBatch: ModelInstance['predictQuantizedBatch'];
`;
}

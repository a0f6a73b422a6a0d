/**
 * The typed loader written next to model.wasm: `model.mjs` (plain ES module, no dependencies,
 * Node ≥ 20 and browsers) and `model.d.mts`. It owns no arithmetic of the network: the module
 * quantizes, runs, dequantizes and un-standardizes regression outputs; the loader copies inputs in
 * and results out (one copy each way), checks lengths and types, and applies a softmax or sigmoid
 * head exactly as compiler/reference/io.ts does (Math.exp stays in JavaScript).
 */
import { type QModel, inputTensor, outputTensor } from '../../ir/qmodel.js';
import { comment, generatedHeader } from '../render.js';
import { jsLiteral } from './js-syntax.js';
import { type WasmMemoryLayout, targetStandardization } from './layout-memory.js';
import { modelId } from './render-program.js';

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
  const inArray = input.dtype === 'int16' ? 'Int16Array' : 'Int8Array';
  const outArray = output.dtype === 'int16' ? 'Int16Array' : 'Int8Array';
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
  return `${generatedHeader(q, command, [comment`Loader for model.wasm: predict(Float32Array), predictInt8(Int8Array), batches, sizes. See docs/wasm.md.`])}
export const name = ${jsLiteral(q.name)};
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

const MODEL_ID = ${modelId(q.hash)};
const INPUT_OFFSET = ${layout.layers[0].input};
const OUTPUT_OFFSET = ${layout.layers[layout.layers.length - 1].output};
const FLOAT_IO_OFFSET = ${layout.workspaceOffset};
/** The regression head runs in the module (unstandardizeOutput); a softmax or sigmoid head here, in JavaScript. */
const UNSTANDARDIZE = ${unstandardize};
const JS_HEAD = ${jsHead};

const wasmModule = await compileModule(await readWasm());

/** A fresh, independent instance of the model (its own fixed memory). */
export function createInstance() {
  const instance = new WebAssembly.Instance(wasmModule, {});
  const exports = instance.exports;
  if (exports.MODEL_ID.value !== MODEL_ID) {
    throw new Error(\`\${name}: model.wasm belongs to another model (id \${exports.MODEL_ID.value}, expected \${MODEL_ID}); emit the model again\`);
  }
  const memory = exports.memory;
  const { run, predictFloat, unstandardizeOutput } = exports;
  // Memory never grows (initial = maximum), so these views stay valid for the instance's lifetime.
  const quantizedInput = new ${inArray}(memory.buffer, INPUT_OFFSET, inputFeatures);
  const quantizedOutput = new ${outArray}(memory.buffer, OUTPUT_OFFSET, outputFeatures);
  // predictFloat takes its float32 input and leaves its float32 output at the same address.
  const floatInput = new Float32Array(memory.buffer, FLOAT_IO_OFFSET, inputFeatures);
  const floatOutput = new Float32Array(memory.buffer, FLOAT_IO_OFFSET, outputFeatures);

  function predictQuantizedBatch(input, rows) {
    const n = checkRows('predictQuantizedBatch', input, rows);
    checkQuantized('predictQuantizedBatch', input);
    const out = new ${outArray}(n * outputFeatures);
    for (let r = 0; r < n; r++) {
      quantizedInput.set(input.subarray(r * inputFeatures, (r + 1) * inputFeatures));
      run();
      out.set(quantizedOutput, r * outputFeatures);
    }
    return out;
  }

  function predictQuantized(input) {
    checkOneRow('predictQuantized', input);
    checkQuantized('predictQuantized', input);
    quantizedInput.set(input);
    run();
    return quantizedOutput.slice();
  }

  function predictInt8(input) {
    if (inputDtype !== 'int8' || outputDtype !== 'int8') {
      throw new TypeError(\`\${name}.predictInt8: this model's input is \${inputDtype} and its output \${outputDtype}; use predictQuantized\`);
    }
    return predictQuantized(input);
  }

  function writeFeatures(features, row) {
    const start = row * inputFeatures;
    if (features instanceof Float32Array) floatInput.set(features.length === inputFeatures ? features : features.subarray(start, start + inputFeatures));
    else for (let i = 0; i < inputFeatures; i++) floatInput[i] = features[start + i];
  }

  function predictDetailed(features, rows) {
    const n = checkRows('predictDetailed', features, rows);
    const output = new ${outArray}(n * outputFeatures);
    const dequantized = new Float32Array(n * outputFeatures);
    const unstandardized = UNSTANDARDIZE ? new Float32Array(n * outputFeatures) : null;
    for (let r = 0; r < n; r++) {
      writeFeatures(features, r);
      predictFloat();
      output.set(quantizedOutput, r * outputFeatures);
      dequantized.set(floatOutput, r * outputFeatures);
      if (UNSTANDARDIZE) {
        unstandardizeOutput();
        unstandardized.set(floatOutput, r * outputFeatures);
      }
    }
    const scores = UNSTANDARDIZE ? unstandardized : JS_HEAD ? applyHead(dequantized.slice(), n) : dequantized.slice();
    return { rows: n, cols: outputFeatures, output, dequantized, scores };
  }

  function predictBatch(features, rows) {
    const n = checkRows('predictBatch', features, rows);
    const scores = new Float32Array(n * outputFeatures);
    for (let r = 0; r < n; r++) {
      writeFeatures(features, r);
      predictFloat();
      if (UNSTANDARDIZE) unstandardizeOutput();
      scores.set(floatOutput, r * outputFeatures);
    }
    return JS_HEAD ? applyHead(scores, n) : scores;
  }

  function predict(features) {
    checkOneRow('predict', features);
    writeFeatures(features, 0);
    predictFloat();
    if (UNSTANDARDIZE) unstandardizeOutput();
    const scores = floatOutput.slice();
    return JS_HEAD ? applyHead(scores, 1) : scores;
  }

  return Object.freeze({ memory, exports, predict, predictBatch, predictDetailed, predictInt8, predictQuantized, predictQuantizedBatch });
}

const defaultInstance = createInstance();
export const { memory, predict, predictBatch, predictDetailed, predictInt8, predictQuantized, predictQuantizedBatch } = defaultInstance;

function checkOneRow(fn, values) {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new TypeError(\`\${name}.\${fn}: expected an array of \${inputFeatures} values, got \${values === null ? 'null' : typeof values}\`);
  }
  if (values.length !== inputFeatures) {
    throw new RangeError(\`\${name}.\${fn}: expected \${inputFeatures} input values (one row), got \${values.length}\`);
  }
}

function checkRows(fn, values, rows) {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new TypeError(\`\${name}.\${fn}: expected a row-major array of rows × \${inputFeatures} values, got \${values === null ? 'null' : typeof values}\`);
  }
  const n = rows === undefined ? values.length / inputFeatures : rows;
  if (!Number.isInteger(n) || n < 0 || n * inputFeatures !== values.length) {
    const what = rows === undefined ? 'a multiple of' : \`\${rows} rows ×\`;
    throw new RangeError(\`\${name}.\${fn}: expected \${what} \${inputFeatures} input values, got \${values.length}\`);
  }
  return n;
}

function checkQuantized(fn, values) {
  if (!(values instanceof ${inArray})) {
    const got = values?.constructor?.name ?? typeof values;
    throw new TypeError(\`\${name}.\${fn}: expected an ${inArray} of quantized ${input.dtype} input codes, got \${got}; use predict() for float features\`);
  }
}

/**
 * A softmax or sigmoid head as compiler/reference/io.ts applies it, operation for operation, in
 * place on a fresh array of rows × outputFeatures dequantized outputs (each value is read before
 * it is overwritten). The regression head runs in the module (unstandardizeOutput).
 */
function applyHead(values, rows) {
  const cols = outputFeatures;
  if (head === 'softmax') {
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      let max = -Infinity;
      for (let j = 0; j < cols; j++) if (values[o + j] > max) max = values[o + j];
      let sum = 0;
      for (let j = 0; j < cols; j++) {
        const e = Math.exp(values[o + j] - max);
        values[o + j] = e;
        sum += e;
      }
      for (let j = 0; j < cols; j++) values[o + j] /= sum;
    }
    return values;
  }
  for (let i = 0; i < values.length; i++) values[i] = sigmoid(values[i]);
  return values;
}

function sigmoid(x) {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

async function readWasm() {
  const url = new URL('./model.wasm', import.meta.url);
  if (url.protocol === 'file:') {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(url));
  }
  const response = await fetch(url);
  if (!response.ok) throw new Error(\`\${name}: could not load \${url} (HTTP \${response.status})\`);
  return new Uint8Array(await response.arrayBuffer());
}

function compileModule(bytes) {
  if (bytes.length !== sizes.wasmBytes) {
    throw new Error(\`\${name}: model.wasm has \${bytes.length} bytes, this loader expects \${sizes.wasmBytes}; emit the model again\`);
  }
  // Node compiles synchronously (much faster to the first call); browsers limit that on the main thread.
  const isNode = typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';
  return isNode ? new WebAssembly.Module(bytes) : WebAssembly.compile(bytes);
}
`;
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
export declare const predictDetailed: ModelInstance['predictDetailed'];
export declare const predictInt8: ModelInstance['predictInt8'];
export declare const predictQuantized: ModelInstance['predictQuantized'];
export declare const predictQuantizedBatch: ModelInstance['predictQuantizedBatch'];
`;
}

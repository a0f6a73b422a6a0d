/*
 * The loader `firmnet emit --target wasm` writes next to model.wasm as model.mjs (a plain ES module,
 * no dependencies, Node >= 20 and browsers); compiler/emit/wasm/render-loader.ts fills it in at emit
 * time. It owns no arithmetic of the network: the module quantizes, runs, dequantizes and
 * un-standardizes regression outputs; the loader copies inputs in and results out (one copy each
 * way), checks lengths and types, and applies a softmax or sigmoid head exactly as
 * compiler/reference/io.ts does (Math.exp stays in JavaScript).
 *
 * Substitution points, chosen so that this file is itself a valid module (node --check, linters):
 *   - the lines between the two "firmnet-loader:" marker comments are replaced by the model's
 *     constants (the values here are placeholders that only give each constant its type);
 *   - INPUT_ARRAY and OUTPUT_ARRAY become Int8Array or Int16Array, and INPUT_DTYPE int8 or int16,
 *     also inside strings.
 * Nothing above the first marker is copied.
 */
// firmnet-loader: model constants begin
export const name = 'model';
export const hash = '0000000000000000';
export const task = 'multiclass';
export const head = 'identity';
export const featureNames = Object.freeze([]);
export const classNames = Object.freeze([]);
export const inputFeatures = 1;
export const outputFeatures = 1;
export const inputDtype = 'int8';
export const outputDtype = 'int8';
export const simd = false;
export const sizes = Object.freeze({ wasmBytes: 0, codeBytes: 0, dataBytes: 0, constantBytes: 0, arenaBytes: 0, workspaceBytes: 0, memoryBytes: 0 });
export const imports = Object.freeze([]);
/** Binary and multilabel models trained with --threshold: the probability threshold of each output (predictClass decides on their codes); else null. */
export const decisionThresholds = null;
/** Autoencoders with an integer decision: the anomaly score above which a row is an anomaly (isAnomaly); else null. */
export const anomalyScoreThreshold = null;
const MODEL_ID = 0;
const INPUT_OFFSET = 0;
const OUTPUT_OFFSET = 0;
const FLOAT_IO_OFFSET = 0;
const UNSTANDARDIZE = false;
const JS_HEAD = false;
/** The IR has decision thresholds: the module exports decide(label). */
const DECISIONS = false;
/** The IR has an autoencoder decision: the module exports anomalyScore(). */
const ANOMALY = false;
const INPUT_ARRAY = Int8Array;
const OUTPUT_ARRAY = Int8Array;
// firmnet-loader: model constants end

const wasmModule = await compileModule(await readWasm());

/** A fresh, independent instance of the model (its own fixed memory). */
export function createInstance() {
  const instance = new WebAssembly.Instance(wasmModule, {});
  const exports = instance.exports;
  if (exports.MODEL_ID.value !== MODEL_ID) {
    throw new Error(`${name}: model.wasm belongs to another model (id ${exports.MODEL_ID.value}, expected ${MODEL_ID}); emit the model again`);
  }
  const memory = exports.memory;
  const { run, predictFloat, unstandardizeOutput } = exports;
  // Memory never grows (initial = maximum), so these views stay valid for the instance's lifetime.
  const quantizedInput = new INPUT_ARRAY(memory.buffer, INPUT_OFFSET, inputFeatures);
  const quantizedOutput = new OUTPUT_ARRAY(memory.buffer, OUTPUT_OFFSET, outputFeatures);
  // predictFloat takes its float32 input and leaves its float32 output at the same address.
  const floatInput = new Float32Array(memory.buffer, FLOAT_IO_OFFSET, inputFeatures);
  const floatOutput = new Float32Array(memory.buffer, FLOAT_IO_OFFSET, outputFeatures);

  function predictQuantizedBatch(input, rows) {
    const n = checkRows('predictQuantizedBatch', input, rows);
    checkQuantized('predictQuantizedBatch', input);
    const out = new OUTPUT_ARRAY(n * outputFeatures);
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
      throw new TypeError(`${name}.predictInt8: this model's input is ${inputDtype} and its output ${outputDtype}; use predictQuantized`);
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
    const output = new OUTPUT_ARRAY(n * outputFeatures);
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

  /** One row of raw features → per output 1 (positive at its threshold) or 0, decided by the module on the output codes. */
  function predictClass(features) {
    if (!DECISIONS) throw new TypeError(`${name}.predictClass: this model has no decision thresholds (train it with --threshold)`);
    checkOneRow('predictClass', features);
    writeFeatures(features, 0);
    predictFloat();
    const decisions = new Uint8Array(outputFeatures);
    for (let j = 0; j < outputFeatures; j++) decisions[j] = exports.decide(j);
    return decisions;
  }

  /**
   * One row of raw features → its integer anomaly score, computed by the module: the row is run, then
   * written again (the arena reuses the input codes' slot) for the module to re-quantize.
   */
  function anomalyScore(features) {
    if (!ANOMALY) throw new TypeError(`${name}.anomalyScore: this model has no anomaly decision (an autoencoder quantized by this firmnet has one)`);
    checkOneRow('anomalyScore', features);
    writeFeatures(features, 0);
    predictFloat();
    writeFeatures(features, 0);
    return exports.anomalyScore();
  }

  /** One row of raw features → true when its anomaly score is above anomalyScoreThreshold. */
  function isAnomaly(features) {
    return anomalyScore(features) > anomalyScoreThreshold;
  }

  function predict(features) {
    checkOneRow('predict', features);
    writeFeatures(features, 0);
    predictFloat();
    if (UNSTANDARDIZE) unstandardizeOutput();
    const scores = floatOutput.slice();
    return JS_HEAD ? applyHead(scores, 1) : scores;
  }

  return Object.freeze({ memory, exports, anomalyScore, isAnomaly, predict, predictBatch, predictClass, predictDetailed, predictInt8, predictQuantized, predictQuantizedBatch });
}

const defaultInstance = createInstance();
export const { memory, anomalyScore, isAnomaly, predict, predictBatch, predictClass, predictDetailed, predictInt8, predictQuantized, predictQuantizedBatch } = defaultInstance;

function checkOneRow(fn, values) {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new TypeError(`${name}.${fn}: expected an array of ${inputFeatures} values, got ${values === null ? 'null' : typeof values}`);
  }
  if (values.length !== inputFeatures) {
    throw new RangeError(`${name}.${fn}: expected ${inputFeatures} input values (one row), got ${values.length}`);
  }
}

function checkRows(fn, values, rows) {
  if (values === null || typeof values !== 'object' || typeof values.length !== 'number') {
    throw new TypeError(`${name}.${fn}: expected a row-major array of rows × ${inputFeatures} values, got ${values === null ? 'null' : typeof values}`);
  }
  const n = rows === undefined ? values.length / inputFeatures : rows;
  if (!Number.isInteger(n) || n < 0 || n * inputFeatures !== values.length) {
    const what = rows === undefined ? 'a multiple of' : `${rows} rows ×`;
    throw new RangeError(`${name}.${fn}: expected ${what} ${inputFeatures} input values, got ${values.length}`);
  }
  return n;
}

function checkQuantized(fn, values) {
  if (!(values instanceof INPUT_ARRAY)) {
    const got = values?.constructor?.name ?? typeof values;
    throw new TypeError(`${name}.${fn}: expected an INPUT_ARRAY of quantized INPUT_DTYPE input codes, got ${got}; use predict() for float features`);
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
  if (!response.ok) throw new Error(`${name}: could not load ${url} (HTTP ${response.status})`);
  return new Uint8Array(await response.arrayBuffer());
}

function compileModule(bytes) {
  if (bytes.length !== sizes.wasmBytes) {
    throw new Error(`${name}: model.wasm has ${bytes.length} bytes, this loader expects ${sizes.wasmBytes}; emit the model again`);
  }
  // Node compiles synchronously (much faster to the first call); browsers limit that on the main thread.
  const isNode = typeof process === 'object' && process !== null && typeof process.versions?.node === 'string';
  return isNode ? new WebAssembly.Module(bytes) : WebAssembly.compile(bytes);
}

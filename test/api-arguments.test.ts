/**
 * The Node API called as plain JavaScript would: wrong, missing, misspelt or swapped arguments give a
 * FirmnetError naming the function, the argument and what was expected (never a TypeError from deep
 * inside, never a file written), and right ones still work.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import * as firmnet from '../compiler/index.js';
import { FirmnetError } from '../compiler/index.js';
import { firmnetErrorOf } from './helpers/firmnet-error.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-api-args-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const IRIS = 'models/data/iris/train.csv';
const { model } = firmnet.train({ data: IRIS, task: 'multiclass', hidden: [4], epochs: 1, validationSplit: 0 });
const { qmodel } = firmnet.quantize(model, { calibration: IRIS });
const onnx = firmnet.floatModelToOnnx(model);

/** Every exported function, callable with anything (as from JavaScript). */
const api = firmnet as unknown as Record<string, (...args: unknown[]) => unknown>;

function errorOf(call: () => unknown): FirmnetError {
  const e = firmnetErrorOf(call);
  expect(e.code).toBe('BAD_ARGUMENT');
  return e;
}

async function asyncErrorOf(call: () => unknown): Promise<FirmnetError> {
  try {
    await call();
  } catch (e) {
    expect(e).toBeInstanceOf(FirmnetError);
    expect((e as FirmnetError).code).toBe('BAD_ARGUMENT');
    return e as FirmnetError;
  }
  throw new Error('expected a FirmnetError, but nothing was thrown');
}

it('every exported function rejects a call without arguments with a FirmnetError naming its signature', async () => {
  const functions = Object.entries(api).filter(([name, f]) => typeof f === 'function' && name !== 'FirmnetError');
  expect(functions.map(([name]) => name).sort()).toEqual(
    ['build', 'emitC', 'emitWasm', 'floatModelToOnnx', 'importModelFile', 'importOnnx', 'importTfjs', 'loadDataset', 'loadModel', 'loadPreprocessing', 'loadQModel', 'predictFloat', 'predictQuantized', 'quantize', 'saveModel', 'saveQModel', 'simulate', 'train'].sort(),
  );
  for (const [name, f] of functions) {
    const e = await asyncErrorOf(() => f());
    expect(e.message, name).toMatch(new RegExp(`^${name}\\([^)]*\\): \\w+: expected .+, got nothing \\(undefined\\)$`));
  }
});

describe('the defects found on the API', () => {
  it('exports loadPreprocessing, whose result imports', () => {
    const sidecar = join(dir, 'sidecar.json');
    writeFileSync(sidecar, JSON.stringify({ featureNames: model.featureNames, classNames: ['setosa', 'versicolor', 'virginica'] }));
    const preprocessing = firmnet.loadPreprocessing(sidecar);
    expect(firmnet.importOnnx(onnx, { file: 'iris.onnx', preprocessing }).classNames).toEqual(['setosa', 'versicolor', 'virginica']);
  });

  it('a hand-built preprocessing object with a misspelt key is a FirmnetError naming it', () => {
    const means = { input: { means: [0, 0, 0, 0], std: [1, 1, 1, 1] } };
    expect(errorOf(() => api.importOnnx(onnx, { file: 'iris.onnx', preprocessing: means })).message).toBe(
      'importOnnx(bytes, options): options.preprocessing: input.mean: missing',
    );
    const classes = { classes: ['a', 'b', 'c'] };
    expect(errorOf(() => api.importOnnx(onnx, { file: 'iris.onnx', preprocessing: classes })).message).toMatch(/^importOnnx\(bytes, options\): options\.preprocessing: classes: unknown field/);
  });

  it('swapped arguments to saveQModel say what was expected, and write nothing', () => {
    const path = join(dir, 'swapped.q.json');
    expect(errorOf(() => api.saveQModel(qmodel, path)).message).toBe(
      'saveQModel(path, q): path: expected a file path (a non-empty string), got a quantized IR (firmnet.qmodel) (are the arguments in the order saveQModel(path, q)?)',
    );
    expect(existsSync(path)).toBe(false);
    expect(errorOf(() => api.saveModel(model, join(dir, 'm.json'))).message).toMatch(/are the arguments in the order saveModel\(path, model\)\?/);
  });
});

describe('each function checks its arguments', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['train', () => api.train({ data: IRIS, task: 'multiclass', epoch: 5 }), /options: unknown field 'epoch' \(did you mean 'epochs'\?\)/],
    ['train', () => api.train({ data: IRIS, task: 'classify' }), /options\.task: expected one of 'regression', .*, got the string "classify"/],
    ['train', () => api.train({ data: IRIS, task: 'multiclass', hidden: '16,8' }), /options\.hidden: expected an array of hidden layer sizes/],
    ['train', () => api.train({ data: IRIS, task: 'multiclass', epochs: 0 }), /options\.epochs: expected an integer ≥ 1, got the number 0/],
    ['train', () => api.train({ task: 'multiclass' }), /options: 'data' is missing/],
    ['train', () => api.train({ data: IRIS, task: 'multiclass', classWeight: [1, 0, 1] }), /options\.classWeight: expected 'balanced' or an array of class weights above 0/],
    ['train', () => api.train({ data: IRIS, task: 'multiclass', classWeight: 'even' }), /options\.classWeight: expected 'balanced' or an array/],
    ['train', () => api.train({ data: IRIS, task: 'multiclass', posWeight: [Number.POSITIVE_INFINITY] }), /options\.posWeight\[0\]: expected a finite number > 0/],
    ['train', () => api.train({ data: IRIS, task: 'multiclass', threshold: { rule: 'recall', target: 2 } }), /options\.threshold: expected a threshold rule/],
    ['train', () => api.train({ data: IRIS, task: 'multiclass', classWeight: [1, 2] }), /--class-weight has 2 weights, but the data has 3 classes/],
    ['quantize', () => api.quantize('model.json'), /quantize\(model, options\): model: expected a float model .*, got the string "model.json"/],
    ['quantize', () => api.quantize(model, { calibration: { features: [1, 2, 3, 4], rows: 1, description: '', seed: 0 } }), /options\.calibration: expected a calibration CSV path or a CalibrationSet/],
    ['quantize', () => api.quantize(model, { calibration: { features: new Float32Array(5), rows: 1, description: '', seed: 0 } }), /calibration\.features: expected 1 rows × 4 features = 4 values, got 5/],
    ['quantize', () => api.quantize(model, { method: 'entropy' }), /options\.method: expected one of 'minmax', 'percentile', 'mse', 'kl', 'auto'/],
    ['build', () => api.build(42), /build\(input, options\): input: expected a project file or training CSV path, or a Project/],
    ['emitC', () => api.emitC('out/c', qmodel), /emitC\(q, outDir, options\): q: expected a quantized IR .*, got the string "out\/c" \(are the arguments in the order/],
    ['emitC', () => api.emitC(qmodel, join(dir, 'c'), { prefix: 'x' }), /options: unknown field 'prefix'/],
    ['floatModelToOnnx', () => api.floatModelToOnnx(qmodel), /model: expected a float model .*, got a quantized IR \(firmnet\.qmodel\)/],
    ['importModelFile', () => api.importModelFile(onnx), /file: expected a file path \(a non-empty string\), got a (Uint8Array|Buffer) of \d+/],
    ['importOnnx', () => api.importOnnx('iris.onnx', { file: 'iris.onnx' }), /bytes: expected a Uint8Array, got the string "iris.onnx"/],
    ['importOnnx', () => api.importOnnx(onnx, {}), /options: 'file' is missing/],
    ['loadDataset', () => api.loadDataset(IRIS, { task: 'multiclass', labelColumn: 'label' }), /options: unknown field 'labelColumn' \(did you mean 'labelColumns'\?\)/],
    ['predictFloat', () => api.predictFloat(model, [5.1, 3.5, 1.4, 0.2], 1), /features: expected a Float32Array, got an array of 4/],
    ['predictFloat', () => api.predictFloat(model, new Float32Array(4)), /rows: expected an integer ≥ 0, got nothing/],
    ['predictFloat', () => api.predictFloat(model, new Float32Array(9), 2), /features: expected 2 rows × 4 features = 8 values, got 9/],
    ['predictFloat', () => api.predictFloat({ ...model, layers: [{ ...model.layers[0], weights: [1, 2] }, ...model.layers.slice(1)] }, new Float32Array(4), 1), /model: layers\[0\]\.weights: has 2 entries, expected 16/],
    ['predictQuantized', () => api.predictQuantized(model, new Float32Array(4), 1), /q: expected a quantized IR .*, got a float model \(firmnet\.model\)/],
    ['loadModel', () => api.loadModel('a.json', 'b.json'), /^loadModel\(file\) takes 1 argument, got 2$/],
    ['loadQModel', () => api.loadQModel(3), /file: expected a file path .*, got the number 3/],
  ];
  it.each(cases)('%s', (_name, call, message) => {
    expect(errorOf(call).message).toMatch(message);
  });

  it('simulate and emitWasm (async) check theirs before any work', async () => {
    expect((await asyncErrorOf(() => api.simulate(qmodel, { targets: 'rp2040' }))).message).toMatch(/options\.targets: expected an array of targets, got the string "rp2040"/);
    expect((await asyncErrorOf(() => api.simulate(qmodel, { targets: ['rp2040'], data: 'models/data/iris/test.csv' }))).message).toMatch(/needs both options\.data .* and options\.model/);
    expect((await asyncErrorOf(() => api.emitWasm(qmodel, join(dir, 'w'), true))).message).toMatch(/options: expected emitWasm options, got the boolean true/);
  });
});

it('right arguments still work', () => {
  const rows = 2;
  const p = firmnet.predictFloat(model, new Float32Array(rows * 4), rows);
  expect(p.scores.length).toBe(rows * 3);
  expect(firmnet.predictQuantized(qmodel, new Float32Array(rows * 4), rows).output.length).toBe(rows * 3);
  const file = join(dir, 'model.q.json');
  firmnet.saveQModel(file, qmodel);
  expect(firmnet.loadQModel(file).hash).toBe(qmodel.hash);
});

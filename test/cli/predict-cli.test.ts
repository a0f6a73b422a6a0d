/**
 * `firmnet predict`: the float model, the IR (golden reference) and the emitted WebAssembly module
 * on a CSV, each checked against the API it runs; the module's CSV equals the IR's byte for byte.
 * Headerless files, every bad line named at once, regression and autoencoder tables.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetForModel } from '../../compiler/data/dataset.js';
import { reconstructionErrors } from '../../compiler/evaluate/anomaly.js';
import { predictFloat } from '../../compiler/inference/float-inference.js';
import { loadModel, saveModel } from '../../compiler/model/model-file.js';
import { loadQModel, saveQModel } from '../../compiler/quantize/qmodel-file.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { Rng } from '../../compiler/rng.js';
import { runFirmnetAsync } from '../helpers/run-async.js';
import { trainSmall } from '../import/trained-models.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-predict-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const TEST_CSV = 'models/data/iris/test.csv';

const { model, test } = trainSmall('iris', { hidden: [16] }, 6);
const q = quantizeModel(model, { features: test.features, rows: test.rows, description: 'iris test rows', seed: 0 }, DEFAULT_QUANTIZE_OPTIONS).qmodel;
const floatFile = join(dir, 'iris.json');
const irFile = join(dir, 'iris.q.json');
const wasmDir = join(dir, 'wasm');

beforeAll(async () => {
  saveModel(floatFile, model);
  saveQModel(irFile, q);
  const emitted = await runFirmnetAsync(['emit', irFile, '--target', 'wasm', '--out', wasmDir]);
  expect(emitted.status, emitted.stderr).toBe(0);
});

function parseCsv(text: string): { columns: string[]; rows: string[][] } {
  const [head, ...rest] = text.trimEnd().split('\n');
  return { columns: head.split(','), rows: rest.map((l) => l.split(',')) };
}

describe('firmnet predict: one table from each backend', () => {
  it('the float model: argmax class, its label and the probabilities of predictFloat', async () => {
    const r = await runFirmnetAsync(['predict', floatFile, '--data', TEST_CSV]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain(`iris: ${test.rows} rows of ${TEST_CSV} predicted by the float model`);
    const { columns, rows } = parseCsv(r.stdout);
    expect(columns).toEqual(['row', 'class', 'label', 'p_0', 'p_1', 'p_2']);
    const scores = predictFloat(model, test.features, test.rows).scores;
    expect(rows).toHaveLength(test.rows);
    rows.forEach((cells, i) => {
      const p = Array.from(scores.subarray(i * 3, i * 3 + 3));
      const best = p.indexOf(Math.max(...p));
      expect(cells.slice(0, 3)).toEqual([String(i + 1), String(best), model.classNames[best]]);
      expect(cells.slice(3).map((c) => Math.fround(Number(c)))).toEqual(p);
    });
  });

  it('the IR runs the golden reference, and the emitted module gives the same CSV byte for byte', async () => {
    const out = join(dir, 'ir.csv');
    const r = await runFirmnetAsync(['predict', irFile, '--data', TEST_CSV, '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    const { rows } = parseCsv(readFileSync(out, 'utf8'));
    const scores = predictQuantized(q, test.features, test.rows).scores;
    rows.forEach((cells, i) => expect(cells.slice(3).map((c) => Math.fround(Number(c)))).toEqual(Array.from(scores.subarray(i * 3, i * 3 + 3))));
    const wasm = await runFirmnetAsync(['predict', wasmDir, '--data', TEST_CSV]);
    expect(wasm.status, wasm.stderr).toBe(0);
    expect(wasm.stderr).toContain('predicted by the WebAssembly module');
    expect(wasm.stdout).toBe(readFileSync(out, 'utf8'));
    const viaFile = await runFirmnetAsync(['predict', join(wasmDir, 'model.wasm'), '--data', TEST_CSV]);
    expect(viaFile.stdout).toBe(wasm.stdout);
  });

  it('--json carries the same table', async () => {
    const [csv, json] = await Promise.all([runFirmnetAsync(['predict', irFile, '--data', TEST_CSV]), runFirmnetAsync(['predict', irFile, '--data', TEST_CSV, '--json'])]);
    const parsed = JSON.parse(json.stdout);
    expect(json.stderr).toBe('');
    expect(parsed.backend).toBe('quantized IR (golden reference)');
    expect(parsed.columns).toEqual(parseCsv(csv.stdout).columns);
    expect(parsed.predictions.map((row: (number | string)[]) => row.map(String))).toEqual(parseCsv(csv.stdout).rows);
  });
});

describe('firmnet predict: input rows', () => {
  const featureRows = Array.from({ length: 5 }, (_, r) => Array.from(test.features.subarray(r * 4, r * 4 + 4)).join(','));

  it('reads a file without a header as the model\'s features in order, and with a header by name in any order', async () => {
    const headerless = join(dir, 'headerless.csv');
    writeFileSync(headerless, `${featureRows.join('\n')}\n`);
    const shuffled = join(dir, 'shuffled.csv');
    const names = model.featureNames;
    const order = [3, 0, 2, 1];
    writeFileSync(shuffled, [['note', ...order.map((j) => names[j])].join(','), ...featureRows.map((l) => ['x', ...order.map((j) => l.split(',')[j])].join(','))].join('\n'));
    const [a, b] = await Promise.all([runFirmnetAsync(['predict', irFile, '--data', headerless]), runFirmnetAsync(['predict', irFile, '--data', shuffled])]);
    expect(a.status, a.stderr).toBe(0);
    expect(a.stderr).toContain('(no header: features in model order)');
    expect(b.stdout).toBe(a.stdout);
    const direct = await runFirmnetAsync(['predict', irFile, '--data', TEST_CSV]);
    expect(a.stdout.split('\n').slice(0, 6)).toEqual(direct.stdout.split('\n').slice(0, 6));
  });

  it('names every bad line at once, writes nothing, and exits 2', async () => {
    const bad = join(dir, 'bad.csv');
    const lines = [featureRows[0], '5.1,3.5,1.4', featureRows[1], `${featureRows[2]},9`, '7.7,abc,6.7,2.2', featureRows[3]];
    writeFileSync(bad, `${lines.join('\n')}\n`);
    const out = join(dir, 'never.csv');
    const r = await runFirmnetAsync(['predict', irFile, '--data', bad, '--out', out]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(
      `firmnet: error: ${bad}: 3 rows cannot be predicted: line 2 has 3 values, the model takes 4 features; line 4 has 5 values, the model takes 4 features; ` +
        `line 5, feature 'sepal_width_cm': 'abc' is not a number. Without a header row each line must hold the model's 4 features in this order: ` +
        'sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width_cm. Nothing was predicted; fix or drop these rows.',
    );
    expect(existsSync(out)).toBe(false);
    const headed = join(dir, 'bad-headed.csv');
    writeFileSync(headed, `${model.featureNames.join(',')}\n${featureRows[0]}\n1,2,3\n`);
    const h = await runFirmnetAsync(['predict', floatFile, '--data', headed]);
    expect(h.status).toBe(2);
    expect(h.stderr).toContain(`${headed}: 1 row cannot be predicted: line 3 has 3 values, the header has 4 columns.`);
    const missing = join(dir, 'missing.csv');
    writeFileSync(missing, 'sepal_length_cm,label\n1,0\n');
    const m = await runFirmnetAsync(['predict', floatFile, '--data', missing]);
    expect(m.status).toBe(2);
    expect(m.stderr).toContain(`${missing} has no column 'sepal_width_cm', one of the model's 4 features; its columns are: sepal_length_cm, label.`);
  });
});

describe('firmnet predict: regression and autoencoder tables', () => {
  it('regression: one column per label, in the target\'s units', async () => {
    const { model: reg, test: regTest } = trainSmall('diabetes', { hidden: [8] }, 3);
    const file = join(dir, 'diabetes.json');
    saveModel(file, reg);
    const r = await runFirmnetAsync(['predict', file, '--data', 'models/data/diabetes/test.csv']);
    expect(r.status, r.stderr).toBe(0);
    const { columns, rows } = parseCsv(r.stdout);
    expect(columns).toEqual(['row', 'label']);
    const scores = predictFloat(reg, regTest.features, regTest.rows).scores;
    expect(rows.map((c) => Math.fround(Number(c[1])))).toEqual(Array.from(scores));
  });

  it('autoencoder: the reconstruction error and the decision at the IR\'s threshold; the module finds its IR next to its folder', async () => {
    const ae = join(dir, 'ae');
    mkdirSync(ae, { recursive: true });
    const rng = new Rng(4);
    const header = ['x0', 'x1', 'x2', 'x3', 'x4', 'x5', 'label'];
    const row = (anomalous: boolean): string => {
      const a = rng.normal();
      const values = Array.from({ length: 6 }, (_, j) => (anomalous ? 3 * rng.normal() : a * Math.sin(j + 1) + 0.05 * rng.normal()));
      return [...values.map((v) => v.toFixed(4)), anomalous ? 1 : 0].join(',');
    };
    writeFileSync(join(ae, 'train.csv'), [header.join(','), ...Array.from({ length: 300 }, () => row(false))].join('\n'));
    writeFileSync(join(ae, 'test.csv'), [header.join(','), ...Array.from({ length: 40 }, (_, i) => row(i >= 20))].join('\n'));
    for (const args of [
      ['train', '--data', join(ae, 'train.csv'), '--task', 'autoencoder', '--hidden', '4,2,4', '--activation', 'tanh', '--epochs', '10', '--out', join(ae, 'model.json')],
      ['quantize', join(ae, 'model.json'), '--out', join(ae, 'model.q.json')],
      ['emit', join(ae, 'model.q.json'), '--target', 'wasm', '--out', join(ae, 'wasm')],
    ]) {
      const step = await runFirmnetAsync(args);
      expect(step.status, step.stderr).toBe(0);
    }
    const aq = loadQModel(join(ae, 'model.q.json'));
    const am = loadModel(join(ae, 'model.json'));
    const data = loadDatasetForModel(am, join(ae, 'test.csv'), []);
    const errors = reconstructionErrors(predictQuantized(aq, data.features, data.rows).scores, data.features, data.rows, aq.inputStandardization);
    const [ir, wasm] = await Promise.all([runFirmnetAsync(['predict', join(ae, 'model.q.json'), '--data', join(ae, 'test.csv')]), runFirmnetAsync(['predict', join(ae, 'wasm'), '--data', join(ae, 'test.csv')])]);
    expect(ir.status, ir.stderr).toBe(0);
    const { columns, rows } = parseCsv(ir.stdout);
    expect(columns).toEqual(['row', 'reconstruction_error', 'anomaly']);
    expect(rows.map((c) => Number(c[1]))).toEqual(Array.from(errors));
    expect(rows.map((c) => Number(c[2]))).toEqual(Array.from(errors, (e) => (e > aq.anomaly!.threshold ? 1 : 0)));
    expect(rows.some((c) => c[2] === '1')).toBe(true);
    expect(wasm.stdout).toBe(ir.stdout);
    // Without the IR next to it, the module alone cannot score an autoencoder.
    const lone = join(dir, 'lone-wasm');
    rmSync(lone, { recursive: true, force: true });
    mkdirSync(lone);
    for (const f of ['model.wasm', 'model.mjs', 'model.d.mts']) writeFileSync(join(lone, f), readFileSync(join(ae, 'wasm', f)));
    const alone = await runFirmnetAsync(['predict', lone, '--data', join(ae, 'test.csv')]);
    expect(alone.status).toBe(2);
    expect(alone.stderr).toContain("an autoencoder's reconstruction error needs the input standardization and threshold of the IR the module was emitted from; pass --ir model.q.json");
    const withIr = await runFirmnetAsync(['predict', lone, '--data', join(ae, 'test.csv'), '--ir', join(ae, 'model.q.json')]);
    expect(withIr.stdout).toBe(ir.stdout);
  });
});

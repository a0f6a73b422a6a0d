/**
 * Every row of the bundled test sets through the emitted module (SIMD and scalar builds): small
 * models trained quickly on each data set, quantized, emitted; the module's integer outputs equal
 * the golden reference's for all rows, and in Node (same Math.exp) its float predictions equal the
 * reference's predictQuantized scores exactly. Variants cover int16 ends (16x8), the int8 softmax
 * head and a tanh hidden layer (lookup tables).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../compiler/data/dataset.js';
import type { ActivationSpec, Task } from '../../compiler/model/float-model.js';
import { DEFAULT_OPTIMIZER } from '../../compiler/nn/optimizers.js';
import { DEFAULT_SCHEDULE } from '../../compiler/nn/schedules.js';
import { DEFAULT_QUANTIZE_OPTIONS, type QuantizeOptions, quantizeModel } from '../../compiler/quantize/quantize.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { trainModel } from '../../compiler/train/train.js';
import { emitAndLoad, removeDir, tempDir } from './wasm-helpers.js';

interface Case {
  data: string;
  task: Task;
  activation: ActivationSpec;
  quantize: Partial<QuantizeOptions>;
  /** Ops (op:input dtype) the quantized model must contain, so the case covers what it claims. */
  ops: string[];
  layerNorm?: boolean;
}

const CASES: Case[] = [
  { data: 'digits', task: 'multiclass', activation: { op: 'relu' }, quantize: {}, ops: ['fully_connected:int8'] },
  { data: 'digits', task: 'multiclass', activation: { op: 'tanh' }, quantize: { headInFirmware: true }, ops: ['lut:int8', 'softmax:int8'] },
  { data: 'breast-cancer', task: 'binary', activation: { op: 'relu' }, quantize: {}, ops: ['fully_connected:int8'] },
  { data: 'iris', task: 'multiclass', activation: { op: 'relu' }, quantize: { int16: ['all'] }, ops: ['fully_connected:int16'] },
  { data: 'diabetes', task: 'regression', activation: { op: 'leaky_relu', alpha: 0.1 }, quantize: {}, ops: ['leaky_relu:int8'] },
  { data: 'digits', task: 'multiclass', activation: { op: 'relu' }, quantize: {}, ops: ['layer_norm:int8'], layerNorm: true },
  { data: 'iris', task: 'multiclass', activation: { op: 'relu' }, quantize: { int16: ['all'] }, ops: ['layer_norm:int16'], layerNorm: true },
];

const dir = tempDir('test-sets');
afterAll(() => removeDir(dir));

describe('every row of the bundled test sets, SIMD and scalar builds', () => {
  CASES.forEach((c, k) => {
    it(`${c.data} (${c.activation.op}${c.layerNorm ? ', layer_norm' : ''}${JSON.stringify(c.quantize) === '{}' ? '' : `, ${JSON.stringify(c.quantize)}`})`, async () => {
      const train = loadDataset(`models/data/${c.data}/train.csv`, { task: c.task, labelColumns: ['label'] });
      const test = loadDataset(`models/data/${c.data}/test.csv`, { task: c.task, labelColumns: ['label'], classNames: train.classNames });
      const { model } = trainModel(
        train,
        {
          task: c.task,
          architecture: { hidden: [32, 16], activation: c.activation, outputActivation: null, batchNorm: false, layerNorm: c.layerNorm, dropout: 0, init: 'auto' },
          loss: null,
          optimizer: DEFAULT_OPTIMIZER,
          learningRate: 3e-3,
          schedule: DEFAULT_SCHEDULE,
          clipNorm: null,
          epochs: 8,
          batchSize: 32,
          validationSplit: 0,
          earlyStopping: null,
          standardize: true,
          seed: 0,
        },
        c.data,
      );
      const { qmodel } = quantizeModel(model, { features: train.features, rows: train.rows, description: 'train.csv', seed: 0 }, { ...DEFAULT_QUANTIZE_OPTIONS, ...c.quantize });
      const ops = new Set(qmodel.layers.map((l) => `${l.op}:${l.input.dtype}`));
      for (const op of c.ops) expect(ops).toContain(op);
      const golden = predictQuantized(qmodel, test.features, test.rows);
      for (const simd of [true, false]) {
        const { model: wasm } = await emitAndLoad(qmodel, `${dir}/${k}-${simd ? 'simd' : 'scalar'}`, simd);
        const got = wasm.predictDetailed(test.features, test.rows);
        expect(got.rows).toBe(test.rows);
        // Compare as whole arrays: one assertion, and a diff that shows where they part.
        expect(Array.from(got.output)).toEqual(Array.from(golden.output));
        expect(Array.from(got.dequantized)).toEqual(Array.from(golden.dequantized));
        expect(Array.from(got.scores)).toEqual(Array.from(golden.scores));
        expect(Array.from(wasm.predictBatch(test.features, test.rows))).toEqual(Array.from(golden.scores));
      }
    });
  });

  it('covers the test sets of all four bundled data sets', () => {
    expect(new Set(CASES.map((c) => c.data))).toEqual(new Set(['digits', 'breast-cancer', 'iris', 'diabetes']));
  });
});

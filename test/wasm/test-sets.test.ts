/**
 * Every row of the bundled test sets through the emitted module (SIMD and scalar builds): small
 * models trained quickly on each data set, quantized, emitted; the module's integer outputs equal
 * the golden reference's for all rows, and in Node (same Math.exp) its float predictions equal the
 * reference's predictQuantized scores exactly. Variants cover int16 ends (16x8), the int8 softmax
 * head and a tanh hidden layer (lookup tables).
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { ActivationSpec, Task } from '../../compiler/model/float-model.js';
import { ARCHITECTURE_OPTIONS } from '../../compiler/ops/float-layers.js';
import type { QuantizeOptions } from '../../compiler/quantize/quantize.js';
import type { ArchitectureFlags } from '../../compiler/train/settings.js';
import { BUNDLED_MODELS } from '../../scripts/code-size/bundled-models.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { offThread } from '../helpers/off-thread.js';
import { emitAndLoad, removeDir, tempDir } from './wasm-helpers.js';

/** Training and quantizing (seconds of CPU per case) run in a worker thread (test/helpers/off-thread.ts). */
const models = offThread<typeof import('./test-set-models.js')>(new URL('./test-set-models.ts', import.meta.url));

interface Case {
  data: string;
  task: Task;
  activation: ActivationSpec;
  quantize: Partial<QuantizeOptions>;
  /** Ops (op:input dtype) the quantized model must contain, so the case covers what it claims. */
  ops: string[];
  /** Opt-in layers of the trainer's architecture that are on. */
  flags?: Partial<ArchitectureFlags>;
  /** Quantization-aware training epochs before the conversion. */
  qatEpochs?: number;
}

function taskOf(data: string): Task {
  const found = BUNDLED_MODELS.find((m) => m.dataset === data);
  if (!found) throw new Error(`no bundled data set '${data}'`);
  return found.task;
}

const CASES: Case[] = [
  { data: 'digits', task: 'multiclass', activation: { op: 'relu' }, quantize: {}, ops: ['fully_connected:int8'] },
  { data: 'digits', task: 'multiclass', activation: { op: 'tanh' }, quantize: { headInFirmware: true }, ops: ['lut:int8', 'softmax:int8'] },
  { data: 'breast-cancer', task: 'binary', activation: { op: 'relu' }, quantize: {}, ops: ['fully_connected:int8'] },
  { data: 'iris', task: 'multiclass', activation: { op: 'relu' }, quantize: { int16: ['all'] }, ops: ['fully_connected:int16'] },
  { data: 'diabetes', task: 'regression', activation: { op: 'leaky_relu', alpha: 0.1 }, quantize: {}, ops: ['leaky_relu:int8'] },
  // Each opt-in layer's own test sets (its architectureOption's testSets).
  ...ARCHITECTURE_OPTIONS.flatMap((option) =>
    option.testSets.map((t): Case => ({
      data: t.data,
      task: taskOf(t.data),
      activation: { op: 'relu' },
      quantize: t.int16 ? { int16: ['all'] } : {},
      ops: [t.covers],
      flags: { [option.field]: true },
    })),
  ),
  { data: 'breast-cancer', task: 'binary', activation: { op: 'relu' }, quantize: {}, ops: ['fully_connected:int8'], qatEpochs: 3 },
];

const dir = tempDir('test-sets');
afterAll(() => removeDir(dir));

describe('every row of the bundled test sets, SIMD and scalar builds', () => {
  CASES.forEach((c, k) => {
    it(`${c.data} (${c.activation.op}${Object.keys(c.flags ?? {}).map((f) => `, ${f}`).join('')}${c.qatEpochs ? ', QAT' : ''}${JSON.stringify(c.quantize) === '{}' ? '' : `, ${JSON.stringify(c.quantize)}`})`, async () => {
      const { qmodel, test } = await models.quickModel(c.data, c.task, c.activation, c.quantize, c.flags ?? {}, c.qatEpochs ?? null);
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

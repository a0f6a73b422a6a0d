/**
 * A multilabel model end to end: trained (per-label positive weights, thresholds chosen for max F1
 * on the validation split), quantized, emitted as C (host gcc, and Cortex-M0+ under QEMU when its
 * tools are installed) and WebAssembly, and simulated. Every backend's output codes must equal the
 * golden reference's on every row, and so must its decisions (output code ≥ the IR's threshold
 * code), which in turn must be the reference probability ≥ the float threshold.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QMODEL_VERSION } from '../../compiler/ir/qmodel.js';
import type { Dataset } from '../../compiler/data/dataset.js';
import { emitC } from '../../compiler/emit/c/emit-c.js';
import { DEFAULT_OPTIMIZER } from '../../compiler/nn/optimizers.js';
import { DEFAULT_SCHEDULE } from '../../compiler/nn/schedules.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import { parseQModelText, qmodelToJson } from '../../compiler/quantize/qmodel-file.js';
import { decideOutputs } from '../../compiler/reference/decisions.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { quantizeInput } from '../../compiler/reference/io.js';
import { Rng } from '../../compiler/rng.js';
import { type TrainConfig, trainModel } from '../../compiler/train/train.js';
import { simulate } from '../../firmware-sim/simulate.js';
import { resolveTarget, loadCores } from '../../firmware-sim/targets.js';
import { missingTools, runBareMetalAsync } from '../../firmware-sim/qemu/bare-metal.js';
import { removeDir, runMainProgram, tempDir } from '../c/c-build.js';
import { emitAndLoad } from '../wasm/wasm-helpers.js';

/**
 * Seeded rows of 6 features and 3 labels: `sum` (x0 + x1 > 0.3), `product` (x2 · x3 > 0, with 5%
 * of labels flipped) and `rare` (x4 − 0.5·x5 > 1.3, about 10% positive), so the rare label needs
 * its positive weight.
 */
export function multilabelRows(rows: number, seed: number): Dataset {
  const rng = new Rng(seed);
  const features = new Float32Array(rows * 6);
  const targets = new Float32Array(rows * 3);
  for (let r = 0; r < rows; r++) {
    const x = Array.from({ length: 6 }, () => rng.normal());
    features.set(x, r * 6);
    const flip = rng.uniform() < 0.05;
    targets[r * 3] = x[0] + x[1] > 0.3 ? 1 : 0;
    targets[r * 3 + 1] = x[2] * x[3] > 0 !== flip ? 1 : 0;
    targets[r * 3 + 2] = x[4] - 0.5 * x[5] > 1.3 ? 1 : 0;
  }
  return {
    file: `synthetic multilabel rows (seed ${seed})`,
    task: 'multilabel',
    featureNames: ['x0', 'x1', 'x2', 'x3', 'x4', 'x5'],
    labelColumns: ['sum', 'product', 'rare'],
    rows,
    features,
    classNames: ['sum', 'product', 'rare'],
    targets,
    targetColumns: 3,
    labels: new Int32Array(0),
  };
}

const config: TrainConfig = {
  task: 'multilabel',
  architecture: { hidden: [16, 8], activation: { op: 'relu' }, outputActivation: null, batchNorm: false, dropout: 0, init: 'auto' },
  loss: null,
  optimizer: DEFAULT_OPTIMIZER,
  learningRate: 1e-2,
  schedule: DEFAULT_SCHEDULE,
  clipNorm: null,
  epochs: 30,
  batchSize: 32,
  validationSplit: 0.25,
  earlyStopping: null,
  standardize: true,
  seed: 5,
  lossWeights: { classWeight: null, posWeight: [1, 1, 4] },
  threshold: { rule: 'max-f1' },
};

const train = multilabelRows(600, 1);
const test = multilabelRows(200, 2);
const { model } = trainModel(train, config, 'tags');
const q = quantizeModel(model, { features: train.features, rows: train.rows, description: 'training rows', seed: 0 }, DEFAULT_QUANTIZE_OPTIONS).qmodel;
const reference = predictQuantized(q, test.features, test.rows);
const decisions = decideOutputs(q, reference.output, test.rows);

let work: string;
beforeAll(() => {
  work = tempDir('multilabel');
});
afterAll(() => removeDir(work));

describe('multilabel end to end', () => {
  it('training chose a threshold per label on the validation split and the IR carries them as codes', () => {
    expect(model.decision?.rule).toBe('max-f1');
    expect(model.decision?.thresholds).toHaveLength(3);
    // The weighted rare label's threshold sits above 0.5: its positive weight of 4 pushed its probabilities up.
    expect(model.decision!.thresholds[2]).toBeGreaterThan(0.5);
    for (const v of model.decision!.validation) expect(v.f1).toBeGreaterThan(0.6);
    expect(q.version).toBe(QMODEL_VERSION);
    expect(q.decision!.thresholds).toEqual(model.decision!.thresholds);
    expect(parseQModelText(qmodelToJson(q), 'tags.q.json').decision).toEqual(q.decision);
  });

  it('the decisions are the reference probability ≥ the float threshold, and both occur for every label', () => {
    for (let r = 0; r < test.rows; r++) {
      for (let j = 0; j < 3; j++) expect(decisions[r * 3 + j], `row ${r} label ${j}`).toBe(reference.scores[r * 3 + j] >= q.decision!.thresholds[j] ? 1 : 0);
    }
    for (let j = 0; j < 3; j++) expect(new Set(Array.from({ length: test.rows }, (_, r) => decisions[r * 3 + j]))).toEqual(new Set([0, 1]));
  });

  it('C on the host: the reference output codes and decisions on every row (<name>_predict_class)', async () => {
    const dir = join(work, 'c');
    const { names } = emitC(q, dir, { name: 'tags', command: 'test multilabel' });
    const main =
      `#include <stdio.h>\n#include "tags.h"\n\nint main(void) {\n    float row[TAGS_INPUT_SIZE];\n    int8_t *in = tags_input_buffer();\n    int8_t *out = tags_output_buffer();\n    uint8_t positive[TAGS_OUTPUT_SIZE];\n    int i;\n` +
        `    while (fread(row, sizeof row, 1, stdin) == 1) {\n        int32_t count;\n        tags_quantize_input(row, in);\n        tags_invoke(in, out);\n        count = tags_predict_class(out, positive);\n` +
        `        for (i = 0; i < TAGS_OUTPUT_SIZE; ++i) {\n            printf("%d %d ", (int)out[i], (int)positive[i]);\n        }\n        printf("%ld\\n", (long)count);\n    }\n    return 0;\n}\n`;
    const lines = await runMainProgram(dir, main, names, Buffer.from(test.features.buffer, test.features.byteOffset, test.rows * 6 * 4));
    expect(lines).toHaveLength(test.rows);
    lines.forEach((line, r) => {
      const v = line.split(' ').map(Number);
      const codes = [v[0], v[2], v[4]];
      const positive = [v[1], v[3], v[5]];
      expect(codes, `row ${r} codes`).toEqual(Array.from(reference.output.subarray(r * 3, r * 3 + 3)));
      expect(positive, `row ${r} decisions`).toEqual(Array.from(decisions.subarray(r * 3, r * 3 + 3)));
      expect(v[6]).toBe(positive.reduce((a, b) => a + b, 0));
    });
  });

  it.each([true, false])('WebAssembly (simd %s): the reference output codes and decisions on every row (predictClass)', async (simd) => {
    const { model: wasm } = await emitAndLoad(q, join(work, `wasm-${simd}`), simd);
    const detailed = wasm.predictDetailed(test.features, test.rows);
    expect(Array.from(detailed.output)).toEqual(Array.from(reference.output));
    const loaded = wasm as unknown as { predictClass(features: Float32Array): Uint8Array };
    for (let r = 0; r < test.rows; r++) {
      expect(Array.from(loaded.predictClass(test.features.subarray(r * 6, r * 6 + 6))), `row ${r}`).toEqual(Array.from(decisions.subarray(r * 3, r * 3 + 3)));
    }
  });

  it('the simulator scores it against the float model', async () => {
    const [report] = await simulate(q, { targets: [resolveTarget('rp2040')], accuracy: { model, data: test, dataFile: test.file }, wasmDir: join(work, 'wasm-true') });
    expect(report.model.task).toBe('multilabel');
    expect(report.accuracy).not.toBeNull();
    expect(report.cycles.totalCycles).toBeGreaterThan(0);
  });

  const m0 = loadCores().find((c) => c.id === 'cortex-m0plus')!;
  const missing = missingTools(m0);
  if (missing) console.warn(`SKIP: multilabel on cortex-m0plus under QEMU: ${missing}`);
  it.skipIf(missing !== null)('Cortex-M0+ under QEMU: the reference output codes, so the same decisions', async () => {
    const input = quantizeInput(q, test.features, test.rows);
    const onTarget = await runBareMetalAsync(q, m0, '-Os', input, test.rows, join(work, 'm0'));
    expect(onTarget.outputs.flat()).toEqual(Array.from(reference.output));
    expect(Array.from(decideOutputs(q, Int8Array.from(onTarget.outputs.flat()), test.rows))).toEqual(Array.from(decisions));
  }, 60_000);
});

/**
 * The autoencoder's decision in integers, end to end: a small seeded autoencoder trained on the
 * bundled vibration data with --threshold fpr=0.05, quantized, emitted as C (host gcc) and
 * WebAssembly. The integer anomaly score and the decision (score above the IR's threshold score)
 * of every test row must equal the golden reference's in every backend, rows near the threshold
 * included; the integer score must rank rows as well as the float reconstruction error does.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../compiler/data/dataset.js';
import { emitC } from '../../compiler/emit/c/emit-c.js';
import { reconstructionErrors } from '../../compiler/evaluate/anomaly.js';
import { rocCurve } from '../../compiler/evaluate/score-distribution.js';
import { predictFloat } from '../../compiler/inference/float-inference.js';
import { DEFAULT_OPTIMIZER } from '../../compiler/nn/optimizers.js';
import { DEFAULT_SCHEDULE } from '../../compiler/nn/schedules.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import { parseQModelText, qmodelToJson } from '../../compiler/quantize/qmodel-file.js';
import { anomalyScores, isAnomaly, maxAnomalyScore } from '../../compiler/reference/anomaly-score.js';
import { quantizeInput } from '../../compiler/reference/io.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { outputTensor } from '../../compiler/ir/qmodel.js';
import { trainModel } from '../../compiler/train/train.js';
import { removeDir, runMainProgram, tempDir } from '../c/c-build.js';
import { emitAndLoad } from '../wasm/wasm-helpers.js';

const train = loadDataset('models/data/vibration/train.csv', { task: 'autoencoder', labelColumns: ['label'] });
const test = loadDataset('models/data/vibration/test.csv', { task: 'autoencoder', labelColumns: ['label'] });
const features = train.featureNames.length;
const { model } = trainModel(
  train,
  {
    task: 'autoencoder',
    architecture: { hidden: [32, 8, 32], activation: { op: 'relu' }, outputActivation: null, batchNorm: false, dropout: 0, init: 'auto' },
    loss: null,
    optimizer: DEFAULT_OPTIMIZER,
    learningRate: 3e-3,
    schedule: DEFAULT_SCHEDULE,
    clipNorm: null,
    epochs: 6,
    batchSize: 32,
    validationSplit: 0.2,
    earlyStopping: null,
    standardize: true,
    seed: 3,
    lossWeights: { classWeight: null, posWeight: null },
    threshold: { rule: 'fpr', target: 0.05 },
  },
  'vibration',
);
const q = quantizeModel(model, { features: train.features, rows: train.rows, description: 'training rows', seed: 0 }, DEFAULT_QUANTIZE_OPTIONS).qmodel;
const reference = predictQuantized(q, test.features, test.rows);
const scores = anomalyScores(q, quantizeInput(q, test.features, test.rows), reference.output, test.rows);
const decisions = isAnomaly(q, scores);
const threshold = q.decision!.codes[0];

let work: string;
beforeAll(() => {
  work = tempDir('autoencoder-decision');
});
afterAll(() => removeDir(work));

describe('autoencoder decision in integers', () => {
  it('quantize stores an integer score threshold at the float model\'s percentile, and the IR file round-trips it', () => {
    expect(model.anomaly!.percentile).toBeCloseTo(95, 10);
    expect(q.decision!.rule).toBe('percentile');
    expect(q.decision!.thresholds).toEqual([model.anomaly!.percentile]);
    expect(Number.isInteger(threshold)).toBe(true);
    expect(threshold).toBeGreaterThan(0);
    expect(threshold).toBeLessThan(maxAnomalyScore(outputTensor(q)));
    expect(parseQModelText(qmodelToJson(q), 'vibration.q.json').decision).toEqual(q.decision);
    // About 5% of the calibration (all normal) rows score above it.
    const calibration = anomalyScores(q, quantizeInput(q, train.features, train.rows), predictQuantized(q, train.features, train.rows).output, train.rows);
    const flagged = calibration.filter((s) => s > threshold).length / train.rows;
    expect(flagged).toBeGreaterThan(0.03);
    expect(flagged).toBeLessThan(0.07);
  });

  it('the IR parser rejects a threshold score beyond the largest score the outputs can give', () => {
    const json = JSON.parse(qmodelToJson(q)) as { decision: { codes: number[] } };
    json.decision.codes = [maxAnomalyScore(outputTensor(q)) + 1];
    expect(() => parseQModelText(JSON.stringify(json), 'bad.q.json')).toThrow(/decision\.codes/);
  });

  it('the integer score ranks the test rows as the reconstruction error does (ROC-AUC), and flags about 5% of the normal ones', () => {
    const labels = test.labels;
    const floatErrors = reconstructionErrors(predictFloat(model, test.features, test.rows).scores, test.features, test.rows, model.inputStandardization);
    const int8Errors = reconstructionErrors(reference.scores, test.features, test.rows, q.inputStandardization);
    const auc = { float: rocCurve(floatErrors, labels)!.auc, int8Error: rocCurve(int8Errors, labels)!.auc, int8Score: rocCurve(scores, labels)!.auc };
    let normals = 0;
    let falsePositives = 0;
    for (let r = 0; r < test.rows; r++) if (labels[r] === 0) (normals++, (falsePositives += decisions[r]));
    console.log(`vibration autoencoder: ROC-AUC float ${auc.float.toFixed(4)}, int8 error ${auc.int8Error.toFixed(4)}, int8 integer score ${auc.int8Score.toFixed(4)}; FPR on test normal rows ${(falsePositives / normals).toFixed(4)} (target 0.05), threshold score ${threshold}`);
    expect(Math.abs(auc.int8Score - auc.int8Error)).toBeLessThan(0.01);
    expect(falsePositives / normals).toBeLessThan(0.15);
    // Both decisions occur, and some rows score within 5% of the threshold on each side.
    expect(new Set(decisions)).toEqual(new Set([0, 1]));
    expect(scores.some((s) => s <= threshold && s > threshold * 0.95)).toBe(true);
    expect(scores.some((s) => s > threshold && s < threshold * 1.05)).toBe(true);
  });

  it('C on the host: <name>_anomaly_score, <name>_is_anomaly and <name>_classify on every test row', async () => {
    const dir = join(work, 'c');
    const { names } = emitC(q, dir, { name: 'vib', command: 'test autoencoder decision' });
    const main =
      `#include <stdio.h>\n#include "vib.h"\n\nint main(void) {\n    float row[VIB_INPUT_SIZE];\n    int8_t in[VIB_INPUT_SIZE];\n    int8_t *out = vib_output_buffer();\n` +
        `    while (fread(row, sizeof row, 1, stdin) == 1) {\n        vib_result_t result;\n        unsigned long long score;\n        int32_t anomalous;\n        vib_quantize_input(row, in);\n        vib_invoke(in, out);\n` +
        `        score = (unsigned long long)vib_anomaly_score(in, out);\n        anomalous = vib_is_anomaly(in, out);\n        (void)vib_classify(row, &result);\n` +
        `        printf("%llu %ld %ld\\n", score, (long)anomalous, (long)result.class_index);\n    }\n    return 0;\n}\n`;
    const lines = await runMainProgram(dir, main, names, Buffer.from(test.features.buffer, test.features.byteOffset, test.rows * features * 4));
    expect(lines).toHaveLength(test.rows);
    lines.forEach((line, r) => {
      const [score, anomalous, classIndex] = line.split(' ').map(Number);
      expect(score, `row ${r} score`).toBe(scores[r]);
      expect(anomalous, `row ${r} is_anomaly`).toBe(decisions[r]);
      expect(classIndex, `row ${r} classify`).toBe(decisions[r]);
    });
  });

  it.each([true, false])('WebAssembly (simd %s): anomalyScore and isAnomaly on every test row', async (simd) => {
    const { model: wasm } = await emitAndLoad(q, join(work, `wasm-${simd}`), simd);
    const loaded = wasm as unknown as { anomalyScore(f: Float32Array): number; isAnomaly(f: Float32Array): boolean; anomalyScoreThreshold?: number };
    for (let r = 0; r < test.rows; r++) {
      const row = test.features.subarray(r * features, (r + 1) * features);
      expect(loaded.anomalyScore(row), `row ${r} score`).toBe(scores[r]);
      expect(loaded.isAnomaly(row), `row ${r} decision`).toBe(decisions[r] === 1);
    }
  });
});

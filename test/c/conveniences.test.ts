/**
 * The run_classifier-style conveniences of the generated C: `<name>_classify` (float features in,
 * label out) must decide every test row as firmnet's evaluation does on the golden reference's
 * outputs (argmax, a binary probability ≥ 0.5, an error above the anomaly threshold), with the same
 * probability or error to float32 rounding; `<name>_feature_names` must list the IR's features in
 * order. Built with the strict warning set, for each decision the generator writes.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDatasetForModel } from '../../compiler/data/dataset.js';
import { emitC } from '../../compiler/emit/c/emit-c.js';
import { decisionOf } from '../../compiler/emit/c/render-conveniences.js';
import { reconstructionErrors } from '../../compiler/evaluate/anomaly.js';
import { argmaxRows } from '../../compiler/evaluate/metrics.js';
import { DEFAULT_OPTIMIZER } from '../../compiler/nn/optimizers.js';
import { DEFAULT_SCHEDULE } from '../../compiler/nn/schedules.js';
import { type QModel, anomalyDecision } from '../../compiler/ir/qmodel.js';
import { anomalyScores, isAnomaly } from '../../compiler/reference/anomaly-score.js';
import { quantizeInput } from '../../compiler/reference/io.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { Rng } from '../../compiler/rng.js';
import { trainModel } from '../../compiler/train/train.js';
import { loadVectors } from '../helpers/vectors.js';
import { loadSplit, trainSmall } from '../import/trained-models.js';
import { removeDir, runMainProgram, tempDir } from './c-build.js';

let work: string;
beforeAll(() => {
  work = tempDir('conveniences');
});
afterAll(() => removeDir(work));

interface Case {
  name: string;
  q: QModel;
  features: Float32Array;
  rows: number;
}

const vectors = loadVectors();
const vectorCase = (name: string, csv: string): Case => {
  const q = vectors.find((v) => v.name === name)!.qmodel;
  const data = loadDatasetForModel(q, csv);
  return { name, q, features: data.features, rows: data.rows };
};

/** A 6-feature autoencoder on rows near a line, with anomalies off it: trained here in a second. */
function autoencoderCase(): Case {
  const rng = new Rng(2);
  const rowsOf = (n: number, anomalies: number): Float32Array => {
    const out = new Float32Array((n + anomalies) * 6);
    for (let r = 0; r < n + anomalies; r++) {
      const a = rng.normal();
      for (let j = 0; j < 6; j++) out[r * 6 + j] = r < n ? 2 * a * Math.sin(j + 1) + 5 + 0.05 * rng.normal() : 5 + 2 * rng.normal();
    }
    return out;
  };
  const train = rowsOf(300, 0);
  const dataset = { file: 'synthetic', task: 'autoencoder' as const, featureNames: ['a', 'b', 'c', 'd', 'e', 'f'], labelColumns: [], rows: 300, features: train, classNames: [], targets: new Float32Array(train), targetColumns: 6, labels: new Int32Array(0) };
  const { model } = trainModel(
    dataset,
    {
      task: 'autoencoder',
      architecture: { hidden: [8, 2, 8], activation: { op: 'tanh' }, outputActivation: null, batchNorm: false, dropout: 0, init: 'auto' },
      loss: null,
      optimizer: DEFAULT_OPTIMIZER,
      learningRate: 1e-2,
      schedule: DEFAULT_SCHEDULE,
      clipNorm: null,
      epochs: 15,
      batchSize: 32,
      validationSplit: 0,
      earlyStopping: null,
      standardize: true,
      seed: 3,
    },
    'ae',
  );
  const q = quantizeModel(model, { features: train, rows: 300, description: 'training rows', seed: 0 }, DEFAULT_QUANTIZE_OPTIONS).qmodel;
  return { name: 'autoencoder', q, features: rowsOf(40, 40), rows: 80 };
}

function binarySigmoidCase(): Case {
  const { model, test } = trainSmall('breast-cancer', { hidden: [8] }, 3);
  const q = quantizeModel(model, { features: test.features, rows: test.rows, description: 'test rows', seed: 0 }, DEFAULT_QUANTIZE_OPTIONS).qmodel;
  return { name: 'breast-cancer-sigmoid', q, features: test.features, rows: test.rows };
}

/** A binary model with a threshold chosen on its validation split (recall=0.99 puts it well away from 0.5): `_classify` decides on the threshold code. */
function binaryThresholdCase(): Case {
  const { train, test } = loadSplit('breast-cancer');
  const { model } = trainModel(
    train,
    {
      task: 'binary',
      architecture: { hidden: [8], activation: { op: 'relu' }, outputActivation: null, batchNorm: false, dropout: 0, init: 'auto' },
      loss: null,
      optimizer: DEFAULT_OPTIMIZER,
      learningRate: 1e-3,
      schedule: DEFAULT_SCHEDULE,
      clipNorm: null,
      epochs: 8,
      batchSize: 32,
      validationSplit: 0.2,
      earlyStopping: null,
      standardize: true,
      seed: 3,
      lossWeights: { classWeight: 'balanced', posWeight: null },
      threshold: { rule: 'recall', target: 0.99 },
    },
    'bc',
  );
  const q = quantizeModel(model, { features: test.features, rows: test.rows, description: 'test rows', seed: 0 }, DEFAULT_QUANTIZE_OPTIONS).qmodel;
  return { name: 'breast-cancer-threshold', q, features: test.features, rows: test.rows };
}

const CASES: (() => Case)[] = [
  () => vectorCase('digits-leaky-per-tensor', 'models/data/digits/test.csv'),
  () => vectorCase('iris-softmax-head', 'models/data/iris/test.csv'),
  () => vectorCase('iris-int16-all', 'models/data/iris/test.csv'),
  () => vectorCase('breast-cancer-tanh-bn', 'models/data/breast-cancer/test.csv'),
  binarySigmoidCase,
  binaryThresholdCase,
  autoencoderCase,
];

/** What the golden reference's outputs decide per row: class index and its probability, or anomaly and the error. */
function referenceDecisions(c: Case): { index: number; score: number }[] {
  const { scores, cols, output } = predictQuantized(c.q, c.features, c.rows);
  if (c.q.task === 'autoencoder') {
    const errors = reconstructionErrors(scores, c.features, c.rows, c.q.inputStandardization);
    // With an integer decision in the IR the label is the reference's integer one; the score stays the float error.
    const anomalous = anomalyDecision(c.q) ? isAnomaly(c.q, anomalyScores(c.q, quantizeInput(c.q, c.features, c.rows), output, c.rows)) : null;
    return Array.from(errors, (e, r) => ({ index: anomalous ? anomalous[r] : e > c.q.anomaly!.threshold ? 1 : 0, score: e }));
  }
  const threshold = c.q.decision?.thresholds[0] ?? 0.5;
  if (cols === 1) return Array.from(scores, (p) => (p >= threshold ? { index: 1, score: p } : { index: 0, score: 1 - p }));
  const best = argmaxRows(scores, c.rows, cols);
  return Array.from(best, (b, r) => ({ index: b, score: scores[r * cols + b] }));
}

describe.each(CASES.map((make) => [make]))('<name>_classify', (make) => {
  const c = make();
  it(`${c.name}: the reference's decision on every row, the feature names in order`, async () => {
    const decision = decisionOf(c.q);
    expect(decision).not.toBeNull();
    const dir = join(work, c.name);
    const { names } = emitC(c.q, dir, { name: 'model', command: 'test/c conveniences' });
    const nf = c.q.featureNames.length;
    const main =
      `#include <stdio.h>\n#include "model.h"\n\nint main(void) {\n    float row[MODEL_INPUT_SIZE];\n    model_result_t result;\n    int i;\n` +
        `    for (i = 0; i < MODEL_INPUT_SIZE; ++i) {\n        printf("feature %s\\n", model_feature_names[i]);\n    }\n` +
        `    while (fread(row, sizeof row, 1, stdin) == 1) {\n        const char *label = model_classify(row, &result);\n` +
        `        printf("%ld %s %s %.9g\\n", (long)result.class_index, label, result.label, (double)result.score);\n    }\n    return 0;\n}\n`;
    const lines = await runMainProgram(dir, main, names, Buffer.from(c.features.buffer, c.features.byteOffset, c.rows * nf * 4));
    expect(lines.slice(0, nf)).toEqual(c.q.featureNames.map((f) => `feature ${f}`));
    const labels = c.q.task === 'autoencoder' ? ['normal', 'anomaly'] : c.q.classNames;
    const expected = referenceDecisions(c);
    const got = lines.slice(nf).map((l) => l.split(' '));
    expect(got).toHaveLength(c.rows);
    got.forEach(([index, label, resultLabel, score], r) => {
      expect(Number(index), `row ${r}`).toBe(expected[r].index);
      expect(label).toBe(labels[expected[r].index]);
      expect(resultLabel).toBe(label);
      expect(Math.abs(Number(score) - expected[r].score)).toBeLessThanOrEqual(2e-6 * Math.max(1, expected[r].score));
    });
    if (c.q.decision) {
      // Some row falls between 0.5 and the chosen threshold, so the threshold (not 0.5) decided it.
      const t = c.q.decision.thresholds[0];
      const { scores } = predictQuantized(c.q, c.features, c.rows);
      expect(Array.from(scores).some((p) => (p >= 0.5) !== (p >= t))).toBe(true);
    }
    if (c.q.task === 'autoencoder') {
      // Both decisions occur, so the threshold comparison is exercised in both directions.
      expect(new Set(got.map((g) => g[0]))).toEqual(new Set(['0', '1']));
    }
  });
});

import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../compiler/data/dataset.js';
import { FirmnetError } from '../../compiler/errors.js';
import { modelToJson } from '../../compiler/model/model-file.js';
import { DEFAULT_OPTIMIZER } from '../../compiler/nn/optimizers.js';
import { DEFAULT_SCHEDULE } from '../../compiler/nn/schedules.js';
import { runSanityCheck } from '../../compiler/train/sanity.js';
import { type TrainConfig, trainModel } from '../../compiler/train/train.js';
import { evaluateScores } from '../../compiler/evaluate/evaluate.js';
import { predictFloat } from '../../compiler/inference/float-inference.js';
import { offThread } from '../helpers/off-thread.js';

const iris = loadDataset('models/data/iris/train.csv', { task: 'multiclass', labelColumns: ['label'] });
const irisTest = loadDataset('models/data/iris/test.csv', { task: 'multiclass', labelColumns: ['label'], classNames: iris.classNames });

function config(overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    task: 'multiclass',
    architecture: { hidden: [16, 8], activation: { type: 'relu' }, outputActivation: null, batchNorm: false, dropout: 0, init: 'auto' },
    loss: null,
    optimizer: DEFAULT_OPTIMIZER,
    learningRate: 1e-2,
    schedule: DEFAULT_SCHEDULE,
    clipNorm: null,
    epochs: 30,
    batchSize: 16,
    validationSplit: 0.2,
    earlyStopping: null,
    standardize: true,
    seed: 3,
    ...overrides,
  };
}

describe('training', () => {
  it('is deterministic: same data and seed give a byte-identical model file', () => {
    const withExtras = config({ architecture: { ...config().architecture, dropout: 0.2, batchNorm: true } });
    const a = modelToJson(trainModel(iris, withExtras, 'iris').model);
    const b = modelToJson(trainModel(iris, withExtras, 'iris').model);
    expect(a).toBe(b);
    const c = modelToJson(trainModel(iris, { ...withExtras, seed: 4 }, 'iris').model);
    expect(c).not.toBe(a);
  });

  it('trains with a batch size beyond the data as with one batch of all the rows', () => {
    // 120 rows, 20 % held out for validation: 96 rows to fit. The engine is sized for the largest
    // batch that occurs, not for the batch size asked for (1e9 rows would need ~1e6 GiB).
    const full = trainModel(iris, config({ batchSize: 96, epochs: 3 }), 'iris').model;
    const huge = trainModel(iris, config({ batchSize: 1e9, epochs: 3 }), 'iris').model;
    expect(huge.layers).toEqual(full.layers);
    expect(huge.layers[0].type === 'dense' && huge.layers[0].weights.length).toBe(4 * 16);
  });

  it('gives the pinned model bytes for a seed (the same on every machine and run)', () => {
    // SHA-256 of the model files. They change only when the training arithmetic does: re-pin then,
    // and re-check the accuracy tables in docs/training.md.
    const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
    const withExtras = config({ architecture: { ...config().architecture, dropout: 0.2, batchNorm: true } });
    expect(sha256(modelToJson(trainModel(iris, withExtras, 'iris').model))).toBe(PINNED.iris);
    const diabetes = loadDataset('models/data/diabetes/train.csv', { task: 'regression', labelColumns: ['label'] });
    const regression = config({
      task: 'regression',
      architecture: { hidden: [12, 6], activation: { type: 'leaky_relu', alpha: 0.1 }, outputActivation: null, batchNorm: false, dropout: 0, init: 'auto' },
      optimizer: { ...DEFAULT_OPTIMIZER, name: 'momentum', nesterov: true, weightDecay: 1e-3 },
      clipNorm: 1,
      epochs: 5,
      batchSize: 20,
    });
    expect(sha256(modelToJson(trainModel(diabetes, regression, 'diabetes').model))).toBe(PINNED.diabetes);
  });

  it('learns iris', () => {
    const { model } = trainModel(iris, config({ epochs: 60 }), 'iris');
    const e = evaluateScores(predictFloat(model, irisTest.features, irisTest.rows).scores, irisTest);
    expect(e.accuracy).toBeGreaterThanOrEqual(0.9);
  });

  it('early stopping restores the best epoch', () => {
    const result = trainModel(iris, config({ epochs: 200, learningRate: 0.05, earlyStopping: { metric: 'val_loss', patience: 5, minDelta: 0 } }), 'iris');
    expect(result.stoppedEarly).toBe(true);
    expect(result.history.length).toBe(result.bestEpoch + 5);
    const best = result.history[result.bestEpoch - 1];
    expect(Math.min(...result.history.map((h) => h.valLoss!))).toBe(best.valLoss);
    // Marked: exactly the epochs that set a new lowest validation loss, the last of them the one kept.
    let lowest = Infinity;
    for (const h of result.history) {
      expect(h.best).toBe(h.valLoss! < lowest);
      lowest = Math.min(lowest, h.valLoss!);
    }
    expect(result.history.filter((h) => h.best).pop()!.epoch).toBe(result.bestEpoch);
  });

  it('logs the per-epoch signals', () => {
    const { history } = trainModel(iris, config({ epochs: 2 }), 'iris');
    for (const h of history) {
      expect(h.trainLoss).toBeGreaterThan(0);
      expect(h.valLoss).toBeGreaterThan(0);
      expect(h.valMetric).toBeGreaterThanOrEqual(0);
      expect(h.valMetricName).toBe('val_accuracy');
      // Without early stopping no epoch is "best": the last epoch's weights are kept.
      expect(h.best).toBe(false);
      expect(h.gradNorm).toBeGreaterThan(0);
      expect(h.paramNorm).toBeGreaterThan(0);
      expect(h.deadReluFraction).toBeGreaterThanOrEqual(0);
      expect(h.saturatedFraction).toBeNull();
      expect(h.samplesPerSecond).toBeGreaterThan(0);
    }
    const tanh = trainModel(iris, config({ epochs: 1, architecture: { ...config().architecture, activation: { type: 'tanh' } } }), 'iris');
    expect(tanh.history[0].saturatedFraction).toBeGreaterThanOrEqual(0);
    expect(tanh.history[0].deadReluFraction).toBeNull();
  });

  it('takes the signals from the training batches when there is no validation split', () => {
    // Zero-initialised weights, with a learning rate too small to move them, leave every ReLU unit at 0.
    const dead = trainModel(iris, config({ epochs: 1, validationSplit: 0, learningRate: 1e-9, architecture: { ...config().architecture, init: 'zeros' } }), 'iris');
    expect(dead.history[0].valLoss).toBeNull();
    expect(dead.history[0].deadReluFraction).toBe(1);
    const alive = trainModel(iris, config({ epochs: 1, validationSplit: 0 }), 'iris');
    expect(alive.history[0].deadReluFraction).toBeGreaterThanOrEqual(0);
    expect(alive.history[0].deadReluFraction).toBeLessThan(0.5);
    const squash = trainModel(iris, config({ epochs: 1, validationSplit: 0, architecture: { ...config().architecture, activation: { type: 'sigmoid' } } }), 'iris');
    expect(squash.history[0].saturatedFraction).toBeGreaterThanOrEqual(0);
    expect(squash.history[0].saturatedFraction).toBeLessThan(1);
  });

  it('passes the tiny-subset over-fit sanity test', async () => {
    const digits = loadDataset('models/data/digits/train.csv', { task: 'multiclass', labelColumns: ['label'] });
    // Trains until the subset is fitted (seconds of CPU): in a worker thread, off the test's event loop.
    const sanity = offThread<typeof import('../../compiler/train/sanity.js')>(new URL('../../compiler/train/sanity.ts', import.meta.url));
    const result = await sanity.runSanityCheck(digits, config({ architecture: { ...config().architecture, hidden: [64, 32] } }));
    expect(result.rows).toBe(128);
    expect(result.fit).toBe(1);
    expect(result.passed).toBe(true);
    expect(result.message).toContain('wiring is sound');
  });

  it('fails the sanity test when labels cannot be learned', () => {
    // Every row the same features, labels alternate: no network can fit this.
    const broken = { ...iris, features: new Float32Array(iris.features.length).fill(1) };
    const result = runSanityCheck(broken, config());
    expect(result.passed).toBe(false);
    expect(result.message).toContain('FAILED');
  });

  it('stops a diverging run naming epoch, step, layer and likely cause', () => {
    const huge = { ...iris, features: iris.features.map((v) => v * 1e30) };
    let error: unknown;
    try {
      trainModel(huge, config({ standardize: false, learningRate: 10, optimizer: { ...DEFAULT_OPTIMIZER, name: 'sgd' } }), 'iris');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FirmnetError);
    const message = (error as FirmnetError).message;
    expect(message).toMatch(/^training diverged: the softmax_ce_logits loss became NaN\/Inf at epoch \d+, batch \d+ of 6 \(16 rows\)/);
    expect(message).toMatch(/in the output of layer \d+ \(/);
    expect(message).toContain('inputs are not scaled');
    expect(message).toContain('the learning rate 10 is too high for sgd: lower it (try --lr 1)');
  });

  it('names a column that overflows float32 when standardized, before training', () => {
    // 3.4e38 is a float32, but x − mean is not for the column's negative values.
    const b = Float32Array.from({ length: iris.rows }, (_, r) => (r % 3 === 0 ? -3.4e38 : 3.4e38));
    const features = iris.features.map((v, i) => (i % 4 === 1 ? b[Math.floor(i / 4)] : v));
    let error: unknown;
    try {
      trainModel({ ...iris, features }, config({ epochs: 1 }), 'iris');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(FirmnetError);
    expect((error as FirmnetError).message).toMatch(
      new RegExp(`^models/data/iris/train\\.csv: column '${iris.featureNames[1]}': the value -3\\.4e\\+38 in data row 1 becomes -Infinity when standardized in float32`),
    );
  });

  it('rejects a softmax output layer feeding a logits loss', () => {
    const bad = config({ architecture: { ...config().architecture, outputActivation: { type: 'softmax' } } });
    expect(() => trainModel(iris, bad, 'iris')).toThrow(/would apply softmax twice/);
    expect(() => trainModel(iris, config({ loss: 'mse' }), 'iris')).toThrow(/loss 'mse' does not fit a multiclass task/);
  });
});

/** See 'gives the pinned model bytes for a seed'. */
const PINNED = {
  iris: '75498b2b101fa402c6c630f5fbcf95cd0675e7bcc2118fb293390bd5fd9ccb88',
  diabetes: 'affda8a7ca36935b3880ccf386657470ab66c03b7047b6a185760629a900196d',
};

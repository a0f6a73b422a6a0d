/**
 * The model file keeps the per-epoch curves a report draws: one record per epoch run, the
 * early-stopping metric as it was (not negated) with the epochs that improved it, nothing that
 * depends on timing (the same seed gives the same file), and a checked reader.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadDataset } from '../../compiler/data/dataset.js';
import { loadModel, modelToJson, saveModel } from '../../compiler/model/model-file.js';
import { DEFAULT_OPTIMIZER } from '../../compiler/nn/optimizers.js';
import { DEFAULT_SCHEDULE } from '../../compiler/nn/schedules.js';
import { type TrainConfig, trainModel } from '../../compiler/train/train.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';
import { runFirmnetAsync } from '../helpers/run-async.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-history-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const data = loadDataset('models/data/iris/train.csv', { task: 'multiclass', labelColumns: ['label'] });
const config: TrainConfig = {
  task: 'multiclass',
  architecture: { hidden: [8], activation: { type: 'relu' }, outputActivation: null, batchNorm: false, dropout: 0, init: 'auto' },
  loss: null,
  optimizer: DEFAULT_OPTIMIZER,
  learningRate: 1e-2,
  schedule: DEFAULT_SCHEDULE,
  clipNorm: null,
  epochs: 30,
  batchSize: 16,
  validationSplit: 0.25,
  earlyStopping: { metric: 'val_f1', patience: 4, minDelta: 0 },
  standardize: true,
  seed: 5,
};

describe('training history in the model file', () => {
  const result = trainModel(data, config, 'iris');
  const history = result.model.training!.history!;

  it('has one record per epoch run with the loss, the validation metric and the stop metric', () => {
    expect(history.lossName).toBe('softmax_ce_logits');
    expect(history.valMetricName).toBe('val_accuracy');
    expect(history.stopMetricName).toBe('val_f1');
    expect(history.epochs.map((e) => e.epoch)).toEqual(result.history.map((h) => h.epoch));
    expect(history.epochs.length).toBe(result.model.training!.epochsRun);
    result.history.forEach((h, i) => {
      const e = history.epochs[i];
      expect(e.trainLoss).toBe(h.trainLoss);
      expect(e.valLoss).toBe(h.valLoss);
      expect(e.valMetric).toBe(h.valMetric);
      expect(e.best).toBe(h.best);
      // val_f1 is a macro F1 in [0, 1], recorded as it is (early stopping negates it internally).
      expect(e.stopMetric).toBeGreaterThan(0);
      expect(e.stopMetric).toBeLessThanOrEqual(1);
    });
    // The best epoch is the last one that improved the stop metric, and it has the highest F1 so far.
    const improved = history.epochs.filter((e) => e.best);
    expect(improved.at(-1)!.epoch).toBe(result.bestEpoch);
    const best = Math.max(...history.epochs.map((e) => e.stopMetric!));
    expect(history.epochs.find((e) => e.epoch === result.bestEpoch)!.stopMetric).toBe(best);
  });

  it('is the same for the same seed (no timings), and survives saving and loading', () => {
    const again = trainModel(data, config, 'iris');
    expect(modelToJson(again.model)).toBe(modelToJson(result.model));
    const file = join(dir, 'iris.json');
    saveModel(file, result.model);
    expect(loadModel(file).training!.history).toEqual(history);
  });

  it('a file whose history does not match its epochs is refused, naming the field', () => {
    const file = join(dir, 'iris.json');
    saveModel(file, result.model);
    const json = JSON.parse(readFileSync(file, 'utf8'));
    json.training.history.epochs[1].epoch = 7;
    writeFileSync(join(dir, 'renumbered.json'), JSON.stringify(json));
    expectFirmnetError(() => loadModel(join(dir, 'renumbered.json')), 'BAD_MODEL_FILE', 'training.history.epochs[1].epoch: must be ≤ 2, got 7');
    json.training.history.epochs[1].epoch = 2;
    json.training.epochsRun = 1;
    writeFileSync(join(dir, 'too-long.json'), JSON.stringify(json));
    expectFirmnetError(() => loadModel(join(dir, 'too-long.json')), 'BAD_MODEL_FILE', `training.history.epochs: has ${history.epochs.length} entries, but training.epochsRun is 1`);
  });
});

describe('firmnet train on the terminal', () => {
  it('names the loss and the early-stopping metric on the epoch lines, and prints the model summary', async () => {
    const out = join(dir, 'cli.json');
    const r = await runFirmnetAsync(['train', '--data', 'models/data/iris/train.csv', '--task', 'multiclass', '--hidden', '8', '--epochs', '3', '--early-stop', 'val_f1', '--out', out]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain('4-8-3 relu MLP, softmax_ce_logits loss, adam');
    expect(r.stderr).toMatch(/^epoch 1\/3 loss [\d.]+ val_loss [\d.]+ val_accuracy [\d.]+ val_f1 [\d.]+ lr /m);
    expect(r.stdout).toMatch(/#\s+layer\s+op\s+features\s+parameters\s+MACs\s+constant bytes\n/);
    expect(r.stdout).toMatch(/0\s+dense0\s+dense\s+4 → 8\s+40\s+32\s+160\n/);
    expect(r.stdout).toMatch(/total\s+4 → 3\s+67\s+56\s+268\n/);
  });
});

/**
 * A model file records the files it names relative to its own folder, and a model read from a file
 * resolves them from there: saving it again elsewhere, or quantizing it with its default
 * calibration data, still finds the same training CSV.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { train } from '../../compiler/api.js';
import { loadModel, modelFilePath, saveModel } from '../../compiler/model/model-file.js';
import { calibrationSetFor } from '../../compiler/quantize/calibration-set.js';

const root = mkdtempSync(join(tmpdir(), 'firmnet-paths-'));
mkdirSync(join(root, 'data'));
copyFileSync('models/data/iris/train.csv', join(root, 'data', 'train.csv'));
const trainCsv = join(root, 'data', 'train.csv');

const recordedDataFile = (file: string): string => JSON.parse(readFileSync(file, 'utf8')).training.dataFile;

describe('paths recorded in model files', () => {
  const { model } = train({ data: trainCsv, task: 'multiclass', hidden: [4], epochs: 1, seed: 1 });

  it('are relative to the model file, and resolve from it after loading', () => {
    const first = join(root, 'out', 'model.json');
    saveModel(first, model);
    expect(recordedDataFile(first)).toBe('../data/train.csv');
    const loaded = loadModel(first);
    expect(modelFilePath(loaded, loaded.training!.dataFile!)).toBe(trainCsv);
    // Saved again three folders deeper, the loaded model still names the same CSV.
    const second = join(root, 'a', 'b', 'c', 'model.json');
    saveModel(second, loaded);
    expect(recordedDataFile(second)).toBe('../../../data/train.csv');
    expect(modelFilePath(loadModel(second), '../../../data/train.csv')).toBe(trainCsv);
  });

  it('give the default calibration data wherever the current folder is', () => {
    const file = join(root, 'out', 'model.json');
    saveModel(file, model);
    const set = calibrationSetFor(loadModel(file), null, 50, 0, join(root, 'q', 'model.q.json'));
    expect(set.rows).toBe(50);
    expect(set.description).toBe('../data/train.csv (50 of 120 rows, seed 0)');
  });

  it('are recorded for a file that is written in one place and moved to another', () => {
    const staged = join(root, 'staging', 'model.json');
    saveModel(staged, model, join(root, 'final', 'deeper', 'model.json'));
    expect(recordedDataFile(staged)).toBe('../../data/train.csv');
    const loaded = loadModel(staged, join(root, 'final', 'deeper', 'model.json'));
    expect(modelFilePath(loaded, loaded.training!.dataFile!)).toBe(trainCsv);
  });
});

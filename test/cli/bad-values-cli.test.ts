import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../compiler/data/dataset.js';
import { modelToJson } from '../../compiler/model/model-file.js';
import { DEFAULT_TRAIN_SETTINGS, trainConfig } from '../../compiler/train/settings.js';
import { trainModel } from '../../compiler/train/train.js';
import { runFirmnetAsync } from '../helpers/run-cli-async.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-values-'));

/** One paragraph on stderr, exit 2, no stack trace, nothing written. */
function expectUserError(r: { status: number | null; stderr: string }, message: string): void {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).not.toContain('internal error');
  expect(r.stderr.trim()).toBe(`firmnet: error: ${message}`);
  expect(r.status).toBe(2);
}

describe('values a float32 model cannot hold', () => {
  it('train refuses CSV cells beyond float32 and non-decimal literals, naming file, line and column', async () => {
    const cases = [
      ['1e308', "'1e308' is outside the float32 range (±3.4028235e38) the model computes in; rescale the column (e.g. to other units)"],
      ['0x10', "'0x10' is not a number (firmnet reads decimal numbers only, not hexadecimal, binary or octal literals)"],
      ['0b11', "'0b11' is not a number (firmnet reads decimal numbers only, not hexadecimal, binary or octal literals)"],
    ];
    const runs = cases.map(async ([cell, message], i) => {
      const data = join(dir, `cell${i}.csv`);
      writeFileSync(data, `a,b,label\n1,2,0\n3,${cell},1\n4,5,0\n`);
      const r = await runFirmnetAsync(['train', '--data', data, '--task', 'binary', '--epochs', '1', '--out', join(dir, `never${i}.json`)]);
      expectUserError(r, `${data} line 3, column 'b' (column 2): ${message}`);
    });
    await Promise.all(runs);
  });

  it('quantize refuses a model file with a denormal std, naming the JSON path', async () => {
    const iris = loadDataset('models/data/iris/train.csv', { task: 'multiclass', labelColumns: ['label'] });
    const { model } = trainModel(iris, trainConfig('multiclass', { ...DEFAULT_TRAIN_SETTINGS, hidden: [4], epochs: 1 }), 'iris');
    const std = model.inputStandardization!.std;
    const file = join(dir, 'tiny-std.json');
    writeFileSync(file, modelToJson({ ...model, inputStandardization: { ...model.inputStandardization!, std: [std[0], std[1], std[2], 1e-45] } }));
    const r = await runFirmnetAsync(['quantize', file, '--calib', 'models/data/iris/train.csv', '--out', join(dir, 'never.q.json')]);
    expectUserError(r, `${file}: inputStandardization.std[3]: must be a positive normal float32 (at least 1.1754944e-38), got 1e-45; a constant feature takes std 1`);
  });
});

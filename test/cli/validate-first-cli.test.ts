import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CliResult } from '../helpers/run-cli.js';
import { runFirmnetAsync } from '../helpers/run-cli-async.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-validate-'));
const IRIS_TRAIN = 'models/data/iris/train.csv';
const IRIS_HEADER = 'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,label';

function csv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

/** Exit 2, one message, no stack trace. */
function expectUserError(r: CliResult, message: string): void {
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stderr).toContain(`firmnet: error: ${message}`);
  expect(r.status).toBe(2);
}

describe('inputs are checked before the first epoch', () => {
  it('train --test with another column set or a bad cell fails before training', async () => {
    const otherColumns = csv('other.csv', 'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width,label\n1,2,3,4,0\n');
    const badCell = csv('bad-cell.csv', `${IRIS_HEADER}\n1,2,3,4,0\n1,2,abc,4,1\n`);
    const [columns, cell] = await Promise.all(
      [otherColumns, badCell].map((test) => runFirmnetAsync(['train', '--data', IRIS_TRAIN, '--test', test, '--task', 'multiclass', '--epochs', '50', '--out', join(dir, 'never.json')])),
    );
    expectUserError(columns, `${otherColumns} has no feature column 'petal_width_cm'; its columns are: sepal_length_cm, sepal_width_cm, petal_length_cm, petal_width, label`);
    expectUserError(cell, `${badCell} line 3, column 'petal_length_cm' (column 3): 'abc' is not a number`);
    for (const r of [columns, cell]) expect(r.stderr).not.toContain('epoch 1/');
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });

  it('build refuses an unknown target in a project file before training, naming the field', async () => {
    const file = join(dir, 'project.json');
    const out = join(dir, 'out');
    writeFileSync(file, JSON.stringify({ name: 'iris', task: 'multiclass', data: { train: resolve(IRIS_TRAIN) }, targets: ['nrf5284'], out }));
    const r = await runFirmnetAsync(['build', file]);
    expectUserError(r, `${file}: targets[0]: unknown target 'nrf5284'; boards: `);
    expect(existsSync(out)).toBe(false);
  });

  it('build --target with a bare core says where its clock goes (build has no --clock-hz)', async () => {
    const out = join(dir, 'out-core');
    const r = await runFirmnetAsync(['build', IRIS_TRAIN, '--task', 'multiclass', '--target', 'cortex-m4f', '--out', out]);
    expectUserError(r, `--target 'cortex-m4f' is a core, not a board, and build has no --clock-hz: name a board, or give the core with its clock in the project file`);
    expect(r.stderr).not.toContain('give its clock with --clock-hz');
    expect(existsSync(out)).toBe(false);
  });

  it('quantize checks its flags and --test before calibrating', async () => {
    const model = join(dir, 'iris.json');
    const trained = await runFirmnetAsync(['train', '--data', IRIS_TRAIN, '--task', 'multiclass', '--hidden', '4', '--epochs', '1', '--out', model]);
    expect(trained.status, trained.stderr).toBe(0);
    const otherColumns = csv('other-q.csv', 'a,b,c,d,label\n1,2,3,4,0\n');
    const runs = await Promise.all([
      runFirmnetAsync(['quantize', model, '--percentile', '20', '--out', join(dir, 'never.q.json')]),
      runFirmnetAsync(['quantize', model, '--seed', '1.5', '--out', join(dir, 'never.q.json')]),
      runFirmnetAsync(['quantize', model, '--test', otherColumns, '--out', join(dir, 'never.q.json')]),
      runFirmnetAsync(['quantize', model, '--int16', 'dense7', '--out', join(dir, 'never.q.json')]),
    ]);
    expectUserError(runs[0], '--percentile is the share (%) of values kept inside the range, from 50 to 100 (e.g. 99.99), got 20');
    expectUserError(runs[1], '--seed (of the calibration sample) must be an integer, got 1.5');
    expectUserError(runs[2], `${otherColumns} has no feature column 'sepal_length_cm'`);
    expectUserError(runs[3], "--int16 'dense7' is not a tensor of this model; tensors are: input, dense0, dense1 (or 'all')");
    for (const r of runs) expect(r.stderr).not.toContain('calibrating');
    expect(existsSync(join(dir, 'never.q.json'))).toBe(false);
  });
});

describe('command-line details', () => {
  it('build rejects a negative or non-numeric --max-drop', async () => {
    const runs = await Promise.all(['-5', 'abc'].map((v) => runFirmnetAsync(['build', IRIS_TRAIN, '--task', 'multiclass', '--max-drop', v, '--out', join(dir, 'never-built')])));
    expectUserError(runs[0], '--max-drop is the largest accepted int8 cost (percentage points of accuracy, RMSE for regression), 0 or more; got -5');
    expectUserError(runs[1], '--max-drop is the largest accepted int8 cost (percentage points of accuracy, RMSE for regression), 0 or more; got NaN');
    expect(existsSync(join(dir, 'never-built'))).toBe(false);
  });

  it('train --help says --out is required unless --sanity', async () => {
    const r = await runFirmnetAsync(['train', '--help']);
    expect(r.stdout).toMatch(/--out +where to write the model file \[required unless --sanity\]/);
  });

  it('the epoch log names its metric, and marks improving epochs only with early stopping', async () => {
    const r = await runFirmnetAsync(['train', '--data', IRIS_TRAIN, '--task', 'multiclass', '--hidden', '4', '--epochs', '5', '--early-stop', 'val_loss', '--out', join(dir, 'stopped.json')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toContain("early stopping on val_loss (patience 20): * marks an epoch that improved it; the best epoch's weights are kept");
    const epochs = r.stderr.split('\n').filter((l) => l.startsWith('epoch '));
    expect(epochs).toHaveLength(5);
    for (const line of epochs) expect(line).toMatch(/ val_loss [\d.]+ val_accuracy [\d.]+ /);
    // The first epoch always improves on "nothing yet".
    expect(epochs[0]).toMatch(/ \*$/);
  });

  it('import counts inputs and outputs in the singular and plural', async () => {
    const r = await runFirmnetAsync(['import', 'test/fixtures/onnx/torch-breast-cancer-bn-gelu-opset13.onnx', '--task', 'binary', '--name', 'bc', '--out', join(dir, 'bc.json')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/imported ONNX model bc: 30 inputs → 1 output, \d+ parameters/);
  });
});

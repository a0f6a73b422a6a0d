import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runFirmnet } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-cli-'));

describe('firmnet CLI conventions', () => {
  it('--help lists the commands; train --help shows examples', async () => {
    const top = await runFirmnet(['--help']);
    expect(top.status).toBe(0);
    expect(top.stdout).toContain('firmnet train');
    const train = await runFirmnet(['train', '--help']);
    expect(train.status).toBe(0);
    expect(train.stdout).toContain('Examples:');
    expect(train.stdout).toContain('--sanity');
  });

  it('a user error exits 2 with one message and no stack trace', async () => {
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'a,label\n1,0\nx,1\n');
    const r = await runFirmnet(['train', '--data', bad, '--task', 'binary', '--out', join(dir, 'never.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`firmnet: error: ${bad} line 3, column 'a' (column 1): 'x' is not a number`);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(existsSync(join(dir, 'never.json'))).toBe(false);
  });

  it('names the training data when training diverges', async () => {
    const lines = readFileSync('models/data/iris/train.csv', 'utf8').trimEnd().split('\n');
    const huge = join(dir, 'huge.csv');
    // Unscaled values near 1e30 with a high learning rate: the loss overflows in the first epoch.
    writeFileSync(huge, `${[lines[0], ...lines.slice(1, 49).map((l) => l.replace(/^([^,]+),([^,]+)/, '$1e30,$2e30'))].join('\n')}\n`);
    const r = await runFirmnet(['train', '--data', huge, '--task', 'multiclass', '--no-standardize', '--optimizer', 'sgd', '--lr', '10', '--epochs', '3', '--out', join(dir, 'diverged.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`^firmnet: error: ${huge.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: training diverged: the \\w+ loss became NaN/Inf at epoch 1`, 'm'));
    expect(existsSync(join(dir, 'diverged.json'))).toBe(false);
  });

  it('an unknown option or missing command is a user error', async () => {
    expect((await runFirmnet(['train', '--data', 'x.csv', '--task', 'binary', '--bogus'])).status).toBe(2);
    expect((await runFirmnet([])).status).toBe(2);
    expect((await runFirmnet(['train', '--data', 'x.csv', '--task', 'nonsense'])).stderr).toContain('Invalid values');
  });

  it('trains, evaluates --test and prints the same numbers with --json, and nothing else on stdout', async () => {
    const out = join(dir, 'iris.json');
    const args = ['train', '--data', 'models/data/iris/train.csv', '--test', 'models/data/iris/test.csv', '--task', 'multiclass', '--hidden', '16', '--epochs', '20', '--out', out];
    const human = await runFirmnet(args);
    expect(human.status).toBe(0);
    expect(human.stdout).toContain('test:');
    expect(human.stderr).toMatch(/epoch 20\/20 loss [\d.]+ val_loss [\d.]+ val_accuracy [\d.]+ /);
    // Early stopping is off: no epoch is marked as the best one.
    expect(human.stderr).not.toMatch(/ \*$/m);
    const json = await runFirmnet([...args, '--json']);
    expect(json.status).toBe(0);
    expect(json.stderr).toBe('');
    const report = JSON.parse(json.stdout);
    expect(report.epochsRun).toBe(20);
    expect(human.stdout).toContain(`accuracy ${(report.test.accuracy * 100).toFixed(2)}%`);
    expect(JSON.parse(readFileSync(out, 'utf8')).training.metrics.test_accuracy).toBe(report.test.accuracy);
  });

  it('--sanity reports whether the wiring is sound', async () => {
    const r = await runFirmnet(['train', '--data', 'models/data/iris/train.csv', '--task', 'multiclass', '--sanity']);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('sanity check PASSED');
  });
});

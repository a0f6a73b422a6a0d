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

  it('checks --class-weight, --pos-weight and --threshold before reading data, and exits 2 naming the flag', async () => {
    const base = ['train', '--data', 'models/data/breast-cancer/train.csv', '--task', 'binary', '--epochs', '1', '--out', join(dir, 'never-weighted.json')];
    const cases: [string[], RegExp][] = [
      [['--class-weight', '1,0'], /--class-weight takes balanced, or one weight per class in class order, e.g\. 1,3; every weight a finite number above 0; got '1,0'/],
      [['--class-weight', '1,2,3'], /--class-weight has 3 weights, but the data has 2 classes \(0, 1\)/],
      [['--pos-weight', 'NaN'], /--pos-weight takes one weight/],
      [['--threshold', 'recall=1.5'], /--threshold takes max-f1, recall=R, precision=P/],
      [['--threshold', 'fpr=0.01'], /--threshold fpr=F is for autoencoders/],
      [['--threshold', 'max-f1', '--val-split', '0'], /--threshold chooses the threshold on the validation split; give --val-split above 0/],
    ];
    for (const [flags, message] of cases) {
      const r = await runFirmnet([...base, ...flags]);
      expect(r.status, flags.join(' ')).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect(existsSync(join(dir, 'never-weighted.json'))).toBe(false);
  });

  it('reports the class weights and the chosen threshold with its validation metrics', async () => {
    const out = join(dir, 'weighted.json');
    const r = await runFirmnet(['train', '--data', 'models/data/breast-cancer/train.csv', '--task', 'binary', '--hidden', '8', '--epochs', '5', '--class-weight', 'balanced', '--threshold', 'max-f1', '--out', out]);
    expect(r.status).toBe(0);
    // 455 rows, 10% held out per class: 153 of class 0 and 256 of class 1 are trained on; 409 / (2 · count).
    expect(r.stdout).toContain('class weights: 0 1.337, 1 0.7988');
    expect(r.stdout).toMatch(/decision thresholds \(max-f1, chosen on the validation split/);
    const model = JSON.parse(readFileSync(out, 'utf8'));
    expect(model.decision.rule).toBe('max-f1');
    expect(model.training.config.classWeights).toEqual([409 / 306, 409 / 512]);
  });
});

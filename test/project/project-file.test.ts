import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkProjectFiles, loadProject } from '../../compiler/project/project-file.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-project-'));
const TRAIN = resolve('models/data/iris/train.csv');
const TEST = resolve('models/data/iris/test.csv');

function project(fields: Record<string, unknown>, data: Record<string, unknown> = {}): string {
  const file = join(dir, 'project.json');
  writeFileSync(file, JSON.stringify({ name: 'iris', task: 'multiclass', data: { train: TRAIN, test: TEST, ...data }, ...fields }));
  return file;
}

function csv(name: string, text: string): string {
  const file = join(dir, name);
  writeFileSync(file, text);
  return file;
}

describe('project file validation, before anything runs', () => {
  it('accepts the valid project', () => {
    const file = project({ targets: ['nrf52840', { target: 'cortex-m4f', clockHz: 80e6 }], maxDrop: 1 });
    expect(() => checkProjectFiles(loadProject(file))).not.toThrow();
  });

  it('names an unknown target, and a core without its clock, by field', () => {
    const unknown = project({ targets: ['stm32l4r5', 'nrf5284'] });
    expectFirmnetError(() => loadProject(unknown), 'BAD_PROJECT_FILE', `${unknown}: targets[1]: unknown target 'nrf5284'; boards: `);
    const core = project({ targets: [{ target: 'cortex-m4f' }] });
    expectFirmnetError(() => loadProject(core), 'BAD_PROJECT_FILE', `${core}: targets[0]: target 'cortex-m4f' is a core, not a board: give its clock with clockHz`);
  });

  it('needs test data for maxDrop', () => {
    const file = project({ maxDrop: 0.5 }, { test: undefined });
    expectFirmnetError(() => checkProjectFiles(loadProject(file)), 'BAD_PROJECT_FILE', `${file}: maxDrop: the accuracy drop is measured on labelled test data; give data.test (or --test)`);
  });

  it('reads quantization.qat as false, true or "auto", and "auto" only with maxDrop', () => {
    expect(loadProject(project({})).quantization.qat).toBe(false);
    const auto = loadProject(project({ quantization: { qat: 'auto', qatEpochs: 3, qatLearningRate: 0.001 }, maxDrop: 0.5 }));
    expect([auto.quantization.qat, auto.quantization.qatEpochs, auto.quantization.qatLearningRate]).toEqual(['auto', 3, 0.001]);
    expect(() => checkProjectFiles(auto)).not.toThrow();
    const bad = project({ quantization: { qat: 'yes' } });
    expectFirmnetError(() => loadProject(bad), 'BAD_PROJECT_FILE', `${bad}: quantization.qat: expected false, true or "auto"`);
    const rate = project({ quantization: { qat: true, qatLearningRate: 0 } });
    expectFirmnetError(() => loadProject(rate), 'BAD_PROJECT_FILE', `${rate}: quantization.qatLearningRate: must be positive`);
    const noMaxDrop = project({ quantization: { qat: 'auto' } });
    expectFirmnetError(() => checkProjectFiles(loadProject(noMaxDrop)), 'BAD_PROJECT_FILE', `${noMaxDrop}: quantization.qat: "auto" runs quantization-aware training when the post-training drop exceeds maxDrop; give maxDrop`);
  });

  it('checks the training data has the label and the test and calibration data the features, naming the field', () => {
    const noLabel = project({}, { label: 'species' });
    expectFirmnetError(() => checkProjectFiles(loadProject(noLabel)), 'BAD_CSV', `${noLabel}: data.train: ${TRAIN} has no label column 'species'`);
    const otherColumns = csv('other.csv', 'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width,label\n1,2,3,4,0\n');
    const test = project({}, { test: otherColumns });
    expectFirmnetError(() => checkProjectFiles(loadProject(test)), 'BAD_CSV', `${test}: data.test: ${otherColumns} has no feature column 'petal_width_cm'`);
    const calibration = project({}, { calibration: otherColumns });
    expectFirmnetError(() => checkProjectFiles(loadProject(calibration)), 'BAD_CSV', `${calibration}: data.calibration: ${otherColumns} has no feature column 'petal_width_cm'`);
  });

  it('reads every cell of the test and calibration data', () => {
    const header = 'sepal_length_cm,sepal_width_cm,petal_length_cm,petal_width_cm,label';
    const badCell = csv('bad-cell.csv', `${header}\n1,2,3,4,0\n1,2,0x3,4,1\n`);
    const file = project({}, { test: badCell });
    expectFirmnetError(() => checkProjectFiles(loadProject(file)), 'BAD_CSV', `${file}: data.test: ${badCell} line 3, column 'petal_length_cm' (column 3): '0x3' is not a number`);
    const noLabel = csv('unlabelled.csv', `${header}\n1,2,3,4,\n`);
    const missing = project({}, { test: noLabel });
    expectFirmnetError(() => checkProjectFiles(loadProject(missing)), 'BAD_CSV', `${missing}: data.test: ${noLabel} line 2, column 'label' (column 5): missing label`);
    // Calibration data needs no label column.
    const features = csv('features.csv', 'petal_width_cm,petal_length_cm,sepal_width_cm,sepal_length_cm\n1,2,3,4\n');
    expect(() => checkProjectFiles(loadProject(project({}, { calibration: features })))).not.toThrow();
  });

  it('names an input that is a folder or a named pipe by its field, before anything reads or hashes it', () => {
    const onnx = resolve('test/fixtures/onnx/clip-dropout-batchnorm-opset11.onnx');
    const folder = join(dir, 'a-folder');
    mkdirSync(folder, { recursive: true });
    const pipe = join(dir, 'a-pipe');
    execFileSync('mkfifo', [pipe]);
    const imported = (fields: Record<string, unknown>): string => project({ import: { file: onnx, ...fields } }, { test: undefined });
    // "" is the project's own folder; the build cache used to hash it (EISDIR, exit 1) or read the pipe forever.
    const empty = imported({ preprocessing: '' });
    expectFirmnetError(() => checkProjectFiles(loadProject(empty)), 'BAD_PROJECT_FILE', `${empty}: import.preprocessing: ${dir} is not a regular file (a directory)`);
    const fifo = imported({ preprocessing: pipe });
    expectFirmnetError(() => checkProjectFiles(loadProject(fifo)), 'BAD_PROJECT_FILE', `${fifo}: import.preprocessing: ${pipe} is not a regular file (a named pipe)`);
    const model = imported({ file: folder });
    expectFirmnetError(() => checkProjectFiles(loadProject(model)), 'BAD_PROJECT_FILE', `${model}: import.file: ${folder} is not a regular file (a directory)`);
    const train = project({}, { train: folder });
    expectFirmnetError(() => checkProjectFiles(loadProject(train)), 'BAD_PROJECT_FILE', `${train}: data.train: ${folder} is not a regular file (a directory)`);
    const missing = project({}, { test: join(dir, 'missing.csv') });
    expectFirmnetError(() => checkProjectFiles(loadProject(missing)), 'BAD_PROJECT_FILE', `${missing}: data.test: ${join(dir, 'missing.csv')}: file not found`);
  });

  it('reads class weights, positive weights and the threshold rule, and names a bad one by field', () => {
    const s = loadProject(project({ training: { classWeight: 'balanced', posWeight: 2, threshold: 'recall=0.9' } })).training;
    expect(s.classWeight).toBe('balanced');
    expect(s.posWeight).toEqual([2]);
    expect(s.threshold).toEqual({ rule: 'recall', target: 0.9 });
    expect(loadProject(project({ training: { classWeight: [1, 2, 0.5], posWeight: [1, 3] } })).training).toMatchObject({ classWeight: [1, 2, 0.5], posWeight: [1, 3] });
    const zero = project({ training: { classWeight: [1, 0, 2] } });
    expectFirmnetError(() => loadProject(zero), 'BAD_PROJECT_FILE', `${zero}: training.classWeight[1]: must be a finite number above 0, got 0`);
    const negative = project({ training: { posWeight: -1 } });
    expectFirmnetError(() => loadProject(negative), 'BAD_PROJECT_FILE', `${negative}: training.posWeight: must be a finite number above 0, got -1`);
    const text = project({ training: { classWeight: 'even' } });
    expectFirmnetError(() => loadProject(text), 'BAD_PROJECT_FILE', /training\.classWeight: expected an array/);
    const rule = project({ training: { threshold: 'recall=2' } });
    expectFirmnetError(() => loadProject(rule), 'BAD_PROJECT_FILE', `${rule}: training.threshold: expected max-f1, recall=R, precision=P (classifiers) or fpr=F (autoencoder), with R, P in (0, 1] and F in [0, 1), got 'recall=2'`);
  });
});

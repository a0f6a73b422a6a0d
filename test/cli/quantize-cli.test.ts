import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MODEL_FORMAT, MODEL_VERSION, type FloatModel } from '../../compiler/model/float-model.js';
import { modelToJson } from '../../compiler/model/model-file.js';
import { runFirmnet } from '../helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-qcli-'));
const model = join(dir, 'iris.json');

describe('firmnet quantize', () => {
  it('prints the per-layer table and the accuracy summary; --json carries the same numbers', async () => {
    expect((await runFirmnet(['train', '--data', 'models/data/iris/train.csv', '--task', 'multiclass', '--hidden', '16,8', '--epochs', '30', '--out', model])).status).toBe(0);
    const out = join(dir, 'iris.q.json');
    const human = await runFirmnet(['quantize', model, '--test', 'models/data/iris/test.csv', '--out', out]);
    expect(human.status).toBe(0);
    expect(human.stdout).toMatch(/tensor\s+op\s+dtype\s+method\s+range\s+scale\s+zero point\s+clipped\s+SQNR dB/);
    expect(human.stdout).toContain('dense0  fully_connected');
    expect(human.stdout).toMatch(/top-1 \d+\.\d+% → \d+\.\d+%\s+drop -?\d+\.\d+ pp/);
    expect(human.stdout).toContain('prediction agreement');
    expect(human.stderr).toContain('calibrating iris on models/data/iris/train.csv (all 120 rows)');
    const json = await runFirmnet(['quantize', model, '--test', 'models/data/iris/test.csv', '--out', out, '--json']);
    const report = JSON.parse(json.stdout);
    expect(report.tensors.map((t: { tensor: string }) => t.tensor)).toEqual(['input', 'dense0', 'dense1', 'dense2']);
    expect(human.stdout).toContain(`drop ${report.accuracy.drop.toFixed(2)} pp`);
    expect(JSON.parse(readFileSync(out, 'utf8')).hash).toBe(report.hash);
  });

  it('--qat fine-tunes on the training data the model records, then converts; --json says how', async () => {
    const out = join(dir, 'iris-qat.q.json');
    const r = await runFirmnet(['quantize', model, '--qat', '--qat-epochs', '2', '--test', 'models/data/iris/test.csv', '--out', out, '--json']);
    expect(r.status).toBe(0);
    const report = JSON.parse(r.stdout);
    expect([report.qat.epochs, report.qat.learningRate]).toEqual([2, 1e-4]);
    expect(report.qat.finalLoss).toBeGreaterThan(0);
    expect(report.qat.data).toBe('models/data/iris/train.csv');
    const ptq = JSON.parse(readFileSync(join(dir, 'iris.q.json'), 'utf8'));
    const qat = JSON.parse(readFileSync(out, 'utf8'));
    expect(qat.source).toEqual(ptq.source);
    expect(qat.layers[0].weights).not.toEqual(ptq.layers[0].weights);
  });

  it('--train without --qat, and a bad QAT setting, stop before any work', async () => {
    const noQat = await runFirmnet(['quantize', model, '--train', 'models/data/iris/train.csv', '--out', join(dir, 'z.q.json')]);
    expect(noQat.status).toBe(2);
    expect(noQat.stderr).toContain('--train is the labelled data of quantization-aware training; pass --qat with it');
    const badEpochs = await runFirmnet(['quantize', model, '--qat', '--qat-epochs', '0', '--out', join(dir, 'z.q.json')]);
    expect(badEpochs.status).toBe(2);
    expect(badEpochs.stderr).toContain('--qat-epochs must be a positive integer, got 0');
  });

  it('rejects a quantized model given as the float model, and a bad method', async () => {
    const q = join(dir, 'iris.q.json');
    const r = await runFirmnet(['quantize', q, '--out', join(dir, 'x.q.json')]);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("format: expected 'firmnet.model', got \"firmnet.qmodel\" (this is a quantized model");
    expect((await runFirmnet(['quantize', model, '--method', 'magic', '--out', join(dir, 'y.q.json')])).status).toBe(2);
  });

  it('names the model file when the network cannot be quantized', async () => {
    const model: FloatModel = {
      format: MODEL_FORMAT,
      version: MODEL_VERSION,
      name: 'tiny',
      task: 'regression',
      head: 'identity',
      inputFeatures: 2,
      outputFeatures: 2,
      featureNames: ['a', 'b'],
      labelColumns: ['y0', 'y1'],
      classNames: [],
      inputStandardization: null,
      targetStandardization: null,
      anomaly: null,
      // relu6 is fused into a dense layer's clamp; after a sigmoid there is none to fuse into.
      layers: [{ op: 'dense', inFeatures: 2, outFeatures: 2, weights: [1, 0, 0, 1], bias: [0, 0] }, { op: 'sigmoid' }, { op: 'relu6' }],
      seed: null,
      source: { format: 'firmnet', file: null },
      training: null,
    };
    const file = join(dir, 'relu6-after-sigmoid.json');
    writeFileSync(file, modelToJson(model));
    const r = await runFirmnet(['quantize', file, '--out', join(dir, 'relu6.q.json')]);
    expect(r.stderr).toBe(`firmnet: error: ${file}: tiny: layer 2 (relu6) must directly follow a layer with an output clamp, such as a dense layer, to be quantized (it is fused into that clamp)\n`);
    expect(r.status).toBe(2);
  });
});

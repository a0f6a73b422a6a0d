import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadModel } from '../../compiler/model/model-file.js';
import { runFirmnet } from '../helpers/run-cli.js';
import { ONNX_FIXTURES, TFJS_FIXTURES } from './fixtures.js';
import { maxAbsDifference, runOrt } from './ort.js';
import { loadSplit } from './trained-models.js';
import { predictFloat } from '../../compiler/inference/float-inference.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-import-cli-'));

/** A user error: exit code 2, exactly one line on stderr, no stack trace, no output file. */
async function expectUserError(args: string[], message: string, out?: string): Promise<void> {
  const r = await runFirmnet(args);
  expect(r.status).toBe(2);
  expect(r.stderr).toContain(message);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  if (out) expect(existsSync(out)).toBe(false);
}

describe('firmnet import', () => {
  it('imports an ONNX model with its preprocessing sidecar; --json prints one object and nothing else', async () => {
    const out = join(dir, 'iris.json');
    const args = ['import', `${ONNX_FIXTURES}/torch-iris-relu-softmax-opset11.onnx`, '--preprocessing', `${ONNX_FIXTURES}/torch-iris-relu-softmax.sidecar.json`, '--classes', 'setosa,versicolor,virginica', '--name', 'iris_torch', '--out', out];
    const human = await runFirmnet(args);
    expect(human.status).toBe(0);
    expect(human.stdout).toContain('imported ONNX model iris_torch: 4 inputs → 3 outputs, 131 parameters');
    expect(human.stdout).toContain('task multiclass, head softmax, classes setosa, versicolor, virginica');
    const model = loadModel(out);
    expect([model.name, model.task, model.source.format, model.featureNames[0]]).toEqual(['iris_torch', 'multiclass', 'onnx', 'sepal_length_cm']);
    const json = await runFirmnet([...args, '--json']);
    expect(json.status).toBe(0);
    expect(json.stderr).toBe('');
    const report = JSON.parse(json.stdout);
    expect([report.task, report.head, report.layers.join(',')]).toEqual(['multiclass', 'softmax', 'dense,relu,dense']);
  });

  it('imports a TF.js layers model given its folder', async () => {
    const out = join(dir, 'tfjs.json');
    const r = await runFirmnet(['import', `${TFJS_FIXTURES}/functional-breast-cancer`, '--preprocessing', `${TFJS_FIXTURES}/functional-breast-cancer/preprocessing.json`, '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('imported TFJS model breast_cancer_tfjs');
    expect(loadModel(out).task).toBe('binary');
  });

  it('says which --task to use when the file ends in logits', async () => {
    const r = await runFirmnet(['import', `${ONNX_FIXTURES}/torch-digits-leaky-logits-opset15.onnx`, '--out', join(dir, 'logits.json')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('pass --task multiclass/binary if its outputs are class logits');
  });

  it('unsupported models and bad files exit 2 with one message and write nothing', async () => {
    const out = join(dir, 'never.json');
    await expectUserError(['import', `${ONNX_FIXTURES}/unsupported-op-softplus.onnx`, '--out', out], "firmnet: error: test/fixtures/onnx/unsupported-op-softplus.onnx: graph.node[1] (Softplus 'softplus1') is not supported", out);
    await expectUserError(['import', `${ONNX_FIXTURES}/torch-residual-branching.onnx`, '--out', out], "the graph branches at 'input'", out);
    await expectUserError(['import', `${ONNX_FIXTURES}/truncated.onnx`, '--out', out], 'the file may be truncated or not an ONNX file', out);
    await expectUserError(['import', `${ONNX_FIXTURES}/float16-weights.onnx`, '--out', out], 'is float16; firmnet imports float32 models only', out);
    await expectUserError(['import', `${TFJS_FIXTURES}/unsupported-layer/model.json`, '--out', out], "layer 'norm' (LayerNormalization) is not supported", out);
    await expectUserError(['import', join(dir, 'missing.onnx'), '--out', out], `model file ${join(dir, 'missing.onnx')} cannot be read (file not found)`, out);
    await expectUserError(['import', `${ONNX_FIXTURES}/torch-iris-relu-softmax-opset11.onnx`, '--task', 'binary', '--out', out], 'a binary model has one output', out);
    await expectUserError(['import', `${ONNX_FIXTURES}/torch-iris-relu-softmax-opset11.onnx`, '--preprocessing', `${ONNX_FIXTURES}/README.md`, '--out', out], 'is not valid JSON', out);
  });
});

describe('firmnet export', () => {
  it('writes an ONNX file that onnxruntime-node runs with the same outputs as firmnet', async () => {
    const model = join(dir, 'diabetes.json');
    expect((await runFirmnet(['import', `${ONNX_FIXTURES}/torch-diabetes-regression-opset12.onnx`, '--preprocessing', `${ONNX_FIXTURES}/torch-diabetes-regression.sidecar.json`, '--out', model])).status).toBe(0);
    const out = join(dir, 'diabetes.onnx');
    const r = await runFirmnet(['export', model, '--to', 'onnx', '--out', out]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain("output 'output' float32 [batch, 1]: after the identity head");
    const m = loadModel(model);
    const { test } = loadSplit('diabetes');
    const ort = await runOrt(readFileSync(out), test.features, test.rows, m.inputFeatures);
    const ours = predictFloat(m, test.features, test.rows).scores;
    // Regression outputs are in the user's units (25…350): float32 resolution there is ~1.5e-5.
    expect(maxAbsDifference(ort.output, ours) / 350).toBeLessThan(1e-6);
    const json = JSON.parse((await runFirmnet(['export', model, '--to', 'onnx', '--out', out, '--json'])).stdout);
    expect([json.opset, json.input.name, json.outputs.map((o: { name: string }) => o.name).join(',')]).toEqual([17, 'input', 'output,logits']);
  });

  it('refuses other targets, non-model files and shows examples in --help', async () => {
    const out = join(dir, 'never.onnx');
    expect((await runFirmnet(['export', join(dir, 'diabetes.json'), '--to', 'tflite', '--out', out])).stderr).toContain('Invalid values');
    await expectUserError(['export', `${ONNX_FIXTURES}/torch-iris-relu-softmax-opset11.onnx`, '--to', 'onnx', '--out', out], 'is not valid JSON', out);
    for (const command of ['import', 'export']) {
      const help = await runFirmnet([command, '--help']);
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('Examples:');
    }
  });
});

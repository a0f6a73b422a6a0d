/**
 * `firmnet inspect`: the per-layer table for each kind of model file, its totals checked against
 * numbers computed elsewhere (the C emitter's WEIGHT_BYTES, the float model's parameter count, the
 * simulator's MACs), and a bad file refused with one message.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { renderC } from '../../compiler/emit/c/emit-c.js';
import { importModelFile } from '../../compiler/import/import-model-file.js';
import { parameterCount } from '../../compiler/model/float-model.js';
import { saveModel } from '../../compiler/model/model-file.js';
import { saveQModel } from '../../compiler/quantize/qmodel-file.js';
import type { QModel } from '../../compiler/ir/qmodel.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import type { ModelSummary } from '../../compiler/inspect/model-summary.js';
import { runFirmnetAsync } from '../helpers/run-async.js';
import { trainSmall } from '../import/trained-models.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-inspect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const { model, test } = trainSmall('iris', { hidden: [16, 8], activation: { type: 'tanh' } }, 4);
let q: QModel;
const floatFile = join(dir, 'iris.json');
const irFile = join(dir, 'iris.q.json');

beforeAll(() => {
  q = quantizeModel(model, { features: test.features, rows: test.rows, description: 'iris test rows', seed: 0 }, DEFAULT_QUANTIZE_OPTIONS).qmodel;
  saveModel(floatFile, model);
  saveQModel(irFile, q);
});

async function inspectJson(file: string): Promise<ModelSummary> {
  const r = await runFirmnetAsync(['inspect', file, '--json']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ModelSummary;
}

describe('firmnet inspect', () => {
  it('a quantized IR: every layer with its tensors\' bits, scales and zero points, constants equal to the C emitter\'s', async () => {
    const s = await inspectJson(irFile);
    expect(s.kind).toBe('quantized');
    expect(s.layers.map((l) => l.name)).toEqual(q.layers.map((l) => l.name));
    q.layers.forEach((layer, i) => {
      const l = s.layers[i];
      expect(l.quantization!.input).toEqual({ bits: 8, scale: layer.input.scale, zeroPoint: layer.input.zeroPoint });
      expect(l.quantization!.output).toEqual({ bits: 8, scale: layer.output.scale, zeroPoint: layer.output.zeroPoint });
      expect(l.macs).toBe(layer.op === 'fully_connected' ? layer.inFeatures * layer.outFeatures : 0);
    });
    // 4-16 tanh-8 tanh-3: three dense layers and two tanh tables.
    expect(s.layers.map((l) => l.op)).toEqual(['fully_connected', 'lut (tanh)', 'fully_connected', 'lut (tanh)', 'fully_connected']);
    expect(s.totals.macs).toBe(4 * 16 + 16 * 8 + 8 * 3);
    expect(s.totals.parameters).toBe(parameterCount(model));
    expect(s.totals.constantBytes).toBe(renderC(q).meta.weightBytes);
    expect(s.ir!.hash).toBe(q.hash);

    const human = await runFirmnetAsync(['inspect', irFile]);
    expect(human.status).toBe(0);
    const first = q.layers[0];
    expect(human.stdout).toMatch(new RegExp(`0\\s+${first.name}\\s+fully_connected\\s+4 → 16\\s+80\\s+64\\s+\\d+\\s+int8 ${Number(first.input.scale.toPrecision(6))} / ${first.input.zeroPoint}`));
    expect(human.stdout).toMatch(new RegExp(`total\\s+4 → 3\\s+${parameterCount(model)}\\s+216\\s+${s.totals.constantBytes.toLocaleString('en-US')}\n`));
    expect(human.stdout).toContain(`IR hash ${q.hash}, calibration auto`);
  });

  it('a float model: layer types, parameters equal to the model\'s count, dense MACs', async () => {
    const s = await inspectJson(floatFile);
    expect(s.kind).toBe('float');
    expect(s.layers.map((l) => l.op)).toEqual(model.layers.map((l) => l.type));
    expect(s.layers.map((l) => `${l.inFeatures}→${l.outFeatures}`)).toEqual(['4→16', '16→16', '16→8', '8→8', '8→3']);
    expect(s.totals.parameters).toBe(parameterCount(model));
    expect(s.totals.constantBytes).toBe(4 * parameterCount(model));
    expect(s.totals.macs).toBe(4 * 16 + 16 * 8 + 8 * 3);
  });

  it('an ONNX file and a TF.js folder: the layers the importer reads', async () => {
    const onnx = 'test/fixtures/onnx/torch-breast-cancer-bn-gelu-opset13.onnx';
    const imported = importModelFile(onnx, { file: onnx });
    const s = await inspectJson(onnx);
    expect(s.format).toBe('onnx');
    expect(s.layers.map((l) => l.op.split(' ')[0])).toEqual(imported.layers.map((l) => l.type));
    expect(s.totals.parameters).toBe(parameterCount(imported));
    const bn = s.layers.find((l) => l.op === 'batchnorm')!;
    expect(bn.constantBytes).toBe(4 * 4 * bn.inFeatures);
    const tfjs = await inspectJson('test/fixtures/tfjs/sequential-iris');
    expect(tfjs.format).toBe('tfjs');
    expect(tfjs.layers.filter((l) => l.op === 'dense').length).toBeGreaterThan(0);
  });

  it('refuses a file that is no model with one message and exit 2', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": "firmnet.qmodel", "version": 1}');
    const r = await runFirmnetAsync(['inspect', bad]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^firmnet: error: .*bad\.json: .*missing/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    const notOnnx = await runFirmnetAsync(['inspect', 'test/fixtures/onnx/not-onnx.onnx']);
    expect(notOnnx.status).toBe(2);
    expect(notOnnx.stderr).toContain('not-onnx.onnx');
  });
});

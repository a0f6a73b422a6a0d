/**
 * LayerNorm through the importers and the exporter: ONNX LayerNormalization (opset 17), the
 * opset < 17 decomposition PyTorch's exporter writes for nn.LayerNorm (built here node by node, as
 * torch.onnx.export lays it out), TF.js LayerNormalization, and firmnet's own ONNX export — each
 * compared with the runtime that owns the format (onnxruntime-node, TF.js) on the same rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { floatModelToOnnx } from '../../export/onnx.js';
import { OnnxGraphBuilder } from '../../onnx/graph-builder.js';
import { importOnnx } from '../../import/onnx.js';
import { importTfjs } from '../../import/tfjs.js';
import { predictFloat } from '../../inference/float-inference.js';
import type { FloatModel } from '../../model/float-model.js';
import { expectFirmnetError } from '../../../test/helpers/firmnet-error.js';
import { randomRows } from '../../../test/import/fixtures.js';
import { maxAbsDifference, runOrt } from '../../../test/import/ort.js';
import { trainSmall } from '../../../test/import/trained-models.js';

const TOLERANCE = 1e-5;
const scratch = mkdtempSync(join(tmpdir(), 'firmnet-layer-norm-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function types(model: FloatModel): string {
  return model.layers.map((l) => l.op).join(',');
}

const weights = randomRows(1, 400, 11);
let next = 0;
function w(n: number, scale = 0.5): number[] {
  return Array.from({ length: n }, () => weights[next++ % weights.length] * scale);
}

type Variant = { affine: boolean; square: 'Pow' | 'Mul'; axesAsInput: boolean };

/** Gemm(4→6) → LayerNorm(6) written out as PyTorch's exporter does before opset 17 → Relu → Gemm(6→3). */
function decomposedGraph(opset: number, v: Variant, meanAxes: number[] = [-1]): Uint8Array {
  const g = new OnnxGraphBuilder();
  g.node('Gemm', ['x', g.floatTensor('W1', [6, 4], w(24)), g.floatTensor('B1', [6], w(6))], ['h'], 'fc1', { transB: 1 });
  // Opset 18 moved ReduceMean's axes from an attribute to an input.
  const reduce = (input: string, output: string, name: string, axes: number[]): void => {
    if (v.axesAsInput) g.node('ReduceMean', [input, g.int64Tensor(`${name}.axes`, [axes.length], axes)], [output], name);
    else g.node('ReduceMean', [input], [output], name, { axes });
  };
  reduce('h', 'mean', 'ln/ReduceMean', meanAxes);
  g.node('Sub', ['h', 'mean'], ['d'], 'ln/Sub');
  if (v.square === 'Pow') g.node('Pow', ['d', g.floatTensor('two', [], [2])], ['sq'], 'ln/Pow');
  else g.node('Mul', ['d', 'd'], ['sq'], 'ln/Mul_square');
  reduce('sq', 'var', 'ln/ReduceMean_1', [-1]);
  g.node('Add', ['var', g.floatTensor('eps', [], [1e-5])], ['ve'], 'ln/Add');
  g.node('Sqrt', ['ve'], ['std'], 'ln/Sqrt');
  g.node('Div', ['d', 'std'], ['n'], 'ln/Div');
  let out = 'n';
  if (v.affine) {
    g.node('Mul', ['n', g.floatTensor('gamma', [6], w(6).map((x) => 1 + x))], ['scaled'], 'ln/Mul');
    g.node('Add', ['scaled', g.floatTensor('beta', [6], w(6))], ['ln'], 'ln/Add_1');
    out = 'ln';
  }
  g.node('Relu', [out], ['a'], 'relu');
  g.node('Gemm', ['a', g.floatTensor('W2', [3, 6], w(18)), g.floatTensor('B2', [3], w(3))], ['y'], 'fc2', { transB: 1 });
  return g.toModel({ graphName: 'g', opset, irVersion: opset >= 19 ? 9 : opset >= 15 ? 8 : 7, producerVersion: 'test', inputs: [{ name: 'x', dims: ['N', 4] }], outputs: [{ name: 'y', dims: ['N', 3] }] });
}

async function ortDifference(bytes: Uint8Array, model: FloatModel, rows = 64): Promise<number> {
  const x = randomRows(rows, model.inputFeatures, 3);
  const ours = predictFloat(model, x, rows);
  const ort = await runOrt(bytes, x, rows, model.inputFeatures);
  return maxAbsDifference(Object.values(ort)[0], ours.logits);
}

describe('ONNX LayerNorm import, compared with onnxruntime-node', () => {
  const variants: (Variant & { opset: number })[] = [
    { opset: 11, affine: true, square: 'Pow', axesAsInput: false },
    { opset: 13, affine: false, square: 'Pow', axesAsInput: false },
    { opset: 16, affine: true, square: 'Mul', axesAsInput: false },
    { opset: 18, affine: true, square: 'Pow', axesAsInput: true },
  ];
  for (const v of variants) {
    it(`the ReduceMean/Sub/${v.square}/ReduceMean/Add/Sqrt/Div${v.affine ? '/Mul/Add' : ''} form at opset ${v.opset} is one layer_norm`, async () => {
      const bytes = decomposedGraph(v.opset, v);
      const model = importOnnx(bytes, { file: 'ln.onnx' });
      expect(types(model)).toBe('dense,layer_norm,relu,dense');
      const ln = model.layers[1];
      if (ln.op !== 'layer_norm') throw new Error('not a layer_norm');
      expect(ln.epsilon).toBe(1e-5);
      if (!v.affine) expect([ln.gamma, ln.beta]).toEqual([Array(6).fill(1), Array(6).fill(0)]);
      expect(await ortDifference(bytes, model)).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  it('a LayerNormalization node (opset 17), with and without its bias', async () => {
    for (const withBias of [true, false]) {
      const g = new OnnxGraphBuilder();
      g.node('Gemm', ['x', g.floatTensor('W1', [5, 4], w(20)), g.floatTensor('B1', [5], w(5))], ['h'], 'fc1', { transB: 1 });
      const inputs = ['h', g.floatTensor('scale', [5], w(5).map((x) => 1 + x)), ...(withBias ? [g.floatTensor('bias', [5], w(5))] : [])];
      g.node('LayerNormalization', inputs, ['ln'], 'ln', { axis: -1, epsilon: { float: 1e-3 } });
      g.node('Tanh', ['ln'], ['y'], 'tanh');
      const bytes = g.toModel({ graphName: 'g', opset: 17, irVersion: 8, producerVersion: 'test', inputs: [{ name: 'x', dims: ['N', 4] }], outputs: [{ name: 'y', dims: ['N', 5] }] });
      const model = importOnnx(bytes, { file: 'ln17.onnx' });
      expect(types(model)).toBe('dense,layer_norm,tanh');
      expect(await ortDifference(bytes, model)).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('rejects a mean over the wrong axis and a LayerNormalization over the batch, naming the node', () => {
    expectFirmnetError(() => importOnnx(decomposedGraph(13, { affine: true, square: 'Pow', axesAsInput: false }, [0]), { file: 'axis0.onnx' }), 'UNSUPPORTED', "ReduceMean 'ln/ReduceMean') reduces axes [0]");
    const g = new OnnxGraphBuilder();
    g.node('LayerNormalization', ['x', g.floatTensor('scale', [4], [1, 1, 1, 1])], ['y'], 'ln_batch', { axis: 0 });
    const bytes = g.toModel({ graphName: 'g', opset: 17, irVersion: 8, producerVersion: 'test', inputs: [{ name: 'x', dims: ['N', 4] }], outputs: [{ name: 'y', dims: ['N', 4] }] });
    expectFirmnetError(() => importOnnx(bytes, { file: 'batch.onnx' }), 'UNSUPPORTED', 'has axis=0');
  });
});

describe('ONNX export of layer_norm', () => {
  it('a trained digits 64-32-16-10 with LayerNorm: ORT equals predictFloat within 1e-5, and the file imports back to the same layers', async () => {
    const { model, test } = trainSmall('digits', { layerNorm: true });
    expect(types(model)).toBe('dense,layer_norm,relu,dense,layer_norm,relu,dense');
    const bytes = floatModelToOnnx(model);
    const ours = predictFloat(model, test.features, test.rows);
    const ort = await runOrt(bytes, test.features, test.rows, model.inputFeatures);
    expect(maxAbsDifference(ort.logits, ours.logits)).toBeLessThanOrEqual(TOLERANCE);
    const back = importOnnx(bytes, { file: 'digits-ln.onnx' });
    expect(back.layers).toEqual(model.layers);
  });
});

describe('TF.js LayerNormalization import', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('Dense → LayerNormalization → ReLU → Dense imports as layer_norm and matches TF.js predict', async () => {
    const model = tf.sequential();
    model.add(tf.layers.dense({ inputShape: [4], units: 6 }));
    model.add(tf.layers.layerNormalization({ epsilon: 1e-3, betaInitializer: 'randomNormal', gammaInitializer: 'randomNormal' }));
    model.add(tf.layers.activation({ activation: 'relu' }));
    model.add(tf.layers.dense({ units: 3 }));
    const dir = join(scratch, 'tfjs-ln');
    await model.save(
      tf.io.withSaveHandler(async (artifacts) => {
        const { mkdirSync } = await import('node:fs');
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, 'weights.bin'), Buffer.from(artifacts.weightData as ArrayBuffer));
        writeFileSync(join(dir, 'model.json'), JSON.stringify({ modelTopology: artifacts.modelTopology, weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }], format: 'layers-model' }));
        return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
      }),
    );
    const imported = importTfjs(join(dir, 'model.json'), { file: 'tfjs-ln/model.json' });
    expect(types(imported)).toBe('dense,layer_norm,relu,dense');
    const ln = imported.layers[1];
    if (ln.op !== 'layer_norm') throw new Error('not a layer_norm');
    expect(ln.epsilon).toBe(1e-3);
    const rows = 32;
    const x = randomRows(rows, 4, 5);
    const expected = Float32Array.from(await (model.predict(tf.tensor(x, [rows, 4])) as tf.Tensor).data());
    expect(maxAbsDifference(predictFloat(imported, x, rows).logits, expected)).toBeLessThanOrEqual(TOLERANCE);
  });
});

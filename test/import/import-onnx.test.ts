import { afterAll, describe, expect, it } from 'vitest';
import { applyStandardization } from '../../compiler/data/standardize.js';
import { floatModelToOnnx } from '../../compiler/export/onnx.js';
import { OnnxGraphBuilder } from '../../compiler/export/onnx-graph-builder.js';
import { importOnnx } from '../../compiler/import/onnx.js';
import type { FloatModel, LayerSpec } from '../../compiler/model/float-model.js';
import { shortestFloat32 } from '../../compiler/float32.js';
import { parsePreprocessingText } from '../../compiler/import/preprocessing-sidecar.js';
import { importOnnxFixture, onnxFixture, onnxInputShape, randomRows } from './fixtures.js';
import { maxAbsDifference, maxScaledDifference, runOrt } from './ort.js';
import { type DatasetName, loadSplit, trainSmall } from './trained-models.js';
import { nameFromFile } from '../../compiler/import/finish-import.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';
import { predictFloat } from '../../compiler/inference/float-inference.js';

const TOLERANCE = 1e-5;
const measured: string[] = [];

function layerTypes(model: FloatModel): string {
  return model.layers.map((l) => (l.type === 'gelu' ? `gelu:${l.approximate}` : l.type)).join(',');
}

/** ORT on the raw graph vs firmnet's imported model, on `rows` random rows. Which firmnet output to compare depends on whether the head was in the graph. */
async function compareWithOrt(bytes: Uint8Array, model: FloatModel, compare: 'scores' | 'logits', rows = 64): Promise<number> {
  const x = randomRows(rows, model.inputFeatures);
  const ours = predictFloat(model, x, rows);
  const ort = await runOrt(bytes, x, rows, model.inputFeatures, onnxInputShape(bytes, rows));
  return maxAbsDifference(Object.values(ort)[0], compare === 'scores' ? ours.scores : ours.logits);
}

describe('ONNX import: every supported op, compared with onnxruntime-node', () => {
  const cases: { file: string; layers: string; task: string; compare: 'scores' | 'logits' }[] = [
    { file: 'gemm-trans-alpha-beta-opset12.onnx', layers: 'dense,tanh,dense,relu,dense', task: 'regression', compare: 'logits' },
    { file: 'gelu-op-opset20.onnx', layers: 'dense,gelu:none,dense,gelu:tanh,dense', task: 'regression', compare: 'logits' },
    { file: 'reshape-identity-dropout-opset21.onnx', layers: 'dense,dropout,tanh,dense', task: 'multiclass', compare: 'scores' },
    { file: 'erf-gelu-orders-opset14.onnx', layers: 'dense,gelu:none,dense,gelu:none,dense', task: 'regression', compare: 'logits' },
    { file: 'clip-dropout-batchnorm-opset11.onnx', layers: 'dense,relu,dropout,dense,relu6,batchnorm,dense', task: 'multilabel', compare: 'scores' },
    { file: 'torch-ops-flatten-matmul-relu6-opset17.onnx', layers: 'dense,relu,relu6,dense,sigmoid,leaky_relu,dense', task: 'multiclass', compare: 'scores' },
    { file: 'torch-breast-cancer-bn-gelu-opset13.onnx', layers: 'dense,batchnorm,gelu:none,dense,tanh,dense', task: 'binary', compare: 'scores' },
    { file: 'torch-iris-relu-softmax-opset11.onnx', layers: 'dense,relu,dense', task: 'multiclass', compare: 'scores' },
  ];
  for (const c of cases) {
    it(`${c.file}: ${c.layers} (${c.task}) within ${TOLERANCE} of ORT`, async () => {
      const model = importOnnxFixture(c.file);
      expect(layerTypes(model)).toBe(c.layers);
      expect(model.task).toBe(c.task);
      expect(model.source).toEqual({ format: 'onnx', file: c.file });
      expect(model.training).toBeNull();
      const diff = await compareWithOrt(onnxFixture(c.file), model, c.compare);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  it('Gemm alpha/beta are folded into the weights, and transposed weight layouts are read in the right order', () => {
    const model = importOnnxFixture('gemm-trans-alpha-beta-opset12.onnx');
    const [d0, , d1, , d2] = model.layers as Extract<LayerSpec, { type: 'dense' }>[];
    expect([d0.inFeatures, d0.outFeatures, d1.inFeatures, d1.outFeatures, d2.inFeatures, d2.outFeatures]).toEqual([5, 6, 6, 4, 4, 3]);
    // beta = −1 on a scalar C of 0.25
    expect(d2.bias).toEqual([-0.25, -0.25, -0.25]);
  });

  it('opsets 11 to 21: the same MLP (Gemm, BatchNormalization, Relu, Dropout, Softmax with its default axis) imports and matches ORT', async () => {
    const rng = randomRows(1, 200, 3);
    let k = 0;
    const w = (n: number) => Array.from({ length: n }, () => rng[k++ % rng.length] * 0.4);
    for (let opset = 11; opset <= 21; opset++) {
      k = opset;
      const g = new OnnxGraphBuilder();
      g.node('Gemm', ['x', g.floatTensor('W1', [6, 4], w(24)), g.floatTensor('B1', [6], w(6))], ['h1'], 'fc1', { transB: 1 });
      g.node('BatchNormalization', ['h1', g.floatTensor('s', [6], w(6)), g.floatTensor('b', [6], w(6)), g.floatTensor('m', [6], w(6)), g.floatTensor('v', [6], w(6).map((v) => v * v + 0.5))], ['bn'], 'bn');
      g.node('Relu', ['bn'], ['a1'], 'relu');
      // Dropout's ratio is an attribute up to opset 11 and an input from opset 12.
      if (opset === 11) g.node('Dropout', ['a1'], ['d1'], 'dropout', { ratio: { float: 0.2 } });
      else g.node('Dropout', ['a1', g.floatTensor('ratio', [], [0.2])], ['d1'], 'dropout');
      g.node('Gemm', ['d1', g.floatTensor('W2', [3, 6], w(18)), g.floatTensor('B2', [3], w(3))], ['h2'], 'fc2', { transB: 1 });
      g.node('Softmax', ['h2'], ['y'], 'softmax');
      const bytes = g.toModel({
        graphName: 'g',
        opset,
        irVersion: opset >= 21 ? 10 : opset >= 19 ? 9 : opset >= 15 ? 8 : opset >= 12 ? 7 : 6,
        producerVersion: 'test',
        inputs: [{ name: 'x', dims: ['N', 4] }],
        outputs: [{ name: 'y', dims: ['N', 3] }],
      });
      const model = importOnnx(bytes, { file: `opset${opset}.onnx` });
      expect(layerTypes(model)).toBe('dense,batchnorm,relu,dropout,dense');
      expect(model.head).toBe('softmax');
      expect(await compareWithOrt(bytes, model, 'scores', 16)).toBeLessThanOrEqual(TOLERANCE);
    }
  });

  it('Transpose([1, 0]) after Gemm(W, x) and a trailing Add (regression shift) match ORT', async () => {
    const g = new OnnxGraphBuilder();
    const w = randomRows(1, 40, 5);
    g.node('Gemm', [g.floatTensor('W', [5, 4], w.subarray(0, 20)), 'x', g.floatTensor('C', [5, 1], w.subarray(20, 25))], ['ht'], 'gemm_wx', { transB: 1 });
    g.node('Transpose', ['ht'], ['h'], 'back', { perm: [1, 0] });
    g.node('Softmax', ['h'], ['s'], 'softmax', { axis: 1 });
    g.node('Gemm', ['s', g.floatTensor('W2', [2, 5], w.subarray(25, 35)), g.floatTensor('B2', [2], [0, 0])], ['z'], 'fc2', { transB: 1 });
    g.node('Tanh', ['z'], ['t'], 'tanh');
    g.node('Add', ['t', g.floatTensor('shift', [2], [10, -3])], ['y'], 'shift');
    const bytes = g.toModel({ graphName: 'g', opset: 17, irVersion: 8, producerVersion: 't', inputs: [{ name: 'x', dims: ['N', 4] }], outputs: [{ name: 'y', dims: ['N', 2] }] });
    const model = importOnnx(bytes, { file: 'transpose.onnx' });
    expect([layerTypes(model), model.task, model.targetStandardization]).toEqual(['dense,softmax,dense,tanh', 'regression', { mean: [10, -3], std: [1, 1] }]);
    expect(await compareWithOrt(bytes, model, 'scores')).toBeLessThanOrEqual(TOLERANCE);
  });

  it('a dynamic batch dimension is kept, and a fixed one ([1, features]) imports too', async () => {
    const bytes = onnxFixture('torch-iris-relu-softmax-opset11.onnx');
    expect(onnxInputShape(bytes, 5)).toEqual([5, 4]);
    const g = new OnnxGraphBuilder();
    g.node('Gemm', ['x', g.floatTensor('W', [2, 3], [1, 2, 3, 4, 5, 6]), g.floatTensor('B', [2], [0.5, -0.5])], ['y'], 'fc', { transB: 1 });
    const fixed = g.toModel({ graphName: 'g', opset: 17, irVersion: 8, producerVersion: 't', inputs: [{ name: 'x', dims: [1, 3] }], outputs: [{ name: 'y', dims: [1, 2] }] });
    const model = importOnnx(fixed, { file: 'fixed.onnx' });
    expect(model.inputFeatures).toBe(3);
    expect(Array.from(predictFloat(model, Float32Array.from([1, 1, 1]), 1).scores)).toEqual([6.5, 14.5]);
  });
});

describe('ONNX import of models trained in PyTorch, on the bundled test splits', () => {
  const cases: { dataset: DatasetName; file: string; sidecar: string }[] = [
    { dataset: 'iris', file: 'torch-iris-relu-softmax-opset11.onnx', sidecar: 'torch-iris-relu-softmax.sidecar.json' },
    { dataset: 'breast-cancer', file: 'torch-breast-cancer-bn-gelu-opset13.onnx', sidecar: 'torch-breast-cancer-bn-gelu.sidecar.json' },
    { dataset: 'digits', file: 'torch-digits-leaky-logits-opset15.onnx', sidecar: 'torch-digits-leaky-logits.sidecar.json' },
    { dataset: 'diabetes', file: 'torch-diabetes-regression-opset12.onnx', sidecar: 'torch-diabetes-regression.sidecar.json' },
  ];
  for (const c of cases) {
    it(`${c.dataset}: firmnet float outputs equal ORT's within ${TOLERANCE}`, async () => {
      const { test } = loadSplit(c.dataset);
      const model = importOnnxFixture(c.file, { sidecar: c.sidecar });
      expect(model.featureNames).toEqual(test.featureNames);
      const bytes = onnxFixture(c.file);
      // The standardization lives in the sidecar, so ORT gets the rows standardized the way firmnet does it.
      const x = applyStandardization(test.features, model.inputFeatures, model.inputStandardization);
      const ort = (await runOrt(bytes, x, test.rows, model.inputFeatures)).output;
      const ours = predictFloat(model, test.features, test.rows);
      let diff: number;
      if (c.dataset === 'diabetes') {
        diff = maxScaledDifference(ort, ours.logits);
        expect(model.targetStandardization).not.toBeNull();
      } else {
        // digits' file has no softmax: firmnet adds it as the head (the sidecar says multiclass), so compare logits.
        diff = maxAbsDifference(ort, c.dataset === 'digits' ? ours.logits : ours.scores);
      }
      measured.push(`${c.dataset} (${c.file}): ${diff.toExponential(2)}${c.dataset === 'diabetes' ? ' (relative, standardized target)' : ''}`);
      expect(diff).toBeLessThanOrEqual(TOLERANCE);
    });
  }

  afterAll(() => {
    if (measured.length > 0) console.info(`max |ORT − firmnet| after import:\n  ${measured.join('\n  ')}`);
  });
});

describe('firmnet → ONNX → firmnet', () => {
  it('gives back the same layers, names, task, classes and standardization (classification and regression)', () => {
    for (const [name, arch] of [
      ['digits', { batchNorm: true, dropout: 0.1 }],
      ['diabetes', { activation: { type: 'gelu', approximate: 'tanh' } }],
      ['breast-cancer', { activation: { type: 'leaky_relu', alpha: 0.05 } }],
    ] as const) {
      const { model } = trainSmall(name, arch, 2);
      const back = importOnnx(floatModelToOnnx(model), { file: `${name}.onnx` });
      for (const key of ['name', 'task', 'head', 'inputFeatures', 'outputFeatures', 'featureNames', 'labelColumns', 'classNames', 'inputStandardization', 'targetStandardization', 'layers'] as const) {
        expect(back[key], key).toEqual(model[key]);
      }
    }
  });

  it('keeps an autoencoder (task, target standardization, anomaly threshold) through its metadata', () => {
    const w = (n: number, seed: number) => Array.from({ length: n }, (_, i) => shortestFloat32(Math.cos(seed + i)));
    const model: FloatModel = {
      format: 'firmnet.model',
      version: 1,
      name: 'ae',
      task: 'autoencoder',
      head: 'identity',
      inputFeatures: 3,
      outputFeatures: 3,
      featureNames: ['a', 'b', 'c'],
      labelColumns: ['label'],
      classNames: [],
      inputStandardization: { mean: [1, 2, 3], std: [0.5, 1, 2] },
      targetStandardization: { mean: [1, 2, 3], std: [0.5, 1, 2] },
      anomaly: { percentile: 99, threshold: 0.25 },
      layers: [
        { type: 'dense', inFeatures: 3, outFeatures: 2, weights: w(6, 1), bias: w(2, 2) },
        { type: 'tanh' },
        { type: 'dense', inFeatures: 2, outFeatures: 3, weights: w(6, 3), bias: w(3, 4) },
      ],
      seed: null,
      source: { format: 'firmnet', file: null },
      training: null,
    };
    const back = importOnnx(floatModelToOnnx(model), { file: 'ae.onnx' });
    expect({ ...back, source: model.source }).toEqual(model);
  });
});

describe('task, head and classes on import', () => {
  it('a file ending in logits imports as regression; --task multiclass puts a softmax head on them', () => {
    expect(importOnnxFixture('torch-digits-leaky-logits-opset15.onnx').task).toBe('regression');
    const m = importOnnxFixture('torch-digits-leaky-logits-opset15.onnx', { task: 'multiclass' });
    expect([m.task, m.head, m.classNames.join('')]).toEqual(['multiclass', 'softmax', '0123456789']);
    expect(layerTypes(m)).toBe('dense,leaky_relu,dense');
  });

  it('a trailing Softmax becomes the head, unless the task is regression (then it stays a layer)', () => {
    const m = importOnnxFixture('torch-iris-relu-softmax-opset11.onnx', { classNames: ['setosa', 'versicolor', 'virginica'] });
    expect([m.task, m.head, layerTypes(m)]).toEqual(['multiclass', 'softmax', 'dense,relu,dense']);
    expect(m.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    const r = importOnnxFixture('torch-iris-relu-softmax-opset11.onnx', { task: 'regression' });
    expect([r.task, r.head, layerTypes(r)]).toEqual(['regression', 'identity', 'dense,relu,dense,softmax']);
  });

  it('a trailing Sigmoid with one output is binary; the CLI/sidecar names override the defaults', () => {
    const m = importOnnxFixture('torch-breast-cancer-bn-gelu-opset13.onnx', { sidecar: 'torch-breast-cancer-bn-gelu.sidecar.json', name: 'bc' });
    expect([m.name, m.task, m.head, m.classNames.join(',')]).toEqual(['bc', 'binary', 'sigmoid', '0,1']);
    expect(m.inputStandardization!.mean).toHaveLength(30);
  });

  it('refuses a task that does not fit the outputs, and class names of the wrong count', () => {
    expect(() => importOnnxFixture('torch-iris-relu-softmax-opset11.onnx', { task: 'binary' })).toThrow(
      'torch-iris-relu-softmax-opset11.onnx: a binary model has one output (a sigmoid probability), this one has 3; a 3-output softmax classifier imports as --task multiclass',
    );
    expect(() => importOnnxFixture('torch-breast-cancer-bn-gelu-opset13.onnx', { task: 'multiclass' })).toThrow('a multiclass model needs at least 2 outputs, this one has 1');
    expect(() => importOnnxFixture('clip-dropout-batchnorm-opset11.onnx', { task: 'multiclass' })).toThrow("the model ends in a sigmoid (graph.node[7] (Sigmoid 'sigmoid'))");
    expect(() => importOnnxFixture('torch-iris-relu-softmax-opset11.onnx', { classNames: ['a', 'b'] })).toThrow('a multiclass model with 3 output(s) needs 3 class names, got 2 (a, b)');
  });

  it('--task autoencoder (or the sidecar\'s task) on a model with as many outputs as inputs; no threshold without training data', () => {
    const g = new OnnxGraphBuilder();
    g.node('Gemm', ['x', g.floatTensor('W', [3, 3], [1, 0, 0, 0, 1, 0, 0, 0, 1])], ['h'], 'enc');
    g.node('Sigmoid', ['h'], ['y'], 'out');
    const bytes = g.toModel({ graphName: 'g', opset: 17, irVersion: 8, producerVersion: 't', inputs: [{ name: 'x', dims: ['N', 3] }], outputs: [{ name: 'y', dims: ['N', 3] }] });
    for (const options of [{ task: 'autoencoder' as const }, { preprocessing: parsePreprocessingText('{"task": "autoencoder"}', 'p.json') }]) {
      const m = importOnnx(bytes, { file: 'ae.onnx', ...options });
      // The trailing Sigmoid stays a layer: an autoencoder's outputs are reconstructed inputs, not probabilities.
      expect([m.task, m.head, layerTypes(m), m.anomaly, m.classNames, m.labelColumns]).toEqual(['autoencoder', 'identity', 'dense,sigmoid', null, [], ['label']]);
    }
    expect(() => importOnnx(bytes, { file: 'ae.onnx', task: 'autoencoder', classNames: ['a'] })).toThrow('ae.onnx: an autoencoder has no class names, got 1');
  });

  it('a sidecar standardization follows the model file\'s rules: a denormal std or a mean beyond float32 is named in the sidecar', () => {
    expectFirmnetError(() => parsePreprocessingText('{"input": {"mean": [0, 0], "std": [1, 1e-45]}}', 'p.json'), 'BAD_ARGUMENT', 'p.json: input.std[1]: must be a positive normal float32');
    expectFirmnetError(() => parsePreprocessingText('{"target": {"mean": [1e39], "std": [1]}}', 'p.json'), 'BAD_ARGUMENT', 'p.json: target.mean[0]');
    expectFirmnetError(() => parsePreprocessingText('{"input": {"mean": [0, 0], "std": [1]}}', 'p.json'), 'BAD_ARGUMENT', 'p.json: input.mean');
  });

  it('a graph that standardizes its input in Sub/Div nodes cannot take a sidecar standardization too', () => {
    const { model } = trainSmall('iris', {}, 1);
    expect(() => importOnnx(floatModelToOnnx(model), { file: 'iris.onnx', preprocessing: { input: { mean: [0, 0, 0, 0], std: [1, 1, 1, 1] } } })).toThrow(
      "iris.onnx: the graph already standardizes its input (Sub/Div or Mul/Add nodes) and the preprocessing sidecar gives 'input' too; drop one of them",
    );
  });
});

describe('ONNX import errors: each names the node, the op and what is supported', () => {
  it('an unsupported op', () => {
    expectFirmnetError(() => importOnnxFixture('unsupported-op-softplus.onnx'), 'UNSUPPORTED', "unsupported-op-softplus.onnx: graph.node[1] (Softplus 'softplus1') is not supported; firmnet imports MLP graphs made of Gemm, MatMul (+ Add bias), Relu");
  });

  it('a graph that branches (a residual connection, a shape computed from the input, the written-out tanh GELU)', () => {
    expectFirmnetError(() => importOnnxFixture('torch-residual-branching.onnx'), 'UNSUPPORTED', "the graph branches at 'input', which feeds graph.node[0] (Gemm '/fc1/Gemm') and graph.node[2] (Add '/Add'); firmnet imports MLPs whose nodes form one chain");
    expectFirmnetError(() => importOnnxFixture('torch-dynamic-flatten.onnx'), 'UNSUPPORTED', 'x.view(x.size(0), -1), makes a branch: use nn.Flatten');
    expectFirmnetError(() => importOnnxFixture('torch-gelu-tanh-pow.onnx'), 'UNSUPPORTED', 'the tanh approximation written out with Mul/Pow/Tanh nodes is not recognised');
  });

  it('non-float32 tensors: float16 weights, a float64 input', () => {
    expectFirmnetError(() => importOnnxFixture('float16-weights.onnx'), 'UNSUPPORTED', "weight B of graph.node[0] (Gemm 'fc1'), tensor 'fc1.weight.fp16' (graph.initializer[0]), is float16; firmnet imports float32 models only");
    expectFirmnetError(() => importOnnxFixture('float64-input.onnx'), 'UNSUPPORTED', "graph input 'x' is a float64 tensor; firmnet imports float32 models only");
  });

  it('weights in an external data file', () => {
    expectFirmnetError(() => importOnnxFixture('external-data.onnx'), 'UNSUPPORTED', "initializer 'fc1.weight' keeps its data in an external file ('external-data.onnx.data'); firmnet imports self-contained .onnx files");
  });

  it('a truncated file, a non-ONNX file, an empty file and JSON are clear errors, never a crash', () => {
    expectFirmnetError(() => importOnnxFixture('truncated.onnx'), 'BAD_ONNX', 'truncated.onnx: is not a readable ONNX model (protobuf decoding failed: ');
    expectFirmnetError(() => importOnnxFixture('not-onnx.onnx'), 'BAD_ONNX', 'not-onnx.onnx: is not a readable ONNX model');
    expectFirmnetError(() => importOnnx(new Uint8Array(0), { file: 'empty.onnx' }), 'BAD_ONNX', 'empty.onnx: the file is empty');
    expectFirmnetError(() => importOnnx(new TextEncoder().encode('{"format": "layers-model"}'), { file: 'model.json' }), 'BAD_ONNX', 'is JSON text, not an ONNX model');
    // Every strict prefix of a PyTorch-exported file is refused as BAD_ONNX.
    const bytes = onnxFixture('torch-iris-relu-softmax-opset11.onnx');
    for (let cut = 0; cut < bytes.length; cut++) expectFirmnetError(() => importOnnx(bytes.subarray(0, cut), { file: 'cut.onnx' }), 'BAD_ONNX', 'cut.onnx: ');
  });

  it('other unsupported graphs: opset, Gelu before opset 20, a custom domain, Clip bounds, Softmax axis, training-mode BatchNormalization, two inputs', () => {
    const build = (opset: number, add: (g: OnnxGraphBuilder) => void, inputs = [{ name: 'x', dims: ['N', 2] as (number | string)[] }]) => {
      const g = new OnnxGraphBuilder();
      add(g);
      return g.toModel({ graphName: 'g', opset, irVersion: 8, producerVersion: 't', inputs, outputs: [{ name: 'y', dims: ['N', 2] }] });
    };
    const relu = (g: OnnxGraphBuilder) => g.node('Relu', ['x'], ['y'], 'r');
    expectFirmnetError(() => importOnnx(build(9, relu), { file: 'm.onnx' }), 'UNSUPPORTED', 'm.onnx: uses opset 9; firmnet imports opsets 11–21');
    expectFirmnetError(() => importOnnx(build(22, relu), { file: 'm.onnx' }), 'UNSUPPORTED', 'uses opset 22');
    expectFirmnetError(() => importOnnx(build(17, (g) => g.node('Gelu', ['x'], ['y'], 'gelu')), { file: 'm.onnx' }), 'UNSUPPORTED', "graph.node[0] (Gelu 'gelu'): Gelu is an ONNX op from opset 20, but the model declares opset 17");
    expectFirmnetError(() => importOnnx(build(17, (g) => g.node('FusedGemm', ['x'], ['y'], 'fused', {}, 'com.microsoft')), { file: 'm.onnx' }), 'UNSUPPORTED', "graph.node[0] (com.microsoft.FusedGemm 'fused') is not supported");
    expectFirmnetError(
      () => importOnnx(build(17, (g) => g.node('Clip', ['x', g.floatTensor('lo', [], [-1]), g.floatTensor('hi', [], [1])], ['y'], 'hardtanh')), { file: 'm.onnx' }),
      'UNSUPPORTED',
      "graph.node[0] (Clip 'hardtanh') clips to [-1, 1]; firmnet supports Clip(0, 6) (ReLU6) and Clip(0, ∞) (ReLU)",
    );
    expectFirmnetError(() => importOnnx(build(17, (g) => g.node('Softmax', ['x'], ['y'], 'sm', { axis: 0 })), { file: 'm.onnx' }), 'UNSUPPORTED', "graph.node[0] (Softmax 'sm') has axis=0");
    const bn = (g: OnnxGraphBuilder) =>
      g.node('BatchNormalization', ['x', ...['s', 'b', 'm', 'v'].map((n) => g.floatTensor(n, [2], [1, 1]))], ['y'], 'bn', { training_mode: 1 });
    expectFirmnetError(() => importOnnx(build(17, bn), { file: 'm.onnx' }), 'UNSUPPORTED', "graph.node[0] (BatchNormalization 'bn') is in training mode");
    const two = [
      { name: 'x', dims: ['N', 2] as (number | string)[] },
      { name: 'z', dims: ['N', 2] as (number | string)[] },
    ];
    expectFirmnetError(() => importOnnx(build(17, (g) => g.node('Add', ['x', 'z'], ['y'], 'add'), two), { file: 'm.onnx' }), 'UNSUPPORTED', "the graph has 2 inputs ('x', 'z')");
  });
});

describe('imported model names follow the one naming rule (a valid, unreserved C prefix)', () => {
  it('names a model after its file, or after the folder of a TF.js model.json', () => {
    expect(nameFromFile('models/2-layer net.onnx')).toBe('m_2_layer_net');
    expect(nameFromFile('downloads/__init__.onnx')).toBe('init');
    expect(nameFromFile('exports/int/model.json')).toBe('int_model');
    expect(nameFromFile('exports/sensor-net/model.json')).toBe('sensor_net');
  });
});

/**
 * Writes the hand-built ONNX fixtures of test/fixtures/onnx/ (the PyTorch-made ones come from
 * make_torch_fixtures.py next to them). These cover what PyTorch 1.13 cannot write: opsets 14 and
 * 18–21, the Gelu op, Gemm's transA/transB/alpha/beta, other orders of the Erf GELU pattern, and the
 * unsupported cases (an unknown op, float16/float64 tensors, external data, truncated and non-ONNX files).
 * Weights come from a seeded generator, so the files are the same on every run.
 *
 * Run: npm run build && node dist/scripts/make-onnx-fixtures.js [outDir]
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { OnnxGraphBuilder } from '../compiler/export/onnx-graph-builder.js';
import { Rng } from '../compiler/rng.js';
import { ONNX_FLOAT } from '../compiler/onnx/onnx-proto.js';

const outDir = process.argv[2] ?? 'test/fixtures/onnx';
const rng = new Rng(20240601);
const ONNX_FLOAT16 = 10;
const ONNX_DOUBLE = 11;

function randoms(n: number, scale = 0.5): number[] {
  return Array.from({ length: n }, () => Math.fround(rng.normal() * scale));
}

function write(name: string, bytes: Uint8Array): Uint8Array {
  writeFileSync(join(outDir, name), bytes);
  console.log(`wrote ${name} (${bytes.length} bytes)`);
  return bytes;
}

const IR_FOR_OPSET: Record<number, number> = { 11: 6, 12: 7, 13: 7, 14: 7, 15: 8, 16: 8, 17: 8, 18: 8, 19: 9, 20: 9, 21: 10 };

function model(g: OnnxGraphBuilder, opset: number, inputDims: (number | string)[], outFeatures: number, inputType = ONNX_FLOAT): Uint8Array {
  return g.toModel({
    graphName: 'fixture',
    opset,
    irVersion: IR_FOR_OPSET[opset],
    producerVersion: 'fixture',
    inputs: [{ name: 'x', dims: inputDims, elemType: inputType }],
    outputs: [{ name: 'y', dims: ['batch', outFeatures], elemType: inputType }],
  });
}

// Gemm in every layout: (x·W + C) with alpha/beta, then Gemm(W, x, transB=1) giving [features, batch],
// a Relu on that transposed activation, and Gemm(h, W, transA=1, transB=1) turning it back.
{
  const g = new OnnxGraphBuilder();
  g.node('Gemm', ['x', g.floatTensor('W1', [5, 6], randoms(30)), g.floatTensor('C1', [1, 6], randoms(6))], ['h1'], 'gemm_plain_alpha_beta', { alpha: { float: 0.5 }, beta: { float: 2 } });
  g.node('Tanh', ['h1'], ['a1'], 'tanh');
  g.node('Gemm', [g.floatTensor('W2', [4, 6], randoms(24)), 'a1', g.floatTensor('C2', [4, 1], randoms(4))], ['h2t'], 'gemm_weight_first_transB', { transB: 1, alpha: { float: 1.5 } });
  g.node('Relu', ['h2t'], ['a2t'], 'relu_transposed');
  g.node('Gemm', ['a2t', g.floatTensor('W3', [3, 4], randoms(12)), g.floatTensor('C3', [], [0.25])], ['y'], 'gemm_transA_transB', { transA: 1, transB: 1, beta: { float: -1 } });
  write('gemm-trans-alpha-beta-opset12.onnx', model(g, 12, ['batch', 5], 3));
}

// The Gelu op (opset 20) in both approximations.
{
  const g = new OnnxGraphBuilder();
  g.node('Gemm', ['x', g.floatTensor('W1', [6, 4], randoms(24)), g.floatTensor('B1', [6], randoms(6))], ['h1'], 'fc1', { transB: 1 });
  g.node('Gelu', ['h1'], ['a1'], 'gelu_exact', { approximate: 'none' });
  g.node('Gemm', ['a1', g.floatTensor('W2', [6, 6], randoms(36, 1)), g.floatTensor('B2', [6], randoms(6))], ['h2'], 'fc2', { transB: 1 });
  g.node('Gelu', ['h2'], ['a2'], 'gelu_tanh', { approximate: 'tanh' });
  g.node('Gemm', ['a2', g.floatTensor('W3', [2, 6], randoms(12)), g.floatTensor('B3', [2], randoms(2))], ['y'], 'fc3', { transB: 1 });
  write('gelu-op-opset20.onnx', model(g, 20, ['batch', 4], 2));
}

// Opset 21: Reshape [0, -1] of a [batch, 4, 2] input, Identity, Dropout with a ratio input, MatMul + Add, Softmax(axis −1).
{
  const g = new OnnxGraphBuilder();
  g.node('Reshape', ['x', g.int64Tensor('shape', [2], [0, -1])], ['flat'], 'reshape_keep_batch');
  g.node('Identity', ['flat'], ['flat_id'], 'identity');
  g.node('Gemm', ['flat_id', g.floatTensor('W1', [8, 7], randoms(56)), g.floatTensor('B1', [7], randoms(7))], ['h1'], 'fc1');
  g.node('Dropout', ['h1', g.floatTensor('ratio', [], [0.3])], ['d1'], 'dropout');
  g.node('Tanh', ['d1'], ['a1'], 'tanh');
  g.node('MatMul', ['a1', g.floatTensor('W2', [7, 4], randoms(28, 1))], ['m2'], 'matmul');
  g.node('Add', [g.floatTensor('B2', [4], randoms(4)), 'm2'], ['h2'], 'bias_add');
  g.node('Softmax', ['h2'], ['y'], 'softmax', { axis: -1 });
  write('reshape-identity-dropout-opset21.onnx', model(g, 21, ['batch', 4, 2], 4));
}

// Two more orders of the Erf GELU pattern (PyTorch's own order is in torch-breast-cancer-bn-gelu-opset13.onnx).
{
  const g = new OnnxGraphBuilder();
  const half = g.floatTensor('half', [], [0.5]);
  const one = g.floatTensor('one', [], [1]);
  g.node('Gemm', ['x', g.floatTensor('W1', [5, 3], randoms(15, 1)), g.floatTensor('B1', [5], randoms(5))], ['h1'], 'fc1', { transB: 1 });
  // (x · 0.5) · (1 + erf(x · 1/√2))
  g.node('Mul', ['h1', g.floatTensor('inv_sqrt2', [], [Math.SQRT1_2])], ['s1'], 'gelu1_scale');
  g.node('Erf', ['s1'], ['e1'], 'gelu1_erf');
  g.node('Add', [one, 'e1'], ['p1'], 'gelu1_add');
  g.node('Mul', [half, 'h1'], ['x_half'], 'gelu1_half');
  g.node('Mul', ['x_half', 'p1'], ['a1'], 'gelu1_mul');
  g.node('Gemm', ['a1', g.floatTensor('W2', [5, 5], randoms(25, 1)), g.floatTensor('B2', [5], randoms(5))], ['h2'], 'fc2', { transB: 1 });
  // x · ((1 + erf(x / √2)) · 0.5)
  g.node('Div', ['h2', g.floatTensor('sqrt2', [], [Math.SQRT2])], ['s2'], 'gelu2_div');
  g.node('Erf', ['s2'], ['e2'], 'gelu2_erf');
  g.node('Add', ['e2', one], ['p2'], 'gelu2_add');
  g.node('Mul', ['p2', half], ['q2'], 'gelu2_half');
  g.node('Mul', ['h2', 'q2'], ['a2'], 'gelu2_mul');
  g.node('Gemm', ['a2', g.floatTensor('W3', [2, 5], randoms(10)), g.floatTensor('B3', [2], randoms(2))], ['y'], 'fc3', { transB: 1 });
  write('erf-gelu-orders-opset14.onnx', model(g, 14, ['batch', 3], 2));
}

// Opset 11 forms: Clip with only a min (ReLU), Dropout with a ratio attribute, Clip(0, 6), BatchNormalization, Sigmoid.
{
  const g = new OnnxGraphBuilder();
  g.node('Gemm', ['x', g.floatTensor('W1', [6, 4], randoms(24, 1)), g.floatTensor('B1', [6], randoms(6))], ['h1'], 'fc1', { transB: 1 });
  g.node('Clip', ['h1', g.floatTensor('zero', [], [0])], ['a1'], 'clip_relu');
  g.node('Dropout', ['a1'], ['d1'], 'dropout', { ratio: { float: 0.25 } });
  g.node('Gemm', ['d1', g.floatTensor('W2', [5, 6], randoms(30, 1.5)), g.floatTensor('B2', [5], randoms(5))], ['h2'], 'fc2', { transB: 1 });
  g.node('Clip', ['h2', 'zero', g.floatTensor('six', [], [6])], ['a2'], 'clip_relu6');
  g.node(
    'BatchNormalization',
    ['a2', g.floatTensor('gamma', [5], randoms(5)), g.floatTensor('beta', [5], randoms(5)), g.floatTensor('mean', [5], randoms(5)), g.floatTensor('var', [5], randoms(5).map((v) => Math.abs(v) + 0.5))],
    ['bn'],
    'batchnorm',
    { epsilon: { float: 1e-3 }, momentum: { float: 0.99 } },
  );
  g.node('Gemm', ['bn', g.floatTensor('W3', [3, 5], randoms(15)), g.floatTensor('B3', [3], randoms(3))], ['h3'], 'fc3', { transB: 1 });
  g.node('Sigmoid', ['h3'], ['y'], 'sigmoid');
  write('clip-dropout-batchnorm-opset11.onnx', model(g, 11, ['batch', 4], 3));
}

// ── unsupported cases ──────────────────────────────────────────────────────────────────────────────

// An op firmnet does not import (Softplus between two layers); ONNX Runtime runs it fine.
{
  const g = new OnnxGraphBuilder();
  g.node('Gemm', ['x', g.floatTensor('W1', [4, 3], randoms(12)), g.floatTensor('B1', [4], randoms(4))], ['h1'], 'fc1', { transB: 1 });
  g.node('Softplus', ['h1'], ['a1'], 'softplus1');
  g.node('Gemm', ['a1', g.floatTensor('W2', [2, 4], randoms(8)), g.floatTensor('B2', [2], randoms(2))], ['y'], 'fc2', { transB: 1 });
  write('unsupported-op-softplus.onnx', model(g, 17, ['batch', 3], 2));
}

// float16 weights (a model converted with onnxconverter_common.float16 keeping a float32 input).
{
  const g = new OnnxGraphBuilder();
  const half = new Uint8Array(4 * 3 * 2);
  const view = new DataView(half.buffer);
  for (let i = 0; i < 12; i++) view.setUint16(i * 2, 0x3c00 /* 1.0 */, true);
  g.node('Gemm', ['x', g.tensor({ name: 'fc1.weight.fp16', dims: [4, 3], dataType: ONNX_FLOAT16, rawData: half }), g.floatTensor('B1', [4], randoms(4))], ['y'], 'fc1', { transB: 1 });
  write('float16-weights.onnx', model(g, 17, ['batch', 3], 4));
}

// A float64 model (input and weights double).
{
  const g = new OnnxGraphBuilder();
  const raw = new Uint8Array(2 * 3 * 8);
  const view = new DataView(raw.buffer);
  for (let i = 0; i < 6; i++) view.setFloat64(i * 8, rng.normal(), true);
  g.node('Gemm', ['x', g.tensor({ name: 'W', dims: [2, 3], dataType: ONNX_DOUBLE, rawData: raw })], ['y'], 'fc1', { transB: 1 });
  write('float64-input.onnx', model(g, 17, ['batch', 3], 2, ONNX_DOUBLE));
}

// Weights stored in an external file (onnx.save_model(..., save_as_external_data=True)).
{
  const g = new OnnxGraphBuilder();
  const weights = Float32Array.from(randoms(12));
  writeFileSync(join(outDir, 'external-data.onnx.data'), new Uint8Array(weights.buffer));
  g.node(
    'Gemm',
    [
      'x',
      g.tensor({
        name: 'fc1.weight',
        dims: [4, 3],
        dataType: ONNX_FLOAT,
        dataLocation: 1,
        externalData: [
          { key: 'location', value: 'external-data.onnx.data' },
          { key: 'offset', value: '0' },
          { key: 'length', value: '48' },
        ],
      }),
    ],
    ['y'],
    'fc1',
    { transB: 1 },
  );
  write('external-data.onnx', model(g, 17, ['batch', 3], 4));
}

// A download cut short, and a file that is not ONNX at all (the first bytes of a PNG image).
{
  const g = new OnnxGraphBuilder();
  g.node('Gemm', ['x', g.floatTensor('W1', [16, 8], randoms(128)), g.floatTensor('B1', [16], randoms(16))], ['h1'], 'fc1', { transB: 1 });
  g.node('Relu', ['h1'], ['a1'], 'relu1');
  g.node('Gemm', ['a1', g.floatTensor('W2', [4, 16], randoms(64)), g.floatTensor('B2', [4], randoms(4))], ['y'], 'fc2', { transB: 1 });
  const full = model(g, 17, ['batch', 8], 4);
  write('truncated.onnx', full.subarray(0, Math.floor(full.length * 0.6)));
  write('not-onnx.onnx', Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, ...randoms(24).map((v) => Math.abs(Math.round(v * 97)) & 0xff)]));
}

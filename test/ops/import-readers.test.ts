/**
 * The importers' readers live in the op folders and reach the importers through tables built from
 * the float layer registry. The registry's type requires every kind's readers (checked by `npx tsc
 * -p tsconfig.test.json`, which fails on an unused `@ts-expect-error`); the tables hold exactly the
 * names the importers' "supported" messages promise, and no reader hides behind the importers' own
 * graph plumbing.
 */
import { describe, expect, it } from 'vitest';
import { SUPPORTED_ONNX_OPS } from '../../compiler/import/onnx.js';
import { SUPPORTED_KERAS_ACTIVATIONS, SUPPORTED_TFJS_LAYERS } from '../../compiler/import/tfjs.js';
import { FLOAT_LAYERS, type FloatLayerRegistry } from '../../compiler/ops/float-layers.js';
import type { LayerReaders } from '../../compiler/ops/import-readers.js';
import { KERAS_ACTIVATIONS, ONNX_NODE_READERS, ONNX_PATTERNS, TFJS_CLASS_READERS, readerTable } from '../../compiler/ops/import-tables.js';

type Registry = FloatLayerRegistry;

describe('the readers in the registry type', () => {
  it('rejects a kind without readers and readers without one of their tables', () => {
    const { readers: _readers, ...withoutReaders } = FLOAT_LAYERS.batchnorm;
    const { onnxPatterns: _patterns, ...withoutPatterns } = FLOAT_LAYERS.gelu.readers;
    const { tfjsClasses: _classes, ...withoutClasses } = FLOAT_LAYERS.dense.readers;
    // @ts-expect-error a kind that says nothing about importing
    const missingReaders: Registry = { ...FLOAT_LAYERS, batchnorm: withoutReaders };
    // @ts-expect-error readers that forget the multi-node ONNX forms
    const missingPatterns: Registry = { ...FLOAT_LAYERS, gelu: { ...FLOAT_LAYERS.gelu, readers: withoutPatterns } };
    // @ts-expect-error readers that forget the Keras classes
    const missingClasses: Registry = { ...FLOAT_LAYERS, dense: { ...FLOAT_LAYERS.dense, readers: withoutClasses } };
    const none: LayerReaders = { onnxNodes: {}, onnxPatterns: [], tfjsClasses: {}, kerasActivations: {}, supported: { onnx: [], kerasActivations: [] } };
    const notImported: Registry = { ...FLOAT_LAYERS, dropout: { ...FLOAT_LAYERS.dropout, readers: none } };
    expect([missingReaders, missingPatterns, missingClasses, notImported].map((r) => Object.keys(r).length)).toEqual([11, 11, 11, 11]);
  });
});

describe('the tables built from the registry', () => {
  it('hold each kind’s ONNX node types, patterns, Keras classes and activation names', () => {
    // Each kind's own names, in the registry's order; an op's folder test pins what its readers add.
    const kinds = Object.values(FLOAT_LAYERS);
    expect([...ONNX_NODE_READERS.keys()]).toEqual(kinds.flatMap((k) => Object.keys(k.readers.onnxNodes)));
    expect(ONNX_PATTERNS).toHaveLength(kinds.reduce((n, k) => n + k.readers.onnxPatterns.length, 0));
    expect([...TFJS_CLASS_READERS.keys()]).toEqual(kinds.flatMap((k) => Object.keys(k.readers.tfjsClasses)));
    expect([...KERAS_ACTIVATIONS.keys()]).toEqual(kinds.flatMap((k) => Object.keys(k.readers.kerasActivations)));
    // The names of the dense, activation, softmax, BatchNorm and Dropout kinds, and the Erf GELU (lut).
    expect([...ONNX_NODE_READERS.keys()]).toEqual(expect.arrayContaining(['Gemm', 'MatMul', 'Relu', 'Clip', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Gelu', 'Softmax', 'BatchNormalization', 'Dropout']));
    expect(FLOAT_LAYERS.gelu.readers.onnxPatterns).toHaveLength(1);
    expect([...TFJS_CLASS_READERS.keys()]).toEqual(expect.arrayContaining(['Dense', 'LeakyReLU', 'BatchNormalization', 'Dropout']));
    expect([...KERAS_ACTIVATIONS.keys()]).toEqual(['relu', 'relu6', 'sigmoid', 'tanh', 'gelu', 'gelu_new', 'softmax']);
  });

  it('build the supported-ops messages: the registry’s names between the importers’ own', () => {
    const kinds = Object.values(FLOAT_LAYERS);
    expect(SUPPORTED_ONNX_OPS).toBe(
      `${kinds.flatMap((k) => k.readers.supported.onnx).join(', ')}, Flatten, Reshape, Transpose, Identity, and a leading Sub/Div (input standardization) or trailing Mul/Add (regression output scaling)`,
    );
    expect(SUPPORTED_ONNX_OPS).toMatch(/^Gemm, MatMul \(\+ Add bias\), Relu, Clip \(as ReLU6 or ReLU\), LeakyRelu, Sigmoid, Tanh, Gelu \(opset 20\+\), the Erf form of GELU, Softmax, BatchNormalization, /);
    expect(SUPPORTED_TFJS_LAYERS).toBe(`InputLayer, ${kinds.flatMap((k) => Object.keys(k.readers.tfjsClasses)).join(', ')}, Activation and Flatten`);
    expect(SUPPORTED_TFJS_LAYERS).toMatch(/^InputLayer, Dense, LeakyReLU, BatchNormalization, .*Dropout, Activation and Flatten$/);
    expect(SUPPORTED_KERAS_ACTIVATIONS).toBe('linear, relu, relu6, sigmoid, tanh, gelu (erf), gelu_new (tanh approximation) and softmax');
  });

  it('name nothing the supported-ops messages leave out, and nothing the importers read as plumbing', () => {
    const listed = (text: string) => new Set(text.split(/[^A-Za-z0-9_]+/));
    const onnxListed = listed(SUPPORTED_ONNX_OPS);
    const tfjsListed = listed(SUPPORTED_TFJS_LAYERS);
    const activationsListed = listed(SUPPORTED_KERAS_ACTIVATIONS);
    expect([...ONNX_NODE_READERS.keys()].filter((k) => !onnxListed.has(k))).toEqual([]);
    expect([...TFJS_CLASS_READERS.keys()].filter((k) => !tfjsListed.has(k))).toEqual([]);
    expect([...KERAS_ACTIVATIONS.keys()].filter((k) => !activationsListed.has(k))).toEqual([]);
    // The importers handle these before the table; a reader under one of these names would never run.
    const onnxPlumbing = ['Add', 'Sub', 'Div', 'Mul', 'Flatten', 'Reshape', 'Transpose', 'Identity'];
    expect(onnxPlumbing.filter((k) => ONNX_NODE_READERS.has(k))).toEqual([]);
    expect(['InputLayer', 'Activation', 'Flatten'].filter((k) => TFJS_CLASS_READERS.has(k))).toEqual([]);
    expect(KERAS_ACTIVATIONS.has('linear')).toBe(false);
  });

  it('refuse two kinds that claim one name, whatever the registry order', () => {
    const relu = { op: 'relu', readers: FLOAT_LAYERS.relu.readers };
    const impostor = { op: 'leaky_relu', readers: { ...FLOAT_LAYERS.leaky_relu.readers, onnxNodes: { Relu: FLOAT_LAYERS.relu.readers.onnxNodes.Relu } } };
    expect(() => readerTable([relu, impostor], (r) => r.onnxNodes, 'ONNX op type')).toThrow("ONNX op type 'Relu' is read by both relu and leaky_relu");
    expect(readerTable([relu, FLOAT_LAYERS.leaky_relu], (r) => r.onnxNodes, 'ONNX op type').size).toBe(2);
  });
});

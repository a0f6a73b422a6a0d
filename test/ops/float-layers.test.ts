/**
 * The float layer registry: its typing rejects a kind that lacks a member (checked by `npx tsc -p
 * tsconfig.test.json`, which fails on an unused `@ts-expect-error`), and every generic step that
 * used to switch over kinds now reaches each kind's own rule.
 */
import { describe, expect, it } from 'vitest';
import { floatModelToOnnx } from '../../compiler/export/onnx.js';
import { foldModel } from '../../compiler/quantize/fold.js';
import { FLOAT_LAYERS, FLOAT_LAYER_TYPES, type FloatLayerRegistry } from '../../compiler/ops/float-layers.js';
import { parseModelText } from '../../compiler/model/model-file.js';
import type { FloatModel, LayerSpec } from '../../compiler/model/float-model.js';
import { onnx } from '../../compiler/onnx/onnx-proto.js';

type Registry = FloatLayerRegistry;

describe('the float layer registry type', () => {
  it('rejects a registry without a kind and a kind without a member', () => {
    const { dropout: _dropout, ...withoutDropout } = FLOAT_LAYERS;
    const { fold: _fold, ...withoutFold } = FLOAT_LAYERS.dense;
    const { write: _write, ...withoutWrite } = FLOAT_LAYERS.gelu.onnx;
    // @ts-expect-error a kind missing from the registry
    const missingKind: Registry = withoutDropout;
    // @ts-expect-error a kind without its fold rule
    const missingFold: Registry = { ...FLOAT_LAYERS, dense: withoutFold };
    // @ts-expect-error a kind without its ONNX node
    const missingOnnx: Registry = { ...FLOAT_LAYERS, gelu: { ...FLOAT_LAYERS.gelu, onnx: withoutWrite } };
    // @ts-expect-error one kind's definition under another kind's name
    const swapped: Registry = { ...FLOAT_LAYERS, batchnorm: FLOAT_LAYERS.dropout };
    // @ts-expect-error a kind trained by its own layer in compiler/nn/ given a trainer member's place
    const trainerWhereNone: Registry = { ...FLOAT_LAYERS, dense: { ...FLOAT_LAYERS.dense, trainer: FLOAT_LAYERS.dense } };
    const kinds = FLOAT_LAYER_TYPES.length;
    expect([missingKind, missingFold, missingOnnx, swapped, trainerWhereNone].map((r) => Object.keys(r).length)).toEqual([kinds - 1, kinds, kinds, kinds, kinds]);
  });

  it('files every definition under its own kind', () => {
    for (const [key, def] of Object.entries(FLOAT_LAYERS)) expect(def.op).toBe(key);
    expect(FLOAT_LAYER_TYPES).toEqual(Object.keys(FLOAT_LAYERS));
  });
});

/**
 * A 3-4-4-2 model with one layer of each kind the trainer has its own layer for (BatchNorm next to a
 * dense layer so it folds); a kind an op trains by definition pins these steps in its folder's tests.
 */
function everyKind(): FloatModel {
  const dense = (i: number, o: number): LayerSpec => ({ op: 'dense', inFeatures: i, outFeatures: o, weights: Array.from({ length: i * o }, (_, k) => ((k % 7) - 3) / 5), bias: Array(o).fill(0.1) });
  const layers: LayerSpec[] = [
    dense(3, 4),
    { op: 'batchnorm', features: 4, gamma: [1, 2, 1, 0.5], beta: [0, 0.1, 0, 0], runningMean: [0, 0, 0.2, 0], runningVar: [1, 1, 2, 1], eps: 1e-5, momentum: 0.1 },
    { op: 'relu' },
    { op: 'dropout', rate: 0.2 },
    dense(4, 4),
    { op: 'relu6' },
    { op: 'leaky_relu', alpha: 0.1 },
    { op: 'sigmoid' },
    { op: 'tanh' },
    { op: 'gelu', approximate: 'tanh' },
    dense(4, 2),
    { op: 'softmax' },
  ];
  const model = {
    format: 'firmnet.model', version: 2, name: 'every', task: 'multiclass', head: 'identity', inputFeatures: 3, outputFeatures: 2, featureNames: ['a', 'b', 'c'], labelColumns: ['label'],
    classNames: ['x', 'y'], inputStandardization: null, targetStandardization: null, anomaly: null, layers, seed: null, source: { format: 'firmnet', file: null }, training: null,
  };
  return parseModelText(JSON.stringify(model), 'every.json');
}

describe('every kind through the generic steps', () => {
  it('the model file parses every kind and checks the shape chain through each', () => {
    const model = everyKind();
    expect(model.layers.map((l) => l.op)).toEqual(['dense', 'batchnorm', 'relu', 'dropout', 'dense', 'relu6', 'leaky_relu', 'sigmoid', 'tanh', 'gelu', 'dense', 'softmax']);
    const bad = { ...JSON.parse(JSON.stringify(model)), layers: model.layers.map((l) => (l.op === 'batchnorm' ? { ...l, features: 5, gamma: [...l.gamma, 1], beta: [...l.beta, 0], runningMean: [...l.runningMean, 0], runningVar: [...l.runningVar, 1] } : l)) };
    expect(() => parseModelText(JSON.stringify(bad), 'bad.json')).toThrow('layers[1].features: is 5, but the previous layer gives 4 features');
  });

  it('folds BatchNorm away, drops Dropout, fuses ReLU and ReLU6 into dense, and keeps every other kind as its own stage', () => {
    expect(foldModel(everyKind(), { headInFirmware: false }).map((s) => `${s.op}:${s.name}${'activation' in s ? `:${s.activation}` : ''}`)).toEqual([
      'fully_connected:dense0:relu',
      'fully_connected:dense1:relu6',
      'leaky_relu:dense1.leaky_relu',
      'lut:dense1.leaky_relu.sigmoid',
      'lut:dense1.leaky_relu.sigmoid.tanh',
      'lut:dense1.leaky_relu.sigmoid.tanh.gelu_tanh',
      'fully_connected:dense2:none',
      'softmax:softmax',
    ]);
  });

  it('writes one ONNX node per layer, at the opset its newest node needs (Gelu: 20)', () => {
    const decoded = onnx.ModelProto.decode(floatModelToOnnx(everyKind()));
    const ops = (decoded.graph?.node ?? []).map((n) => n.opType);
    expect(ops.slice(0, 12)).toEqual(['Gemm', 'BatchNormalization', 'Relu', 'Dropout', 'Gemm', 'Clip', 'LeakyRelu', 'Sigmoid', 'Tanh', 'Gelu', 'Gemm', 'Softmax']);
    expect(Number(decoded.opsetImport?.[0].version)).toBe(20);
  });
});

/**
 * layer_norm through the generic steps that read its float definition: the model file's shape chain,
 * the fold into an IR stage (a ReLU after it becomes its clamp), the ONNX node, `firmnet inspect`'s
 * label and float facts, the importers' tables and "supported" messages, and the trainer's setting.
 */
import { describe, expect, it } from 'vitest';
import { floatModelToOnnx } from '../../export/onnx.js';
import { SUPPORTED_ONNX_OPS } from '../../import/onnx.js';
import { SUPPORTED_TFJS_LAYERS } from '../../import/tfjs.js';
import { floatLayerConstantBytes, floatLayerMacs, floatLayerParameters, layerOpLabel } from '../../inspect/layer-facts.js';
import type { FloatModel, LayerSpec } from '../../model/float-model.js';
import { parseModelText } from '../../model/model-file.js';
import { onnx } from '../../onnx/onnx-proto.js';
import { foldModel } from '../../quantize/fold.js';
import { ONNX_NODE_READERS, ONNX_PATTERNS, TFJS_CLASS_READERS } from '../import-tables.js';
import type { QLayer } from '../quantized-op-types.js';
import { layerNormLayer } from './float-layer.js';

/** Dense(3→4) → LayerNorm(4) → ReLU → Dense(4→2). */
function withLayerNorm(): FloatModel {
  const dense = (i: number, o: number): LayerSpec => ({ op: 'dense', inFeatures: i, outFeatures: o, weights: Array.from({ length: i * o }, (_, k) => ((k % 7) - 3) / 5), bias: Array(o).fill(0.1) });
  const layers: LayerSpec[] = [dense(3, 4), { op: 'layer_norm', features: 4, gamma: [1, 1.5, -1, 0.5], beta: [0, 0.2, 0, -0.1], epsilon: 1e-5 }, { op: 'relu' }, dense(4, 2)];
  const model = {
    format: 'firmnet.model', version: 2, name: 'ln', task: 'multiclass', head: 'identity', inputFeatures: 3, outputFeatures: 2, featureNames: ['a', 'b', 'c'], labelColumns: ['label'],
    classNames: ['x', 'y'], inputStandardization: null, targetStandardization: null, anomaly: null, layers, seed: null, source: { format: 'firmnet', file: null }, training: null,
  };
  return parseModelText(JSON.stringify(model), 'ln.json');
}

describe('layer_norm in the generic float steps', () => {
  it('checks its features against the layer before it', () => {
    const bad = JSON.parse(JSON.stringify(withLayerNorm()));
    bad.layers[1] = { ...bad.layers[1], features: 5, gamma: [...bad.layers[1].gamma, 1], beta: [...bad.layers[1].beta, 0] };
    expect(() => parseModelText(JSON.stringify(bad), 'bad.json')).toThrow('layers[1].features: is 5, but the previous layer gives 4 features');
  });

  it('folds into its own stage and takes the ReLU after it as its clamp', () => {
    expect(foldModel(withLayerNorm(), { headInFirmware: false }).map((s) => `${s.op}:${s.name}${'activation' in s ? `:${s.activation}` : ''}`)).toEqual([
      'fully_connected:dense0:none',
      'layer_norm:dense0.layer_norm:relu',
      'fully_connected:dense1:none',
    ]);
  });

  it('writes LayerNormalization at opset 17', () => {
    const decoded = onnx.ModelProto.decode(floatModelToOnnx(withLayerNorm()));
    expect((decoded.graph?.node ?? []).map((n) => n.opType).slice(0, 4)).toEqual(['Gemm', 'LayerNormalization', 'Relu', 'Gemm']);
    expect(Number(decoded.opsetImport?.[0].version)).toBe(17);
  });

  it('gives firmnet inspect its label and float facts', () => {
    const label = (activation: 'none' | 'relu6') => layerOpLabel({ op: 'layer_norm', activation } as QLayer);
    expect(label('none')).toBe('layer_norm');
    expect(label('relu6')).toBe('layer_norm + relu6');
    const spec: LayerSpec = { op: 'layer_norm', features: 4, gamma: [1, 1, 1, 1], beta: [1, 1, 1, 1], epsilon: 1e-5 };
    expect([floatLayerMacs(spec), floatLayerParameters(spec), floatLayerConstantBytes(spec)]).toEqual([4, 8, 32]);
  });

  it('adds its ONNX node, its opset < 17 pattern and its TF.js class to the importers, in their words', () => {
    expect(ONNX_NODE_READERS.has('LayerNormalization')).toBe(true);
    expect(ONNX_PATTERNS).toHaveLength(2);
    expect(TFJS_CLASS_READERS.has('LayerNormalization')).toBe(true);
    expect(SUPPORTED_ONNX_OPS).toContain(', BatchNormalization, LayerNormalization (opset 17+) and its ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div(/Mul/Add) form, Dropout, ');
    expect(SUPPORTED_TFJS_LAYERS).toContain(', BatchNormalization, LayerNormalization, Dropout, ');
  });

  it('is the trainer’s opt-in setting layerNorm / --layer-norm, starting at γ = 1, β = 0, ε = 1e-5 (PyTorch’s)', () => {
    const option = layerNormLayer.architectureOption!;
    expect([option.field, option.flag, option.describe]).toEqual(['layerNorm', 'layer-norm', 'LayerNorm after each hidden dense layer (quantized as an exact integer layer_norm)']);
    expect(option.initial(3)).toEqual({ op: 'layer_norm', features: 3, gamma: [1, 1, 1], beta: [0, 0, 0], epsilon: 1e-5 });
  });
});

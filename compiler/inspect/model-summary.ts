/**
 * A Keras `model.summary()` for every model file firmnet reads: per layer the op, its shapes,
 * parameters, MACs and constant bytes, and for a quantized IR each tensor's dtype, scale and zero
 * point; totals at the bottom. `firmnet inspect` prints it, `firmnet train` prints it after training.
 */
import type { FloatModel, LayerSpec } from '../model/float-model.js';
import type { QModel } from '../ir/qmodel.js';
import type { QTensor } from '../ops/op-types.js';
import { floatLayerConstantBytes, floatLayerMacs, floatLayerParameters, layerConstantBytes, layerMacs, layerOpLabel, layerParameters } from './layer-facts.js';

/** How a quantized tensor is stored: real = scale · (code − zeroPoint). */
export interface TensorQuantization {
  bits: 8 | 16;
  scale: number;
  zeroPoint: number;
}

export interface LayerSummary {
  index: number;
  name: string;
  /** The layer type (float) or IR op, with what distinguishes it: `lut (sigmoid)`, `leaky_relu (alpha 0.1)`. */
  op: string;
  inFeatures: number;
  outFeatures: number;
  parameters: number;
  macs: number;
  constantBytes: number;
  /** IR only: the input and output tensors, and the weights' bits and granularity for a dense layer. */
  quantization: { input: TensorQuantization; output: TensorQuantization; weights: { bits: 4 | 8; granularity: 'per_channel' | 'per_tensor' } | null } | null;
}

export interface ModelSummary {
  /** What the file is: a firmnet float model, a quantized IR, or an imported ONNX or TF.js model. */
  kind: 'float' | 'quantized';
  format: 'firmnet' | 'onnx' | 'tfjs' | 'firmnet.qmodel';
  name: string;
  task: string;
  inputFeatures: number;
  outputFeatures: number;
  head: string;
  classNames: string[];
  layers: LayerSummary[];
  totals: { parameters: number; macs: number; constantBytes: number };
  /** Float constants are float32; IR constants are the C emitter's arrays. */
  constantsAre: string;
  /** The IR's hash and calibration; null for a float model. */
  ir: { hash: string; headInFirmware: boolean; calibration: string } | null;
}

function totals(layers: LayerSummary[]): ModelSummary['totals'] {
  return {
    parameters: layers.reduce((s, l) => s + l.parameters, 0),
    macs: layers.reduce((s, l) => s + l.macs, 0),
    constantBytes: layers.reduce((s, l) => s + l.constantBytes, 0),
  };
}

function floatOp(layer: LayerSpec): string {
  switch (layer.op) {
    case 'leaky_relu':
      return `leaky_relu (alpha ${layer.alpha})`;
    case 'gelu':
      return layer.approximate === 'tanh' ? 'gelu (tanh)' : 'gelu';
    case 'dropout':
      return `dropout (rate ${layer.rate})`;
    default:
      return layer.op;
  }
}

/** A float model's layers; names follow the type and a count per type (dense0, dense1, relu0, …). */
export function summarizeFloatModel(model: FloatModel): ModelSummary {
  const counts = new Map<string, number>();
  let features = model.inputFeatures;
  const layers = model.layers.map((layer, index): LayerSummary => {
    const n = counts.get(layer.op) ?? 0;
    counts.set(layer.op, n + 1);
    const inFeatures = features;
    features = layer.op === 'dense' ? layer.outFeatures : features;
    return {
      index,
      name: `${layer.op}${n}`,
      op: floatOp(layer),
      inFeatures,
      outFeatures: features,
      parameters: floatLayerParameters(layer),
      macs: floatLayerMacs(layer),
      constantBytes: floatLayerConstantBytes(layer),
      quantization: null,
    };
  });
  return {
    kind: 'float',
    format: model.source.format,
    name: model.name,
    task: model.task,
    inputFeatures: model.inputFeatures,
    outputFeatures: model.outputFeatures,
    head: model.head,
    classNames: model.classNames,
    layers,
    totals: totals(layers),
    constantsAre: 'float32 weights, biases and normalization statistics',
    ir: null,
  };
}

function tensorQuantization(t: QTensor): TensorQuantization {
  return { bits: t.dtype === 'int16' ? 16 : 8, scale: t.scale, zeroPoint: t.zeroPoint };
}

/** A quantized IR's layers with their tensors' quantization. */
export function summarizeQModel(q: QModel): ModelSummary {
  const layers = q.layers.map(
    (layer, index): LayerSummary => ({
      index,
      name: layer.name,
      op: layerOpLabel(layer),
      inFeatures: layer.input.features,
      outFeatures: layer.output.features,
      parameters: layerParameters(layer),
      macs: layerMacs(layer),
      constantBytes: layerConstantBytes(layer),
      quantization: {
        input: tensorQuantization(layer.input),
        output: tensorQuantization(layer.output),
        weights: layer.op === 'fully_connected' ? { bits: layer.weightBits, granularity: layer.weightGranularity } : null,
      },
    }),
  );
  const c = q.calibration;
  return {
    kind: 'quantized',
    format: 'firmnet.qmodel',
    name: q.name,
    task: q.task,
    inputFeatures: q.layers[0].input.features,
    outputFeatures: q.layers[q.layers.length - 1].output.features,
    head: q.headInFirmware ? `${q.layers[q.layers.length - 1].name} (in the firmware)` : q.head,
    classNames: q.classNames,
    layers,
    totals: totals(layers),
    constantsAre: 'the generated C\'s constant arrays: int8 weights, int32/int64 biases, multipliers, shifts, tables',
    ir: { hash: q.hash, headInFirmware: q.headInFirmware, calibration: `${c.method}${c.method === 'auto' ? ` (${methodCounts(c.tensorMethods)})` : ''} on ${c.rows} rows` },
  };
}

/** `minmax ×3, percentile ×2`, in order of first use. */
function methodCounts(methods: string[]): string {
  const counts = new Map<string, number>();
  for (const m of methods) counts.set(m, (counts.get(m) ?? 0) + 1);
  return [...counts].map(([m, n]) => `${m} ×${n}`).join(', ');
}

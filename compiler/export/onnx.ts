/**
 * Float model → ONNX, so firmnet models open in Netron and run in ONNX Runtime (the benchmarks
 * run the same float weights in onnxruntime-node). Documented in docs/import-export.md.
 *
 * The graph reproduces `predictFloat` exactly in structure:
 *   input [batch, inputFeatures]
 *   → Sub(mean) → Div(std)                      (when the model has inputStandardization)
 *   → one node per layer (Gemm, Relu, Clip, LeakyRelu, Sigmoid, Tanh, Gelu, Softmax, BatchNormalization, Dropout)
 *   → `logits` [batch, outputFeatures]          (graph output 2: the network output before the head)
 *   → Softmax | Sigmoid | Mul(std)·Add(mean) | Identity
 *   → `output` [batch, outputFeatures]          (graph output 1: predictFloat's `scores`)
 */
import { FirmnetError } from '../errors.js';
import type { FloatModel, LayerSpec } from '../model/float-model.js';
import { FIRMNET_VERSION } from '../version.js';
import { METADATA_KEYS } from '../onnx/firmnet-metadata.js';
import { OnnxGraphBuilder } from './onnx-graph-builder.js';

export const ONNX_INPUT_NAME = 'input';
export const ONNX_OUTPUT_NAME = 'output';
export const ONNX_LOGITS_NAME = 'logits';
export const ONNX_BATCH_DIM = 'batch';

/**
 * Opset 17 is what PyTorch 2.x exports by default and every ONNX Runtime since 1.13 runs; the Gelu
 * op only exists from opset 20, so a model with GELU layers is written at opset 20 instead.
 */
export function exportOpset(model: FloatModel): { opset: number; irVersion: number } {
  return model.layers.some((l) => l.type === 'gelu') ? { opset: 20, irVersion: 9 } : { opset: 17, irVersion: 8 };
}

export function floatModelToOnnx(model: FloatModel): Uint8Array {
  const g = new OnnxGraphBuilder();
  let x = ONNX_INPUT_NAME;
  if (model.inputStandardization) {
    const { mean, std } = model.inputStandardization;
    const n = model.inputFeatures;
    x = g.node('Sub', [x, g.floatTensor('input_standardization.mean', [n], mean)], ['input_centered'], 'input_standardization_sub');
    x = g.node('Div', [x, g.floatTensor('input_standardization.std', [n], std)], ['input_standardized'], 'input_standardization_div');
  }
  model.layers.forEach((layer, i) => {
    const last = i === model.layers.length - 1;
    x = addLayer(g, layer, i, x, last ? ONNX_LOGITS_NAME : `l${i}_${layer.type}_out`);
  });
  if (model.layers.length === 0) x = g.node('Identity', [x], [ONNX_LOGITS_NAME], 'logits_identity');
  addHead(g, model, x);

  const { opset, irVersion } = exportOpset(model);
  const dims = (features: number) => [ONNX_BATCH_DIM, features];
  return g.toModel({
    graphName: model.name,
    opset,
    irVersion,
    producerVersion: FIRMNET_VERSION,
    docString: `firmnet ${FIRMNET_VERSION} float model '${model.name}' (${model.task}, head ${model.head}); '${ONNX_OUTPUT_NAME}' is the prediction after the head, '${ONNX_LOGITS_NAME}' the network output before it`,
    inputs: [{ name: ONNX_INPUT_NAME, dims: dims(model.inputFeatures) }],
    outputs: [
      { name: ONNX_OUTPUT_NAME, dims: dims(model.outputFeatures) },
      { name: ONNX_LOGITS_NAME, dims: dims(model.outputFeatures) },
    ],
    metadata: {
      [METADATA_KEYS.name]: model.name,
      [METADATA_KEYS.task]: model.task,
      [METADATA_KEYS.head]: model.head,
      [METADATA_KEYS.featureNames]: JSON.stringify(model.featureNames),
      [METADATA_KEYS.labelColumns]: JSON.stringify(model.labelColumns),
      [METADATA_KEYS.classNames]: JSON.stringify(model.classNames),
      ...(model.anomaly ? { [METADATA_KEYS.anomaly]: JSON.stringify(model.anomaly) } : {}),
    },
  });
}

function addLayer(g: OnnxGraphBuilder, layer: LayerSpec, index: number, x: string, out: string): string {
  const name = `l${index}_${layer.type}`;
  switch (layer.type) {
    case 'dense':
      // Gemm with transB=1 takes the weight in firmnet's (and PyTorch Linear's) [out][in] layout as is.
      return g.node(
        'Gemm',
        [x, g.floatTensor(`${name}.weight`, [layer.outFeatures, layer.inFeatures], layer.weights), g.floatTensor(`${name}.bias`, [layer.outFeatures], layer.bias)],
        [out],
        name,
        { transB: 1 },
      );
    case 'relu':
      return g.node('Relu', [x], [out], name);
    case 'relu6':
      return g.node('Clip', [x, g.floatTensor(`${name}.min`, [], [0]), g.floatTensor(`${name}.max`, [], [6])], [out], name);
    case 'leaky_relu':
      return g.node('LeakyRelu', [x], [out], name, { alpha: { float: layer.alpha } });
    case 'sigmoid':
      return g.node('Sigmoid', [x], [out], name);
    case 'tanh':
      return g.node('Tanh', [x], [out], name);
    case 'gelu':
      return g.node('Gelu', [x], [out], name, { approximate: layer.approximate });
    case 'softmax':
      return g.node('Softmax', [x], [out], name, { axis: 1 });
    case 'batchnorm': {
      const f = [layer.features];
      // ONNX's momentum weighs the running value (running·m + batch·(1−m)); firmnet's, like PyTorch's, the batch.
      return g.node(
        'BatchNormalization',
        [x, g.floatTensor(`${name}.scale`, f, layer.gamma), g.floatTensor(`${name}.bias`, f, layer.beta), g.floatTensor(`${name}.mean`, f, layer.runningMean), g.floatTensor(`${name}.var`, f, layer.runningVar)],
        [out],
        name,
        { epsilon: { float: layer.eps }, momentum: { float: 1 - layer.momentum } },
      );
    }
    case 'dropout':
      // Kept (an identity at inference) so Netron shows the architecture as trained.
      return g.node('Dropout', [x, g.floatTensor(`${name}.ratio`, [], [layer.rate])], [out], name);
    default:
      throw new FirmnetError('UNSUPPORTED', `layers[${index}]: layer type '${(layer as { type: string }).type}' cannot be exported to ONNX`);
  }
}

function addHead(g: OnnxGraphBuilder, model: FloatModel, logits: string): void {
  switch (model.head) {
    case 'softmax':
      g.node('Softmax', [logits], [ONNX_OUTPUT_NAME], 'head_softmax', { axis: 1 });
      return;
    case 'sigmoid':
      g.node('Sigmoid', [logits], [ONNX_OUTPUT_NAME], 'head_sigmoid');
      return;
    case 'identity': {
      const t = model.targetStandardization;
      if (t === null) {
        g.node('Identity', [logits], [ONNX_OUTPUT_NAME], 'head_identity');
        return;
      }
      const n = model.outputFeatures;
      const scaled = g.node('Mul', [logits, g.floatTensor('target_standardization.std', [n], t.std)], ['target_scaled'], 'target_standardization_mul');
      g.node('Add', [scaled, g.floatTensor('target_standardization.mean', [n], t.mean)], [ONNX_OUTPUT_NAME], 'target_standardization_add');
    }
  }
}

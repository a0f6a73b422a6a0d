import { FirmnetError } from '../errors.js';
import type { FloatModel } from '../model/float-model.js';
import { foldBatchNorm } from '../ops/batch-norm/fold-batch-norm.js';
import type { FoldContext } from '../ops/float-layer-definition.js';
import { floatLayerOf } from '../ops/float-layers.js';
import type { Stage } from '../ops/quantized-op-types.js';

export interface FoldOptions {
  /** Add the task's softmax/sigmoid head as int8 layers (otherwise outputs stay logits). */
  headInFirmware: boolean;
}

/**
 * The float network rewritten into the layers firmnet quantizes, one stage per IR layer (its `op`
 * is the IR op it lowers to): BatchNorm folded into the adjacent dense layer, Dropout removed,
 * ReLU/ReLU6 fused into the clamp of the stage before them. Each kind's rule is its `fold`
 * (compiler/ops/float-layers.ts). Weights stay float64 here; each stage's output is one quantized
 * tensor.
 */
export function foldModel(model: FloatModel, options: FoldOptions): Stage[] {
  const layers = foldBatchNorm(model.layers, model.name);
  const stages: Stage[] = [];
  let denseCount = 0;
  let features = model.inputFeatures;
  layers.forEach(({ spec, index }, k) => {
    const prev = stages[stages.length - 1];
    // Fuse only into the stage of the layer immediately before (BatchNorm and Dropout are already gone), when its op has a clamp.
    const adjacent = prev !== undefined && k > 0 && layers[k - 1].index === prev.sourceLayers[0];
    const fusable = adjacent && 'activation' in prev && prev.activation === 'none' ? prev : null;
    const at: FoldContext = {
      modelName: model.name,
      index,
      features,
      stages,
      fusable,
      previousName: prev === undefined ? 'input' : prev.name,
      nextDenseName: () => `dense${denseCount++}`,
    };
    const def = floatLayerOf(spec);
    def.fold(spec, at);
    features = def.outFeatures(spec, features, (field, message) => {
      throw new Error(`internal: ${model.name} layers[${index}].${field} ${message} (the model file's shapes were checked)`);
    });
  });
  const softmaxAt = stages.findIndex((s) => s.op === 'softmax');
  if (softmaxAt >= 0 && softmaxAt !== stages.length - 1) {
    throw new FirmnetError('UNSUPPORTED', `${model.name}: a softmax layer is only supported as the last layer (found one before ${stages[softmaxAt + 1].name})`);
  }
  if (stages.length === 0 || stages[0].op !== 'fully_connected') {
    throw new FirmnetError('UNSUPPORTED', `${model.name}: the network must start with a dense layer to be quantized`);
  }
  if (options.headInFirmware && softmaxAt < 0) {
    if (model.head === 'softmax') stages.push({ op: 'softmax', name: 'head.softmax', features, sourceLayers: [] });
    if (model.head === 'sigmoid') stages.push({ op: 'lut', name: 'head.sigmoid', features, fn: 'sigmoid', sourceLayers: [] });
  }
  return stages;
}

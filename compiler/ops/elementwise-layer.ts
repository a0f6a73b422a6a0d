import type { FloatLayerDefinition } from './float-layer-definition.js';
import type { LayerType, SpecOf } from './float-layer-types.js';

/** The members every parameter-free, shape-keeping layer shares. */
export function elementwiseLayer<K extends LayerType>(op: K): Pick<FloatLayerDefinition<K>, 'op' | 'outFeatures' | 'parameters' | 'macs' | 'constantBytes' | 'toFloat32' | 'detail'> {
  return { op, outFeatures: (_spec, inFeatures) => inFeatures, parameters: () => 0, macs: () => 0, constantBytes: () => 0, toFloat32: (spec: SpecOf<K>) => spec, detail: () => '' };
}

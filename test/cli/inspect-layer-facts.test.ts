/**
 * `firmnet inspect`'s per-layer labels and float facts come from the op definitions; these pin the
 * values each definition gives, so a definition that reports another op's numbers fails here (an op
 * trained by definition pins its own in its folder's tests).
 */
import { describe, expect, it } from 'vitest';
import { floatLayerConstantBytes, floatLayerMacs, floatLayerParameters, layerOpLabel } from '../../compiler/inspect/layer-facts.js';
import type { LayerSpec } from '../../compiler/model/float-model.js';
import type { QLayer } from '../../compiler/ops/quantized-op-types.js';

// The labels read only the fields that distinguish a layer; the rest of an IR layer is irrelevant here.
const label = (fields: Partial<QLayer> & { op: QLayer['op'] }) => layerOpLabel(fields as QLayer);

describe('inspect layer facts from the op registries', () => {
  it('label each IR op by what distinguishes it', () => {
    expect(label({ op: 'fully_connected', activation: 'none' })).toBe('fully_connected');
    expect(label({ op: 'fully_connected', activation: 'relu' })).toBe('fully_connected + relu');
    expect(label({ op: 'leaky_relu', alpha: 0 })).toBe('leaky_relu (relu)');
    expect(label({ op: 'leaky_relu', alpha: 0.1 })).toBe('leaky_relu (alpha 0.1)');
    expect(label({ op: 'lut', function: 'sigmoid' })).toBe('lut (sigmoid)');
    expect(label({ op: 'softmax' })).toBe('softmax');
  });

  it('count each float layer’s MACs, parameters and float32 constant bytes', () => {
    const four = [1, 1, 1, 1];
    const layers: LayerSpec[] = [
      { op: 'dense', inFeatures: 3, outFeatures: 2, weights: [1, 2, 3, 4, 5, 6], bias: [0, 0] },
      { op: 'batchnorm', features: 4, gamma: four, beta: four, runningMean: four, runningVar: four, eps: 1e-5, momentum: 0.1 },
      { op: 'relu' },
      { op: 'dropout', rate: 0.5 },
    ];
    expect(layers.map((l) => [floatLayerMacs(l), floatLayerParameters(l), floatLayerConstantBytes(l)])).toEqual([
      [6, 8, 32],
      [4, 8, 64],
      [0, 0, 0],
      [0, 0, 0],
    ]);
  });
});

/**
 * LayerNorm in the trainer (the generic op layer over layerNormTrainer): its gradients on rows whose
 * mean sits far from zero, and the trained γ and β written back into the spec.
 */
import { describe, expect, it } from 'vitest';
import type { Layer } from '../../nn/layer.js';
import { Network, layerFromSpec } from '../../nn/network.js';
import { Rng } from '../../rng.js';
import { checkLayer, randomMatrix } from '../../../test/helpers/gradient-check.js';
import { layerNormTrainer } from './float-trainer.js';

describe('layer_norm in the trainer', () => {
  const { spec, inFeatures } = layerNormTrainer.example;
  const make = (): Layer => layerFromSpec(spec, { features: inFeatures, precision: 'float64', index: 0, rng: new Rng(1) });

  it('has gradients independent of where the row mean sits (finite differences, float64)', () => {
    const rng = new Rng(7);
    const x = randomMatrix(4, inFeatures, rng, 2);
    for (let i = 0; i < inFeatures; i++) x.data[i] += 10;
    checkLayer(make, x, 'train', rng);
    checkLayer(make, x, 'eval', rng);
  });

  it('names its tensors by kind and index, and writes the trained values back as float32', () => {
    const network = new Network([layerFromSpec(spec, { features: inFeatures, precision: 'float32', index: 2, rng: new Rng(1) })]);
    expect(network.params().map((p) => p.name)).toEqual(['layer_norm2.gamma', 'layer_norm2.beta']);
    network.params()[1].value[3] = 0.1;
    // The shortest decimals that read back to the float32 values: 0.8 stays 0.8, not 0.800000011920929.
    expect(network.layers[0].toSpec()).toEqual({ ...spec, beta: [0.1, 0.2, -0.3, 0.1, 1] });
  });
});

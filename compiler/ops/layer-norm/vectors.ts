/**
 * layer_norm's crafted test vectors (scripts/make-test-vectors.ts writes them with the golden
 * reference's output): rows at the arithmetic's edges, for the WebAssembly and C bit-exactness tests.
 */
import type { Rng } from '../../rng.js';
import { INT32_MAX } from '../fixed-point.js';
import type { CraftedVector } from '../op-definition.js';
import type { QDtype, Unhashed } from '../op-types.js';
import { codeSweep, vectorTensor as tensor } from '../vector-inputs.js';
import type { LayerNormLayer } from './ir.js';
import { lowerLayerNorm } from './lower.js';

/** Rows that reach layer_norm's edges: constant (variance 0, ε alone), the dtype's two ends alternating (largest variance), one outlier, random. */
function layerNormRows(dtype: QDtype, features: number, rows: number, rng: Rng): number[] {
  const { min, max } = dtype === 'int8' ? { min: -128, max: 127 } : { min: -32768, max: 32767 };
  const data: number[] = [];
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < features; j++) {
      if (r === 0) data.push(min);
      else if (r === 1) data.push(max);
      else if (r === 2) data.push(j % 2 === 0 ? min : max);
      else if (r === 3) data.push(j === 0 ? max : min);
      else if (r === 4) data.push(j === features - 1 ? min : 0);
      else if (r === 5) data.push(j % 3);
      else data.push(min + rng.int(max - min + 1));
    }
  }
  return data;
}

/** layer_norm's crafted vectors: trained-like layers at three shapes and dtypes, and hand-set integers at the parser's bounds. */
export function layerNormVectors(rng: Rng): CraftedVector<'layer_norm'>[] {
  const vectors: CraftedVector<'layer_norm'>[] = [];
  const cases = [
    { name: 'layer-norm-int8', dtype: 'int8', features: 16, epsilon: 1e-5, activation: 'none', scales: [0.05, 3, 0.03, -5] },
    { name: 'layer-norm-int8-relu6', dtype: 'int8', features: 33, epsilon: 1e-3, activation: 'relu6', scales: [0.2, -100, 0.025, -128] },
    { name: 'layer-norm-int16', dtype: 'int16', features: 64, epsilon: 1e-5, activation: 'none', scales: [0.0004, 0, 0.0002, 0] },
  ] as const;
  for (const c of cases) {
    const [inScale, inZeroPoint, outScale, outZeroPoint] = c.scales;
    const stage = {
      op: 'layer_norm' as const,
      name: 'layer_norm',
      features: c.features,
      // Mixed signs and sizes of gamma (a negative multiplier), beta beyond the output range on some features.
      gamma: Float64Array.from({ length: c.features }, (_, j) => (j % 5 === 4 ? -1 : 1) * (0.2 + 1.5 * rng.uniform())),
      beta: Float64Array.from({ length: c.features }, (_, j) => (j === 1 ? 100 : j === 2 ? -100 : rng.normal())),
      epsilon: c.epsilon,
      activation: c.activation,
      sourceLayers: [],
    };
    const layer = lowerLayerNorm(stage, { name: stage.name, input: tensor(c.dtype, c.features, inScale, inZeroPoint), output: tensor(c.dtype, c.features, outScale, outZeroPoint), sourceLayers: stage.sourceLayers });
    const rows = 40;
    vectors.push({
      name: c.name,
      description: `layer_norm ${c.dtype}, ${c.features} features, ${c.activation === 'none' ? 'no activation' : `fused ${c.activation}`}: constant rows, alternating extremes, an outlier, random rows`,
      layers: [layer],
      rows,
      input: layerNormRows(c.dtype, c.features, rows, rng),
    });
  }
  {
    // Hand-set integers at the parser's bounds: ε at 2^53 − 1 (the normalized value rounds to 0), the largest multipliers of both signs, shift 0, |bias| = 2^24.
    const features = 4;
    const layer: Unhashed<LayerNormLayer> = {
      op: 'layer_norm',
      name: 'layer_norm',
      input: tensor('int16', features, 0.001, 0),
      output: tensor('int16', features, 0.001, 0),
      sourceLayers: [],
      epsilon: 1,
      varianceEpsilon: 2 ** 53 - 1,
      multiplier: [INT32_MAX, -INT32_MAX, 1 << 30, -(1 << 30)],
      shift: [0, 0, -31, -1],
      bias: [2 ** 24, -(2 ** 24), 0, 7],
      activation: 'none',
      activationMin: -32768,
      activationMax: 32767,
    };
    const small = { ...layer, varianceEpsilon: 1 };
    const s = codeSweep('int16', features);
    vectors.push({ name: 'layer-norm-int16-bounds', description: 'layer_norm int16 with ε at its largest (2^53 − 1), multipliers ±(2^31 − 1), shifts 0 and −31, biases ±2^24', layers: [layer], rows: s.rows, input: s.data });
    vectors.push({ name: 'layer-norm-int16-tiny-epsilon', description: 'layer_norm int16 with ε = 1 code unit: the normalized values at their largest (up to 2·√n), multipliers ±(2^31 − 1)', layers: [small], rows: s.rows, input: s.data });
  }
  return vectors;
}

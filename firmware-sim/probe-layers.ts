import type { Stage } from '../compiler/quantize/fold.js';
import { lowerStage } from '../compiler/quantize/lower.js';
import type { QDtype, QModel } from '../compiler/quantize/qmodel.js';
import { tensorFor } from '../compiler/quantize/quant-params.js';
import { standaloneModel } from '../compiler/quantize/standalone-model.js';
import { Rng } from '../compiler/rng.js';
import type { KernelKind } from './instruction-profile.js';

/**
 * A quantized model for measuring one kernel's instruction counts on the emulator: a LeakyReLU
 * layer, then the probed kernel at the given shape (seeded random parameters). The probe is the
 * second layer so that its count, like every layer after the first in a real model, excludes the
 * invoke function's prologue (measured separately as the invoke overhead). Shape: [inFeatures,
 * outFeatures] for dense layers, [features] otherwise.
 */
export function probeModel(kind: KernelKind, shape: number[], seed: number): QModel {
  const rng = new Rng(seed);
  const inDtype: QDtype = kind === 'fully_connected_s16' || kind === 'lut_s16' ? 'int16' : 'int8';
  const [inFeatures, outFeatures = inFeatures] = shape;
  const stage = probeStage(kind, inFeatures, outFeatures, rng);
  const input = tensorFor({ min: -3, max: 5 }, inDtype, inFeatures);
  const outDtype: QDtype = kind === 'lut_s16' ? 'int16' : 'int8';
  const output = kind === 'softmax' ? { ...tensorFor({ min: 0, max: 1 }, 'int8', outFeatures), scale: 1 / 256, zeroPoint: -128 } : tensorFor({ min: -4, max: 6 }, outDtype, outFeatures);
  const lead = lowerStage({ kind: 'leaky_relu', name: 'lead', features: inFeatures, alpha: 0.1, sourceLayers: [] }, input, input, true);
  const layer = lowerStage(stage, input, output, true);
  return standaloneModel(`probe_${kind}_${shape.join('x')}`, kind === 'leaky_relu' ? [lead, { ...lead, name: 'probe' }] : [lead, layer], 'probe layer (firmware-sim/probe-layers.ts)');
}

function probeStage(kind: KernelKind, inFeatures: number, outFeatures: number, rng: Rng): Stage {
  const base = { name: 'probe', sourceLayers: [] };
  switch (kind) {
    case 'fully_connected_s8':
    case 'fully_connected_s16':
      return {
        ...base,
        kind: 'dense',
        inFeatures,
        outFeatures,
        weights: Float64Array.from({ length: inFeatures * outFeatures }, () => rng.normal() / Math.sqrt(inFeatures)),
        bias: Float64Array.from({ length: outFeatures }, () => rng.normal() * 0.1),
        activation: 'relu',
      };
    case 'leaky_relu':
      return { ...base, kind: 'leaky_relu', features: inFeatures, alpha: 0.1 };
    case 'lut_s8':
    case 'lut_s16':
      return { ...base, kind: 'lut', features: inFeatures, fn: 'tanh' };
    case 'softmax':
      return { ...base, kind: 'softmax', features: inFeatures };
  }
}

/** Random input codes for `rows` rows of a model's input tensor. */
export function probeInput(q: QModel, rows: number, seed: number): number[] {
  const t = q.layers[0].input;
  const rng = new Rng(seed ^ 0x5eed);
  const span = t.dtype === 'int16' ? 65536 : 256;
  const low = t.dtype === 'int16' ? -32768 : -128;
  return Array.from({ length: rows * t.features }, () => low + rng.int(span));
}

import type { QModel } from '../compiler/ir/qmodel.js';
import type { KernelVariant } from '../compiler/ops/quantized-op-types.js';
import { KERNEL_VARIANTS, quantizedOp } from '../compiler/ops/quantized-ops.js';
import { lowerStage } from '../compiler/quantize/lower.js';
import { tensorFor } from '../compiler/quantize/quant-params.js';
import { standaloneModel } from '../compiler/quantize/standalone-model.js';
import { Rng } from '../compiler/rng.js';

/**
 * A quantized model for measuring one kernel variant's instruction counts on the emulator: a
 * LeakyReLU layer, then the probed kernel at the given shape (its op's probe stage, seeded random
 * parameters). The probe is the second layer so that its count, like every layer after the first in
 * a real model, excludes the invoke function's prologue (measured separately as the invoke
 * overhead). Shape: [inFeatures, outFeatures] for dense layers, [features] otherwise.
 */
export function probeModel(variant: KernelVariant, shape: number[], seed: number): QModel {
  const rng = new Rng(seed);
  const [inFeatures, outFeatures = inFeatures] = shape;
  const def = quantizedOp(KERNEL_VARIANTS[variant]);
  const probe = def.cost.probe(variant, inFeatures, outFeatures, rng);
  const input = tensorFor({ min: -3, max: 5 }, probe.inputDtype, inFeatures);
  let output = input;
  if (probe.output !== 'input') {
    // Calibrated from the probe's float range, unless the op fixes its output parameters (softmax).
    const { dtype, range } = probe.output;
    output = { ...tensorFor(range, dtype, outFeatures), ...def.fixedOutput(probe.stage, dtype) };
  }
  const lead = lowerStage({ op: 'leaky_relu', name: 'lead', features: inFeatures, alpha: 0.1, sourceLayers: [] }, input, input, true);
  const layer = lowerStage(probe.stage, input, output, true, probe.weightBits);
  return standaloneModel(`probe_${variant}_${shape.join('x')}`, [lead, layer], 'probe layer (firmware-sim/probe-layers.ts)');
}

/** Random input codes for `rows` rows of a model's input tensor. */
export function probeInput(q: QModel, rows: number, seed: number): number[] {
  const t = q.layers[0].input;
  const rng = new Rng(seed ^ 0x5eed);
  const span = t.dtype === 'int16' ? 65536 : 256;
  const low = t.dtype === 'int16' ? -32768 : -128;
  return Array.from({ length: rows * t.features }, () => low + rng.int(span));
}

/**
 * The op registry: its typing rejects an op that lacks a member (checked by `npx tsc -p
 * tsconfig.test.json`, which fails on an unused `@ts-expect-error`), every op is covered by the
 * committed vectors, and the per-op data that moved into compiler/ops/ (constant bytes, kernel
 * variants, probes) agrees with what the emitters write and the committed measurements hold.
 */
import { describe, expect, it } from 'vitest';
import { renderC } from '../../compiler/emit/c/emit-c.js';
import type { QuantizedOpDefinition } from '../../compiler/ops/op-definition.js';
import type { QOp } from '../../compiler/ops/quantized-op-types.js';
import { KERNEL_VARIANTS, QUANTIZED_OPS, Q_OPS, kernelVariantOf, layerConstantBytes, totalConstantBytes } from '../../compiler/ops/quantized-ops.js';
import { loadInstructionProfile } from '../../firmware-sim/instruction-profile.js';
import { probeModel } from '../../firmware-sim/probe-layers.js';
import { loadVectors } from '../helpers/vectors.js';

type Registry = { [K in QOp]: QuantizedOpDefinition<K> };

describe('the registry type', () => {
  it('rejects a registry without an op and an op without a member', () => {
    const { softmax: _softmax, ...withoutSoftmax } = QUANTIZED_OPS;
    const { prepare: _prepare, ...withoutPrepare } = QUANTIZED_OPS.softmax;
    const { call: _call, ...withoutCCall } = QUANTIZED_OPS.lut.c;
    // @ts-expect-error an op missing from the registry
    const missingOp: Registry = withoutSoftmax;
    // @ts-expect-error an op without its prepare step
    const missingPrepare: Registry = { ...QUANTIZED_OPS, softmax: withoutPrepare };
    // @ts-expect-error an op without its C kernel call
    const missingCall: Registry = { ...QUANTIZED_OPS, lut: { ...QUANTIZED_OPS.lut, c: withoutCCall } };
    // @ts-expect-error one op's definition under another op's name
    const swapped: Registry = { ...QUANTIZED_OPS, lut: QUANTIZED_OPS.softmax };
    expect([missingOp, missingPrepare, missingCall, swapped].map((r) => Object.keys(r).length)).toEqual([4, 5, 5, 5]);
  });

  it('files every definition under its own op name, in the order the IR parser lists them', () => {
    for (const [key, def] of Object.entries(QUANTIZED_OPS)) expect(def.op).toBe(key);
    expect(Q_OPS).toEqual(Object.keys(QUANTIZED_OPS));
    expect(Q_OPS.slice(0, 4)).toEqual(['fully_connected', 'leaky_relu', 'lut', 'softmax']);
  });
});

describe('every op', () => {
  const vectors = loadVectors();

  it('has committed test vectors, so its reference, C and WebAssembly faces are checked bit for bit', () => {
    const covered = new Set(vectors.flatMap((v) => v.qmodel.layers.map((l) => l.op)));
    expect([...covered].sort()).toEqual([...Q_OPS].sort());
  });

  it('counts as flash exactly the bytes of the arrays the C emitter writes for it', () => {
    const C_BYTES: Record<string, number> = { int8_t: 1, uint8_t: 1, int16_t: 2, uint16_t: 2, int32_t: 4, int64_t: 8 };
    for (const v of vectors) {
      const files = renderC(v.qmodel);
      const data = files.get(files.meta.names.dataHeader) ?? '';
      let written = 0;
      for (const m of data.matchAll(/static (?:\w+_WEIGHTS_CONST|const) (\w+) \w+\[[^\]]*\][^=]*= \{([^}]*)\};/g)) written += C_BYTES[m[1]] * m[2].split(',').length;
      const counted = v.qmodel.layers.reduce((s, l) => s + totalConstantBytes(layerConstantBytes(l)), 0);
      expect(counted, v.file).toBe(written);
    }
  });

  it('names kernel variants the committed instruction profile measured, with the same terms and calibration shapes', () => {
    const profile = loadInstructionProfile();
    const variants = Object.keys(KERNEL_VARIANTS).sort();
    expect(Object.keys(profile.calibrationShapes).sort()).toEqual(variants);
    for (const [variant, spec] of Object.entries(KERNEL_VARIANTS)) {
      expect(profile.calibrationShapes[variant as keyof typeof KERNEL_VARIANTS]).toEqual(spec.calibrationShapes);
      for (const core of Object.values(profile.cores)) expect(core.kernels[variant as keyof typeof KERNEL_VARIANTS].terms).toEqual([...spec.terms]);
    }
  });

  it('probes each kernel variant with a layer of that variant, behind the LeakyReLU lead layer', () => {
    for (const variant of Object.keys(KERNEL_VARIANTS) as (keyof typeof KERNEL_VARIANTS)[]) {
      const q = probeModel(variant, KERNEL_VARIANTS[variant].calibrationShapes[0], 1);
      expect(q.layers.map((l) => l.name)).toEqual(['lead', 'probe']);
      expect(kernelVariantOf(q.layers[0])).toBe('leaky_relu');
      expect(kernelVariantOf(q.layers[1])).toBe(variant);
      expect(q.layers[1].op).toBe(KERNEL_VARIANTS[variant].op);
    }
  });
});

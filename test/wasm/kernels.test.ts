/**
 * Kernel edge cases the trained models may never reach: random fully-connected layers of every
 * awkward shape (odd input counts, partial channel groups, groups of 16 and their tails, one or an
 * odd number of input pairs next to the SIMD kernel's two-pair step), int8 and
 * int16 ends, extreme shifts and multipliers, compared with the golden reference on random and
 * extreme input codes, SIMD and scalar builds.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { channelGroups, packDenseS8Simd } from '../../compiler/ops/fully-connected/pack-simd.js';
import { prepareFullyConnected } from '../../compiler/ops/fully-connected/prepare.js';
import type { FullyConnectedLayer } from '../../compiler/ops/fully-connected/ir.js';
import type { QDtype } from '../../compiler/ops/op-types.js';
import { runModel } from '../../compiler/reference/interpreter.js';
import { Rng } from '../../compiler/rng.js';
import { emitAndLoad, randomCodes, randomDense, removeDir, tempDir } from './wasm-helpers.js';
import { standaloneModel } from '../../compiler/quantize/standalone-model.js';

const SHAPES: [number, number][] = [
  [1, 1],
  [1, 5],
  [2, 3],
  [3, 4],
  [7, 17],
  [8, 16],
  [9, 33],
  [15, 20],
  [16, 19],
  [33, 2],
  [64, 10],
  // Groups of 16 channels with one pair (no two-pair step), two pairs, and an odd number of pairs.
  [1, 16],
  [4, 32],
  [65, 48],
];
const DTYPES: [QDtype, QDtype][] = [
  ['int8', 'int8'],
  ['int8', 'int16'],
  ['int16', 'int8'],
];
const ROWS = 64;
const dir = tempDir('kernels');
afterAll(() => removeDir(dir));

describe('random fully-connected layers of awkward shapes match the golden reference', () => {
  // One test per dtype pair and build (each compiles 14 modules): the same seeded models for both builds.
  for (const [inDtype, outDtype] of DTYPES) {
    for (const simd of [true, false]) {
      it(`${inDtype} → ${outDtype}, ${SHAPES.length} shapes, ${simd ? 'SIMD' : 'scalar'}`, async () => {
        const rng = new Rng(7);
        // One model of chained layers per dtype pair would hide layers behind saturation; one model per shape.
        for (const [inFeatures, outFeatures] of SHAPES) {
          const q = standaloneModel(`fc_${inDtype}_${outDtype}_${inFeatures}x${outFeatures}`, [randomDense(rng, inFeatures, outFeatures, inDtype, outDtype)], 'crafted by test/wasm');
          const input = randomCodes(rng, inDtype, ROWS, inFeatures);
          const expected = Array.from(runModel(q, input, ROWS));
          // The test is only as good as the spread of the expected outputs.
          expect(new Set(expected).size, `${q.name} outputs`).toBeGreaterThan(Math.min(outFeatures * ROWS, 40) / 4);
          const { model } = await emitAndLoad(q, `${dir}/${q.name}-${simd}`, simd);
          expect(Array.from(model.predictQuantizedBatch(input, ROWS)), `${q.name} simd=${simd}`).toEqual(expected);
        }
      });
    }
  }
});

describe('SIMD weight packing', () => {
  it('walks channels 16 at a time, then 4 at a time', () => {
    expect(channelGroups(35).map((g) => g.width)).toEqual([16, 16, 4]);
    expect(channelGroups(19)).toEqual([
      { start: 0, width: 16 },
      { start: 16, width: 4 },
    ]);
    expect(channelGroups(3)).toEqual([{ start: 0, width: 4 }]);
  });

  it('is a permutation of the IR weights plus zero padding', () => {
    const rng = new Rng(3);
    for (const [inFeatures, outFeatures] of SHAPES) {
      const layer = randomDense(rng, inFeatures, outFeatures, 'int8', 'int8') as FullyConnectedLayer;
      const packed = packDenseS8Simd(layer, prepareFullyConnected(layer));
      const paddedOut = Math.ceil(outFeatures / 4) * 4;
      expect(packed.weights).toBeInstanceOf(Int16Array);
      expect(packed.weights.length).toBe(paddedOut * Math.ceil(inFeatures / 2) * 2);
      const histogram = (xs: ArrayLike<number>) => {
        const h = new Map<number, number>();
        for (let i = 0; i < xs.length; i++) h.set(xs[i], (h.get(xs[i]) ?? 0) + 1);
        return h;
      };
      const got = histogram(packed.weights);
      const want = histogram(layer.weights);
      const pads = packed.weights.length - layer.weights.length;
      if (pads > 0) want.set(0, (want.get(0) ?? 0) + pads);
      expect(got).toEqual(want);
      expect(Array.from(packed.bias.subarray(0, outFeatures))).toEqual(layer.bias);
      expect(Array.from(packed.multiplier.subarray(0, outFeatures))).toEqual(layer.multiplier);
    }
  });
});

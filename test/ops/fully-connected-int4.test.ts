/** int4 weights: the packing, the 4-bit lowering, the kernels' prepared bias, and what the IR parser accepts. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { contentHash } from '../../compiler/io/content-hash.js';
import { QMODEL_VERSION } from '../../compiler/ir/qmodel.js';
import { int4StreamProblem, packInt4, unpackInt4 } from '../../compiler/ops/fully-connected/int4.js';
import type { FullyConnectedLayer } from '../../compiler/ops/fully-connected/ir.js';
import { lowerFullyConnected, quantizeWeights } from '../../compiler/ops/fully-connected/lower.js';
import { prepareFullyConnected } from '../../compiler/ops/fully-connected/prepare.js';
import { fullyConnected } from '../../compiler/ops/fully-connected/reference.js';
import type { QTensor } from '../../compiler/ops/op-types.js';
import { parseQModelText } from '../../compiler/quantize/qmodel-file.js';
import { sealQModel } from '../../compiler/quantize/seal.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';

const tensor = (dtype: 'int8' | 'int16', features: number, zeroPoint: number, scale = 0.05): QTensor => ({ dtype, features, scale, zeroPoint, rangeMin: -1, rangeMax: 1 });

describe('int4 packing', () => {
  it('puts element 2k in the low nibble and 2k + 1 in the high one, two\'s complement, the odd tail\'s high nibble 0', () => {
    // 1, −1 → 0xF1; −7, 7 → 0x79; 0 → 0x00 (pad 0).
    expect(packInt4([1, -1, -7, 7, 0])).toEqual([0xf1, 0x79, 0x00]);
    expect(Array.from(unpackInt4([0xf1, 0x79, 0x00], 5))).toEqual([1, -1, -7, 7, 0]);
    const values = Array.from({ length: 29 }, (_, k) => (k * 5) % 15 - 7);
    expect(Array.from(unpackInt4(packInt4(values), 29))).toEqual(values);
  });

  it('names a −8 nibble and a non-zero padding nibble', () => {
    expect(int4StreamProblem([0x80], 2)).toContain('weight 1 (byte 0, high nibble) is -8');
    expect(int4StreamProblem([0x08], 2)).toContain('weight 0 (byte 0, low nibble) is -8');
    expect(int4StreamProblem([0x11, 0x31], 3)).toContain('high nibble of the last byte (1)');
    expect(int4StreamProblem([0x11, 0x01], 3)).toBeNull();
  });
});

describe('int4 lowering', () => {
  it('scales each channel by max|w| / 7 and rounds into [−7, 7]', () => {
    const w = Float64Array.from([3.5, -1.25, 0.25, 0, 2, -1.4, 0.29, 1.01]);
    const q = quantizeWeights(w, 2, 4, true, 4);
    expect(q.scales.map((s) => Number(s.toPrecision(6)))).toEqual([0.5, 0.285714]);
    // Scale 0.5 is exact: −1.25 / 0.5 = −2.5 and 0.25 / 0.5 = 0.5 round away from zero; 1.01 / (2 / 7) = 3.535 → 4.
    expect(q.weights).toEqual([7, -3, 1, 0, 7, -5, 1, 4]);
  });

  it('writes weightBits 4 and the packed stream, and refuses an int16 input', () => {
    const stage = { op: 'fully_connected' as const, name: 'd', sourceLayers: [], inFeatures: 3, outFeatures: 1, weights: Float64Array.from([0.7, -0.7, 0.1]), bias: Float64Array.from([0]), activation: 'none' as const };
    const layer = lowerFullyConnected(stage, { name: 'd', input: tensor('int8', 3, 0), output: tensor('int8', 1, 0), sourceLayers: [] }, { perChannel: true, weightBits: 4 });
    expect(layer.weightBits).toBe(4);
    expect(layer.weights).toEqual(packInt4([7, -7, 1]));
    expectFirmnetError(
      () => lowerFullyConnected(stage, { name: 'd', input: tensor('int16', 3, 0), output: tensor('int8', 1, 0), sourceLayers: [] }, { perChannel: true, weightBits: 4 }),
      'BAD_ARGUMENT',
      /d: int4 weights take an int8 input/,
    );
  });
});

/** A 3 → 2 int4 layer: rows [7, −7, 1] and [−1, 2, −3]; row 1 starts in the high nibble of byte 1. */
function int4Layer(): Omit<FullyConnectedLayer, 'hash'> {
  return {
    op: 'fully_connected',
    name: 'fc',
    input: tensor('int8', 3, -20),
    output: tensor('int8', 2, 4),
    sourceLayers: [],
    inFeatures: 3,
    outFeatures: 2,
    weightGranularity: 'per_channel',
    weightScales: [0.01, 0.02],
    weightBits: 4,
    weights: packInt4([7, -7, 1, -1, 2, -3]),
    bias: [100, -2147483600],
    multiplier: [1 << 30, 1 << 30],
    shift: [0, -2],
    activation: 'none',
    activationMin: -128,
    activationMax: 127,
  };
}

describe('int4 reference and prepare', () => {
  it('the reference sums the unpacked weights against x − zero point', () => {
    const out = fullyConnected(int4Layer(), Int8Array.from([1, -2, 3]), 1);
    // Row 0: 100 + 21·7 + 18·(−7) + 23·1 = 144 → MBQM(·, 2^30, 0) = 72, + 4. Row 1: −2147483600 + (−21 + 36 − 69) wraps to 2^31 − 6, then clamps to 127.
    expect(Array.from(out)).toEqual([76, 127]);
  });

  it('folds −zero point · Σw into the bias, wrapping, and keeps the packed bytes as they are', () => {
    const d = prepareFullyConnected(int4Layer()).device;
    if (d.layout !== 'packed-s4') throw new Error('expected the packed int4 layout');
    // Row 0: 100 − (−20)·1 = 120; row 1: −2147483600 − (−20)·(−2) = −2147483640.
    expect(Array.from(d.bias)).toEqual([120, -2147483640]);
    expect(d.weights).toEqual(packInt4([7, -7, 1, -1, 2, -3]));
  });
});

describe('IR parser, int4 and version 1 files', () => {
  const vector = JSON.parse(readFileSync('test/vectors/fc-int4-odd-rows.json', 'utf8')) as { qmodel: Record<string, unknown> & { layers: Record<string, unknown>[] } };
  const edited = (edit: (layer: Record<string, unknown>) => void): string => {
    const q = structuredClone(vector.qmodel);
    edit(q.layers[0]);
    // Re-hashed, so the parser's own check is what fails, not the hash.
    const { hash: _h, ...layer } = q.layers[0];
    const sealed = sealQModel({ ...q, layers: [layer] } as never);
    return JSON.stringify(sealed);
  };

  it('reads the committed int4 vector', () => {
    const q = parseQModelText(JSON.stringify(vector.qmodel), 'v.json');
    expect(q.version).toBe(QMODEL_VERSION);
    expect(q.layers[0]).toMatchObject({ weightBits: 4 });
  });

  it('rejects weight bits other than 4 and 8, a −8 nibble, a wrong packed length, and int4 with an int16 input', () => {
    expectFirmnetError(() => parseQModelText(edited((l) => (l.weightBits = 2)), 'bad.q.json'), 'BAD_IR_FILE', /bad\.q\.json: layers\[0\]\.weightBits: is 2; fully-connected weights are 8 or 4 bits/);
    expectFirmnetError(() => parseQModelText(edited((l) => ((l.weights as number[])[3] = 0x8f)), 'bad.q.json'), 'BAD_IR_FILE', /layers\[0\]\.weights: weight 7 \(byte 3, high nibble\) is -8/);
    expectFirmnetError(() => parseQModelText(edited((l) => (l.weights as number[]).push(0)), 'bad.q.json'), 'BAD_IR_FILE', /layers\[0\]\.weights/);
    expectFirmnetError(() => parseQModelText(edited((l) => ((l.weights as number[])[0] = 256)), 'bad.q.json'), 'BAD_IR_FILE', /layers\[0\]\.weights\[0\]: must be ≤ 255/);
    expectFirmnetError(
      () => parseQModelText(edited((l) => Object.assign(l, { input: { ...(l.input as object), dtype: 'int16', zeroPoint: 0 } })), 'bad.q.json'),
      'BAD_IR_FILE',
      /weightBits: is 4, but the layer's input is int16/,
    );
  });

  it('loads a version 1 file (no weightBits) as the current version with int8 weights, and still catches an edit of it', () => {
    const v1 = JSON.parse(readFileSync('test/vectors/fc-rounding-edges.json', 'utf8')).qmodel;
    expect(v1.version).toBe(1);
    expect(v1.layers[0].weightBits).toBeUndefined();
    expect(v1.hash).toBe(contentHash(v1));
    const q = parseQModelText(JSON.stringify(v1), 'old.q.json');
    expect(q.version).toBe(QMODEL_VERSION);
    expect(q.layers[0]).toMatchObject({ weightBits: 8, weights: v1.layers[0].weights });
    expect(q.hash).toBe(contentHash(q));
    expect(q.hash).not.toBe(v1.hash);
    const tampered = structuredClone(v1);
    tampered.layers[0].bias[0] += 1;
    expectFirmnetError(() => parseQModelText(JSON.stringify(tampered), 'old.q.json'), 'BAD_IR_FILE', /layers\[0\]\.hash: is [0-9a-f]+ but the layer hashes to/);
    expectFirmnetError(() => parseQModelText(JSON.stringify({ ...v1, layers: [{ ...v1.layers[0], weightBits: 8 }] }), 'old.q.json'), 'BAD_IR_FILE', /weightBits: is a version 3 field, but the file says version 1/);
    expectFirmnetError(() => parseQModelText(JSON.stringify({ ...v1, version: 4 }), 'new.q.json'), 'BAD_IR_FILE', /version 4 is not supported \(this firmnet reads versions 1, 2, 3\)/);
  });
});

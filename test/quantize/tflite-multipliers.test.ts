/**
 * Every integer a TFLite runtime re-derives from the IR's scales must equal the one the IR stores:
 * a runtime reading model.q.json (as TFLite Micro reads a .tflite) computes multipliers and shifts
 * from the float32 scales, in its own precision. The derivation below is written from TFLite Micro's
 * prepare steps (kernels/kernel_util.cc, micro/kernels/fully_connected_common.cc,
 * micro/kernels/leaky_relu_common.cc, kernels/internal/quantization_util.cc), independently of
 * compiler/quantize/: float32 conversion through a Float32Array, frexp from the float64 bits.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { QModel } from '../../compiler/ir/qmodel.js';
import type { QLayer } from '../../compiler/ops/quantized-op-types.js';
import { loadVectors } from '../helpers/vectors.js';

const run = promisify(execFile);

const f32Cell = new Float32Array(1);
/** C's (float) conversion of a double, and float32 arithmetic results. */
function toFloat(x: number): number {
  f32Cell[0] = x;
  return f32Cell[0];
}

const f64Cell = new DataView(new ArrayBuffer(8));
/** std::frexp of a normal double, read from its exponent bits: x = q · 2^e, |q| ∈ [0.5, 1). */
function frexp(x: number): { q: number; e: number } {
  f64Cell.setFloat64(0, x);
  const biased = (f64Cell.getUint16(0) >> 4) & 0x7ff;
  if (biased === 0 || biased === 0x7ff) throw new Error(`frexp(${x}): not a normal number`);
  const e = biased - 1022;
  return { q: x / 2 ** e, e };
}

/** TFLite QuantizeMultiplier (double rounding build). */
function tfliteQuantizeMultiplier(real: number): [multiplier: number, shift: number] {
  if (real === 0) return [0, 0];
  const { q, e } = frexp(real);
  // TfLiteRound is std::round: halves away from zero (a negative alpha gives a negative multiplier).
  let fixed = Math.sign(q) * Math.round(Math.abs(q) * 2 ** 31);
  let shift = e;
  if (fixed === 2 ** 31) {
    fixed /= 2;
    shift++;
  }
  if (shift < -31) return [0, 0];
  if (shift > 30) throw new Error(`multiplier ${real} needs a left shift of ${shift}, beyond the kernels' 30`);
  return [fixed, shift];
}

/** TFLite's Quantize() of CalculateActivationRangeQuantized: zero_point + (int32)roundf(f / scale), in float. */
function tfliteQuantizeBound(value: number, scale: number, zeroPoint: number): number {
  const v = toFloat(toFloat(value) / toFloat(scale));
  return zeroPoint + Math.sign(v) * Math.round(Math.abs(v));
}

interface Pair {
  where: string;
  stored: [number, number];
  tflite: [number, number];
}

/** What TFLite Micro's prepare step computes from this layer's stored scales. */
function rederive(layer: QLayer, where: string): { pairs: Pair[]; bounds: { where: string; stored: number; tflite: number }[] } {
  const pairs: Pair[] = [];
  const bounds: { where: string; stored: number; tflite: number }[] = [];
  const inputScale = toFloat(layer.input.scale);
  const outputScale = toFloat(layer.output.scale);
  if (layer.op === 'fully_connected') {
    for (let c = 0; c < layer.outFeatures; c++) {
      const weightScale = toFloat(layer.weightScales[c]);
      // Per-channel: CalculateOpDataFullyConnected in double. Per-tensor: GetQuantizedConvolutionMultipler,
      // static_cast<double>(input->params.scale * filter->params.scale) — a float product.
      const real = layer.weightGranularity === 'per_channel' ? (inputScale * weightScale) / outputScale : toFloat(inputScale * weightScale) / outputScale;
      pairs.push({ where: `${where} channel ${c}`, stored: [layer.multiplier[c], layer.shift[c]], tflite: tfliteQuantizeMultiplier(real) });
    }
    const qmin = layer.output.dtype === 'int8' ? -128 : -32768;
    const qmax = layer.output.dtype === 'int8' ? 127 : 32767;
    if (layer.activation !== 'none') bounds.push({ where: `${where} activationMin`, stored: layer.activationMin, tflite: Math.max(qmin, tfliteQuantizeBound(0, outputScale, layer.output.zeroPoint)) });
    if (layer.activation === 'relu6') bounds.push({ where: `${where} activationMax`, stored: layer.activationMax, tflite: Math.min(qmax, tfliteQuantizeBound(6, outputScale, layer.output.zeroPoint)) });
  } else if (layer.op === 'leaky_relu') {
    // CalculateOpDataLeakyRelu: both ratios in float, then widened to double.
    const alpha = toFloat(toFloat(inputScale * toFloat(layer.alpha)) / outputScale);
    const identity = toFloat(inputScale / outputScale);
    pairs.push({ where: `${where} alpha`, stored: [layer.multiplierAlpha, layer.shiftAlpha], tflite: tfliteQuantizeMultiplier(alpha) });
    pairs.push({ where: `${where} identity`, stored: [layer.multiplierIdentity, layer.shiftIdentity], tflite: tfliteQuantizeMultiplier(identity) });
  }
  return { pairs, bounds };
}

function expectTfliteIntegers(q: QModel, label: string): number {
  let checked = 0;
  q.layers.forEach((layer, k) => {
    const { pairs, bounds } = rederive(layer, `${label} layers[${k}] ${layer.name}`);
    const differing = pairs.filter((p) => p.stored[0] !== p.tflite[0] || p.stored[1] !== p.tflite[1]);
    expect(differing.map((p) => `${p.where}: IR ${p.stored.join('/')}, TFLite ${p.tflite.join('/')}`), `${differing.length} of ${pairs.length} pairs differ`).toEqual([]);
    for (const b of bounds) expect(b.stored, b.where).toBe(b.tflite);
    checked += pairs.length;
  });
  return checked;
}

/** Vectors whose fully-connected multipliers are written by hand to hit rounding edges, not derived from scales. */
const HAND_SET_MULTIPLIERS = new Set(['fc-rounding-edges', 'fc-left-shift-wrap', 'fc-relu6-clamp', 'fc-int16-in', 'fc-int16-out', 'fc-int4-odd-rows', 'fc-int4-int16-out']);

describe('the IR stores the multipliers TFLite Micro derives from its float32 scales', () => {
  it('in every committed test vector derived from scales', () => {
    let pairs = 0;
    const vectors = loadVectors().filter((v) => !HAND_SET_MULTIPLIERS.has(v.name));
    for (const v of vectors) pairs += expectTfliteIntegers(v.qmodel, v.name);
    // Trained models (per-channel and per-tensor, int8 and int16, LeakyReLU) and the LeakyReLU vectors.
    expect(vectors.length).toBeGreaterThanOrEqual(19);
    expect(pairs).toBeGreaterThan(200);
    expect(vectors.some((v) => v.qmodel.layers.some((l) => l.op === 'fully_connected' && l.weightGranularity === 'per_tensor'))).toBe(true);
  });

  describe('in the bundled models (their recipes, few epochs)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'firmnet-tflite-multipliers-'));
    const firmnet = (args: string[]): Promise<unknown> => run(process.execPath, [join(process.cwd(), 'bin/firmnet.js'), ...args], { env: { ...process.env, FORCE_COLOR: '0' } });
    const load = (name: string): QModel => JSON.parse(readFileSync(join(dir, name), 'utf8')) as QModel;

    beforeAll(async () => {
      // models/digits/project.json and models/anomaly/project.json, trained for 2 epochs and 1 epoch
      // (the anomaly model calibrated by minmax, not auto, to keep the test short): the multipliers
      // depend on the calibrated scales, not on how well the model learnt or how its ranges were chosen.
      await Promise.all([
        firmnet(['train', '--data', 'models/data/digits/train.csv', '--task', 'multiclass', '--hidden', '64,32', '--dropout', '0.1', '--weight-decay', '0.003', '--epochs', '2', '--out', join(dir, 'digits.json')]).then(() =>
          Promise.all([
            firmnet(['quantize', join(dir, 'digits.json'), '--out', join(dir, 'digits.q.json')]),
            firmnet(['quantize', join(dir, 'digits.json'), '--per-tensor', '--method', 'minmax', '--out', join(dir, 'digits-per-tensor.q.json')]),
          ]),
        ),
        firmnet(['train', '--data', 'models/data/vibration/train.csv', '--task', 'autoencoder', '--hidden', '128,128,128,128,8,128,128,128,128', '--val-split', '0.1', '--epochs', '1', '--out', join(dir, 'anomaly.json')]).then(() =>
          firmnet(['quantize', join(dir, 'anomaly.json'), '--calib-rows', '500', '--method', 'minmax', '--out', join(dir, 'anomaly.q.json')]),
        ),
        firmnet(['train', '--data', 'models/data/iris/train.csv', '--task', 'multiclass', '--hidden', '16,8', '--activation', 'relu6', '--epochs', '5', '--out', join(dir, 'iris-relu6.json')]).then(() =>
          firmnet(['quantize', join(dir, 'iris-relu6.json'), '--out', join(dir, 'iris-relu6.q.json')]),
        ),
      ]);
    }, 600_000);

    it('digits 64-64-32-10: all 106 pairs, per channel and per tensor', () => {
      expect(expectTfliteIntegers(load('digits.q.json'), 'digits')).toBe(64 + 32 + 10);
      expect(expectTfliteIntegers(load('digits-per-tensor.q.json'), 'digits per-tensor')).toBe(64 + 32 + 10);
    });

    it('anomaly autoencoder 640-128×4-8-128×4-640: all 1,672 pairs', () => {
      expect(expectTfliteIntegers(load('anomaly.q.json'), 'anomaly')).toBe(4 * 128 + 8 + 4 * 128 + 640);
    });

    it('ReLU6 clamp bounds are quantized as TFLite quantizes 6.0', () => {
      const q = load('iris-relu6.q.json');
      expect(q.layers.filter((l) => l.op === 'fully_connected' && l.activation === 'relu6')).not.toHaveLength(0);
      expectTfliteIntegers(q, 'iris relu6');
    });
  });
});

import { shortestFloat32 } from '../../float32.js';
import type { FloatArray } from '../../nn/matrix.js';
import { DTYPE_RANGE, type FixedParams, type QDtype, type QTensor } from '../../ops/op-types.js';
import { type QuantizedWeights, quantizeWeights } from '../../ops/fully-connected/lower.js';
import { roundHalfAwayFromZero } from '../../ops/fixed-point.js';
import { type Range, fixedTensor, tensorFor } from '../../quantize/quant-params.js';
import { extremes } from '../../quantize/ranges.js';
import { quantizeValue } from '../../reference/io.js';

/**
 * The fake quantization of quantization-aware training: float → the quantizer's integers → float,
 * with the quantizer's own functions, so the forward pass of QAT sees the values the IR will hold.
 */

/**
 * Dense weights [outFeatures][inFeatures] as the IR will hold them, dequantized: the integers of
 * `quantizeWeights` (symmetric, `weightBits` bits, scale max|w|/qmax per channel or per tensor)
 * times their float32 scales. Symmetric max-abs scales never clip a weight, so the
 * straight-through gradient of the weights is the gradient of their fake-quantized values as is.
 */
export function fakeQuantizeWeights(weights: FloatArray, outFeatures: number, inFeatures: number, perChannel: boolean, weightBits: number, out: FloatArray): void {
  const { weights: q, scales } = quantizeAsModelFile(weights, outFeatures, inFeatures, perChannel, weightBits);
  for (let o = 0; o < outFeatures; o++) {
    // The IR's scales are the shortest decimals of float32 values; the kernels multiply by the float32.
    const scale = Math.fround(scales[o]);
    for (let i = 0; i < inFeatures; i++) out[o * inFeatures + i] = q[o * inFeatures + i] * scale;
  }
}

/**
 * `quantizeWeights` of the weights as the quantizer will read them from the model file: each the
 * shortest decimal of its float32 value (toSpecNumbers), which can differ from the float32 itself
 * in the last bits. Only two kinds of weight can change the result: a channel's largest |w|, which
 * sets the scale, and a weight whose w / scale lies within that difference of a rounding boundary
 * (x.5). Those are replaced by their decimals (and quantized again if there are any of the second
 * kind); the rest keep their float32 values, which quantize identically, so no forward pass
 * formats every weight.
 */
function quantizeAsModelFile(weights: FloatArray, outFeatures: number, inFeatures: number, perChannel: boolean, weightBits: number): QuantizedWeights {
  const view = Float64Array.from(weights);
  for (let o = 0; o < outFeatures; o++) {
    let max = 0;
    for (let i = 0; i < inFeatures; i++) max = Math.max(max, Math.abs(view[o * inFeatures + i]));
    for (let i = 0; i < inFeatures; i++) if (Math.abs(view[o * inFeatures + i]) === max) view[o * inFeatures + i] = shortestFloat32(view[o * inFeatures + i]);
  }
  const first = quantizeWeights(view, outFeatures, inFeatures, perChannel, weightBits);
  let nearBoundary = false;
  for (let o = 0; o < outFeatures; o++) {
    for (let i = 0; i < inFeatures; i++) {
      const k = o * inFeatures + i;
      const v = Math.abs(view[k] / first.scales[o]);
      // The decimal is within half a float32 ulp of the float32 value: relative 2^-24, with margin.
      if (Math.abs(v - Math.floor(v) - 0.5) <= v * 2 ** -22) {
        view[k] = shortestFloat32(view[k]);
        nearBoundary = true;
      }
    }
  }
  return nearBoundary ? quantizeWeights(view, outFeatures, inFeatures, perChannel, weightBits) : first;
}

/**
 * Activations quantized with tensor `t` and dequantized, element by element as the reference does
 * (`quantizeValue`, then (q − zeroPoint) · scale in float32). `pass[i]` is set to 1 where the
 * clipped straight-through estimator lets the gradient through: where the unclamped integer code
 * round(x / scale) + zeroPoint lies inside the dtype's range (PyTorch's fake_quantize rule); 0 where
 * the value saturates.
 */
export function fakeQuantizeActivations(x: FloatArray, t: QTensor, out: FloatArray, pass: Uint8Array): void {
  const { min, max } = DTYPE_RANGE[t.dtype];
  const scale = Math.fround(t.scale);
  for (let i = 0; i < x.length; i++) {
    const code = roundHalfAwayFromZero(Math.fround(x[i] / scale)) + t.zeroPoint;
    pass[i] = code >= min && code <= max ? 1 : 0;
    out[i] = Math.fround((quantizeValue(x[i], t) - t.zeroPoint) * scale);
  }
}

/** dx = dy where the fake quantization passed the value through (see fakeQuantizeActivations), 0 where it saturated. */
export function straightThroughGradient(dy: FloatArray, pass: Uint8Array, dx: FloatArray): void {
  for (let i = 0; i < dy.length; i++) dx[i] = pass[i] === 1 ? dy[i] : 0;
}

/** PyTorch's MovingAverageMinMaxObserver default: each batch moves the range 1% of the way to its own extremes. */
export const EMA_MOMENTUM = 0.01;

/**
 * The range an activation is fake-quantized over during QAT: the first batch's extremes, then an
 * exponential moving average of each training batch's extremes (`observe`). Ops whose output
 * parameters are fixed (softmax, the sigmoid head) keep them. `tensor` gives the quantization
 * parameters exactly as the calibrator would for that range (`tensorFor`: zero exactly representable).
 */
export class ActivationRange {
  private range: Range | null = null;

  constructor(
    readonly dtype: QDtype,
    readonly features: number,
    private readonly fixed: FixedParams | null,
    private readonly momentum = EMA_MOMENTUM,
  ) {}

  observe(values: FloatArray): void {
    if (this.fixed) return;
    const batch = extremes(values);
    this.range = this.range === null ? batch : { min: this.range.min + this.momentum * (batch.min - this.range.min), max: this.range.max + this.momentum * (batch.max - this.range.max) };
  }

  current(): Range | null {
    return this.range;
  }

  tensor(): QTensor {
    if (this.fixed) return fixedTensor(this.features, this.fixed.scale, this.fixed.zeroPoint, this.dtype);
    if (this.range === null) throw new Error('internal: a QAT activation range was used before any training batch set it');
    return tensorFor(this.range, this.dtype, this.features);
  }
}

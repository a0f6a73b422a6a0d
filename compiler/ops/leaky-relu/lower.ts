import { quantizeMultiplier } from '../fixed-point.js';
import type { LayerFields, Unhashed } from '../op-types.js';
import type { LeakyReluLayer } from './ir.js';
import type { LeakyReluStage } from './stage.js';

export function lowerLeakyRelu(stage: LeakyReluStage, base: LayerFields): Unhashed<LeakyReluLayer> {
  const real = leakyReluRealMultipliers(base.input.scale, stage.alpha, base.output.scale);
  const identity = quantizeMultiplier(real.identity);
  const alpha = quantizeMultiplier(real.alpha);
  return {
    op: 'leaky_relu',
    ...base,
    alpha: stage.alpha,
    multiplierIdentity: identity.multiplier,
    shiftIdentity: identity.shift,
    multiplierAlpha: alpha.multiplier,
    shiftAlpha: alpha.shift,
  };
}

/**
 * LeakyReLU's two real multipliers as TFLite Micro's CalculateOpDataLeakyRelu forms them: in float32
 * arithmetic (input · alpha / output and input / output), widened to double afterwards.
 */
function leakyReluRealMultipliers(inputScale: number, alpha: number, outputScale: number): { identity: number; alpha: number } {
  const input = Math.fround(inputScale);
  const output = Math.fround(outputScale);
  return { identity: Math.fround(input / output), alpha: Math.fround(Math.fround(input * Math.fround(alpha)) / output) };
}

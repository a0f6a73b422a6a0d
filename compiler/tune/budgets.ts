import type { TuneBudgets } from '../project/tune-settings.js';
import type { TargetPrice } from './run-candidate.js';

export type Placement = 'flash' | 'sram';

/** A shape on one target as the search counts it: the weight placement it would ship with, and its figures there. */
export interface PlacedPrice {
  target: string;
  placement: Placement;
  sramBytes: number;
  flashBytes: number;
  latencyMs: number;
}

export type FitResult = { fits: true; placed: PlacedPrice } | { fits: false; reason: 'too big' | 'too slow'; detail: string; placed: PlacedPrice };

/**
 * Whether a shape meets the budgets on a target (memory: the smaller of the budget and the board's
 * capacity). Weights stay in flash when that meets them; copying them to SRAM at init (the C
 * backend's FIRMNET_WEIGHTS_IN_SRAM build) is taken only when that is what makes the shape meet
 * the latency budget and the SRAM it costs still fits.
 */
export function fitOnTarget(price: TargetPrice, budgets: TuneBudgets): FitResult {
  const sramLimit = minLimit(budgets.maxSramBytes, price.sramCapacityBytes);
  const flashLimit = minLimit(budgets.maxFlashBytes, price.flashCapacityBytes);
  const inFlash: PlacedPrice = { target: price.target, placement: 'flash', sramBytes: price.sramBytes, flashBytes: price.flashBytes, latencyMs: price.latencyMs };
  if (price.flashBytes > flashLimit) return { fits: false, reason: 'too big', detail: `${price.target}: flash ${bytes(price.flashBytes)} > ${bytes(flashLimit)}`, placed: inFlash };
  if (price.sramBytes > sramLimit) return { fits: false, reason: 'too big', detail: `${price.target}: SRAM ${bytes(price.sramBytes)} > ${bytes(sramLimit)}`, placed: inFlash };
  const latencyLimit = budgets.maxLatencyMs ?? Infinity;
  if (price.latencyMs <= latencyLimit) return { fits: true, placed: inFlash };
  const s = price.weightsInSram;
  if (s && s.latencyMs <= latencyLimit && s.sramBytes <= sramLimit) {
    return { fits: true, placed: { target: price.target, placement: 'sram', sramBytes: s.sramBytes, flashBytes: price.flashBytes, latencyMs: s.latencyMs } };
  }
  const sramNote = s && s.latencyMs <= latencyLimit ? ` (${s.latencyMs.toFixed(3)} ms with the weights in SRAM, which needs ${bytes(s.sramBytes)} > ${bytes(sramLimit)})` : '';
  return { fits: false, reason: 'too slow', detail: `${price.target}: ${price.latencyMs.toFixed(3)} ms > ${latencyLimit} ms${sramNote}`, placed: inFlash };
}

function minLimit(budget: number | null, capacity: number | null): number {
  return Math.min(budget ?? Infinity, capacity ?? Infinity);
}

function bytes(n: number): string {
  return `${n.toLocaleString('en-US')} B`;
}

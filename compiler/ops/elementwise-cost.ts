import type { KernelProfileSpec } from './op-definition.js';
import type { QTensor } from './op-types.js';

/** An element-wise kernel (LeakyReLU, tables): instructions per element, plus a fixed cost per call. */
export const ELEMENTWISE_KERNEL: KernelProfileSpec = { terms: ['elements', 'calls'], calibrationShapes: [[8], [33], [64], [200]], heldOutShapes: [[128], [10]] };

export function elementwiseTerms(layer: { input: QTensor }): Record<string, number> {
  return { elements: layer.input.features, calls: 1 };
}

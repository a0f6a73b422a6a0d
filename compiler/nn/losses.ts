import type { Task } from '../model/float-model.js';
import { Engine, type Kernels, engineHolding } from './engine.js';
import { type FloatArray, type Matrix, type Precision, precisionOf } from './matrix.js';

export type LossName = 'mse' | 'mae' | 'huber' | 'bce_logits' | 'softmax_ce_logits' | 'multilabel_bce_logits';

/**
 * The mean loss over the batch; with `grad` (the prediction's shape) also dLoss/dPrediction, written
 * into it. All losses average over the batch; element-wise losses (MSE, MAE, Huber, BCE) also
 * average over outputs, as Keras and PyTorch's default `reduction='mean'` do. Targets have the
 * prediction's shape (one-hot for multiclass).
 *
 * The arithmetic is the engine's (runtime/training/losses.ts). Operands that all live in one
 * network's engine (a training step: the output, the target batch and the output-gradient buffer)
 * go straight to the kernel; any others (validation scores, tests) are copied through a scratch
 * engine a block of rows at a time.
 */
export type LossFn = (prediction: Matrix, target: Matrix, grad?: Matrix) => number;

/** Sum of the loss terms of `rows` × `cols` values at these addresses; `scale` multiplies the gradient. */
type LossKernel = (k: Kernels, p: number, t: number, rows: number, cols: number, grad: number, scale: number, engine: Engine) => number;

interface LossDefinition {
  kernel: LossKernel;
  /** Softmax cross-entropy has one term per row; the others one per value. */
  termsPerRow: (cols: number) => number;
}

const HUBER_DELTA = 1;
const perValue = (cols: number): number => cols;

const DEFINITIONS: Record<LossName, LossDefinition> = {
  mse: { kernel: (k, p, t, rows, cols, g, scale) => k.mseLoss(p, t, rows * cols, g, scale), termsPerRow: perValue },
  mae: { kernel: (k, p, t, rows, cols, g, scale) => k.maeLoss(p, t, rows * cols, g, scale), termsPerRow: perValue },
  huber: { kernel: (k, p, t, rows, cols, g, scale) => k.huberLoss(p, t, rows * cols, g, scale, HUBER_DELTA), termsPerRow: perValue },
  bce_logits: { kernel: (k, p, t, rows, cols, g, scale) => k.bceLoss(p, t, rows * cols, g, scale), termsPerRow: perValue },
  softmax_ce_logits: { kernel: (k, p, t, rows, cols, g, scale) => k.softmaxCrossEntropyLoss(p, t, rows, cols, g, scale), termsPerRow: () => 1 },
  multilabel_bce_logits: { kernel: (k, p, t, rows, cols, g, scale) => k.bceLoss(p, t, rows * cols, g, scale), termsPerRow: perValue },
};

/**
 * The loss with a weight per output: softmax cross-entropy takes one weight per class (the term of
 * a row whose target is class c counts w_c times); the BCE losses take 2·outputs weights, the
 * positive terms' weight of each output then the negative terms' (a class weight times PyTorch's
 * `pos_weight`). The mean is still over the terms (Keras's `class_weight` and scikit-learn's
 * sample weights), so balanced weights, which average 1 over the training rows, leave the loss's
 * scale as it was. Null weights: the unweighted loss.
 */
export function weightedLoss(loss: LossName, weights: readonly number[] | null): LossFn {
  if (weights === null) return LOSSES[loss];
  const kernel = WEIGHTED_KERNELS[loss];
  if (!kernel) throw new Error(`internal: the ${loss} loss takes no weights`);
  const weighted = lossFunction({ ...DEFINITIONS[loss], kernel: (k, p, t, rows, cols, g, scale, e) => kernel(k, p, t, rows, cols, g, scale, e.lossWeights(weights)) });
  return (p, t, grad) => {
    const expected = loss === 'softmax_ce_logits' ? p.cols : 2 * p.cols;
    if (weights.length !== expected) throw new Error(`internal: ${weights.length} loss weights for ${p.cols} outputs of ${loss}`);
    return weighted(p, t, grad);
  };
}

type WeightedKernel = (k: Kernels, p: number, t: number, rows: number, cols: number, grad: number, scale: number, w: number) => number;

const WEIGHTED_KERNELS: Partial<Record<LossName, WeightedKernel>> = {
  bce_logits: (k, p, t, rows, cols, g, scale, w) => k.weightedBceLoss(p, t, rows, cols, g, scale, w),
  multilabel_bce_logits: (k, p, t, rows, cols, g, scale, w) => k.weightedBceLoss(p, t, rows, cols, g, scale, w),
  softmax_ce_logits: (k, p, t, rows, cols, g, scale, w) => k.weightedSoftmaxCrossEntropyLoss(p, t, rows, cols, g, scale, w),
};

/** The losses that take weights per output. */
export function lossTakesWeights(loss: LossName): boolean {
  return WEIGHTED_KERNELS[loss] !== undefined;
}

function lossFunction(definition: LossDefinition): LossFn {
  return (p, t, grad) => {
    if (t.rows !== p.rows || t.cols !== p.cols || (grad && (grad.rows !== p.rows || grad.cols !== p.cols))) {
      throw new Error(`internal: loss operands ${p.rows}×${p.cols}, ${t.rows}×${t.cols}${grad ? `, ${grad.rows}×${grad.cols}` : ''} differ in shape`);
    }
    const terms = p.rows * definition.termsPerRow(p.cols);
    const scale = 1 / Math.max(terms, 1);
    const e = engineHolding(p, t, grad);
    if (e) {
      return definition.kernel(e.kernels, e.address(p.data), e.address(t.data), p.rows, p.cols, grad ? e.address(grad.data) : 0, scale, e) / terms;
    }
    // Blocks of rows through a scratch engine; the sums of the blocks add up to the whole.
    const scratch = scratchEngine(precisionOf(p.data), p.cols);
    const k = scratch.engine.kernels;
    let total = 0;
    for (let start = 0; start < p.rows; start += SCRATCH_ROWS) {
      const end = Math.min(start + SCRATCH_ROWS, p.rows);
      const range = [start * p.cols, end * p.cols] as const;
      scratch.p.set(p.data.subarray(...range));
      scratch.t.set(t.data.subarray(...range));
      const g = grad ? scratch.engine.address(scratch.g) : 0;
      total += definition.kernel(k, scratch.engine.address(scratch.p), scratch.engine.address(scratch.t), end - start, p.cols, g, scale, scratch.engine);
      if (grad) grad.data.set(scratch.g.subarray(0, range[1] - range[0]), range[0]);
    }
    return total / terms;
  };
}

export const LOSSES: Record<LossName, LossFn> = {
  mse: lossFunction(DEFINITIONS.mse),
  mae: lossFunction(DEFINITIONS.mae),
  huber: lossFunction(DEFINITIONS.huber),
  bce_logits: lossFunction(DEFINITIONS.bce_logits),
  softmax_ce_logits: lossFunction(DEFINITIONS.softmax_ce_logits),
  multilabel_bce_logits: lossFunction(DEFINITIONS.multilabel_bce_logits),
};

/** Rows per block on the scratch path. */
const SCRATCH_ROWS = 1024;

interface ScratchEngine {
  engine: Engine;
  cols: number;
  p: FloatArray;
  t: FloatArray;
  g: FloatArray;
}

const scratchEngines = new Map<Precision, ScratchEngine>();

/** A small engine per precision for losses on arrays outside any network, kept for the widest rows seen. */
function scratchEngine(precision: Precision, cols: number): ScratchEngine {
  const cached = scratchEngines.get(precision);
  if (cached && cached.cols >= cols) return cached;
  const n = SCRATCH_ROWS * cols;
  const engine = new Engine(precision, [n, n, n]);
  const made = { engine, cols, p: engine.floats(n), t: engine.floats(n), g: engine.floats(n) };
  scratchEngines.set(precision, made);
  return made;
}

/** The losses that make sense for each task; the first is the default. */
export const LOSSES_FOR_TASK: Record<Task, LossName[]> = {
  regression: ['mse', 'mae', 'huber'],
  binary: ['bce_logits'],
  multiclass: ['softmax_ce_logits'],
  multilabel: ['multilabel_bce_logits'],
  autoencoder: ['mse', 'mae', 'huber'],
};

/** True for losses that expect raw logits and apply sigmoid/softmax inside. */
export function lossTakesLogits(loss: LossName): boolean {
  return loss === 'bce_logits' || loss === 'softmax_ce_logits' || loss === 'multilabel_bce_logits';
}

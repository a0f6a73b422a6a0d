import { type Dataset, subsetRows } from '../data/dataset.js';
import { Rng } from '../rng.js';
import { type TrainConfig, trainModel } from './train.js';
import { type Evaluation, evaluateScores } from '../evaluate/evaluate.js';
import { predictFloat } from '../inference/float-inference.js';

export interface SanityResult {
  passed: boolean;
  rows: number;
  epochs: number;
  finalTrainLoss: number;
  /** Train accuracy (classification), R² (regression) or reconstructed variance share (autoencoder) on the subset. */
  fit: number;
  message: string;
}

const SUBSET_ROWS = 128;
const EPOCHS = 400;

/**
 * The tiny-subset over-fit test: a correctly wired network with enough capacity drives training
 * error on 128 rows to zero. Regularisation, validation and early stopping are switched off and a
 * brisk Adam learning rate used, so only the wiring (data, layers, loss, gradients) is on trial.
 */
export function runSanityCheck(data: Dataset, config: TrainConfig): SanityResult {
  const pick = new Rng(config.seed).permutation(data.rows).slice(0, Math.min(SUBSET_ROWS, data.rows)).sort();
  const subset = subsetRows(data, pick);
  const sanityConfig: TrainConfig = {
    ...config,
    architecture: { ...config.architecture, dropout: 0 },
    optimizer: { ...config.optimizer, name: 'adam', weightDecay: 0 },
    learningRate: 1e-2,
    schedule: { ...config.schedule, name: 'constant' },
    epochs: EPOCHS,
    batchSize: 32,
    validationSplit: 0,
    earlyStopping: null,
  };
  const result = trainModel(subset, sanityConfig, 'sanity');
  const evaluation = evaluateScores(predictFloat(result.model, subset.features, subset.rows).scores, subset, { standardization: result.model.inputStandardization, threshold: null });
  const finalTrainLoss = result.history[result.history.length - 1].trainLoss;
  const { fit, passed, what } = judge(data, evaluation);
  const message = passed
    ? `sanity check PASSED: ${pick.length} rows over-fit in ${EPOCHS} epochs, ${what}, final loss ${finalTrainLoss.toExponential(2)}. The wiring is sound.`
    : `sanity check FAILED: ${pick.length} rows could not be over-fit in ${EPOCHS} epochs, ${what}, final loss ${finalTrainLoss.toExponential(2)}. ` +
      'Check that the label column is right and that identical rows do not carry different labels; give the network more capacity (--hidden); ' +
      'if the loss did not fall at all, the data or loss wiring is broken.';
  return { passed, rows: pick.length, epochs: EPOCHS, finalTrainLoss, fit, message };
}

/** Over-fitting means: 100% accuracy, R² ≥ 0.99, or (autoencoder) ≥ 90% of the standardized variance reconstructed. */
function judge(data: Dataset, e: Evaluation): { fit: number; passed: boolean; what: string } {
  if (data.task === 'regression') {
    const fit = e.r2 ?? 0;
    return { fit, passed: fit >= 0.99, what: `train R² ${fit.toFixed(4)} (needs ≥ 0.99)` };
  }
  if (data.task === 'autoencoder') {
    const fit = 1 - (e.reconstructionMse ?? 1);
    return { fit, passed: fit >= 0.9, what: `${(fit * 100).toFixed(1)}% of the standardized variance reconstructed (needs ≥ 90%)` };
  }
  const fit = e.accuracy ?? 0;
  return { fit, passed: fit === 1, what: `train accuracy ${(fit * 100).toFixed(2)}% (needs 100%)` };
}

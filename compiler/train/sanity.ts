import { type Dataset, subsetRows } from '../data/dataset.js';
import { predictFloat } from '../model/float-inference.js';
import { Rng } from '../rng.js';
import { evaluateScores } from './evaluate.js';
import { type TrainConfig, trainModel } from './train.js';

export interface SanityResult {
  passed: boolean;
  rows: number;
  epochs: number;
  finalTrainLoss: number;
  /** Train accuracy (classification) or R² (regression) on the subset after training. */
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
  const evaluation = evaluateScores(predictFloat(result.model, subset.features, subset.rows).scores, subset);
  const regression = data.task === 'regression';
  const fit = regression ? (evaluation.r2 ?? 0) : (evaluation.accuracy ?? 0);
  const passed = regression ? fit >= 0.99 : fit === 1;
  const finalTrainLoss = result.history[result.history.length - 1].trainLoss;
  const what = regression ? `train R² ${fit.toFixed(4)} (needs ≥ 0.99)` : `train accuracy ${(fit * 100).toFixed(2)}% (needs 100%)`;
  const message = passed
    ? `sanity check PASSED: ${pick.length} rows over-fit in ${EPOCHS} epochs, ${what}, final loss ${finalTrainLoss.toExponential(2)}. The wiring is sound.`
    : `sanity check FAILED: ${pick.length} rows could not be over-fit in ${EPOCHS} epochs, ${what}, final loss ${finalTrainLoss.toExponential(2)}. ` +
      'Check that the label column is right and that identical rows do not carry different labels; give the network more capacity (--hidden); ' +
      'if the loss did not fall at all, the data or loss wiring is broken.';
  return { passed, rows: pick.length, epochs: EPOCHS, finalTrainLoss, fit, message };
}

import { type Dataset, subsetRows } from '../data/dataset.js';
import { applyStandardization, firstNonFiniteStandardized, fitStandardization } from '../data/standardize.js';
import { FirmnetError } from '../errors.js';
import { type AnomalyThreshold as AnomalyThresholdRecord, type DecisionThresholds, type FloatModel, type LayerSpec, MODEL_FORMAT, MODEL_VERSION, type Standardization, type Task, headForTask } from '../model/float-model.js';
import { type LossFn, type LossName, LOSSES_FOR_TASK, weightedLoss } from '../nn/losses.js';
import { type Matrix, allFinite, gatherRows, matrixOf } from '../nn/matrix.js';
import { type Network, type NetworkState, describeLayer } from '../nn/network.js';
import { type OptimizerConfig, clipGradientsByGlobalNorm, createOptimizer, optimizerSlots } from '../nn/optimizers.js';
import { type ScheduleConfig, learningRateAt } from '../nn/schedules.js';
import { shortestFloat32 } from '../float32.js';
import { Rng } from '../rng.js';
import { type ArchitectureConfig, buildNetwork, checkLossForTask } from './architecture.js';
import { type LossWeightSettings, checkLossWeightSettings, resolveLossWeights } from './loss-weights.js';
import { signalCollector } from './signals.js';
import { type AnomalyScoring, DEFAULT_ANOMALY_PERCENTILE, percentileOf, reconstructionErrors } from '../evaluate/anomaly.js';
import { type Evaluation, evaluateScores } from '../evaluate/evaluate.js';
import { type ThresholdRule, chooseThreshold, formatThresholdRule, thresholdTargetInRange } from '../evaluate/thresholds.js';
import { applyHead } from '../inference/float-inference.js';
import { historyRecord } from './training-history.js';

export type StopMetric = 'val_loss' | 'val_accuracy' | 'val_f1' | 'val_auc' | 'val_rmse' | 'val_mae';

export interface EarlyStopping {
  metric: StopMetric;
  patience: number;
  minDelta: number;
}

export interface TrainConfig {
  task: Task;
  architecture: ArchitectureConfig;
  loss: LossName | null;
  optimizer: OptimizerConfig;
  learningRate: number;
  schedule: ScheduleConfig;
  clipNorm: number | null;
  epochs: number;
  batchSize: number;
  /** Share of training rows held out for validation (stratified for classification); 0 for none. */
  validationSplit: number;
  earlyStopping: EarlyStopping | null;
  standardize: boolean;
  seed: number;
  /** Class imbalance (loss-weights.ts); absent when the loss is unweighted, so an unweighted run's record stays as it was. */
  lossWeights?: LossWeightSettings;
  /** Decision threshold chosen on the validation split (thresholds.ts); absent: 0.5, or the autoencoder's percentile of training errors. */
  threshold?: ThresholdRule;
}

/** The per-epoch signals a practitioner watches to judge a training run. */
export interface EpochLog {
  epoch: number;
  trainLoss: number;
  valLoss: number | null;
  /** Task metric on validation rows, named by valMetricName; null without validation. */
  valMetric: number | null;
  /** What valMetric is: val_accuracy (label-wise for multilabel), val_rmse or val_reconstruction_mse. */
  valMetricName: EpochMetricName | null;
  learningRate: number;
  gradNorm: number;
  paramNorm: number;
  deadReluFraction: number | null;
  saturatedFraction: number | null;
  samplesPerSecond: number;
  /** Early stopping only: this epoch improved the stop metric, so its weights are the ones kept so far. */
  best: boolean;
  /** Early stopping only: the stop metric's value this epoch (not negated). */
  stopMetric: { name: StopMetric; value: number } | null;
}

export interface TrainResult {
  model: FloatModel;
  history: EpochLog[];
  bestEpoch: number;
  validation: Evaluation | null;
  stoppedEarly: boolean;
}

export interface TrainHooks {
  onEpoch?: (log: EpochLog, totalEpochs: number) => void;
}

export function trainModel(data: Dataset, config: TrainConfig, name: string, hooks: TrainHooks = {}): TrainResult {
  validateConfig(config, data);
  const loss = config.loss ?? LOSSES_FOR_TASK[config.task][0];
  checkLossForTask(config.task, loss, config.architecture.outputActivation);
  const rng = new Rng(config.seed);
  const initRng = rng.fork();
  const splitRng = rng.fork();
  const shuffleRng = rng.fork();

  const { fitRows, valRows } = splitRows(data, config.validationSplit, splitRng);
  const weights = config.lossWeights ? resolveLossWeights(data, fitRows, config.lossWeights) : null;
  // Validation loss is weighted too, so early stopping on val_loss follows the objective trained on.
  const lossFn = weightedLoss(loss, weights?.kernelWeights ?? null);
  const nf = data.featureNames.length;
  const inputStandardization = config.standardize ? fitStandardization(data.features, nf, fitRows) : null;
  // An autoencoder reconstructs its standardized inputs, so its targets share the input statistics.
  const targetStandardization =
    config.task === 'autoencoder' ? inputStandardization : config.task === 'regression' && config.standardize ? fitStandardization(data.targets, data.targetColumns, fitRows) : null;
  // Checked without a standardized copy of the features: the engine standardizes each batch as it loads it.
  checkStandardized(data.file, data.featureNames, data.features, inputStandardization);
  if (config.task === 'regression') checkStandardized(data.file, data.labelColumns, data.targets, targetStandardization);
  const targets = trainingTargets(data, targetStandardization);

  // The engine holds one batch; inputs are standardized as each batch is loaded, so no
  // standardized copy of the data set is made. No batch is larger than the rows fitted on, so a
  // batch size beyond them (one batch per epoch) needs no more memory than they do.
  const network = buildNetwork(nf, data.targetColumns, config.architecture, initRng, {
    rows: Math.max(1, Math.min(config.batchSize, fitRows.length)),
    optimizerSlots: optimizerSlots(config.optimizer),
    inputStandardization,
    parallel: true,
  });
  const params = network.params();
  const optimizer = createOptimizer(config.optimizer, network);
  const valT = valRows.length > 0 ? targets.rows(valRows) : null;
  const valData = valRows.length > 0 ? subsetRows(data, valRows) : null;
  // Signals come from the validation pass; without validation, from the epoch's training batches.
  const signalsFromBatches = valRows.length === 0;
  const headModel = { head: headForTask(config.task), targetStandardization };
  const scoring = { standardization: inputStandardization, threshold: null };

  const history: EpochLog[] = [];
  const stop = config.earlyStopping && valT ? config.earlyStopping : null;
  let bestScore = Infinity;
  let bestState: NetworkState | null = null;
  let bestEpoch = 0;
  let sinceBest = 0;
  let stoppedEarly = false;
  const stepsPerEpoch = Math.ceil(fitRows.length / config.batchSize);
  const indices = new Uint32Array(fitRows.length);

  for (let epoch = 1; epoch <= config.epochs; epoch++) {
    const started = performance.now();
    const order = shuffleRng.permutation(fitRows.length);
    for (let i = 0; i < indices.length; i++) indices[i] = fitRows[order[i]];
    let lossSum = 0;
    let gradNormSum = 0;
    let lr = config.learningRate;
    const signals = signalCollector(network);
    for (let step = 0; step < stepsPerEpoch; step++) {
      const start = step * config.batchSize;
      const end = Math.min(start + config.batchSize, indices.length);
      const xb = network.loadRows(data.features, indices, start, end);
      const tb = targets.batch(network, xb, indices, start, end);
      const out = network.run(xb, 'train', signalsFromBatches ? signals.onLayer : undefined);
      const dOut = network.outputGradientRows(end - start);
      const batchLoss = lossFn(out, tb, dOut);
      const at: DivergencePoint = { epoch, batch: step + 1, batches: stepsPerEpoch, rows: end - start };
      if (!Number.isFinite(batchLoss)) throw divergence(network, xb, at, config, `${loss} loss`);
      network.backward(dOut);
      lr = learningRateAt(config.learningRate, config.schedule, epoch - 1 + step / stepsPerEpoch, config.epochs);
      // Unclipped, the optimizer's pass over the gradients also sums their squares.
      const gradNorm = config.clipNorm === null ? Math.sqrt(optimizer.step(lr)) : clipGradientsByGlobalNorm(network, config.clipNorm);
      if (!Number.isFinite(gradNorm)) {
        const bad = params.find((p) => !allFinite(p.grad));
        throw divergence(network, xb, at, config, `gradient of ${bad?.name ?? 'a parameter'}`);
      }
      if (config.clipNorm !== null) optimizer.step(lr);
      lossSum += batchLoss * (end - start);
      gradNormSum += gradNorm;
    }
    const seconds = (performance.now() - started) / 1000;
    const val = valT && valData ? validationScores(network, data.features, valRows, valT, valData, lossFn, headModel, scoring, signals.onLayer) : null;
    const unit = signals.finish();
    const score = stop && val ? stopScore(stop.metric, val) : null;
    const improved = score !== null && score < bestScore - (stop?.minDelta ?? 0);
    if (improved && score !== null) {
      bestScore = score;
      bestState = network.captureState();
      bestEpoch = epoch;
      sinceBest = 0;
    } else if (stop) {
      sinceBest++;
    } else {
      bestEpoch = epoch;
    }
    const log: EpochLog = {
      epoch,
      trainLoss: lossSum / fitRows.length,
      valLoss: val?.loss ?? null,
      valMetric: val ? epochMetric(config.task, val.evaluation) : null,
      valMetricName: val ? epochMetricName(config.task) : null,
      learningRate: lr,
      gradNorm: gradNormSum / stepsPerEpoch,
      paramNorm: unit.paramNorm,
      deadReluFraction: unit.deadReluFraction,
      saturatedFraction: unit.saturatedFraction,
      samplesPerSecond: fitRows.length / Math.max(seconds, 1e-9),
      best: improved,
      stopMetric: stop && score !== null ? { name: stop.metric, value: HIGHER_IS_BETTER.has(stop.metric) ? -score : score } : null,
    };
    history.push(log);
    hooks.onEpoch?.(log, config.epochs);
    if (stop && sinceBest >= stop.patience) {
      stoppedEarly = epoch < config.epochs;
      break;
    }
  }

  // Restore the best weights (early stopping), then score them once more for the record.
  if (bestState) network.restoreState(bestState);
  const finalSpecs = network.toSpecs();
  const fpr = config.threshold?.rule === 'fpr' ? config.threshold.target : null;
  // With fpr=F the threshold is the 100·(1 − F)th percentile of the (normal) validation rows' errors.
  const anomaly =
    config.task === 'autoencoder'
      ? anomalyThreshold(network, data, fpr === null ? fitRows : valRows, headModel, inputStandardization, fpr === null ? DEFAULT_ANOMALY_PERCENTILE : 100 * (1 - fpr))
      : null;
  const decision = config.threshold && config.threshold.rule !== 'fpr' && valData ? chooseDecision(network, data.features, valRows, valData, headModel, config.threshold) : null;
  const validation =
    valT && valData ? validationScores(network, data.features, valRows, valT, valData, lossFn, headModel, { ...scoring, threshold: anomaly?.threshold ?? null }).evaluation : null;
  const metrics: Record<string, number> = {};
  for (const [k, v] of Object.entries(validation ?? {})) if (typeof v === 'number' && Number.isFinite(v) && k !== 'rows') metrics[`val_${k}`] = v;
  const model: FloatModel = {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name,
    task: config.task,
    head: headForTask(config.task),
    inputFeatures: nf,
    outputFeatures: data.targetColumns,
    featureNames: data.featureNames.slice(),
    labelColumns: data.labelColumns.slice(),
    classNames: data.classNames.slice(),
    inputStandardization,
    targetStandardization,
    anomaly,
    ...(decision ? { decision } : {}),
    layers: finalSpecs,
    seed: config.seed,
    source: { format: 'firmnet', file: null },
    training: {
      dataFile: data.file,
      config: { ...config, loss, ...(weights ? { classWeights: weights.classWeights, posWeights: weights.posWeights } : {}) },
      epochsRun: history.length, bestEpoch, metrics, history: historyRecord(history, loss, stop?.metric ?? null) },
  };
  return { model, history, bestEpoch, validation, stoppedEarly };
}

function validateConfig(config: TrainConfig, data: Dataset): void {
  if (config.task !== data.task) throw new FirmnetError('BAD_ARGUMENT', `internal: dataset was loaded for ${data.task}, config says ${config.task}`);
  checkTrainConfig(config);
  if (data.rows < 2) throw new FirmnetError('BAD_ARGUMENT', `${data.file} has ${data.rows} data row(s); training needs at least 2`);
}

/** The settings of a run that can be checked without data, named by their flags: checked before any file is read. */
export function checkTrainConfig(config: TrainConfig): void {
  const bad = (msg: string): never => {
    throw new FirmnetError('BAD_ARGUMENT', msg);
  };
  const positiveInteger = (flag: string, v: number): void => {
    if (!(Number.isInteger(v) && v >= 1)) bad(`${flag} must be a positive integer, got ${v}`);
  };
  positiveInteger('--epochs', config.epochs);
  positiveInteger('--batch-size', config.batchSize);
  if (!(config.learningRate > 0 && Number.isFinite(config.learningRate))) bad(`--lr must be positive, got ${config.learningRate}`);
  if (!(config.validationSplit >= 0 && config.validationSplit < 1)) bad(`--val-split must be in [0, 1), got ${config.validationSplit}`);
  if (!(config.architecture.dropout >= 0 && config.architecture.dropout < 1)) bad(`--dropout must be in [0, 1), got ${config.architecture.dropout}`);
  if (config.clipNorm !== null && !(config.clipNorm > 0 && Number.isFinite(config.clipNorm))) bad(`--clip-norm must be positive, got ${config.clipNorm}`);
  if (!(config.optimizer.weightDecay >= 0 && Number.isFinite(config.optimizer.weightDecay))) bad(`--weight-decay must be 0 or more, got ${config.optimizer.weightDecay}`);
  if (!(config.optimizer.momentum >= 0 && config.optimizer.momentum <= 1)) bad(`--momentum must be in [0, 1], got ${config.optimizer.momentum}`);
  if (!Number.isInteger(config.seed)) bad(`--seed must be an integer, got ${config.seed}`);
  if (config.lossWeights) checkLossWeightSettings(config.task, config.lossWeights);
  if (config.threshold) checkThresholdRule(config.task, config.threshold, config.validationSplit);
  const { activation } = config.architecture;
  if (activation.op === 'leaky_relu' && !Number.isFinite(activation.alpha)) bad(`--alpha must be a number, got ${activation.alpha}`);
  const { schedule } = config;
  if (schedule.name === 'step') {
    positiveInteger('--step-epochs', schedule.stepEpochs);
    if (!(schedule.gamma > 0 && Number.isFinite(schedule.gamma))) bad(`--gamma must be positive, got ${schedule.gamma}`);
  }
  if (schedule.name === 'warmup_cosine' && !(schedule.warmupEpochs >= 0 && Number.isFinite(schedule.warmupEpochs))) bad(`--warmup-epochs must be 0 or more, got ${schedule.warmupEpochs}`);
  if (config.earlyStopping) {
    positiveInteger('--patience', config.earlyStopping.patience);
    if (!(config.earlyStopping.minDelta >= 0 && Number.isFinite(config.earlyStopping.minDelta))) bad(`--min-delta must be 0 or more, got ${config.earlyStopping.minDelta}`);
  }
}

function checkThresholdRule(task: Task, rule: ThresholdRule, validationSplit: number): void {
  const bad = (msg: string): never => {
    throw new FirmnetError('BAD_ARGUMENT', msg);
  };
  const classifier = task === 'binary' || task === 'multilabel';
  if (!classifier && task !== 'autoencoder') bad(`--threshold applies to binary, multilabel and autoencoder models, not ${task}`);
  if (task === 'autoencoder' && rule.rule !== 'fpr') bad(`--threshold for an autoencoder is fpr=F (the share of normal validation rows flagged), got ${rule.rule}`);
  if (classifier && rule.rule === 'fpr') bad(`--threshold fpr=F is for autoencoders; a ${task} classifier takes max-f1, recall=R or precision=P`);
  if (rule.rule !== 'max-f1' && !thresholdTargetInRange(rule.rule, rule.target)) bad(`--threshold ${rule.rule}=${rule.target} is out of range: recall and precision in (0, 1], fpr in [0, 1)`);
  if (!(validationSplit > 0)) bad('--threshold chooses the threshold on the validation split; give --val-split above 0');
}

/**
 * Seeded split; stratified per class for classification so rare classes appear in both parts:
 * of each class, the first round(count × fraction) rows in a seeded permutation are held out.
 * Works on typed arrays throughout, so it scales to millions of rows.
 */
export function splitRows(data: Pick<Dataset, 'rows' | 'labels'>, fraction: number, rng: Rng): { fitRows: Uint32Array; valRows: Uint32Array } {
  const all = rng.permutation(data.rows);
  if (fraction === 0) return { fitRows: all, valRows: new Uint32Array(0) };
  const keyOf = (r: number): number => (data.labels.length > 0 ? data.labels[r] : 0);
  const counts = new Map<number, number>();
  for (let r = 0; r < data.rows; r++) counts.set(keyOf(r), (counts.get(keyOf(r)) ?? 0) + 1);
  const heldOut = new Map<number, number>();
  let valCount = 0;
  for (const [key, n] of counts) {
    heldOut.set(key, Math.round(n * fraction));
    valCount += Math.round(n * fraction);
  }
  if (valCount === data.rows) throw new FirmnetError('BAD_ARGUMENT', `--val-split ${fraction} leaves no rows to train on`);
  const fitRows = new Uint32Array(data.rows - valCount);
  const valRows = new Uint32Array(valCount);
  let fit = 0;
  let val = 0;
  for (let i = 0; i < all.length; i++) {
    const r = all[i];
    const key = keyOf(r);
    const left = heldOut.get(key)!;
    if (left > 0) {
      heldOut.set(key, left - 1);
      valRows[val++] = r;
    } else {
      fitRows[fit++] = r;
    }
  }
  return { fitRows: fitRows.sort(), valRows: valRows.sort() };
}

/**
 * Standardization runs in float32 like the firmware: a column whose values are too far apart
 * (3.4e38 next to −3.4e38) overflows in x − mean or in its standard deviation. Caught here, naming
 * the column, instead of as a diverged loss or an unwritable model file.
 */
function checkStandardized(file: string, names: string[], raw: Float32Array, s: Standardization | null): void {
  if (s === null) return;
  const columns = names.length;
  for (let j = 0; j < columns; j++) {
    if (!Number.isFinite(s.mean[j]) || !Number.isFinite(s.std[j])) {
      throw new FirmnetError('BAD_CSV', `${file}: column '${names[j]}' spreads wider than float32 can hold (mean ${s.mean[j]}, standard deviation ${s.std[j]}); rescale the column (e.g. to other units)`);
    }
  }
  const i = firstNonFiniteStandardized(raw, columns, s);
  if (i < 0) return;
  const j = i % columns;
  const value = applyStandardization(raw.subarray(i - j, i - j + columns), columns, s)[j];
  throw new FirmnetError(
    'BAD_CSV',
    `${file}: column '${names[j]}': the value ${shortestFloat32(raw[i])} in data row ${Math.floor(i / columns) + 1} becomes ${value} when standardized in float32 ((x − ${s.mean[j]}) / ${s.std[j]}); ` +
      'the column\'s values are too far apart for float32 arithmetic; rescale the column (e.g. to other units)',
  );
}

interface ValidationScores {
  loss: number;
  evaluation: Evaluation;
}

/** Loss in the network's units; metrics on head outputs in the user's units (regression is un-standardized). */
function validationScores(
  network: Network,
  features: Float32Array,
  valRows: Uint32Array,
  valT: Matrix,
  valData: Dataset,
  lossFn: LossFn,
  headModel: Pick<FloatModel, 'head' | 'targetStandardization'>,
  scoring: AnomalyScoring,
  onLayer?: (index: number, output: Matrix) => void,
): ValidationScores {
  const out = network.evaluateRows(features, valRows, onLayer);
  const scores = applyHead(headModel, out.data as Float32Array, out.rows, out.cols);
  return { loss: lossFn(out, valT), evaluation: evaluateScores(scores, valData, scoring) };
}

export type EpochMetricName = 'val_accuracy' | 'val_rmse' | 'val_reconstruction_mse';

/** The name of the metric logged each epoch for a task. */
export function epochMetricName(task: Task): EpochMetricName {
  if (task === 'regression') return 'val_rmse';
  if (task === 'autoencoder') return 'val_reconstruction_mse';
  return 'val_accuracy';
}

/** The metric logged each epoch: RMSE (regression), reconstruction error (autoencoder) or accuracy. */
function epochMetric(task: Task, e: Evaluation): number | null {
  if (task === 'regression') return e.rmse ?? null;
  if (task === 'autoencoder') return e.reconstructionMse ?? null;
  return e.accuracy ?? null;
}

/** The autoencoder's threshold: a percentile of reconstruction errors on (normal) rows, the training rows unless --threshold fpr=F. */
function anomalyThreshold(
  network: Network,
  data: Dataset,
  rows: Uint32Array,
  headModel: Pick<FloatModel, 'head' | 'targetStandardization'>,
  standardization: Standardization | null,
  percentile: number,
): AnomalyThresholdRecord {
  const out = network.evaluateRows(data.features, rows);
  const reconstruction = applyHead(headModel, out.data as Float32Array, out.rows, out.cols);
  const errors = reconstructionErrors(reconstruction, subsetRows(data, rows).features, rows.length, standardization);
  return { percentile, threshold: percentileOf(errors, percentile) };
}

/** Binary and multilabel: each output's threshold on the validation rows' probabilities, by `rule`. */
function chooseDecision(
  network: Network,
  features: Float32Array,
  valRows: Uint32Array,
  valData: Dataset,
  headModel: Pick<FloatModel, 'head' | 'targetStandardization'>,
  rule: ThresholdRule,
): DecisionThresholds {
  const out = network.evaluateRows(features, valRows);
  const scores = applyHead(headModel, out.data as Float32Array, out.rows, out.cols);
  const k = out.cols;
  const chosen = Array.from({ length: k }, (_, j) => {
    const column = new Float64Array(out.rows);
    const labels = new Int32Array(out.rows);
    for (let r = 0; r < out.rows; r++) {
      column[r] = scores[r * k + j];
      labels[r] = valData.task === 'binary' ? valData.labels[r] : valData.targets[r * k + j];
    }
    return chooseThreshold(column, labels, rule, valData.task === 'binary' ? '--threshold' : `--threshold, label '${valData.labelColumns[j]}'`);
  });
  return { rule: formatThresholdRule(rule), thresholds: chosen.map((c) => c.threshold), validation: chosen.map(({ precision, recall, f1 }) => ({ precision, recall, f1 })) };
}

/** The stop metrics stopScore negates. */
const HIGHER_IS_BETTER: ReadonlySet<StopMetric> = new Set(['val_accuracy', 'val_f1', 'val_auc']);

/** Lower is better for every stop metric, so metrics where higher is better are negated. */
function stopScore(metric: StopMetric, val: ValidationScores): number {
  const e = val.evaluation;
  switch (metric) {
    case 'val_loss':
      return val.loss;
    case 'val_accuracy':
      return -(e.accuracy ?? 0);
    case 'val_f1':
      return -(e.macroF1 ?? 0);
    case 'val_auc':
      return -(e.rocAuc ?? 0);
    case 'val_rmse':
      return e.rmse ?? Infinity;
    case 'val_mae':
      return e.mae ?? Infinity;
  }
}

/** Where in the run a value went non-finite. */
interface DivergencePoint {
  epoch: number;
  /** 1-based batch within the epoch, of `batches`. */
  batch: number;
  batches: number;
  rows: number;
}

/** "training diverged" naming what became NaN/Inf, where (epoch, batch, first layer), and what to change. */
function divergence(network: Network, xb: Matrix, at: DivergencePoint, config: TrainConfig, what: string): FirmnetError {
  const badParam = network.params().find((p) => !allFinite(p.value));
  // The engine keeps every layer's output of the batch that diverged.
  const outputs = network.outputs;
  const firstBad = outputs.findIndex((o) => !allFinite(o.data));
  let maxInput = 0;
  for (let i = 0; i < xb.data.length; i++) maxInput = Math.max(maxInput, Math.abs(xb.data[i]));
  const where: string[] = [];
  if (badParam) where.push(`the parameter ${badParam.name} was already NaN/Inf (an earlier update overflowed)`);
  if (firstBad >= 0) where.push(`the first non-finite values appear in the output of ${describeLayer(network.layers[firstBad], firstBad)}`);
  else if (outputs.length > 0 && what.endsWith('loss')) where.push('every layer output is finite, so the loss overflowed on the outputs and targets themselves');
  const causes: string[] = [];
  if (!allFinite(xb.data)) causes.push('the input batch itself contains NaN/Inf values');
  if (maxInput > 1e3) causes.push(`inputs are not scaled (largest |x| in the batch is ${maxInput.toExponential(2)}; do not pass --no-standardize for raw data)`);
  causes.push(`the learning rate ${config.learningRate} is too high for ${config.optimizer.name}: lower it (try --lr ${config.learningRate / 10}) or clip gradients (--clip-norm 1)`);
  return new FirmnetError(
    'TRAINING_DIVERGED',
    `training diverged: the ${what} became NaN/Inf at epoch ${at.epoch}, batch ${at.batch} of ${at.batches} (${at.rows} rows)` +
      `${where.length > 0 ? `; ${where.join('; ')}` : ''}. Likely cause: ${causes.join('; or ')}.`,
  );
}

/**
 * The targets in the network's units, by row: regression targets standardized (once, up front),
 * class targets as the data set holds them, and an autoencoder's targets — its inputs — taken
 * from the standardized input batch itself.
 */
function trainingTargets(
  data: Dataset,
  standardization: Standardization | null,
): { batch: (network: Network, xb: Matrix, indices: Uint32Array, start: number, end: number) => Matrix; rows: (rows: Uint32Array) => Matrix } {
  const cols = data.targetColumns;
  if (data.task === 'autoencoder' && sameValues(data.targets, data.features)) {
    return {
      batch: (_network, xb) => xb,
      rows: (rows) => {
        const raw = subsetRows(data, rows).features;
        return matrixOf(rows.length, cols, standardization ? applyStandardization(raw, cols, standardization) : raw);
      },
    };
  }
  const values = standardization ? applyStandardization(data.targets, cols, standardization) : data.targets;
  return {
    batch: (network, _xb, indices, start, end) => network.loadTargets(values, indices, start, end),
    rows: (rows) => gatherRows(matrixOf(data.rows, cols, values), rows),
  };
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

import type { Argv } from 'yargs';
import { type Dataset, loadDataset } from '../../data/dataset.js';
import { FirmnetError, namingFile } from '../../errors.js';
import { type FloatModel, TASKS, type Task } from '../../model/float-model.js';
import { defaultModelName } from '../../model/model-name.js';
import { saveModel } from '../../model/model-file.js';
import { runSanityCheck } from '../../train/sanity.js';
import { ARCHITECTURE_OPTIONS } from '../../ops/float-layers.js';
import { ACTIVATION_NAMES, type ArchitectureFlags, DEFAULT_TRAIN_SETTINGS, INIT_NAMES, LOSS_NAMES, OPTIMIZER_NAMES, OUTPUT_ACTIVATION_NAMES, SCHEDULE_NAMES, STOP_METRIC_NAMES, type TrainSettings, trainConfig } from '../../train/settings.js';
import { type EpochLog, type TrainConfig, checkTrainConfig, trainModel } from '../../train/train.js';
import { LOSSES_FOR_TASK } from '../../nn/losses.js';
import { splitList } from '../args.js';
import { checkLossWeightsForData, parseClassWeight, parsePosWeight } from '../../train/loss-weights.js';
import { THRESHOLD_RULE_SYNTAX, metricsAtThreshold, parseThresholdRule } from '../../evaluate/thresholds.js';
import type { CommandModule } from '../command.js';
import { type Ui, formatDuration } from '../ui.js';
import { type Evaluation, evaluateScores } from '../../evaluate/evaluate.js';
import { evaluationLines } from '../../evaluate/evaluation-lines.js';
import { formatNumber, formatTable, percent } from '../../io/text-table.js';
import { predictFloat } from '../../inference/float-inference.js';
import { summarizeFloatModel } from '../../inspect/model-summary.js';
import { summaryLines } from '../../inspect/summary-table.js';

const D = DEFAULT_TRAIN_SETTINGS;

export function trainOptions(y: Argv) {
  let architecture = y
    .option('data', { type: 'string', demandOption: true, describe: 'training CSV (header row, numeric features)' })
    .option('label', { type: 'string', default: 'label', describe: 'label column; comma-separated columns for multilabel; for an autoencoder an optional 0/1 anomaly column' })
    .option('task', { choices: TASKS, demandOption: true, describe: 'what the model predicts' })
    .option('classes', { type: 'string', describe: 'declared class names, comma-separated; other labels are an error' })
    .option('hidden', { type: 'string', default: D.hidden.join(','), describe: 'hidden layer sizes, comma-separated' })
    .option('activation', { choices: ACTIVATION_NAMES, default: D.activation, describe: 'hidden activation' })
    .option('alpha', { type: 'number', default: D.alpha, describe: 'negative slope of leaky_relu' })
    .option('output-activation', { choices: OUTPUT_ACTIVATION_NAMES, default: D.outputActivation, describe: 'activation after the last layer (regression only; logit losses apply their own)' })
    .option('batch-norm', { type: 'boolean', default: D.batchNorm, describe: 'BatchNorm1d after each hidden dense layer' });
  // Each opt-in layer's flag, declared by its float layer, in the registry's order.
  for (const option of ARCHITECTURE_OPTIONS) architecture = architecture.option(option.flag, { type: 'boolean', default: D[option.field], describe: option.describe });
  return architecture
    .option('dropout', { type: 'number', default: D.dropout, describe: 'dropout rate after each hidden activation' })
    .option('init', { choices: INIT_NAMES, default: D.init, describe: 'weight init (auto: He for ReLU-like, Xavier for sigmoid/tanh)' })
    .option('loss', { choices: LOSS_NAMES, describe: 'loss (default follows the task)' })
    .option('optimizer', { choices: OPTIMIZER_NAMES, default: D.optimizer })
    .option('lr', { type: 'number', default: D.learningRate, describe: 'learning rate' })
    .option('momentum', { type: 'number', default: D.momentum, describe: 'momentum (optimizer momentum)' })
    .option('nesterov', { type: 'boolean', default: D.nesterov, describe: 'Nesterov momentum' })
    .option('weight-decay', { type: 'number', default: D.weightDecay, describe: 'L2 penalty (decoupled for adamw)' })
    .option('schedule', { choices: SCHEDULE_NAMES, default: D.schedule, describe: 'learning-rate schedule' })
    .option('step-epochs', { type: 'number', default: D.stepEpochs, describe: 'step schedule: epochs between decays' })
    .option('gamma', { type: 'number', default: D.gamma, describe: 'step schedule: decay factor' })
    .option('warmup-epochs', { type: 'number', default: D.warmupEpochs, describe: 'warmup_cosine: linear warm-up length' })
    .option('clip-norm', { type: 'number', describe: 'clip gradients to this global L2 norm' })
    .option('epochs', { type: 'number', default: D.epochs })
    .option('batch-size', { type: 'number', default: D.batchSize })
    .option('val-split', { type: 'number', default: D.validationSplit, describe: 'share of training rows held out for validation' })
    .option('early-stop', { choices: STOP_METRIC_NAMES, default: D.earlyStop, describe: 'early stopping metric; weights of the best epoch are restored' })
    .option('patience', { type: 'number', default: D.patience, describe: 'epochs without improvement before stopping' })
    .option('min-delta', { type: 'number', default: D.minDelta, describe: 'smallest change that counts as an improvement' })
    .option('standardize', { type: 'boolean', default: D.standardize, describe: 'standardize features (and regression targets) with training statistics' })
    .option('seed', { type: 'number', default: D.seed })
    .option('class-weight', { type: 'string', describe: 'loss weight per class: balanced (n_samples / (n_classes · count)) or weights in class order, e.g. 1,3 (binary, multiclass)' })
    .option('pos-weight', { type: 'string', describe: 'weight of the positive terms: one value, or one per label, e.g. 3,1,2 (binary, multilabel)' })
    .option('threshold', { type: 'string', describe: `decision threshold chosen on the validation split: ${THRESHOLD_RULE_SYNTAX}` })
    .option('name', { type: 'string', describe: 'model name (default: the data folder name)' });
}

type TrainArgs = Awaited<ReturnType<typeof trainOptions>['argv']> & {
  out?: string;
  test?: string;
  sanity: boolean;
  json: boolean;
};

export const trainCommand: CommandModule<TrainArgs> = {
  command: 'train',
  describe: 'train a float32 MLP on a CSV file and write model.json',
  builder: (y) =>
    trainOptions(y)
      .option('out', { type: 'string', describe: 'where to write the model file [required unless --sanity]' })
      .option('test', { type: 'string', describe: 'held-out CSV to evaluate the final model on' })
      .option('sanity', { type: 'boolean', default: false, describe: 'over-fit 128 rows to check the wiring instead of training' })
      .example('firmnet train --data models/data/digits/train.csv --task multiclass --hidden 64,32 --epochs 60 --out digits.json', '64-64-32-10 ReLU MLP on digits')
      .example('firmnet train --data train.csv --label y --task regression --loss huber --test test.csv --out reg.json', 'regression with Huber loss')
      .example('firmnet train --data train.csv --task binary --sanity', 'can the network over-fit 128 rows?') as Argv<TrainArgs>,
  run: async (args, ui) => {
    const task = args.task as Task;
    const labelColumns = splitList(args.label);
    // Everything that can be checked without training is checked before the first epoch:
    // the flags, then every input file (the test file against the training file's columns).
    const config = trainConfig(task, trainSettingsFromArgs(args));
    checkTrainConfig(config);
    if (!args.sanity && !args.out) throw new FirmnetError('BAD_ARGUMENT', 'train needs --out FILE for the model (or --sanity to only check the wiring)');
    const data = loadDataset(args.data, { task, labelColumns, classNames: args.classes ? splitList(args.classes) : undefined });
    if (config.lossWeights) checkLossWeightsForData(data, config.lossWeights);
    const name = args.name ?? defaultModelName(args.data);
    if (args.sanity) {
      const result = runSanityCheck(data, config);
      ui.emitJson({ sanity: result });
      ui.print(result.message);
      if (!result.passed) throw new FirmnetError('TRAINING_DIVERGED', result.message);
      return;
    }
    const out = args.out!;
    const testData = args.test ? loadTestData(data, args.test) : null;
    ui.log(`training ${name}: ${data.rows} rows × ${data.featureNames.length} features, ${describeArchitecture(data, config)}`);
    if (config.earlyStopping && config.validationSplit > 0) {
      const { metric, patience } = config.earlyStopping;
      ui.log(`early stopping on ${metric} (patience ${patience}): * marks an epoch that improved it; the best epoch's weights are kept`);
    }
    const started = performance.now();
    const result = namingFile(args.data, () => trainModel(data, config, name, { onEpoch: (log, total) => reportEpoch(ui, log, total, started) }));
    ui.endBar();
    const test = testData ? evaluateOn(result.model, testData) : null;
    if (test) result.model.training!.metrics = { ...result.model.training!.metrics, ...prefixed('test_', test) };
    saveModel(out, result.model);
    const seconds = (performance.now() - started) / 1000;
    ui.emitJson({
      model: out,
      epochsRun: result.history.length,
      bestEpoch: result.bestEpoch,
      stoppedEarly: result.stoppedEarly,
      seconds,
      validation: result.validation,
      test,
      decision: result.model.decision ?? null,
      history: result.history,
      summary: summarizeFloatModel(result.model),
    });
    printSummary(ui, out, result.history, result.bestEpoch, result.stoppedEarly, seconds, result.validation, test, result.model, testData);
  },
};

/** The opt-in layers' flags, which the typed option chain cannot name (they come from the registry). */
function architectureFlagsFromArgs(args: object): ArchitectureFlags {
  const flags = args as Record<string, unknown>;
  return Object.fromEntries(ARCHITECTURE_OPTIONS.map((o) => [o.field, flags[o.flag] === true])) as ArchitectureFlags;
}

/** The run's settings from `firmnet train` flags (the same fields a project file's model/training sections set). */
export function trainSettingsFromArgs(args: Awaited<ReturnType<typeof trainOptions>['argv']>): TrainSettings {
  const hidden = args.hidden.trim() === '' ? [] : splitList(args.hidden).map(Number);
  if (hidden.some((h) => !Number.isInteger(h) || h < 1)) {
    throw new FirmnetError('BAD_ARGUMENT', `--hidden takes positive integers separated by commas, e.g. 64,32; got '${args.hidden}'`);
  }
  return {
    hidden,
    activation: args.activation,
    alpha: args.alpha,
    outputActivation: args['output-activation'],
    batchNorm: args['batch-norm'],
    ...architectureFlagsFromArgs(args),
    dropout: args.dropout,
    init: args.init,
    loss: args.loss ?? null,
    optimizer: args.optimizer,
    learningRate: args.lr,
    momentum: args.momentum,
    nesterov: args.nesterov,
    weightDecay: args['weight-decay'],
    schedule: args.schedule,
    stepEpochs: args['step-epochs'],
    gamma: args.gamma,
    warmupEpochs: args['warmup-epochs'],
    clipNorm: args['clip-norm'] ?? null,
    epochs: args.epochs,
    batchSize: args['batch-size'],
    validationSplit: args['val-split'],
    earlyStop: args['early-stop'],
    patience: args.patience,
    minDelta: args['min-delta'],
    standardize: args.standardize,
    seed: args.seed,
    classWeight: args['class-weight'] === undefined ? null : parseClassWeight(args['class-weight']),
    posWeight: args['pos-weight'] === undefined ? null : parsePosWeight(args['pos-weight']),
    threshold: args.threshold === undefined ? null : parseThresholdRule(args.threshold),
  };
}

function describeArchitecture(data: Dataset, config: TrainConfig): string {
  const sizes = [data.featureNames.length, ...config.architecture.hidden, data.targetColumns].join('-');
  return `${sizes} ${config.architecture.activation.op} MLP, ${config.loss ?? LOSSES_FOR_TASK[config.task][0]} loss, ${config.optimizer.name} lr ${config.learningRate}, batch ${config.batchSize}`;
}

function reportEpoch(ui: Ui, log: EpochLog, total: number, started: number): void {
  const elapsed = (performance.now() - started) / 1000;
  const eta = (elapsed / log.epoch) * (total - log.epoch);
  const metric = log.valMetric === null ? '' : ` ${log.valMetricName} ${formatNumber(log.valMetric)}`;
  // The metric early stopping watches, when it is not already on the line: the '*' marks its improvements.
  const stop = log.stopMetric && log.stopMetric.name !== 'val_loss' && log.stopMetric.name !== log.valMetricName ? ` ${log.stopMetric.name} ${formatNumber(log.stopMetric.value)}` : '';
  ui.log(
    `epoch ${log.epoch}/${total} loss ${formatNumber(log.trainLoss)}` +
      (log.valLoss === null ? '' : ` val_loss ${formatNumber(log.valLoss)}`) +
      metric +
      stop +
      ` lr ${log.learningRate.toExponential(2)} grad_norm ${formatNumber(log.gradNorm)} param_norm ${formatNumber(log.paramNorm)}` +
      (log.deadReluFraction === null ? '' : ` dead_relu ${percent(log.deadReluFraction, 1)}`) +
      (log.saturatedFraction === null ? '' : ` saturated ${percent(log.saturatedFraction, 1)}`) +
      ` ${Math.round(log.samplesPerSecond)} samples/s${log.best ? ' *' : ''}`,
  );
  ui.bar('training', log.epoch, total, `loss ${formatNumber(log.trainLoss)}${metric} ETA ${formatDuration(eta)}`);
}

/** The test file read as the training data was: its feature and label columns, and (classification) its classes. */
function loadTestData(train: Dataset, file: string): Dataset {
  return loadDataset(file, {
    task: train.task,
    labelColumns: train.labelColumns,
    classNames: train.task === 'binary' || train.task === 'multiclass' ? train.classNames : undefined,
    featureNames: train.featureNames,
  });
}

function evaluateOn(model: FloatModel, data: Dataset): Evaluation {
  return evaluateScores(predictFloat(model, data.features, data.rows).scores, data, { standardization: model.inputStandardization, threshold: model.anomaly?.threshold ?? null });
}

/** The loss weights the run used, as recorded in the model's training config. */
function lossWeightLines(model: FloatModel): string[] {
  const config = model.training?.config as { classWeights?: number[] | null; posWeights?: number[] | null } | undefined;
  const lines: string[] = [];
  if (config?.classWeights) lines.push(`class weights: ${config.classWeights.map((w, c) => `${model.classNames[c]} ${formatNumber(w)}`).join(', ')}`);
  if (config?.posWeights) lines.push(`positive-term weights: ${config.posWeights.map((w, j) => `${outputName(model, j)} ${formatNumber(w)}`).join(', ')}`);
  return lines.length === 0 ? [] : ['', ...lines];
}

function outputName(model: FloatModel, j: number): string {
  return model.task === 'binary' ? model.classNames[1] : model.labelColumns[j];
}

/** The decision thresholds and the metrics at them: on the validation split (where they were chosen), and on the test file. */
function decisionLines(model: FloatModel, testData: Dataset | null): string[] {
  const d = model.decision;
  if (!d) return [];
  const testScores = testData ? predictFloat(model, testData.features, testData.rows).scores : null;
  const k = d.thresholds.length;
  const rows = d.thresholds.map((threshold, j) => {
    const v = d.validation[j];
    const row: (string | number)[] = [outputName(model, j), formatNumber(threshold), formatNumber(v.precision), formatNumber(v.recall), formatNumber(v.f1)];
    if (testData && testScores) {
      const scores = Float64Array.from({ length: testData.rows }, (_, r) => testScores[r * k + j]);
      const labels = Int32Array.from({ length: testData.rows }, (_, r) => (model.task === 'binary' ? testData.labels[r] : testData.targets[r * k + j]));
      const t = metricsAtThreshold(scores, labels, threshold);
      row.push(formatNumber(t.precision), formatNumber(t.recall), formatNumber(t.f1));
    }
    return row;
  });
  const head = ['positive', 'threshold', 'val precision', 'val recall', 'val F1', ...(testData ? ['test precision', 'test recall', 'test F1'] : [])];
  return ['', `decision thresholds (${d.rule}, chosen on the validation split; positive when the probability is at least the threshold):`, formatTable(head, rows)];
}

function prefixed(prefix: string, e: Evaluation): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(e)) if (typeof v === 'number' && Number.isFinite(v) && k !== 'rows') out[prefix + k] = v;
  return out;
}

function printSummary(
  ui: Ui,
  out: string,
  history: EpochLog[],
  bestEpoch: number,
  stoppedEarly: boolean,
  seconds: number,
  validation: Evaluation | null,
  test: Evaluation | null,
  model: FloatModel,
  testData: Dataset | null,
): void {
  const last = history[history.length - 1];
  ui.print();
  ui.print(
    formatTable(
      ['', 'value'],
      [
        ['epochs run', history.length],
        ['best epoch (weights kept)', bestEpoch],
        ['stopped early', stoppedEarly ? 'yes' : 'no'],
        ['final train loss', last.trainLoss],
        ['training time', `${seconds.toFixed(1)} s`],
        ['throughput', `${Math.round(history.reduce((a, h) => a + h.samplesPerSecond, 0) / history.length)} samples/s`],
      ],
    ),
  );
  if (validation) {
    ui.print();
    ui.print('validation:');
    for (const line of evaluationLines(validation, model.classNames)) ui.print(`  ${line}`);
  }
  if (test) {
    ui.print();
    ui.print('test:');
    for (const line of evaluationLines(test, model.classNames)) ui.print(`  ${line}`);
  }
  for (const line of lossWeightLines(model)) ui.print(line);
  for (const line of decisionLines(model, testData)) ui.print(line);
  ui.print();
  for (const line of summaryLines(summarizeFloatModel(model))) ui.print(line);
  ui.print();
  ui.print(`model written to ${out}`);
}

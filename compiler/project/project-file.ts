import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { FirmnetError } from '../errors.js';
import { THRESHOLD_RULE_SYNTAX, parseThresholdRule } from '../evaluate/thresholds.js';
import { JsonReader, join as fieldPath } from '../io/json-reader.js';
import { inputFileProblem } from '../io/read-input-file.js';
import { resolveTarget } from '../../firmware-sim/targets.js';
import { checkCsvColumns, checkCsvData } from '../data/dataset.js';
import { TASKS, type Task } from '../model/float-model.js';
import { defaultModelName } from '../model/model-name.js';
import type { CalibrationMethod } from '../ir/qmodel.js';
import { DEFAULT_QUANTIZE_OPTIONS, type QuantizeOptions } from '../quantize/quantize.js';
import { DEFAULT_QAT_SETTINGS } from '../train/qat/qat.js';
import type { QatMode } from '../train/qat/qat-choice.js';
import { DEFAULT_CALIBRATION_ROWS } from '../quantize/calibration-set.js';
import {
  ACTIVATION_NAMES,
  ARCHITECTURE_OPTION_FIELDS,
  DEFAULT_TRAIN_SETTINGS,
  INIT_NAMES,
  LOSS_NAMES,
  OPTIMIZER_NAMES,
  OUTPUT_ACTIVATION_NAMES,
  SCHEDULE_NAMES,
  STOP_METRIC_NAMES,
  type TrainSettings,
} from '../train/settings.js';

/** A target as the project names it: a board id, or a core with its clock and memories. */
export interface ProjectTarget {
  target: string;
  clockHz?: number;
  sramBytes?: number;
  flashBytes?: number;
}

/**
 * A firmnet project (docs/project-file.md): where the data is, what to train (or import), how to
 * quantize, which targets to simulate, and where to write. Paths are resolved against the folder of
 * the project file.
 */
export interface Project {
  name: string;
  task: Task;
  data: { train: string; test: string | null; calibration: string | null; label: string[] };
  /** A model trained elsewhere (ONNX or TF.js model.json) instead of training. */
  import: { file: string; preprocessing: string | null } | null;
  training: TrainSettings;
  quantization: QuantizeOptions & { calibrationRows: number; seed: number } & QatProjectSettings;
  targets: ProjectTarget[];
  /** Largest accepted int8 cost on the task's headline metric (pp for classification), or null. */
  maxDrop: number | null;
  out: string;
  /** The project file, or null for a build straight from a CSV. */
  file: string | null;
}

export const DEFAULT_TARGETS: ProjectTarget[] = [{ target: 'stm32l4r5' }, { target: 'rp2040' }];

const TOP_KEYS = ['$schema', 'name', 'task', 'data', 'import', 'model', 'training', 'quantization', 'targets', 'maxDrop', 'out'];
const MODEL_KEYS = ['hidden', 'activation', 'alpha', 'outputActivation', 'batchNorm', ...ARCHITECTURE_OPTION_FIELDS, 'dropout', 'init'];
const TRAINING_KEYS = ['loss', 'optimizer', 'learningRate', 'momentum', 'nesterov', 'weightDecay', 'schedule', 'stepEpochs', 'gamma', 'warmupEpochs', 'clipNorm', 'epochs', 'batchSize', 'validationSplit', 'earlyStop', 'patience', 'minDelta', 'standardize', 'seed', 'classWeight', 'posWeight', 'threshold'] as const;
const QUANTIZATION_KEYS = ['method', 'percentile', 'perChannel', 'int16', 'int8Head', 'calibrationRows', 'seed', 'qat', 'qatEpochs', 'qatLearningRate'];

/**
 * Quantization-aware training in a build: never (false), always (true), or `auto`: only when the
 * post-training drop exceeds `maxDrop`, keeping whichever of the two IRs costs less.
 */
export interface QatProjectSettings {
  qat: QatMode;
  qatEpochs: number;
  qatLearningRate: number;
}

export function loadProject(file: string): Project {
  const { reader, root } = JsonReader.parseFile(file, 'BAD_PROJECT_FILE', 'firmnet project file (project.json)');
  return parseProject(reader, root, dirname(resolve(file)), file);
}

/**
 * Everything a project names that can be checked without running, checked before the first step
 * and named by its setting: every input file exists, every target resolves, maxDrop has test data
 * to measure on, the training data has the label columns, and the test and calibration data have
 * the columns training gives the model, with every cell readable.
 */
export function checkProjectFiles(p: Project): void {
  const at = p.file ?? 'build';
  const files: [string, string | null][] = [
    ['data.train', p.data.train],
    ['data.test', p.data.test],
    ['data.calibration', p.data.calibration],
    ['import.file', p.import?.file ?? null],
    ['import.preprocessing', p.import?.preprocessing ?? null],
  ];
  for (const [field, file] of files) {
    if (file === null) continue;
    if (!existsSync(file)) throw new FirmnetError('BAD_PROJECT_FILE', `${at}: ${field}: ${file}: file not found`);
    // The build cache hashes these files before any reader sees them: a folder or a pipe must stop here.
    const problem = inputFileProblem(file);
    if (problem !== null) throw new FirmnetError('BAD_PROJECT_FILE', `${at}: ${field}: ${file} ${problem}`);
  }
  p.targets.forEach((t, i) => {
    const problem = targetProblem(t);
    if (problem) throw new FirmnetError('BAD_PROJECT_FILE', `${at}: targets[${i}]: ${problem}`);
  });
  if (p.maxDrop !== null && p.data.test === null) {
    throw new FirmnetError('BAD_PROJECT_FILE', `${at}: maxDrop: the accuracy drop is measured on labelled test data; give data.test (or --test)`);
  }
  if (p.quantization.qat === 'auto' && p.maxDrop === null) {
    throw new FirmnetError('BAD_PROJECT_FILE', `${at}: quantization.qat: "auto" runs quantization-aware training when the post-training drop exceeds maxDrop; give maxDrop (and data.test), or set qat to true or false`);
  }
  const inField = (field: string, check: () => unknown): void => {
    try {
      check();
    } catch (e) {
      if (e instanceof FirmnetError) throw new FirmnetError(e.code, `${at}: ${field}: ${e.message}`);
      throw e;
    }
  };
  const label = p.data.label;
  if (p.import) {
    // The imported model's feature names are known only after importing.
    if (p.data.test) inField('data.test', () => checkCsvColumns(p.data.test!, { feature: [], label }));
    return;
  }
  let featureNames: string[] = [];
  inField('data.train', () => {
    featureNames = checkCsvColumns(p.data.train, { feature: [], label }).names.filter((n) => !label.includes(n));
  });
  if (p.data.test) inField('data.test', () => checkCsvData(p.data.test!, { task: p.task, labelColumns: label, featureNames }));
  if (p.data.calibration) inField('data.calibration', () => checkCsvData(p.data.calibration!, { task: 'regression', labelColumns: [], featureNames }));
}

/** Why a target cannot be simulated, in project-file terms, or null. */
function targetProblem(t: ProjectTarget): string | null {
  try {
    resolveTarget(t.target, t);
    return null;
  } catch (e) {
    if (!(e instanceof FirmnetError)) throw e;
    // The simulator words its messages for the command line; a project file sets the same values as fields.
    return e.message.replace(/--clock-hz/g, 'clockHz').replace(/--sram-bytes/g, 'sramBytes').replace(/--flash-bytes/g, 'flashBytes');
  }
}

/** A project for `firmnet build data.csv`: defaults everywhere, the task from the command line. */
export function projectFromCsv(csv: string, task: Task | undefined): Project {
  if (!task) throw new FirmnetError('BAD_ARGUMENT', `building straight from ${csv} needs --task (${TASKS.join(', ')}); or write a project file (docs/project-file.md)`);
  const name = defaultModelName(csv);
  return {
    name,
    task,
    data: { train: resolve(csv), test: null, calibration: null, label: ['label'] },
    import: null,
    training: { ...DEFAULT_TRAIN_SETTINGS },
    quantization: { ...DEFAULT_QUANTIZE_OPTIONS, calibrationRows: DEFAULT_CALIBRATION_ROWS, seed: 0, qat: false, qatEpochs: DEFAULT_QAT_SETTINGS.epochs, qatLearningRate: DEFAULT_QAT_SETTINGS.learningRate },
    targets: DEFAULT_TARGETS,
    maxDrop: null,
    out: resolve('out', name),
    file: null,
  };
}

function parseProject(r: JsonReader, root: Record<string, unknown>, base: string, file: string): Project {
  onlyKeys(r, root, '', TOP_KEYS);
  const path = (p: string): string => (isAbsolute(p) ? p : join(base, p));
  const data = r.child(root, 'data', '');
  onlyKeys(r, data, 'data', ['train', 'test', 'calibration', 'label']);
  const label = data.label === undefined ? ['label'] : typeof data.label === 'string' ? [data.label] : r.strings(data, 'label', 'data');
  const name = r.string(root, 'name', '');
  if (!/^[A-Za-z0-9_-]+$/.test(name)) r.fail('name', `use letters, digits, '_' and '-' only (it names files and C symbols), got '${name}'`);
  const importSection = root.import === undefined ? null : r.child(root, 'import', '');
  if (importSection && (root.model !== undefined || root.training !== undefined)) r.fail('import', 'a project imports a trained model or trains one, not both: remove "model" and "training"');
  if (importSection) onlyKeys(r, importSection, 'import', ['file', 'preprocessing']);
  const optionalPath = (obj: Record<string, unknown>, key: string, at: string): string | null => (obj[key] === undefined ? null : path(r.string(obj, key, at)));
  return {
    name,
    task: r.string(root, 'task', '', TASKS),
    data: { train: path(r.string(data, 'train', 'data')), test: optionalPath(data, 'test', 'data'), calibration: optionalPath(data, 'calibration', 'data'), label },
    import: importSection ? { file: path(r.string(importSection, 'file', 'import')), preprocessing: optionalPath(importSection, 'preprocessing', 'import') } : null,
    training: parseTraining(r, root),
    quantization: parseQuantization(r, root),
    targets: parseTargets(r, root),
    maxDrop: root.maxDrop === undefined || root.maxDrop === null ? null : r.number(root, 'maxDrop', '', { min: 0 }),
    out: root.out === undefined ? resolve('out', name) : path(r.string(root, 'out', '')),
    file,
  };
}

/** Unknown keys are errors: a typo ("epoch") must not silently fall back to a default. */
function onlyKeys(r: JsonReader, obj: Record<string, unknown>, at: string, allowed: readonly string[]): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) r.fail(fieldPath(at, key), `is not a project setting here; allowed: ${allowed.filter((k) => !k.startsWith('$')).join(', ')}`);
  }
}

function parseTraining(r: JsonReader, root: Record<string, unknown>): TrainSettings {
  const model = root.model === undefined ? {} : r.child(root, 'model', '');
  const training = root.training === undefined ? {} : r.child(root, 'training', '');
  onlyKeys(r, model, 'model', MODEL_KEYS);
  onlyKeys(r, training, 'training', TRAINING_KEYS);
  const s: TrainSettings = { ...DEFAULT_TRAIN_SETTINGS };
  const num = (obj: Record<string, unknown>, at: string, key: keyof TrainSettings, rule = {}): void => {
    if (obj[key] !== undefined) (s as unknown as Record<string, unknown>)[key] = r.number(obj, key, at, rule);
  };
  const bool = (obj: Record<string, unknown>, at: string, key: keyof TrainSettings): void => {
    if (obj[key] !== undefined) (s as unknown as Record<string, unknown>)[key] = r.boolean(obj, key, at);
  };
  const choice = (obj: Record<string, unknown>, at: string, key: keyof TrainSettings, allowed: readonly string[]): void => {
    if (obj[key] !== undefined) (s as unknown as Record<string, unknown>)[key] = r.string(obj, key, at, allowed);
  };
  if (model.hidden !== undefined) s.hidden = r.numbers(model, 'hidden', 'model', undefined, { integer: true, min: 1 });
  choice(model, 'model', 'activation', ACTIVATION_NAMES);
  num(model, 'model', 'alpha');
  choice(model, 'model', 'outputActivation', OUTPUT_ACTIVATION_NAMES);
  bool(model, 'model', 'batchNorm');
  for (const field of ARCHITECTURE_OPTION_FIELDS) bool(model, 'model', field);
  num(model, 'model', 'dropout', { min: 0, max: 0.99 });
  choice(model, 'model', 'init', INIT_NAMES);
  if (training.loss !== undefined) s.loss = training.loss === null ? null : r.string(training, 'loss', 'training', LOSS_NAMES);
  choice(training, 'training', 'optimizer', OPTIMIZER_NAMES);
  num(training, 'training', 'learningRate', { min: 0 });
  num(training, 'training', 'momentum', { min: 0, max: 1 });
  bool(training, 'training', 'nesterov');
  num(training, 'training', 'weightDecay', { min: 0 });
  choice(training, 'training', 'schedule', SCHEDULE_NAMES);
  num(training, 'training', 'stepEpochs', { integer: true, min: 1 });
  num(training, 'training', 'gamma', { min: 0 });
  num(training, 'training', 'warmupEpochs', { min: 0 });
  if (training.clipNorm !== undefined) s.clipNorm = r.nullableNumber(training, 'clipNorm', 'training', { min: 0 });
  num(training, 'training', 'epochs', { integer: true, min: 1 });
  num(training, 'training', 'batchSize', { integer: true, min: 1 });
  num(training, 'training', 'validationSplit', { min: 0, max: 0.9 });
  choice(training, 'training', 'earlyStop', STOP_METRIC_NAMES);
  num(training, 'training', 'patience', { integer: true, min: 1 });
  num(training, 'training', 'minDelta', { min: 0 });
  bool(training, 'training', 'standardize');
  num(training, 'training', 'seed', { integer: true });
  // Loss weights must be above 0: a zero weight silently drops a class from the loss.
  const weights = (key: 'classWeight' | 'posWeight'): number[] => {
    const values = typeof training[key] === 'number' && key === 'posWeight' ? [r.number(training, key, 'training')] : r.numbers(training, key, 'training');
    values.forEach((v, i) => {
      if (!(v > 0)) r.fail(`training.${key}${typeof training[key] === 'number' ? '' : `[${i}]`}`, `must be a finite number above 0, got ${v}`);
    });
    if (values.length === 0) r.fail(`training.${key}`, 'needs at least one weight');
    return values;
  };
  if (training.classWeight !== undefined && training.classWeight !== null) s.classWeight = training.classWeight === 'balanced' ? 'balanced' : weights('classWeight');
  if (training.posWeight !== undefined && training.posWeight !== null) s.posWeight = weights('posWeight');
  if (training.threshold !== undefined && training.threshold !== null) {
    const text = r.string(training, 'threshold', 'training');
    try {
      s.threshold = parseThresholdRule(text, 'training.threshold');
    } catch {
      r.fail('training.threshold', `expected ${THRESHOLD_RULE_SYNTAX}, got '${text}'`);
    }
  }
  return s;
}

function parseQuantization(r: JsonReader, root: Record<string, unknown>): Project['quantization'] {
  const q = root.quantization === undefined ? {} : r.child(root, 'quantization', '');
  onlyKeys(r, q, 'quantization', QUANTIZATION_KEYS);
  const d = DEFAULT_QUANTIZE_OPTIONS;
  const at = 'quantization';
  return {
    method: q.method === undefined ? d.method : r.string<CalibrationMethod | 'auto'>(q, 'method', at, ['auto', 'minmax', 'percentile', 'mse', 'kl']),
    percentile: q.percentile === undefined ? d.percentile : r.number(q, 'percentile', at, { min: 50, max: 100 }),
    perChannel: q.perChannel === undefined ? d.perChannel : r.boolean(q, 'perChannel', at),
    int16: q.int16 === undefined ? d.int16 : r.strings(q, 'int16', at),
    headInFirmware: q.int8Head === undefined ? d.headInFirmware : r.boolean(q, 'int8Head', at),
    calibrationRows: q.calibrationRows === undefined ? DEFAULT_CALIBRATION_ROWS : r.number(q, 'calibrationRows', at, { integer: true, min: 1 }),
    seed: q.seed === undefined ? 0 : r.number(q, 'seed', at, { integer: true }),
    qat: q.qat === undefined ? false : qatMode(r, q.qat, at),
    qatEpochs: q.qatEpochs === undefined ? DEFAULT_QAT_SETTINGS.epochs : r.number(q, 'qatEpochs', at, { integer: true, min: 1 }),
    qatLearningRate: q.qatLearningRate === undefined ? DEFAULT_QAT_SETTINGS.learningRate : positive(r, q, 'qatLearningRate', at),
  };
}

function qatMode(r: JsonReader, value: unknown, at: string): QatMode {
  if (typeof value === 'boolean' || value === 'auto') return value;
  return r.fail(`${at}.qat`, `expected false, true or "auto" (QAT only when the post-training drop exceeds maxDrop), got ${JSON.stringify(value)}`);
}

function positive(r: JsonReader, obj: Record<string, unknown>, key: string, at: string): number {
  const v = r.number(obj, key, at);
  if (!(v > 0)) r.fail(`${at}.${key}`, `must be positive (e.g. 0.0001), got ${v}`);
  return v;
}

function parseTargets(r: JsonReader, root: Record<string, unknown>): ProjectTarget[] {
  if (root.targets === undefined) return DEFAULT_TARGETS;
  const targets = r.array(root, 'targets', '').map((t, i): ProjectTarget => {
    const at = `targets[${i}]`;
    if (typeof t === 'string') return { target: t };
    const obj = r.object(t, at);
    onlyKeys(r, obj, at, ['target', 'clockHz', 'sramBytes', 'flashBytes']);
    const optional = (key: string): number | undefined => (obj[key] === undefined ? undefined : r.number(obj, key, at, { min: 1 }));
    return { target: r.string(obj, 'target', at), clockHz: optional('clockHz'), sramBytes: optional('sramBytes'), flashBytes: optional('flashBytes') };
  });
  targets.forEach((t, i) => {
    const problem = targetProblem(t);
    if (problem) r.fail(`targets[${i}]`, problem);
  });
  return targets;
}

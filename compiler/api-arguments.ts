/**
 * What the Node API's arguments look like, as checks (check-arguments.ts): firmnet's documents, the
 * option objects of train, quantize, simulate, build, the emitters and importers. The ranges of
 * the training and quantization settings are the project file's (compiler/project/project-file.ts).
 */
import {
  type Check,
  anyOf,
  arrayOf,
  bool,
  document,
  filePath,
  func,
  instance,
  nullable,
  num,
  oneOf,
  optional,
  record,
  text,
} from './check-arguments.js';
import { FirmnetError } from './errors.js';
import { parsePreprocessingText } from './import/preprocessing-sidecar.js';
import { MODEL_FORMAT, TASKS } from './model/float-model.js';
import { parseModelText } from './model/model-file.js';
import { parseQModelText } from './quantize/qmodel-file.js';
import { QMODEL_FORMAT } from './ir/qmodel.js';
import { CALIBRATION_METHODS } from './quantize/quantize.js';
import { ACTIVATION_NAMES, ARCHITECTURE_OPTION_FIELDS, INIT_NAMES, LOSS_NAMES, OPTIMIZER_NAMES, OUTPUT_ACTIVATION_NAMES, SCHEDULE_NAMES, STOP_METRIC_NAMES } from './train/settings.js';

const FLOAT_MODEL = 'a float model (from loadModel, train or an import function)';
const QUANTIZED_MODEL = 'a quantized IR (from loadQModel or quantize(...).qmodel)';

export const floatModel = document(FLOAT_MODEL, MODEL_FORMAT, parseModelText);
export const quantizedModel = document(QUANTIZED_MODEL, QMODEL_FORMAT, parseQModelText);
/** For the save functions: checked every time, as the file must load back whatever happened to the object since. */
export const floatModelToSave = document(FLOAT_MODEL, MODEL_FORMAT, parseModelText, false);
export const quantizedModelToSave = document(QUANTIZED_MODEL, QMODEL_FORMAT, parseQModelText, false);
export const preprocessing = document('a preprocessing object with the fields of a sidecar file (loadPreprocessing)', null, parsePreprocessingText, false);

export const task = oneOf(TASKS);
export const strings = arrayOf(text, 'an array of non-empty strings');
export const rowCount = num({ integer: true, min: 0 });
export const floatRows = instance(Float32Array);
const count = num({ integer: true, min: 1 });
const integer = num({ integer: true });
const anyString: Check = (v, at) => {
  if (typeof v !== 'string') throw new FirmnetError('BAD_ARGUMENT', `${at}: expected a string, got a ${typeof v}`);
};

export function failArgument(message: string): never {
  throw new FirmnetError('BAD_ARGUMENT', message);
}

/** `what` must hold `rows` rows of `perRow` values. */
export function checkRows(what: string, values: ArrayLike<number>, rows: number, perRow: number): void {
  if (values.length !== rows * perRow) {
    throw new FirmnetError('BAD_ARGUMENT', `${what}: expected ${rows} rows × ${perRow} features = ${rows * perRow} values, got ${values.length}`);
  }
}

const TRAIN_SETTINGS: Record<string, Check> = {
  hidden: arrayOf(count, 'an array of hidden layer sizes (positive integers)'),
  activation: oneOf(ACTIVATION_NAMES),
  alpha: num(),
  outputActivation: oneOf(OUTPUT_ACTIVATION_NAMES),
  batchNorm: bool,
  ...Object.fromEntries(ARCHITECTURE_OPTION_FIELDS.map((f) => [f, bool])),
  dropout: num({ min: 0, max: 0.99 }),
  init: oneOf(INIT_NAMES),
  loss: nullable(oneOf(LOSS_NAMES)),
  optimizer: oneOf(OPTIMIZER_NAMES),
  learningRate: num({ min: 0 }),
  momentum: num({ min: 0, max: 1 }),
  nesterov: bool,
  weightDecay: num({ min: 0 }),
  schedule: oneOf(SCHEDULE_NAMES),
  stepEpochs: count,
  gamma: num({ min: 0 }),
  warmupEpochs: num({ min: 0 }),
  clipNorm: nullable(num({ min: 0 })),
  epochs: count,
  batchSize: count,
  validationSplit: num({ min: 0, max: 0.9 }),
  earlyStop: oneOf(STOP_METRIC_NAMES),
  patience: count,
  minDelta: num({ min: 0 }),
  standardize: bool,
  seed: integer,
  classWeight: nullable(anyOf("'balanced' or an array of class weights above 0", oneOf(['balanced']), arrayOf(num({ above: 0 }), 'an array of weights above 0'))),
  posWeight: nullable(arrayOf(num({ above: 0 }), 'an array of positive-term weights above 0 (one, or one per label)')),
  threshold: nullable(
    anyOf(
      `a threshold rule: { rule: 'max-f1' }, { rule: 'recall' | 'precision', target in (0, 1] } or { rule: 'fpr', target in [0, 1) }`,
      record('a threshold rule', { rule: oneOf(['max-f1']) }, ['rule']),
      record('a threshold rule', { rule: oneOf(['recall', 'precision']), target: num({ above: 0, max: 1 }) }, ['rule', 'target']),
      record('a threshold rule', { rule: oneOf(['fpr']), target: num({ min: 0, max: 1 - Number.EPSILON }) }, ['rule', 'target']),
    ),
  ),
};

const QUANTIZE_SETTINGS: Record<string, Check> = {
  method: oneOf([...CALIBRATION_METHODS, 'auto']),
  percentile: num({ min: 50, max: 100 }),
  perChannel: bool,
  int16: strings,
  headInFirmware: bool,
};

const datasetFields = record(
  'a Dataset (loadDataset)',
  {
    file: anyString,
    task,
    featureNames: strings,
    labelColumns: strings,
    rows: rowCount,
    features: floatRows,
    classNames: strings,
    targets: floatRows,
    targetColumns: count,
    labels: instance(Int32Array),
  },
  ['file', 'task', 'featureNames', 'labelColumns', 'rows', 'features', 'classNames', 'targets', 'targetColumns', 'labels'],
);

export const dataset: Check = (v, at) => {
  datasetFields(v, at);
  const d = v as { rows: number; features: Float32Array; featureNames: string[]; targets: Float32Array; targetColumns: number };
  checkRows(`${at}.features`, d.features, d.rows, d.featureNames.length);
  checkRows(`${at}.targets`, d.targets, d.rows, d.targetColumns);
};

export const trainOptions = record(
  'train options',
  {
    data: anyOf('a training CSV path or a Dataset (loadDataset)', filePath, dataset),
    task,
    label: anyOf('a label column name or an array of them', text, strings),
    classes: strings,
    name: text,
    onEpoch: func,
    ...TRAIN_SETTINGS,
  },
  ['data', 'task'],
);

export const calibrationSet = record('a CalibrationSet', { features: floatRows, rows: count, description: anyString, seed: integer }, ['features', 'rows', 'description', 'seed']);

export const quantizeOptions = optional(
  record('quantize options', { calibration: anyOf('a calibration CSV path or a CalibrationSet', filePath, calibrationSet), calibrationRows: count, seed: integer, ...QUANTIZE_SETTINGS }),
);

const target = record('a target', { target: text, clockHz: num({ above: 0 }), sramBytes: num({ min: 1 }), flashBytes: num({ min: 1 }) }, ['target']);

export const simulateOptions = record(
  'simulate options',
  { targets: arrayOf(anyOf('a board or core id, or a target object { target, clockHz, sramBytes, flashBytes }', text, target), 'an array of targets'), data: filePath, model: floatModel, label: strings, wasmDir: filePath },
  ['targets'],
);

const project = record(
  'a Project (loadProject)',
  {
    name: text,
    task,
    data: record('the data section', { train: filePath, test: nullable(filePath), calibration: nullable(filePath), label: strings }, ['train', 'test', 'calibration', 'label']),
    import: nullable(record('the import section', { file: filePath, preprocessing: nullable(filePath) }, ['file', 'preprocessing'])),
    training: record('the training settings', TRAIN_SETTINGS, Object.keys(TRAIN_SETTINGS)),
    quantization: record(
      'the quantization settings',
      { ...QUANTIZE_SETTINGS, calibrationRows: count, seed: integer, qat: anyOf('false, true or "auto"', bool, oneOf(['auto'])), qatEpochs: count, qatLearningRate: num({ above: 0 }) },
      [...Object.keys(QUANTIZE_SETTINGS), 'calibrationRows', 'seed'],
    ),
    targets: arrayOf(target, 'an array of targets'),
    maxDrop: nullable(num({ min: 0 })),
    out: filePath,
    file: nullable(filePath),
  },
  ['name', 'task', 'data', 'import', 'training', 'quantization', 'targets', 'maxDrop', 'out', 'file'],
);

export const buildInput = anyOf('a project file or training CSV path, or a Project (loadProject)', filePath, project);
export const buildOptions = optional(record('build options', { task, cache: bool, progress: record('a BuildProgress', { step: func, epoch: func, calibration: func }, ['step']) }));

export const emitCOptions = optional(
  record('emitC options', {
    command: text,
    name: text,
    exampleRows: record('example rows', { features: anyOf('a Float32Array or an array of numbers', floatRows, arrayOf(num(), 'an array of numbers')), rows: count, description: anyString }, ['features', 'rows', 'description']),
  }),
);
export const emitWasmOptions = optional(record('emitWasm options', { simd: bool, command: text }));

const IMPORT_FIELDS: Record<string, Check> = { file: text, name: text, task, classNames: strings, preprocessing };
export const importOptions = record('import options', IMPORT_FIELDS, ['file']);
export const importFileOptions = optional(record('import options', IMPORT_FIELDS));
export const onnxBytes = instance(Uint8Array);

export const datasetOptions = record('dataset options', { task, labelColumns: strings, classNames: strings, featureNames: strings }, ['task', 'labelColumns']);

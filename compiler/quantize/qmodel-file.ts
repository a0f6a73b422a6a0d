import { FirmnetError } from '../errors.js';
import { toJsonText } from '../io/atomic-write.js';
import { type JsonDocument, loadJsonDocument, parseJsonDocumentText, saveJsonDocument } from '../io/json-document.js';
import { contentHash } from '../io/content-hash.js';
import { JsonReader, join } from '../io/json-reader.js';
import { type Head, TASKS, type Task } from '../model/float-model.js';
import { parseAnomaly, parseStandardization } from '../model/model-file.js';
import { INT32_MAX, INT32_MIN } from './fixed-point.js';
import {
  type CalibrationMethod,
  DTYPE_RANGE,
  type FullyConnectedLayer,
  type LeakyReluLayer,
  type LutLayer,
  type QDtype,
  type QLayer,
  QMODEL_FORMAT,
  QMODEL_VERSION,
  type QModel,
  type QTensor,
  type SoftmaxLayer,
} from './qmodel.js';

type Json = Record<string, unknown>;

const METHODS: readonly CalibrationMethod[] = ['minmax', 'percentile', 'mse', 'kl'];

const QMODEL_DOCUMENT: JsonDocument<QModel> = { code: 'BAD_IR_FILE', what: 'firmnet quantized model (model.q.json)', parse: parseQModel };

export function qmodelToJson(q: QModel): string {
  return toJsonText(q);
}

export function saveQModel(path: string, q: QModel): void {
  saveJsonDocument(QMODEL_DOCUMENT, path, q);
}

export function loadQModel(file: string): QModel {
  return loadJsonDocument(QMODEL_DOCUMENT, file);
}

export function parseQModelText(text: string, file: string): QModel {
  return parseJsonDocumentText(QMODEL_DOCUMENT, text, file);
}

/**
 * Reads and checks a quantized IR: field types and integer ranges, shapes, that each layer's input
 * is the previous layer's output, and that every content hash matches (a hand-edited layer is
 * caught). Every message names the field.
 */
function parseQModel(r: JsonReader, root: Json): QModel {
  if (root.format !== QMODEL_FORMAT) {
    const hint = root.format === 'firmnet.model' ? ' (this is a float model; run `firmnet quantize` on it first)' : '';
    r.fail('format', `expected '${QMODEL_FORMAT}', got ${JSON.stringify(root.format)}${hint}`);
  }
  const version = r.number(root, 'version', '', { integer: true });
  if (version !== QMODEL_VERSION) {
    throw new FirmnetError('BAD_IR_FILE', `${r.file}: quantized IR version ${version} is not supported (this firmnet reads version ${QMODEL_VERSION}); re-run \`firmnet quantize\``);
  }
  const layersJson = r.array(root, 'layers', '');
  if (layersJson.length === 0) r.fail('layers', 'must hold at least one layer');
  const layers = layersJson.map((l, i) => parseLayer(r, r.object(l, `layers[${i}]`), `layers[${i}]`));
  layers.forEach((layer, i) => {
    if (i > 0) checkSameTensor(r, `layers[${i}].input`, layer.input, layers[i - 1].output);
  });
  // Hashes last: a structural problem deserves its own message, not "the hash differs".
  layers.forEach((layer, i) => {
    const expected = contentHash(layer);
    if (layer.hash !== expected) r.fail(`layers[${i}].hash`, `is ${layer.hash} but the layer hashes to ${expected}: the layer was changed after \`firmnet quantize\` wrote it`);
  });
  const calibration = r.child(root, 'calibration', '');
  const source = r.child(root, 'source', '');
  const task = r.string<Task>(root, 'task', '', TASKS);
  const inputFeatures = layers[0].input.features;
  const outputFeatures = layers[layers.length - 1].output.features;
  const q: QModel = {
    format: QMODEL_FORMAT,
    version: QMODEL_VERSION,
    name: r.string(root, 'name', ''),
    task,
    featureNames: r.strings(root, 'featureNames', '', inputFeatures),
    labelColumns: r.strings(root, 'labelColumns', ''),
    classNames: r.strings(root, 'classNames', ''),
    inputStandardization: parseStandardization(r, root, 'inputStandardization', inputFeatures),
    head: r.string<Head>(root, 'head', '', ['identity', 'sigmoid', 'softmax']),
    headInFirmware: r.boolean(root, 'headInFirmware', ''),
    targetStandardization: parseStandardization(r, root, 'targetStandardization', outputFeatures),
    anomaly: parseAnomaly(r, root),
    layers,
    calibration: {
      method: r.string(calibration, 'method', 'calibration', [...METHODS, 'auto'] as const),
      percentile: r.number(calibration, 'percentile', 'calibration', { min: 50, max: 100 }),
      rows: r.number(calibration, 'rows', 'calibration', { integer: true, min: 1 }),
      seed: r.number(calibration, 'seed', 'calibration', { integer: true }),
      data: r.string(calibration, 'data', 'calibration'),
      tensorMethods: r.strings(calibration, 'tensorMethods', 'calibration', layers.length + 1).map((m, i) => {
        if (!METHODS.includes(m as CalibrationMethod)) r.fail(`calibration.tensorMethods[${i}]`, `expected one of ${METHODS.join(', ')}, got '${m}'`);
        return m as CalibrationMethod;
      }),
    },
    source: {
      floatModelHash: r.string(source, 'floatModelHash', 'source'),
      floatLayers: r.number(source, 'floatLayers', 'source', { integer: true, min: 0 }),
    },
    hash: r.string(root, 'hash', ''),
  };
  const expected = contentHash(q);
  if (q.hash !== expected) r.fail('hash', `is ${q.hash} but the content hashes to ${expected}: the file was changed after \`firmnet quantize\` wrote it`);
  return q;
}

function parseTensor(r: JsonReader, obj: Json, key: string, path: string): QTensor {
  const t = r.child(obj, key, path);
  const p = join(path, key);
  const dtype = r.string<QDtype>(t, 'dtype', p, ['int8', 'int16']);
  const range = DTYPE_RANGE[dtype];
  const zeroPoint = r.number(t, 'zeroPoint', p, { integer: true, min: range.min, max: range.max });
  if (dtype === 'int16' && zeroPoint !== 0) r.fail(`${p}.zeroPoint`, `int16 tensors are symmetric: expected 0, got ${zeroPoint}`);
  const scale = r.number(t, 'scale', p);
  if (!(scale > 0)) r.fail(`${p}.scale`, `must be positive, got ${scale}`);
  return {
    dtype,
    features: r.number(t, 'features', p, { integer: true, min: 1 }),
    scale,
    zeroPoint,
    rangeMin: r.number(t, 'rangeMin', p),
    rangeMax: r.number(t, 'rangeMax', p),
  };
}

function checkSameTensor(r: JsonReader, path: string, a: QTensor, b: QTensor): void {
  for (const key of ['dtype', 'features', 'scale', 'zeroPoint'] as const) {
    if (a[key] !== b[key]) r.fail(`${path}.${key}`, `is ${a[key]}, but the previous layer's output has ${b[key]}`);
  }
}

const SHIFT = { integer: true, min: -31, max: 30 };
const MULTIPLIER = { integer: true, min: INT32_MIN, max: INT32_MAX };

function parseLayer(r: JsonReader, l: Json, path: string): QLayer {
  const op = r.string(l, 'op', path, ['fully_connected', 'leaky_relu', 'lut', 'softmax'] as const);
  const base = {
    name: r.string(l, 'name', path),
    input: parseTensor(r, l, 'input', path),
    output: parseTensor(r, l, 'output', path),
    sourceLayers: r.numbers(l, 'sourceLayers', path, undefined, { integer: true, min: 0 }),
  };
  // The hash is written last (see sealQModel); keep that order so files round-trip byte for byte.
  const hash = r.string(l, 'hash', path);
  let layer: QLayer;
  switch (op) {
    case 'fully_connected':
      layer = { ...parseFullyConnected(r, l, path, base), hash };
      break;
    case 'leaky_relu': {
      sameFeatures(r, path, base);
      const leaky: LeakyReluLayer = {
        op,
        ...base,
        alpha: r.number(l, 'alpha', path),
        multiplierIdentity: r.number(l, 'multiplierIdentity', path, MULTIPLIER),
        shiftIdentity: r.number(l, 'shiftIdentity', path, SHIFT),
        multiplierAlpha: r.number(l, 'multiplierAlpha', path, MULTIPLIER),
        shiftAlpha: r.number(l, 'shiftAlpha', path, SHIFT),
        hash,
      };
      layer = leaky;
      break;
    }
    case 'lut': {
      sameFeatures(r, path, base);
      if (base.input.dtype !== base.output.dtype) r.fail(`${path}.output.dtype`, `a table keeps the dtype: input is ${base.input.dtype}, output ${base.output.dtype}`);
      const range = DTYPE_RANGE[base.output.dtype];
      const lut: LutLayer = {
        op,
        ...base,
        function: r.string(l, 'function', path, ['sigmoid', 'tanh', 'gelu', 'gelu_tanh'] as const),
        table: r.numbers(l, 'table', path, base.input.dtype === 'int8' ? 256 : 513, { integer: true, min: range.min, max: range.max }),
        hash,
      };
      layer = lut;
      break;
    }
    case 'softmax': {
      sameFeatures(r, path, base);
      if (base.input.dtype !== 'int8' || base.output.dtype !== 'int8') r.fail(path, 'softmax takes int8 input and output');
      if (base.output.scale !== 1 / 256 || base.output.zeroPoint !== -128) r.fail(`${path}.output`, 'softmax output must have scale 1/256 and zero point −128');
      const expTable = r.numbers(l, 'expTable', path, 256, { integer: true, min: 0, max: 32768 });
      // exp(0) = 1: the row maximum always contributes 2^15, so the sum can never be 0; and at
      // most 2^16 classes keep the sum of 2^15-sized terms inside the uint32 the kernels use.
      if (expTable[0] !== 32768) r.fail(`${path}.expTable[0]`, `must be 32768 (2^15 · exp(0)), got ${expTable[0]}`);
      if (base.input.features > 65536) r.fail(`${path}.input.features`, `a softmax over ${base.input.features} classes overflows the uint32 sum of the kernels (at most 65536)`);
      const softmax: SoftmaxLayer = { op, ...base, expTable, hash };
      layer = softmax;
      break;
    }
  }
  return layer;
}

function sameFeatures(r: JsonReader, path: string, base: { input: QTensor; output: QTensor }): void {
  if (base.input.features !== base.output.features) r.fail(`${path}.output.features`, `is ${base.output.features}, expected ${base.input.features} (element-wise layer)`);
}

function parseFullyConnected(r: JsonReader, l: Json, path: string, base: Pick<FullyConnectedLayer, 'name' | 'input' | 'output' | 'sourceLayers'>): Omit<FullyConnectedLayer, 'hash'> {
  const inFeatures = r.number(l, 'inFeatures', path, { integer: true, min: 1 });
  const outFeatures = r.number(l, 'outFeatures', path, { integer: true, min: 1 });
  if (base.input.features !== inFeatures) r.fail(`${path}.inFeatures`, `is ${inFeatures}, but input.features is ${base.input.features}`);
  if (base.output.features !== outFeatures) r.fail(`${path}.outFeatures`, `is ${outFeatures}, but output.features is ${base.output.features}`);
  const wide = base.input.dtype === 'int16';
  const biasLimit = wide ? 2 ** 47 - 1 : INT32_MAX;
  const range = DTYPE_RANGE[base.output.dtype];
  const activationMin = r.number(l, 'activationMin', path, { integer: true, min: range.min, max: range.max });
  const activationMax = r.number(l, 'activationMax', path, { integer: true, min: activationMin, max: range.max });
  const shift = r.numbers(l, 'shift', path, outFeatures, wide ? { integer: true, min: -31, max: 7 } : SHIFT);
  return {
    op: 'fully_connected',
    ...base,
    inFeatures,
    outFeatures,
    weightGranularity: r.string(l, 'weightGranularity', path, ['per_channel', 'per_tensor'] as const),
    weightScales: r.numbers(l, 'weightScales', path, outFeatures, { min: Number.MIN_VALUE }),
    weights: r.numbers(l, 'weights', path, inFeatures * outFeatures, { integer: true, min: -127, max: 127 }),
    bias: r.numbers(l, 'bias', path, outFeatures, { integer: true, min: wide ? -biasLimit : INT32_MIN, max: biasLimit }),
    multiplier: r.numbers(l, 'multiplier', path, outFeatures, { integer: true, min: 0, max: INT32_MAX }),
    shift,
    activation: r.string(l, 'activation', path, ['none', 'relu', 'relu6'] as const),
    activationMin,
    activationMax,
  };
}

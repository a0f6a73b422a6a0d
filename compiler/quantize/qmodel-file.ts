import { FirmnetError } from '../errors.js';
import { toJsonText } from '../io/atomic-write.js';
import { type JsonDocument, loadJsonDocument, parseJsonDocumentText, saveJsonDocument } from '../io/json-document.js';
import { contentHash } from '../io/content-hash.js';
import { JsonReader, join } from '../io/json-reader.js';
import { type Head, TASKS, type Task } from '../model/float-model.js';
import { checkDecisionRule, parseAnomaly, parseStandardization } from '../model/model-file.js';
import { type CalibrationMethod, QMODEL_FORMAT, QMODEL_VERSION, type QModel } from '../ir/qmodel.js';
import { DTYPE_RANGE, type QDtype, type QTensor } from '../ops/op-types.js';
import type { QLayer } from '../ops/quantized-op-types.js';
import { Q_OPS, quantizedOp } from '../ops/quantized-ops.js';
import { sealQModel } from './seal.js';
import { maxAnomalyScore } from '../reference/anomaly-score.js';

type Json = Record<string, unknown>;

const METHODS: readonly CalibrationMethod[] = ['minmax', 'percentile', 'mse', 'kl'];

/** The version that added `decision`. */
const DECISION_VERSION = 2;
/**
 * The version that added `weightBits` on fully-connected layers. An older file (every weight int8) is
 * checked against the hashes it was written with, then read with `weightBits` 8 and sealed again as
 * the current version, so the rest of firmnet sees one version.
 */
const WEIGHT_BITS_VERSION = 3;
const READABLE_VERSIONS = [1, DECISION_VERSION, WEIGHT_BITS_VERSION];

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
  if (!READABLE_VERSIONS.includes(version)) {
    throw new FirmnetError('BAD_IR_FILE', `${r.file}: quantized IR version ${version} is not supported (this firmnet reads versions ${READABLE_VERSIONS.join(', ')}); re-run \`firmnet quantize\``);
  }
  const layersJson = r.array(root, 'layers', '');
  if (layersJson.length === 0) r.fail('layers', 'must hold at least one layer');
  const layers = layersJson.map((l, i) => {
    const layer = r.object(l, `layers[${i}]`);
    if (version < WEIGHT_BITS_VERSION && layer.weightBits !== undefined) r.fail(`layers[${i}].weightBits`, `is a version ${WEIGHT_BITS_VERSION} field, but the file says version ${version}; re-run \`firmnet quantize\``);
    return parseLayer(r, layer, `layers[${i}]`);
  });
  layers.forEach((layer, i) => {
    if (i > 0) checkSameTensor(r, `layers[${i}].input`, layer.input, layers[i - 1].output);
  });
  // Hashes last: a structural problem deserves its own message, not "the hash differs".
  // An older layer is hashed as written (without the weightBits its parse adds).
  layers.forEach((layer, i) => {
    const expected = contentHash(version < WEIGHT_BITS_VERSION ? (layersJson[i] as Json) : layer);
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
    ...parseDecision(r, root, version, task, layers[layers.length - 1].output),
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
  const expected = contentHash(version < WEIGHT_BITS_VERSION ? root : q);
  if (q.hash !== expected) r.fail('hash', `is ${q.hash} but the content hashes to ${expected}: the file was changed after \`firmnet quantize\` wrote it`);
  return version < WEIGHT_BITS_VERSION ? sealQModel(q) : q;
}

/**
 * `decision` (since version 2): a rule, and per output a probability threshold in [0, 1] and the integer
 * code it maps to, within the output dtype's range or one past its maximum (never positive).
 */
function parseDecision(r: JsonReader, root: Json, version: number, task: Task, output: QTensor): Pick<QModel, 'decision'> {
  if (root.decision === undefined) return {};
  if (version < DECISION_VERSION) r.fail('decision', `appears in a version ${version} IR; it was added in version ${DECISION_VERSION}: re-run \`firmnet quantize\``);
  const d = r.child(root, 'decision', '');
  if (task === 'autoencoder') return { decision: parseAnomalyDecision(r, d, output) };
  if (task !== 'binary' && task !== 'multilabel') r.fail('decision', `applies to binary and multilabel models, not ${task}: remove it or re-run \`firmnet quantize\``);
  if (task === 'binary' && output.features !== 1) r.fail('decision', `needs a binary model with one output (the positive class's logit), this one has ${output.features}`);
  const { min, max } = DTYPE_RANGE[output.dtype];
  const thresholds = r.numbers(d, 'thresholds', 'decision', output.features, { min: 0, max: 1 });
  const codes = r.numbers(d, 'codes', 'decision', output.features, { integer: true, min, max: max + 1 });
  const rule = r.string(d, 'rule', 'decision');
  checkDecisionRule(r, rule, 'decision.rule');
  return { decision: { rule, thresholds, codes } };
}

/**
 * An autoencoder's `decision`: rule 'percentile', thresholds [P] (0–100), codes [S], the integer
 * anomaly score threshold (0 ≤ S ≤ the largest score the output's features can give), and the
 * input-to-output `requantize` multiplier (TFLite form: multiplier in [2^30, 2^31) or 0, shift in
 * [−31, 30]; compiler/reference/anomaly-score.ts defines the score).
 */
function parseAnomalyDecision(r: JsonReader, d: Json, output: QTensor): NonNullable<QModel['decision']> {
  const maxScore = maxAnomalyScore(output);
  if (!Number.isSafeInteger(maxScore)) r.fail('decision', `an anomaly score over ${output.features} ${output.dtype} outputs can reach ${maxScore}, beyond exact integers (2^53): use fewer features`);
  const rule = r.string(d, 'rule', 'decision', ['percentile'] as const);
  const thresholds = r.numbers(d, 'thresholds', 'decision', 1, { min: 0, max: 100 });
  const codes = r.numbers(d, 'codes', 'decision', 1, { integer: true, min: 0, max: maxScore });
  const q = r.child(d, 'requantize', 'decision');
  const multiplier = r.number(q, 'multiplier', 'decision.requantize', { integer: true, min: 0, max: 2147483647 });
  if (multiplier !== 0 && multiplier < 1073741824) r.fail('decision.requantize.multiplier', `is ${multiplier}; a TFLite multiplier is 0 or in [2^30, 2^31): re-run \`firmnet quantize\``);
  const shift = r.number(q, 'shift', 'decision.requantize', { integer: true, min: -31, max: 30 });
  return { rule, thresholds, codes, requantize: { multiplier, shift } };
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

/** The common fields, then the op's own (compiler/ops/<op>/ir.ts). */
function parseLayer(r: JsonReader, l: Json, path: string): QLayer {
  const op = r.string(l, 'op', path, Q_OPS);
  const base = {
    name: r.string(l, 'name', path),
    input: parseTensor(r, l, 'input', path),
    output: parseTensor(r, l, 'output', path),
    sourceLayers: r.numbers(l, 'sourceLayers', path, undefined, { integer: true, min: 0 }),
  };
  // The hash is written last (see sealQModel); keep that order so files round-trip byte for byte.
  const hash = r.string(l, 'hash', path);
  return { ...quantizedOp({ op }).parse(r, l, path, base), hash };
}

/**
 * One quantized IR layer → its constant data (weights, biases, multipliers, shifts, tables and a params
 * struct, all `static const`, so they live in flash) and the kernel call `<name>_invoke` makes. Every
 * number is copied from the IR; nothing is re-derived here.
 */
import type { FullyConnectedLayer, LeakyReluLayer, LutLayer, QLayer, SoftmaxLayer } from '../../quantize/qmodel.js';
import { type CommentText, blockComment, comment } from '../render.js';
import { C_TYPE_BYTES, type CIntType, cInteger, cStaticArray } from './c-syntax.js';
import { dtypeSuffix } from './c-names.js';

export interface CLayer {
  index: number;
  /** C definitions for `<name>_data.h`. */
  definitions: string;
  /** Bytes of the constant arrays (weights, biases, multipliers, shifts, tables); params structs excluded. */
  dataBytes: number;
  /** dataBytes by kind, for flash reports. */
  data: ConstantBytes;
  /** The kernel call, given C expressions for the input and output pointers. */
  call(input: string, output: string): string;
  /** One line for comments: what the layer is (its name comes from the IR, so it is escaped). */
  summary: CommentText;
}

export interface ConstantBytes {
  weights: number;
  biases: number;
  /** Multipliers and shifts. */
  requantization: number;
  /** Activation and softmax exp tables. */
  tables: number;
}

function constants(parts: Partial<ConstantBytes>): { dataBytes: number; data: ConstantBytes } {
  const data = { weights: 0, biases: 0, requantization: 0, tables: 0, ...parts };
  return { dataBytes: data.weights + data.biases + data.requantization + data.tables, data };
}

/** Weight rows start on a word boundary so word-wide (DSP/SIMD) loads can be used; the portable kernels do not need it. */
const WEIGHT_ALIGNMENT = 4;

export function renderLayer(prefix: string, layer: QLayer, index: number): CLayer {
  switch (layer.op) {
    case 'fully_connected':
      return renderFullyConnected(prefix, layer, index);
    case 'leaky_relu':
      return renderLeakyRelu(prefix, layer, index);
    case 'lut':
      return renderLut(prefix, layer, index);
    case 'softmax':
      return renderSoftmax(prefix, layer, index);
  }
}

function arrayBytes(type: CIntType, count: number): number {
  return C_TYPE_BYTES[type] * count;
}

function describe(layer: QLayer, index: number, detail: string): CommentText {
  const io = layer.input.dtype === layer.output.dtype ? layer.input.dtype : `${layer.input.dtype} -> ${layer.output.dtype}`;
  return comment`layers[${index}] '${layer.name}': ${layer.op} ${io}, ${detail}`;
}

function structInitializer(type: string, name: string, fields: [string, string][]): string {
  const width = Math.max(...fields.map(([f]) => f.length));
  const body = fields.map(([f, v]) => `    .${f.padEnd(width)} = ${v},`).join('\n');
  return `static const ${type} ${name} = {\n${body}\n};\n`;
}

function renderFullyConnected(prefix: string, layer: FullyConnectedLayer, index: number): CLayer {
  const wide = layer.input.dtype === 'int16';
  const { inFeatures: n, outFeatures: m } = layer;
  const names = { w: `${prefix}_w${index}`, b: `${prefix}_b${index}`, mult: `${prefix}_multiplier${index}`, shift: `${prefix}_shift${index}`, params: `${prefix}_l${index}` };
  const biasType: CIntType = wide ? 'int64_t' : 'int32_t';
  const clamp = `clamp [${layer.activationMin}, ${layer.activationMax}]`;
  const summary = describe(layer, index, `${n} -> ${m}, ${layer.activation === 'none' ? 'no activation' : `fused ${layer.activation}`}, ${clamp}, ${layer.weightGranularity.replace('_', '-')} weights`);
  const arrays = [
    cStaticArray({ type: 'int8_t', name: names.w, values: layer.weights, lengthText: `${m} * ${n}`, comment: comment`weights [out][in]`, attributes: `FIRMNET_ALIGN(${WEIGHT_ALIGNMENT}) FIRMNET_WEIGHT_ATTRIBUTES` }),
    wide
      ? cStaticArray({ type: biasType, name: names.b, values: layer.bias, comment: comment`bias (int64: 16x8 layer)`, attributes: 'FIRMNET_WEIGHT_ATTRIBUTES' })
      : cStaticArray({
          type: biasType,
          name: names.b,
          values: foldInputZeroPoint(layer),
          comment: comment`bias with the input zero point (${layer.input.zeroPoint}) folded in: bias[c] - zero_point * sum_i w[c][i], wrapping int32`,
          attributes: 'FIRMNET_WEIGHT_ATTRIBUTES',
        }),
    cStaticArray({ type: 'int32_t', name: names.mult, values: layer.multiplier, comment: comment`requantization multipliers (Q31)`, attributes: 'FIRMNET_WEIGHT_ATTRIBUTES' }),
    cStaticArray({ type: 'int8_t', name: names.shift, values: layer.shift, comment: comment`requantization shifts`, attributes: 'FIRMNET_WEIGHT_ATTRIBUTES' }),
  ];
  const common: [string, string][] = [
    ['in_features', String(n)],
    ['out_features', String(m)],
  ];
  const fields: [string, string][] = [...common, ['output_offset', cInteger(layer.output.zeroPoint, 'int32_t')]];
  fields.push(
    ['activation_min', cInteger(layer.activationMin, 'int32_t')],
    ['activation_max', cInteger(layer.activationMax, 'int32_t')],
    ['weights', names.w],
    ['bias', names.b],
    ['multiplier', names.mult],
    ['shift', names.shift],
  );
  const paramsType = wide ? 'firmnet_dense_s16_params' : 'firmnet_dense_s8_params';
  const kernel = `firmnet_dense_${kernelSuffix(layer)}`;
  return {
    index,
    definitions: `${blockComment(summary)}\n${arrays.join('')}${structInitializer(paramsType, names.params, fields)}`,
    ...constants({ weights: arrayBytes('int8_t', n * m), biases: arrayBytes(biasType, m), requantization: arrayBytes('int32_t', m) + arrayBytes('int8_t', m) }),
    call: (input, output) => `${kernel}(&${names.params}, ${input}, ${output});`,
    summary,
  };
}

/**
 * The precomputation docs/quantized-ir.md allows for int8 inputs: bias[c] − zp·Σ_i w[c][i] in wrapping
 * int32, so the kernel's inner loop is a plain Σ x·w (one multiply-accumulate per weight) and the sum
 * is the reference's bias + Σ (x − zp)·w modulo 2^32, i.e. bit for bit the same.
 */
export function foldInputZeroPoint(layer: FullyConnectedLayer): number[] {
  const zp = layer.input.zeroPoint;
  return layer.bias.map((b, c) => {
    let rowSum = 0;
    for (let i = 0; i < layer.inFeatures; i++) rowSum += layer.weights[c * layer.inFeatures + i];
    return (b - Math.imul(zp, rowSum)) | 0;
  });
}

/** `s8`, `s16`, or `s8_s16` / `s16_s8` when the layer changes dtype. */
function kernelSuffix(layer: QLayer): string {
  const a = dtypeSuffix(layer.input.dtype);
  const b = dtypeSuffix(layer.output.dtype);
  return a === b ? a : `${a}_${b}`;
}

function renderLeakyRelu(prefix: string, layer: LeakyReluLayer, index: number): CLayer {
  const params = `${prefix}_l${index}`;
  const summary = describe(layer, index, `alpha ${layer.alpha}, ${layer.input.features} features`);
  const fields: [string, string][] = [
    ['features', String(layer.input.features)],
    ['input_offset', cInteger(-layer.input.zeroPoint, 'int32_t')],
    ['output_offset', cInteger(layer.output.zeroPoint, 'int32_t')],
    ['multiplier_identity', cInteger(layer.multiplierIdentity, 'int32_t')],
    ['shift_identity', cInteger(layer.shiftIdentity, 'int32_t')],
    ['multiplier_alpha', cInteger(layer.multiplierAlpha, 'int32_t')],
    ['shift_alpha', cInteger(layer.shiftAlpha, 'int32_t')],
  ];
  return {
    index,
    definitions: `${blockComment(summary)}\n${structInitializer('firmnet_leaky_relu_params', params, fields)}`,
    ...constants({}),
    call: (input, output) => `firmnet_leaky_relu_${kernelSuffix(layer)}(&${params}, ${input}, ${output});`,
    summary,
  };
}

function renderLut(prefix: string, layer: LutLayer, index: number): CLayer {
  const names = { table: `${prefix}_table${index}`, params: `${prefix}_l${index}` };
  const type: CIntType = layer.input.dtype === 'int16' ? 'int16_t' : 'int8_t';
  const suffix = dtypeSuffix(layer.input.dtype);
  const summary = describe(layer, index, `${layer.function} by table, ${layer.input.features} features`);
  const tableComment = type === 'int8_t' ? comment`${layer.function}: output = table[input + 128]` : comment`${layer.function}: 513 knots at x = (j - 256) * 128, interpolated`;
  const fields: [string, string][] = [
    ['features', String(layer.input.features)],
    ['table', names.table],
  ];
  return {
    index,
    definitions: `${blockComment(summary)}\n${cStaticArray({ type, name: names.table, values: layer.table, comment: tableComment, attributes: 'FIRMNET_WEIGHT_ATTRIBUTES' })}${structInitializer(`firmnet_lut_${suffix}_params`, names.params, fields)}`,
    ...constants({ tables: arrayBytes(type, layer.table.length) }),
    call: (input, output) => `firmnet_lut_${suffix}(&${names.params}, ${input}, ${output});`,
    summary,
  };
}

function renderSoftmax(prefix: string, layer: SoftmaxLayer, index: number): CLayer {
  const names = { table: `${prefix}_exp_table${index}`, params: `${prefix}_l${index}` };
  const summary = describe(layer, index, `${layer.input.features} features, output scale 1/256 zero point -128`);
  const fields: [string, string][] = [
    ['features', String(layer.input.features)],
    ['exp_table', names.table],
  ];
  const table = cStaticArray({ type: 'uint16_t', name: names.table, values: layer.expTable, comment: comment`exp_table[d] = round(2^15 * exp(-d * input scale))`, attributes: 'FIRMNET_WEIGHT_ATTRIBUTES' });
  return {
    index,
    definitions: `${blockComment(summary)}\n${table}${structInitializer('firmnet_softmax_s8_params', names.params, fields)}`,
    ...constants({ tables: arrayBytes('uint16_t', layer.expTable.length) }),
    call: (input, output) => `firmnet_softmax_s8(&${names.params}, ${input}, ${output});`,
    summary,
  };
}

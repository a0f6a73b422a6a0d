/**
 * Dense layers whose shapes walk every branch of the C kernels' dot products (compiler/emit/c/
 * kernels-source.ts): in_features below, at and above a multiple of 4 (the DSP loop reads four inputs
 * per word, a scalar tail does the rest), odd out_features (channels go in pairs, the last one alone),
 * int16 inputs longer than one exact int32 block (256 products), and int16 extremes that would overflow
 * int32 if a block were too long. Each is a one-layer model, so the kernel reads the caller's rows
 * directly: with an odd in_features, rows and weight rows start at every address modulo 4.
 */
import type { QModel, UnhashedQModel } from '../../compiler/ir/qmodel.js';
import type { FullyConnectedLayer } from '../../compiler/ops/fully-connected/ir.js';
import { sealQModel } from '../../compiler/quantize/seal.js';
import { probeInput, probeModel } from '../../firmware-sim/probe-layers.js';

export interface DenseCase {
  name: string;
  qmodel: QModel;
  /** Input codes, `rows` rows. */
  input: number[];
  rows: number;
}

const ROWS = 8;

export const INT8_SHAPES: readonly [number, number][] = [[1, 1], [3, 2], [4, 1], [5, 3], [8, 2], [17, 5], [17, 1], [30, 7], [640, 128]];
/** int4 weights: odd in_features put every other row's first weight in a high nibble (rows are not padded). */
export const INT4_SHAPES: readonly [number, number][] = [[1, 1], [1, 4], [3, 2], [5, 3], [7, 4], [16, 3], [17, 5], [33, 7], [640, 128]];
export const INT16_SHAPES: readonly [number, number][] = [[1, 1], [3, 2], [5, 3], [17, 5], [256, 2], [300, 7], [600, 2]];

/** The probe model's dense layer alone (probe-layers.ts puts a LeakyReLU in front of it). */
function denseOnly(variant: 'fully_connected_s8' | 'fully_connected_s16' | 'fully_connected_s4', inFeatures: number, outFeatures: number, seed: number, edit?: (l: FullyConnectedLayer) => FullyConnectedLayer): QModel {
  const probe = probeModel(variant, [inFeatures, outFeatures], seed);
  const { hash: _layerHash, ...dense } = probe.layers[1] as FullyConnectedLayer;
  const { hash: _modelHash, layers: _layers, ...rest } = probe;
  const layer = edit ? edit(dense as FullyConnectedLayer) : dense;
  const calibration = { ...rest.calibration, tensorMethods: rest.calibration.tensorMethods.slice(1) };
  return sealQModel({ ...rest, name: `dense_${variant.split('_').pop()}_${inFeatures}x${outFeatures}`, calibration, layers: [layer] } as UnhashedQModel);
}

export function awkwardDenseCases(): DenseCase[] {
  const cases: DenseCase[] = [];
  INT8_SHAPES.forEach(([n, m], i) => {
    const q = denseOnly('fully_connected_s8', n, m, 300 + i);
    cases.push({ name: `int8 dense ${n}x${m}`, qmodel: q, input: probeInput(q, ROWS, i), rows: ROWS });
  });
  INT4_SHAPES.forEach(([n, m], i) => {
    const q = denseOnly('fully_connected_s4', n, m, 600 + i);
    cases.push({ name: `int4-weight dense ${n}x${m}`, qmodel: q, input: probeInput(q, ROWS, 60 + i), rows: ROWS });
  });
  INT16_SHAPES.forEach(([n, m], i) => {
    const q = denseOnly('fully_connected_s16', n, m, 400 + i);
    cases.push({ name: `int16 dense ${n}x${m}`, qmodel: q, input: probeInput(q, ROWS, 40 + i), rows: ROWS });
  });
  // Largest products: x = -32768 or 32767 against w = ±127, 600 of them (|sum| ≈ 2.5e9 > 2^31 - 1): exact
  // only if no int32 partial sum covers more than 512 products. Channel 0 is all +127, channel 1 all -127,
  // channel 2 alternates.
  const n = 600;
  const extreme = denseOnly('fully_connected_s16', n, 3, 500, (l) => ({
    ...l,
    weights: Array.from({ length: 3 * n }, (_, k) => (k < n ? 127 : k < 2 * n ? -127 : k % 2 === 0 ? 127 : -127)),
  }));
  const rows = [-32768, 32767, 'alternating'] as const;
  const input = rows.flatMap((r) => Array.from({ length: n }, (_, i) => (r === 'alternating' ? (i % 2 === 0 ? 32767 : -32768) : r)));
  cases.push({ name: `int16 dense ${n}x3, extreme codes and weights`, qmodel: extreme, input, rows: rows.length });
  return cases;
}

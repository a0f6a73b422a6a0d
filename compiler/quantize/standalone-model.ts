import { type QModel, QMODEL_FORMAT } from '../ir/qmodel.js';
import type { Unhashed } from '../ops/op-types.js';
import type { QLayer } from '../ops/quantized-op-types.js';
import { sealQModel } from './seal.js';

/**
 * A complete, valid IR around hand-made or probe layers (no float model behind them): a regression
 * model on raw integer codes, features x0… and outputs y0…, for test vectors and measurements.
 */
export function standaloneModel(name: string, layers: Unhashed<QLayer>[], source: string): QModel {
  const inFeatures = layers[0].input.features;
  const outFeatures = layers[layers.length - 1].output.features;
  return sealQModel({
    format: QMODEL_FORMAT,
    version: 1,
    name,
    task: 'regression',
    featureNames: Array.from({ length: inFeatures }, (_, i) => `x${i}`),
    labelColumns: Array.from({ length: outFeatures }, (_, i) => `y${i}`),
    classNames: [],
    inputStandardization: null,
    head: 'identity',
    headInFirmware: false,
    targetStandardization: null,
    anomaly: null,
    layers,
    calibration: { method: 'minmax', percentile: 99.99, rows: 1, seed: 0, data: source, tensorMethods: Array(layers.length + 1).fill('minmax') },
    source: { floatModelHash: 'none', floatLayers: 0 },
  });
}

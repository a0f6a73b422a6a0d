import { loadDataset } from '../compiler/data/dataset.js';
import { type FloatModel, type LayerSpec, MODEL_FORMAT, MODEL_VERSION } from '../compiler/model/float-model.js';
import type { QModel } from '../compiler/ir/qmodel.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../compiler/quantize/quantize.js';
import { Rng } from '../compiler/rng.js';
import { DEFAULT_TRAIN_SETTINGS, trainConfig } from '../compiler/train/settings.js';
import { trainModel } from '../compiler/train/train.js';

export interface ValidationModel {
  name: string;
  qmodel: QModel;
  /** Raw feature rows to run it on. */
  features: Float32Array;
  rows: number;
}

/** The MLPerf Tiny anomaly-detection autoencoder's layer widths. */
export const AUTOENCODER_WIDTHS = [640, 128, 128, 128, 128, 8, 128, 128, 128, 128, 640];

/**
 * Whole models whose every layer the cycle model is checked on: a trained digits MLP (dense +
 * fused ReLU), a breast-cancer tanh MLP with the sigmoid head in firmware (tables), and the
 * 640-…-640 autoencoder with seeded weights calibrated on the vibration data (instruction counts
 * do not depend on the weight values).
 */
export function bundledValidationModels(): ValidationModel[] {
  return [digitsModel(), tanhModel(), autoencoderValidationModel()];
}

function trained(data: string, task: 'multiclass' | 'binary', activation: 'relu' | 'tanh', headInFirmware: boolean): ValidationModel {
  const train = loadDataset(`models/data/${data}/train.csv`, { task, labelColumns: ['label'] });
  const test = loadDataset(`models/data/${data}/test.csv`, { task, labelColumns: ['label'], classNames: train.classNames });
  const settings = { ...DEFAULT_TRAIN_SETTINGS, hidden: [64, 32], activation, learningRate: 3e-3, epochs: 10, validationSplit: 0 };
  const { model } = trainModel(train, trainConfig(task, settings), data);
  const { qmodel } = quantizeModel(model, { features: train.features, rows: train.rows, description: data, seed: 0 }, { ...DEFAULT_QUANTIZE_OPTIONS, headInFirmware });
  return { name: `${data} ${activation} MLP`, qmodel, features: test.features, rows: test.rows };
}

function digitsModel(): ValidationModel {
  return trained('digits', 'multiclass', 'relu', false);
}

function tanhModel(): ValidationModel {
  return trained('breast-cancer', 'binary', 'tanh', true);
}

/**
 * Dense layers of the given widths with He-initialised seeded weights, ReLU between them, biases
 * N(0, biasStd²) (none drawn when biasStd is 0): models for measurements, where the shape matters
 * and the values only need to be realistic.
 */
export function randomReluLayers(rng: Rng, widths: readonly number[], biasStd: number): LayerSpec[] {
  const layers: LayerSpec[] = [];
  for (let k = 0; k + 1 < widths.length; k++) {
    const inFeatures = widths[k];
    const outFeatures = widths[k + 1];
    const std = Math.sqrt(2 / inFeatures);
    const weights = Array.from({ length: inFeatures * outFeatures }, () => Math.fround(rng.normal() * std));
    const bias = biasStd === 0 ? new Array<number>(outFeatures).fill(0) : Array.from({ length: outFeatures }, () => Math.fround(rng.normal() * biasStd));
    layers.push({ op: 'dense', inFeatures, outFeatures, weights, bias });
    if (k + 2 < widths.length) layers.push({ op: 'relu' });
  }
  return layers;
}

/** He-initialised weights: what matters for instruction counts is the shape, not the values. */
export function autoencoderFloatModel(seed: number, features: number): FloatModel {
  const widths = [features, ...AUTOENCODER_WIDTHS.slice(1, -1), features];
  const layers = randomReluLayers(new Rng(seed), widths, 0);
  return {
    format: MODEL_FORMAT,
    version: MODEL_VERSION,
    name: 'autoencoder',
    task: 'autoencoder',
    head: 'identity',
    inputFeatures: features,
    outputFeatures: features,
    featureNames: Array.from({ length: features }, (_, i) => `x${i}`),
    labelColumns: [],
    classNames: [],
    inputStandardization: null,
    targetStandardization: null,
    anomaly: null,
    layers,
    seed,
    source: { format: 'firmnet', file: null },
    training: null,
  };
}

/** The autoencoder alone, with the vibration test rows to run it on. */
export function autoencoderValidationModel(): ValidationModel {
  const data = loadDataset('models/data/vibration/test.csv', { task: 'autoencoder', labelColumns: ['label'] });
  const model = { ...autoencoderFloatModel(7, data.featureNames.length), featureNames: data.featureNames };
  const { qmodel } = quantizeModel(model, { features: data.features, rows: Math.min(256, data.rows), description: 'vibration test rows', seed: 0 }, { ...DEFAULT_QUANTIZE_OPTIONS, method: 'minmax' });
  return { name: 'autoencoder 640-128×4-8-128×4-640', qmodel, features: data.features, rows: data.rows };
}

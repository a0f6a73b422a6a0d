/**
 * Training throughput (samples/s) of the digits MLP (64-64-32-10 ReLU, Adam, softmax cross-entropy,
 * batch 32) in firmnet and in @tensorflow/tfjs on its CPU backend, measured in the same process.
 */
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../compiler/data/dataset.js';
import { DEFAULT_TRAIN_SETTINGS, trainConfig } from '../compiler/train/settings.js';
import { trainModel } from '../compiler/train/train.js';
import { median } from './stats.js';

const EPOCHS = 8;
const WARMUP_EPOCHS = 2;

export async function benchTrainThroughput(): Promise<void> {
  const data = loadDataset('models/data/digits/train.csv', { task: 'multiclass', labelColumns: ['label'] });
  const nf = data.featureNames.length;
  const k = data.classNames.length;

  const firmnet = trainModel(data, trainConfig('multiclass', { ...DEFAULT_TRAIN_SETTINGS, epochs: EPOCHS + WARMUP_EPOCHS, validationSplit: 0 }), 'bench');
  const firmnetRate = median(firmnet.history.slice(WARMUP_EPOCHS).map((h) => h.samplesPerSecond));

  await tf.setBackend('cpu');
  const model = tf.sequential({
    layers: [
      tf.layers.dense({ inputShape: [nf], units: 64, activation: 'relu', kernelInitializer: 'heNormal' }),
      tf.layers.dense({ units: 32, activation: 'relu', kernelInitializer: 'heNormal' }),
      tf.layers.dense({ units: k }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: tf.losses.softmaxCrossEntropy });
  const x = tf.tensor2d(standardize(data.features, nf), [data.rows, nf]);
  const y = tf.tensor2d(data.targets, [data.rows, k]);
  const epochSeconds: number[] = [];
  let started = 0;
  await model.fit(x, y, {
    batchSize: 32,
    epochs: EPOCHS + WARMUP_EPOCHS,
    shuffle: true,
    verbose: 0,
    callbacks: {
      onEpochBegin: async () => {
        started = performance.now();
      },
      onEpochEnd: async () => {
        epochSeconds.push((performance.now() - started) / 1000);
      },
    },
  });
  const tfRate = median(epochSeconds.slice(WARMUP_EPOCHS).map((s) => data.rows / s));
  x.dispose();
  y.dispose();

  console.log('## Training throughput: digits 64-64-32-10 ReLU MLP, Adam, batch 32 (median over epochs after warm-up)');
  console.log(`firmnet (TypeScript, Float32Array)   ${Math.round(firmnetRate).toString().padStart(8)} samples/s`);
  console.log(`@tensorflow/tfjs ${tf.version.tfjs} (cpu backend) ${Math.round(tfRate).toString().padStart(8)} samples/s`);
  console.log(`ratio firmnet / tfjs: ${(firmnetRate / tfRate).toFixed(2)}× (target ≥ 2×)`);
}

function standardize(features: Float32Array, nf: number): Float32Array {
  const mean = new Float64Array(nf);
  const sq = new Float64Array(nf);
  const rows = features.length / nf;
  for (let i = 0; i < features.length; i++) mean[i % nf] += features[i] / rows;
  for (let i = 0; i < features.length; i++) sq[i % nf] += (features[i] - mean[i % nf]) ** 2 / rows;
  return features.map((v, i) => (v - mean[i % nf]) / (Math.sqrt(sq[i % nf]) || 1));
}

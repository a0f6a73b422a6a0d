/**
 * Writes the TF.js layers-format fixtures of test/fixtures/tfjs/ with @tensorflow/tfjs (pure-JS CPU
 * backend): each model is saved through `tf.io.withSaveHandler` and written as `model.json` plus
 * weight shards, the layout `tensorflowjs_converter` and `model.save('file://…')` produce. The trained
 * ones are fitted for a few epochs on the bundled splits (standardized inputs; the standardization is
 * written to `preprocessing.json` beside them). Initializers are seeded, but TF.js shuffles batches
 * with Math.random, so a re-run trains slightly different weights: the committed files are the
 * reference, and the tests compare firmnet with TF.js on whatever weights the files hold.
 *
 * Run: npm run build && node dist/scripts/make-tfjs-fixtures.js [outDir]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { loadDataset } from '../compiler/data/dataset.js';
import { applyStandardization, fitStandardization } from '../compiler/data/standardize.js';
import type { Standardization } from '../compiler/model/float-model.js';

const outDir = process.argv[2] ?? 'test/fixtures/tfjs';

interface Artifacts {
  modelTopology: unknown;
  weightSpecs: tf.io.WeightsManifestEntry[];
  weightData: ArrayBuffer;
}

async function artifactsOf(model: tf.LayersModel): Promise<Artifacts> {
  let saved: Artifacts | null = null;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      saved = { modelTopology: a.modelTopology, weightSpecs: a.weightSpecs!, weightData: a.weightData as ArrayBuffer };
      return { modelArtifactsInfo: { dateSaved: new Date(0), modelTopologyType: 'JSON' } };
    }),
  );
  return saved!;
}

/** model.json + shards; `shards` > 1 splits the weight bytes like the converter's --weight_shard_size_bytes. */
function writeModel(name: string, a: Artifacts, shards = 1, edit?: (json: Record<string, unknown>) => void): void {
  const dir = join(outDir, name);
  mkdirSync(dir, { recursive: true });
  const bytes = new Uint8Array(a.weightData);
  const size = Math.ceil(bytes.length / shards / 4) * 4;
  const paths: string[] = [];
  for (let i = 0; i < shards; i++) {
    const path = `group1-shard${i + 1}of${shards}.bin`;
    writeFileSync(join(dir, path), bytes.subarray(i * size, Math.min(bytes.length, (i + 1) * size)));
    paths.push(path);
  }
  const json: Record<string, unknown> = {
    format: 'layers-model',
    generatedBy: `TensorFlow.js tfjs-layers v${tf.version.tfjs}`,
    convertedBy: null,
    modelTopology: a.modelTopology,
    weightsManifest: [{ paths, weights: a.weightSpecs }],
  };
  edit?.(json);
  writeFileSync(join(dir, 'model.json'), JSON.stringify(json));
  console.log(`wrote ${name}/ (${bytes.length} weight bytes in ${shards} shard(s))`);
}

function writeSidecar(name: string, featureNames: string[], s: Standardization, extra: Record<string, unknown> = {}): void {
  const body = { format: 'firmnet.preprocessing', featureNames, input: s, ...extra };
  writeFileSync(join(outDir, name, 'preprocessing.json'), `${JSON.stringify(body, null, 2)}\n`);
}

async function fit(model: tf.LayersModel, dataset: string, task: 'multiclass' | 'binary', epochs: number): Promise<{ featureNames: string[]; s: Standardization; classNames: string[] }> {
  const data = loadDataset(`models/data/${dataset}/train.csv`, { task, labelColumns: ['label'] });
  const nf = data.featureNames.length;
  const s = fitStandardization(data.features, nf, Array.from({ length: data.rows }, (_, i) => i));
  const x = tf.tensor2d(applyStandardization(data.features, nf, s), [data.rows, nf]);
  const y = tf.tensor2d(data.targets, [data.rows, data.targetColumns]);
  model.compile({ optimizer: tf.train.adam(0.01), loss: task === 'multiclass' ? 'categoricalCrossentropy' : 'binaryCrossentropy' });
  await model.fit(x, y, { epochs, batchSize: 32, shuffle: true, verbose: 0 });
  return { featureNames: data.featureNames, s, classNames: data.classNames };
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');

  // Sequential, trained on iris: Dense(relu) → BatchNormalization → Dropout → Dense(softmax).
  {
    const m = tf.sequential({ name: 'iris_tfjs' });
    m.add(tf.layers.dense({ units: 16, activation: 'relu', inputShape: [4], kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }) }));
    m.add(tf.layers.batchNormalization({}));
    m.add(tf.layers.dropout({ rate: 0.2, seed: 1 }));
    m.add(tf.layers.dense({ units: 3, activation: 'softmax', kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }) }));
    const { featureNames, s, classNames } = await fit(m, 'iris', 'multiclass', 40);
    writeModel('sequential-iris', await artifactsOf(m));
    writeSidecar('sequential-iris', featureNames, s, { classNames });
  }

  // Functional, trained on breast-cancer: Dense(linear) → Activation(gelu) → BatchNormalization → Dropout → Dense(tanh) → Dense(sigmoid); two shards.
  {
    const input = tf.input({ shape: [30], name: 'features' });
    let h = tf.layers.dense({ units: 16, name: 'fc1', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }) }).apply(input) as tf.SymbolicTensor;
    h = tf.layers.activation({ activation: 'gelu', name: 'gelu1' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3, name: 'bn1' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.dropout({ rate: 0.1, name: 'drop1' }).apply(h) as tf.SymbolicTensor;
    h = tf.layers.dense({ units: 8, activation: 'tanh', name: 'fc2', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }).apply(h) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 1, activation: 'sigmoid', name: 'out', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(h) as tf.SymbolicTensor;
    const m = tf.model({ inputs: input, outputs: out, name: 'breast_cancer_tfjs' });
    const { featureNames, s, classNames } = await fit(m, 'breast-cancer', 'binary', 15);
    writeModel('functional-breast-cancer', await artifactsOf(m), 2);
    writeSidecar('functional-breast-cancer', featureNames, s, { classNames });
  }

  // Untrained, for layer coverage: InputLayer [2, 3] → Flatten → Dense → Activation(relu6) → LeakyReLU →
  // Dense(gelu_new) → Activation(sigmoid) → Dense(tanh, no bias) → Dense (linear regression output).
  {
    const m = tf.sequential({ name: 'ops_tfjs' });
    m.add(tf.layers.inputLayer({ inputShape: [2, 3], name: 'in' }));
    m.add(tf.layers.flatten({}));
    m.add(tf.layers.dense({ units: 8, kernelInitializer: tf.initializers.randomNormal({ seed: 6, stddev: 0.8 }), biasInitializer: tf.initializers.randomNormal({ seed: 7, stddev: 0.3 }) }));
    m.add(tf.layers.activation({ activation: 'relu6' }));
    m.add(tf.layers.leakyReLU({ alpha: 0.2 }));
    m.add(tf.layers.dense({ units: 6, activation: 'gelu_new', kernelInitializer: tf.initializers.randomNormal({ seed: 8, stddev: 0.8 }) }));
    m.add(tf.layers.activation({ activation: 'sigmoid' }));
    m.add(tf.layers.dense({ units: 5, activation: 'tanh', useBias: false, kernelInitializer: tf.initializers.randomNormal({ seed: 9, stddev: 0.8 }) }));
    m.add(tf.layers.dense({ units: 2, kernelInitializer: tf.initializers.randomNormal({ seed: 10, stddev: 0.8 }) }));
    writeModel('sequential-ops', await artifactsOf(m));
  }

  // ── unsupported cases ──
  // A layer firmnet does not import (ELU).
  {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 4, inputShape: [3], name: 'fc1' }));
    m.add(tf.layers.elu({ name: 'elu' }));
    m.add(tf.layers.dense({ units: 2, name: 'fc2' }));
    writeModel('unsupported-layer', await artifactsOf(m));
  }
  // A functional model that branches (two Dense on the input, added).
  {
    const input = tf.input({ shape: [3], name: 'x' });
    const a = tf.layers.dense({ units: 4, name: 'left' }).apply(input) as tf.SymbolicTensor;
    const b = tf.layers.dense({ units: 4, name: 'right' }).apply(input) as tf.SymbolicTensor;
    const sum = tf.layers.add({ name: 'sum' }).apply([a, b]) as tf.SymbolicTensor;
    const out = tf.layers.dense({ units: 2, name: 'head' }).apply(sum) as tf.SymbolicTensor;
    writeModel('branching-functional', await artifactsOf(tf.model({ inputs: input, outputs: out })));
  }
  // Weights quantized to uint8 in the manifest (tensorflowjs_converter --quantize_uint8).
  {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 2, inputShape: [3], name: 'fc' }));
    const a = await artifactsOf(m);
    const quantized: Artifacts = {
      modelTopology: a.modelTopology,
      weightSpecs: a.weightSpecs.map((w) => ({ ...w, quantization: { dtype: 'uint8', scale: 0.01, min: -1 } })),
      weightData: Uint8Array.from({ length: 3 * 2 + 2 }, (_, i) => i * 30).buffer,
    };
    writeModel('quantized-weights', quantized);
  }
  // A weight shard cut short (a partial download).
  {
    const m = tf.sequential();
    m.add(tf.layers.dense({ units: 8, inputShape: [4], name: 'fc1', activation: 'relu' }));
    m.add(tf.layers.dense({ units: 2, name: 'fc2' }));
    const a = await artifactsOf(m);
    writeModel('truncated-shard', { ...a, weightData: a.weightData.slice(0, a.weightData.byteLength - 20) });
  }
}

await main();

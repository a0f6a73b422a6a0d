import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyStandardization } from '../../compiler/data/standardize.js';
import { loadPreprocessing } from '../../compiler/import/preprocessing-sidecar.js';
import { importTfjs } from '../../compiler/import/tfjs.js';
import type { FloatModel } from '../../compiler/model/float-model.js';
import { TFJS_FIXTURES, randomRows } from './fixtures.js';
import { maxAbsDifference } from './ort.js';
import { loadSplit } from './trained-models.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';
import { predictFloat } from '../../compiler/inference/float-inference.js';

const TOLERANCE = 1e-5;
const measured: string[] = [];
const scratch = mkdtempSync(join(tmpdir(), 'firmnet-tfjs-'));

function importFixture(folder: string, withSidecar = false, dir = TFJS_FIXTURES): FloatModel {
  return importTfjs(join(dir, folder, 'model.json'), {
    file: `${folder}/model.json`,
    ...(withSidecar ? { preprocessing: loadPreprocessing(join(dir, folder, 'preprocessing.json')) } : {}),
  });
}

/** TF.js's own predict on the files, through an in-memory IO handler (all shards of the manifest concatenated). */
async function predictTfjs(folder: string, x: Float32Array, shape: number[]): Promise<Float32Array> {
  const json = JSON.parse(readFileSync(join(TFJS_FIXTURES, folder, 'model.json'), 'utf8'));
  const group = json.weightsManifest[0];
  const data = Buffer.concat(group.paths.map((p: string) => readFileSync(join(TFJS_FIXTURES, folder, p))));
  const model = await tf.loadLayersModel({
    load: async () => ({ modelTopology: json.modelTopology, weightSpecs: group.weights, weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) }),
  });
  const out = model.predict(tf.tensor(x, shape)) as tf.Tensor;
  return Float32Array.from(await out.data());
}

function types(m: FloatModel): string {
  return m.layers.map((l) => (l.op === 'gelu' ? `gelu:${l.approximate}` : l.op)).join(',');
}

beforeAll(async () => {
  await tf.setBackend('cpu');
  // TF.js 4.22 saves Dense(activation 'gelu_new') but cannot load it back: loading turns the name into
  // 'geluNew', which is not registered. Register TF.js's own GeluNew class under that name too.
  const map = tf.serialization.SerializationMap.getMap().classNameMap as Record<string, [tf.serialization.SerializableConstructor<tf.serialization.Serializable>, unknown]>;
  const GeluNew = map.gelu_new[0] as unknown as { new (): object; className: string };
  class GeluNewAlias extends GeluNew {
    static override className = 'geluNew';
  }
  tf.serialization.registerClass(GeluNewAlias as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
});

afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
  if (measured.length > 0) console.info(`max |TF.js − firmnet| after import:\n  ${measured.join('\n  ')}`);
});

describe('TF.js layers import, compared with TF.js predict', () => {
  it('Sequential (iris): Dense(relu), BatchNormalization, Dropout, Dense(softmax) → multiclass with a softmax head, on the test split', async () => {
    const model = importFixture('sequential-iris', true);
    expect([types(model), model.task, model.head, model.name]).toEqual(['dense,relu,batchnorm,dropout,dense', 'multiclass', 'softmax', 'iris_tfjs']);
    expect(model.source).toEqual({ format: 'tfjs', file: 'sequential-iris/model.json' });
    const { test } = loadSplit('iris');
    const ref = await predictTfjs('sequential-iris', applyStandardization(test.features, 4, model.inputStandardization), [test.rows, 4]);
    const diff = maxAbsDifference(ref, predictFloat(model, test.features, test.rows).scores);
    measured.push(`iris (sequential-iris): ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(TOLERANCE);
  });

  it('functional (breast-cancer): InputLayer, Dense, Activation(gelu), BatchNormalization, Dropout, Dense(sigmoid) in two shards → binary, on the test split', async () => {
    const model = importFixture('functional-breast-cancer', true);
    expect([types(model), model.task, model.head]).toEqual(['dense,gelu:none,batchnorm,dropout,dense,tanh,dense', 'binary', 'sigmoid']);
    const bn = model.layers[2];
    expect(bn.op === 'batchnorm' && [bn.eps, bn.momentum]).toEqual([0.001, 0.1]);
    const { test } = loadSplit('breast-cancer');
    const ref = await predictTfjs('functional-breast-cancer', applyStandardization(test.features, 30, model.inputStandardization), [test.rows, 30]);
    const diff = maxAbsDifference(ref, predictFloat(model, test.features, test.rows).scores);
    measured.push(`breast-cancer (functional-breast-cancer): ${diff.toExponential(2)}`);
    expect(diff).toBeLessThanOrEqual(TOLERANCE);
  });

  it('InputLayer [2, 3], Flatten, relu6, LeakyReLU, gelu_new, sigmoid, Dense without bias → regression, on random rows', async () => {
    const model = importFixture('sequential-ops');
    expect([types(model), model.task, model.inputFeatures]).toEqual(['dense,relu6,leaky_relu,dense,gelu:tanh,sigmoid,dense,tanh,dense', 'regression', 6]);
    const x = randomRows(64, 6);
    const ref = await predictTfjs('sequential-ops', x, [64, 2, 3]);
    expect(maxAbsDifference(ref, predictFloat(model, x, 64).scores)).toBeLessThanOrEqual(TOLERANCE);
  });

  it('reads the Keras converter layouts too: model_config wrapper, a bare Sequential layer list, Keras 3 inbound nodes', () => {
    const reference = importFixture('sequential-iris');
    const dir = join(scratch, 'keras2');
    cpSync(join(TFJS_FIXTURES, 'sequential-iris'), join(dir, 'sequential-iris'), { recursive: true });
    const path = join(dir, 'sequential-iris', 'model.json');
    const json = JSON.parse(readFileSync(path, 'utf8'));
    json.modelTopology = { keras_version: '2.2.4', backend: 'tensorflow', model_config: { class_name: 'Sequential', config: json.modelTopology.config.layers } };
    // The Keras converter may put a scope in front of weight names.
    for (const w of json.weightsManifest[0].weights) w.name = `iris_model/${w.name}`;
    writeFileSync(path, JSON.stringify(json));
    expect(importFixture('sequential-iris', false, dir).layers).toEqual(reference.layers);

    const functional = importFixture('functional-breast-cancer');
    cpSync(join(TFJS_FIXTURES, 'functional-breast-cancer'), join(dir, 'functional-breast-cancer'), { recursive: true });
    const fpath = join(dir, 'functional-breast-cancer', 'model.json');
    const fjson = JSON.parse(readFileSync(fpath, 'utf8'));
    fjson.modelTopology.class_name = 'Functional';
    for (const layer of fjson.modelTopology.config.layers) {
      layer.inbound_nodes = layer.inbound_nodes.map((node: unknown[][]) => ({
        args: node.map((t) => ({ class_name: '__keras_tensor__', config: { shape: [null, 1], dtype: 'float32', keras_history: [t[0], 0, 0] } })),
        kwargs: {},
      }));
    }
    writeFileSync(fpath, JSON.stringify(fjson));
    expect(importFixture('functional-breast-cancer', false, dir).layers).toEqual(functional.layers);
  });
});

describe('TF.js import errors', () => {
  it('an unsupported layer', () => {
    expectFirmnetError(() => importFixture('unsupported-layer'), 'UNSUPPORTED', "unsupported-layer/model.json: layer 'elu' (ELU) is not supported; firmnet imports TF.js layers models made of InputLayer, Dense");
  });

  it('a branching functional model', () => {
    expectFirmnetError(() => importFixture('branching-functional'), 'UNSUPPORTED', "the model branches after layer 'x', which feeds 'left' (Dense) and 'right' (Dense)");
  });

  it('quantized (non-float32) weights', () => {
    expectFirmnetError(() => importFixture('quantized-weights'), 'UNSUPPORTED', "weight 'fc/kernel' is stored quantized (uint8");
  });

  it('a truncated shard, a missing shard, a truncated model.json', () => {
    expectFirmnetError(() => importFixture('truncated-shard'), 'BAD_TFJS', "hold 212 bytes, but weight 'fc2/kernel' needs bytes 160–224; a shard is truncated");
    const dir = join(scratch, 'broken');
    cpSync(join(TFJS_FIXTURES, 'functional-breast-cancer'), join(dir, 'missing'), { recursive: true });
    rmSync(join(dir, 'missing', 'group1-shard2of2.bin'));
    expectFirmnetError(() => importFixture('missing', false, dir), 'BAD_TFJS', "weight file 'group1-shard2of2.bin' listed in weightsManifest[0].paths[1] cannot be read (file not found); keep the .bin shards next to model.json");
    cpSync(join(TFJS_FIXTURES, 'sequential-iris'), join(dir, 'cut'), { recursive: true });
    const text = readFileSync(join(dir, 'cut', 'model.json'), 'utf8');
    writeFileSync(join(dir, 'cut', 'model.json'), text.slice(0, text.length / 2));
    expectFirmnetError(() => importFixture('cut', false, dir), 'BAD_TFJS', 'is not valid JSON');
  });

  it('an unsupported activation, a graph model, a firmnet model', () => {
    const dir = join(scratch, 'variants');
    for (const [name, edit] of [
      ['elu', (j: { modelTopology: { config: { layers: { config: { activation?: string } }[] } } }) => void (j.modelTopology.config.layers[0].config.activation = 'elu')],
      ['graph', (j: Record<string, unknown>) => void (j.format = 'graph-model')],
      ['firmnet', (j: Record<string, unknown>) => void (j.format = 'firmnet.model')],
    ] as const) {
      cpSync(join(TFJS_FIXTURES, 'sequential-iris'), join(dir, name), { recursive: true });
      const path = join(dir, name, 'model.json');
      const json = JSON.parse(readFileSync(path, 'utf8'));
      (edit as (j: unknown) => void)(json);
      writeFileSync(path, JSON.stringify(json));
    }
    expectFirmnetError(() => importFixture('elu', false, dir), 'UNSUPPORTED', "layer 'dense_Dense1' (Dense) uses activation 'elu'; firmnet supports linear, relu, relu6, sigmoid, tanh, gelu (erf), gelu_new (tanh approximation) and softmax");
    expectFirmnetError(() => importFixture('graph', false, dir), 'BAD_TFJS', 'is a TF.js graph model');
    expectFirmnetError(() => importFixture('firmnet', false, dir), 'BAD_TFJS', 'is already a firmnet model file');
  });
});

import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../compiler/data/dataset.js';
import { writeFileAtomic } from '../../compiler/io/atomic-write.js';
import type { FloatModel } from '../../compiler/model/float-model.js';
import { loadModel, modelToJson, parseModelText, saveModel } from '../../compiler/model/model-file.js';
import { shortestFloat32 } from '../../compiler/float32.js';
import { DEFAULT_OPTIMIZER } from '../../compiler/nn/optimizers.js';
import { DEFAULT_SCHEDULE } from '../../compiler/nn/schedules.js';
import { trainModel } from '../../compiler/train/train.js';
import { FIRMNET_VERSION } from '../../compiler/version.js';
import { expectFirmnetError } from '../helpers/firmnet-error.js';
import { predictFloat } from '../../compiler/inference/float-inference.js';

const dir = mkdtempSync(join(tmpdir(), 'firmnet-model-'));
const data = loadDataset('models/data/iris/train.csv', { task: 'multiclass', labelColumns: ['label'] });
const { model } = trainModel(
  data,
  {
    task: 'multiclass',
    architecture: { hidden: [8], activation: { type: 'relu' }, outputActivation: null, batchNorm: true, dropout: 0.1, init: 'auto' },
    loss: null,
    optimizer: DEFAULT_OPTIMIZER,
    learningRate: 1e-2,
    schedule: DEFAULT_SCHEDULE,
    clipNorm: 1,
    epochs: 3,
    batchSize: 16,
    validationSplit: 0.2,
    earlyStopping: null,
    standardize: true,
    seed: 1,
  },
  'iris',
);

describe('model file', () => {
  it('round-trips exactly: loading and saving gives the same bytes and the same outputs', () => {
    const file = join(dir, 'm.json');
    saveModel(file, model);
    const loaded = loadModel(file);
    expect(modelToJson(loaded)).toBe(readFileSync(file, 'utf8'));
    expect(predictFloat(loaded, data.features, data.rows).logits).toEqual(predictFloat(model, data.features, data.rows).logits);
  });

  it('finds the shortest round-tripping decimal exactly as trying 1, 2, … 9 digits in turn does', () => {
    const tryEach = (f: number): number => {
      for (let p = 1; p < 9; p++) if (Math.fround(Number(f.toPrecision(p))) === f) return Number(f.toPrecision(p));
      return Number(f.toPrecision(9));
    };
    const bits = new Uint32Array(1);
    const asFloat = new Float32Array(bits.buffer);
    let state = 12345;
    for (let i = 0; i < 10_000; i++) {
      state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
      bits[0] = state;
      // Every exponent from the bit patterns, and weight-like magnitudes with short decimals.
      for (const f of [asFloat[0], Math.fround((state / 2 ** 32 - 0.5) * 10 ** ((i % 12) - 6)), Math.fround(Math.round(state / 2 ** 20) / 1000)]) {
        if (Number.isFinite(f) && f !== 0) expect(shortestFloat32(f)).toBe(tryEach(f));
      }
    }
    // Every power of two and its neighbours, normal and subnormal, both signs: the only floats whose
    // rounding interval is lopsided, where a longer decimal could fail where a shorter one worked.
    for (let e = 0; e < 255; e++) {
      for (const mantissa of [0, 1, 0x7fffff]) {
        for (const sign of [0, 1]) {
          bits[0] = ((sign << 31) | (e << 23) | mantissa) >>> 0;
          const f = asFloat[0];
          if (f !== 0) expect(shortestFloat32(f)).toBe(tryEach(f));
        }
      }
    }
  });

  it('stores float32 weights exactly with the shortest decimal', () => {
    for (const v of [0.1, 1 / 3, -2.5e-8, 3.4e38, 123456.789]) {
      const f = Math.fround(v);
      expect(Math.fround(shortestFloat32(f))).toBe(f);
      expect(String(shortestFloat32(f)).replace(/[-.]|e.*$/g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(9);
    }
  });

  it('rejects another format version with a clear message', () => {
    const file = join(dir, 'v2.json');
    writeFileSync(file, modelToJson({ ...model, version: 2 as 1 }));
    expect(() => loadModel(file)).toThrow(`${file}: model format version 2 is not supported by this firmnet (it reads version 1); upgrade firmnet`);
  });

  it('rejects corrupt, truncated and inconsistent files naming the field', () => {
    const truncated = join(dir, 'truncated.json');
    writeFileSync(truncated, modelToJson(model).slice(0, 200));
    expect(() => loadModel(truncated)).toThrow(/is not valid JSON .* was it written completely\?/);

    const dense = model.layers[0];
    if (dense.type !== 'dense') throw new Error('expected dense first');
    const shortWeights = join(dir, 'short.json');
    writeFileSync(shortWeights, modelToJson({ ...model, layers: [{ ...dense, weights: dense.weights.slice(1) }, ...model.layers.slice(1)] }));
    expect(() => loadModel(shortWeights)).toThrow(`${shortWeights}: layers[0].weights: has ${dense.weights.length - 1} entries, expected ${dense.weights.length}`);

    const badType = join(dir, 'type.json');
    writeFileSync(badType, modelToJson({ ...model, layers: [{ type: 'conv2d' } as never] }));
    expect(() => loadModel(badType)).toThrow(/layers\[0\]\.type: expected one of 'dense', .* got 'conv2d'/);

    const notModel = join(dir, 'other.json');
    writeFileSync(notModel, '{"hello": 1}');
    expect(() => loadModel(notModel)).toThrow(`${notModel}: format: expected 'firmnet.model', got undefined`);
  });

  it('rejects numbers a float32 network cannot compute with, naming the JSON path', () => {
    const file = 'model.json';
    const parse = (m: FloatModel): unknown => parseModelText(modelToJson(m), file);
    const std = model.inputStandardization!.std;
    for (const tiny of [1e-45, 1e-39, 0]) {
      expectFirmnetError(
        () => parse({ ...model, inputStandardization: { ...model.inputStandardization!, std: [std[0], tiny, ...std.slice(2)] } }),
        'BAD_MODEL_FILE',
        `${file}: inputStandardization.std[1]: must be a positive normal float32 (at least 1.1754944e-38), got ${tiny}`,
      );
    }
    const dense = model.layers[0];
    if (dense.type !== 'dense') throw new Error('expected dense first');
    const huge = [...dense.weights.slice(0, 3), 1e39, ...dense.weights.slice(4)];
    expectFirmnetError(() => parse({ ...model, layers: [{ ...dense, weights: huge }, ...model.layers.slice(1)] }), 'BAD_MODEL_FILE', `${file}: layers[0].weights[3]: 1e+39 is outside the float32 range`);
    const k = model.layers.findIndex((l) => l.type === 'batchnorm');
    const bn = model.layers[k];
    if (bn.type !== 'batchnorm') throw new Error('expected a batchnorm layer');
    const zeroVar = { ...bn, eps: 0, runningVar: bn.runningVar.map((v, i) => (i === 2 ? 0 : v)) };
    expectFirmnetError(() => parse({ ...model, layers: model.layers.map((l, i) => (i === k ? zeroVar : l)) }), 'BAD_MODEL_FILE', `${file}: layers[${k}].runningVar[2]: runningVar + eps is 0`);
    // The same model with a valid std still loads.
    expect(parse(model)).toEqual(model);
  });

  it('writes atomically: a failed write leaves what was there and no temporary file', () => {
    const file = join(dir, 'atomic.json');
    writeFileAtomic(file, 'old');
    writeFileAtomic(file, 'new');
    expect(readFileSync(file, 'utf8')).toBe('new');
    // Renaming over a directory fails after the temporary file is complete.
    const blocked = join(dir, 'blocked');
    mkdirSync(join(blocked, 'child'), { recursive: true });
    expect(() => writeFileAtomic(blocked, 'content')).toThrow();
    expect(readdirSync(blocked)).toEqual(['child']);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('version constant matches package.json', () => {
    expect(JSON.parse(readFileSync('package.json', 'utf8')).version).toBe(FIRMNET_VERSION);
  });
});

describe('JSON documents are read only from regular files', () => {
  // A model, IR or project path naming a device or a pipe used to be read until it ended: /dev/zero never does.
  it('refuses /dev/zero and a directory at once, naming the file', () => {
    expectFirmnetError(() => loadModel('/dev/zero'), 'BAD_MODEL_FILE', '/dev/zero is not a regular file (a device)');
    expectFirmnetError(() => loadModel(dir), 'BAD_MODEL_FILE', `${dir} is not a regular file (a directory)`);
  });
});

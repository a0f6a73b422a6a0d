/**
 * TF.js cases: a layers-model folder (model.json + weight shards) with its JSON mutated (topology,
 * inbound nodes, weight specs, layer names), its shards damaged, or its manifest paths pointed where
 * no shard should come from: outside the model folder, at a device, through a symlink, at a FIFO or
 * a folder. Then import, calibrate, quantize and emit.
 */
import type { Rng } from '../../../compiler/rng.js';
import type { CaseFile } from '../fuzz-case.js';
import { chance, pick, weighted } from '../mutate/choose.js';
import { mutateBytes } from '../mutate/bytes.js';
import { hostileName } from '../mutate/hostile-values.js';
import { type JsonValue, locationsByKey, setAt } from '../mutate/json-tree.js';
import type { TfjsSeed } from '../seeds.js';
import { type Generated, type GeneratorInput, bytesFile, cli, deepSteps, emitCStep, quantizeStep, textFile } from './common.js';
import { type TargetedMutation, finishDocument, mutateDocument, setField } from './json-document.js';

const OUTSIDE = 'a weight shard outside the model folder';
const NOT_REGULAR = 'a weight shard that is not a regular file';
const CYCLE = 'the layers form a cycle';

type Json = { [key: string]: JsonValue };

const TFJS_MUTATIONS: TargetedMutation[] = [
  setField(['units'], 2, (rng) => pick(rng, [0, -1, 1e9, 2 ** 31, 1.5, '8'])),
  setField(['batch_input_shape', 'batchInputShape', 'batch_shape'], 2, (rng) => pick<JsonValue>(rng, [[null, 0], [null, -3], [null, 2 ** 31], [null, 2, 3], [null], [4], 'x', [null, null], [null, 1e15, 1e15]])),
  setField(['activation'], 1.5, (rng) => pick(rng, ['relu', 'relu6', 'softmax', 'gelu', 'gelu_new', 'swish', 'elu', '', 'linear'])),
  setField(['class_name'], 1.5, (rng) => pick(rng, ['Dense', 'Activation', 'Dropout', 'Flatten', 'BatchNormalization', 'LeakyReLU', 'InputLayer', 'Conv2D', 'Sequential', 'Model', 'Functional', 'Lambda'])),
  setField(['rate', 'alpha', 'momentum', 'epsilon', 'negative_slope'], 1.5, (rng) => pick<JsonValue>(rng, [-1, 0, 1, 2, 1e308, 1e-45, 'x', null])),
  setField(['axis'], 0.5, (rng) => pick<JsonValue>(rng, [0, 1, 2, -2, [1, 2], 'x'])),
  setField(['shape'], 2, (rng) => pick<JsonValue>(rng, [[0], [-1, 4], [2 ** 31, 2 ** 31], [1e9], [], [1, 1, 1, 1], [4, 16, 1]])),
  setField(['dtype'], 1, (rng) => pick(rng, ['float32', 'float16', 'int32', 'uint8', 'bool', 'string', ''])),
  setField(['name'], 2, (rng) => hostileName(rng)),
  setField(['quantization'], 0.5, (rng) => pick<JsonValue>(rng, [{ dtype: 'uint8', scale: 0.1, min: -1 }, { dtype: 'float16' }, 'x'])),
  setField(['inbound_nodes'], 1, (rng) => pick<JsonValue>(rng, [[null], [[null]], [], [[['missing_layer', 0, 0, {}]]], [[[null, 0, 0, {}]]], [{ args: [null] }], [{ args: [{ config: { keras_history: [] } }] }], null, 'x'])),
  setField(['input_layers', 'output_layers'], 1, (rng) => pick<JsonValue>(rng, [[], [['missing', 0, 0]], [[null, 0, 0]], [[]], 'x', [1]])),
  { weight: 2, apply: renameLayerEverywhere },
  { weight: 1, rejects: CYCLE, apply: makeCycle },
];

export function generateTfjs({ rng, seeds, deep }: GeneratorInput): Generated {
  const seed = pickImportable(rng, seeds.tfjs);
  const modelJson = seed.files.find((f) => f.path === 'model.json')!;
  const shards = seed.files.filter((f) => f.path.endsWith('.bin'));
  const sidecar = seed.files.find((f) => f.path === 'preprocessing.json');
  const doc = mutateDocument(rng, Buffer.from(modelJson.bytes).toString('utf8'), TFJS_MUTATIONS, { rejectShare: 0.06 });
  const mutations = doc.mutations;
  let pathWhy: string | null = null;
  const files: CaseFile[] = shards.map((s) => bytesFile(`model/${s.path}`, s.bytes));
  if (sidecar) files.push(bytesFile('model/preprocessing.json', sidecar.bytes));

  if (chance(rng, 0.3) && shards.length > 0) {
    pathWhy = mutatePaths(rng, doc.root, files, shards, mutations);
  }
  if (chance(rng, 0.2) && shards.length > 0) {
    const i = rng.int(files.length);
    const f = files[i];
    if (f.type === 'file' && f.path.endsWith('.bin')) {
      const m = chance(rng, 0.3) ? nanFloats(rng, f.bytes) : mutateBytes(rng, f.bytes);
      files[i] = { ...f, bytes: m.bytes };
      mutations.push(`${f.path}: ${m.description}`);
    }
  }
  files.unshift(textFile('model/model.json', finishDocument(rng, doc)));
  const mustReject = pathWhy ?? doc.mustReject;

  const importArgs = ['import', chance(rng, 0.2) ? '{dir}/model' : '{dir}/model/model.json', '--out', '{dir}/model.json'];
  if (sidecar) importArgs.push('--preprocessing', '{dir}/model/preprocessing.json');
  return {
    origin: `test/fixtures/tfjs/${seed.name}`,
    mutations,
    files,
    steps: [cli(importArgs), { type: 'calibration-csv', model: '{dir}/model.json', out: '{dir}/calib.csv', rows: 32, seed: rng.nextUint32() }, quantizeStep('{dir}/model.json', '{dir}/calib.csv'), emitCStep(), ...(deep ? deepSteps(rng) : [])],
    mustReject,
  };
}

function pickImportable(rng: Rng, seeds: TfjsSeed[]): TfjsSeed {
  const good = seeds.filter((s) => ['functional-breast-cancer', 'sequential-iris', 'sequential-ops'].includes(s.name));
  return chance(rng, 0.85) && good.length > 0 ? pick(rng, good) : pick(rng, seeds);
}

/** Points one manifest path somewhere a shard must not come from; returns why the file must be refused, if it must. */
function mutatePaths(rng: Rng, root: JsonValue, files: CaseFile[], shards: { path: string; bytes: Uint8Array }[], mutations: string[]): string | null {
  // The manifest's own paths: a copy of a manifest group elsewhere in the file is not read.
  const found = locationsByKey(root, ['paths']).filter((l) => /^\$\.weightsManifest\[\d+\]\.paths$/.test(l.path) && Array.isArray(l.value) && l.value.length > 0);
  if (found.length === 0) return null;
  const loc = pick(rng, found);
  const paths = loc.value as JsonValue[];
  const k = rng.int(paths.length);
  const shard = shards.find((s) => s.path === paths[k]) ?? shards[0];
  const replaceShard = (file: CaseFile): void => {
    const i = files.findIndex((f) => f.path === `model/${shard.path}`);
    if (i >= 0) files[i] = file;
    else files.push(file);
  };
  const how = weighted(rng, [
    ['outside', 3],
    ['device', 1],
    ['absolute', 1],
    ['symlink-outside', 2],
    ['symlink-device', 1],
    ['symlink-inside', 1],
    ['fifo', 0.3],
    ['folder', 1],
    ['empty', 0.5],
    ['inside-dotdot', 1],
    ['long', 0.5],
    ['duplicate', 1],
    ['missing', 1],
  ] as const);
  let why: string | null = null;
  switch (how) {
    case 'outside':
      // The exact shard, one folder up: importing it works unless the path is confined.
      files.push(bytesFile(`outside/${shard.path}`, shard.bytes));
      paths[k] = `../outside/${shard.path}`;
      why = OUTSIDE;
      break;
    case 'device':
      paths[k] = `${'../'.repeat(40)}dev/zero`;
      why = NOT_REGULAR;
      break;
    case 'absolute':
      paths[k] = pick(rng, ['/dev/zero', '/etc/hostname', '/proc/self/environ']);
      why = OUTSIDE;
      break;
    case 'symlink-outside':
      files.push(bytesFile(`outside/${shard.path}`, shard.bytes));
      replaceShard({ path: `model/${shard.path}`, type: 'symlink', target: `../outside/${shard.path}` });
      why = OUTSIDE;
      break;
    case 'symlink-device':
      replaceShard({ path: `model/${shard.path}`, type: 'symlink', target: '/dev/zero' });
      why = NOT_REGULAR;
      break;
    case 'symlink-inside':
      files.push(bytesFile(`model/real-${shard.path}`, shard.bytes));
      replaceShard({ path: `model/${shard.path}`, type: 'symlink', target: `real-${shard.path}` });
      break;
    case 'fifo':
      replaceShard({ path: `model/${shard.path}`, type: 'fifo' });
      why = NOT_REGULAR;
      break;
    case 'folder':
      files.push(textFile('model/sub/readme.txt', 'a folder, not a shard\n'));
      paths[k] = pick(rng, ['.', 'sub', 'sub/']);
      why = NOT_REGULAR;
      break;
    case 'empty':
      paths[k] = '';
      why = NOT_REGULAR;
      break;
    case 'inside-dotdot':
      files.push(textFile('model/sub/readme.txt', 'x\n'));
      paths[k] = `sub/../${shard.path}`;
      break;
    case 'long':
      paths[k] = `${'a/'.repeat(3000)}${shard.path}`;
      break;
    case 'duplicate':
      paths.push(paths[k]);
      break;
    default:
      paths[k] = 'group9-shard9of9.bin';
  }
  setAt(loc, paths);
  const shown = String(paths[k]).replace(/^(\.\.\/){3,}/, (m) => `../×${m.length / 3} `);
  mutations.push(`${loc.path}[${k}]: ${how} (${JSON.stringify(shown.length > 48 ? `${shown.slice(0, 48)}…` : shown)})`);
  return why;
}

/** A layer renamed in its config and in every weight name, so the import gets past the lookup with the new name. */
function renameLayerEverywhere(rng: Rng, root: JsonValue): string | null {
  const layers = locationsByKey(root, ['config']).filter((l) => l.value !== null && typeof l.value === 'object' && !Array.isArray(l.value) && typeof (l.value as Json).name === 'string' && (l.value as Json).units !== undefined);
  if (layers.length === 0) return null;
  const config = pick(rng, layers).value as Json;
  const old = config.name as string;
  const name = hostileName(rng);
  for (const w of locationsByKey(root, ['name'])) {
    if (w.value === old) setAt(w, name);
    else if (typeof w.value === 'string' && w.value.startsWith(`${old}/`)) setAt(w, `${name}${w.value.slice(old.length)}`);
  }
  for (const n of locationsByKey(root, ['inbound_nodes'])) replaceStrings(n.value, old, name);
  for (const n of locationsByKey(root, ['input_layers', 'output_layers'])) replaceStrings(n.value, old, name);
  return `layer '${old}' renamed to ${JSON.stringify(name.slice(0, 24))} everywhere`;
}

function replaceStrings(v: JsonValue, from: string, to: string): void {
  if (!Array.isArray(v)) return;
  v.forEach((x, i) => {
    if (x === from) v[i] = to;
    else replaceStrings(x, from, to);
  });
}

/** In a functional model, an earlier layer's inbound node names a later layer. */
function makeCycle(rng: Rng, root: JsonValue): string | null {
  const layers = locationsByKey(root, ['inbound_nodes']).filter((l) => Array.isArray(l.value) && l.value.length > 0);
  if (layers.length < 2) return null;
  const i = rng.int(layers.length - 1);
  const later = layers[i + 1 + rng.int(layers.length - i - 1)];
  const laterName = ((later.parent as Json).config as Json | undefined)?.name ?? (later.parent as Json).name;
  if (typeof laterName !== 'string') return null;
  setAt(layers[i], [[[laterName, 0, 0, {}]]]);
  return `${layers[i].path} names the later layer '${laterName}' (cycle)`;
}

function nanFloats(rng: Rng, bytes: Uint8Array): { bytes: Uint8Array; description: string } {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  const value = pick(rng, [NaN, Infinity, -Infinity, 3.4e38, 1e-45]);
  for (let i = 0; i + 4 <= out.length; i += 4 * (1 + rng.int(5))) view.setFloat32(i, value, true);
  return { bytes: out, description: `floats set to ${value}` };
}

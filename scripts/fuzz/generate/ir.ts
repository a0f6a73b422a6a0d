/**
 * Quantized IR cases (model.q.json): an IR firmnet wrote, mutated and — most of the time — given
 * fresh content hashes, because the hashes are checksums anyone can recompute, not signatures. Then
 * emitted as C (and, for a few cases, as WebAssembly and simulated).
 */
import { contentHash } from '../../../compiler/io/content-hash.js';
import { chance, pick } from '../mutate/choose.js';
import { hostileName } from '../mutate/hostile-values.js';
import { type JsonValue, RawToken, hostileNumber, jsonText } from '../mutate/json-tree.js';
import { type Generated, type GeneratorInput, deepSteps, emitCStep, textFile } from './common.js';
import { type TargetedMutation, finishDocument, mutateDocument, setField } from './json-document.js';

const IR_MUTATIONS: TargetedMutation[] = [
  setField(['name', 'featureNames', 'classNames', 'labelColumns'], 4, (rng) => hostileName(rng)),
  setField(['scale', 'weightScales'], 2, (rng) => pick<JsonValue>(rng, [1e-45, 5e-324, 1e-30, 1e30, 3.5e38, 0, -1, new RawToken('1e999')])),
  setField(['zeroPoint', 'activationMin', 'activationMax'], 1.5, (rng) => pick(rng, [-129, 128, 127, -128, 32767, 0.5, -32768])),
  setField(['features', 'inFeatures', 'outFeatures'], 2, (rng) => pick(rng, [0, 1, 2, 1e9, 2 ** 31, 65537, -3])),
  setField(['multiplier'], 1.5, (rng) => pick(rng, [0, 1, 2 ** 31 - 1, 2 ** 31, -1, 2 ** 30])),
  setField(['shift', 'shiftIdentity', 'shiftAlpha'], 1.5, (rng) => pick(rng, [-31, -32, 30, 31, 7, 8, 63])),
  setField(['weights'], 1, (rng) => pick(rng, [127, -127, -128, 128, 0.5])),
  setField(['bias'], 1, (rng) => pick(rng, [2 ** 31 - 1, -(2 ** 31), 2 ** 31, 2 ** 47 - 1, 2 ** 47])),
  setField(['table', 'expTable'], 1, (rng) => pick(rng, [0, 32768, 32767, -1, 65536, 127, -128])),
  setField(['dtype'], 1, (rng) => pick(rng, ['int8', 'int16', 'int32', 'uint8'])),
  setField(['op', 'activation', 'function', 'weightGranularity'], 1, (rng) => pick(rng, ['fully_connected', 'lut', 'softmax', 'leaky_relu', 'relu', 'relu6', 'none', 'sigmoid', 'gelu', 'per_tensor', 'conv'])),
  setField(['alpha', 'rangeMin', 'rangeMax', 'percentile', 'threshold'], 1, (rng) => hostileNumber(rng)),
  setField(['sourceLayers', 'rows', 'floatLayers'], 0.5, (rng) => pick(rng, [0, -1, 1e9, 2 ** 53])),
];

export function generateIr({ rng, seeds, deep }: GeneratorInput): Generated {
  const seed = pick(rng, seeds.models);
  const ir = pick(rng, seed.irs);
  const doc = mutateDocument(rng, ir.text, IR_MUTATIONS);
  if (chance(rng, 0.8) && reseal(doc.root)) doc.mutations.push('hashes recomputed');
  const text = finishDocument(rng, doc);
  return {
    origin: `${ir.name} (quantized by firmnet)`,
    mutations: doc.mutations,
    files: [textFile('model.q.json', text)],
    steps: [emitCStep(), ...(deep ? deepSteps(rng) : [])],
    mustReject: doc.mustReject,
  };
}

/**
 * Recomputes the layer hashes and the model hash the way the reader checks them: over the values as
 * JSON.parse sees the file (so `1e999` counts as Infinity). False when the document is too odd to hash.
 */
export function reseal(root: JsonValue): boolean {
  if (root === null || typeof root !== 'object' || Array.isArray(root) || root instanceof RawToken) return false;
  try {
    const parsed = JSON.parse(jsonText(root)) as { layers?: unknown; hash?: unknown };
    const layers = root.layers;
    if (Array.isArray(layers) && Array.isArray(parsed.layers)) {
      layers.forEach((layer, i) => {
        const seen = (parsed.layers as unknown[])[i];
        if (layer !== null && typeof layer === 'object' && !Array.isArray(layer) && !(layer instanceof RawToken) && seen !== null && typeof seen === 'object') {
          const hash = contentHash(seen as object);
          layer.hash = hash;
          (seen as { hash: string }).hash = hash;
        }
      });
    }
    root.hash = contentHash(parsed);
    return true;
  } catch {
    // Nested too deep for the recursive canonical JSON: the reader will say so, not the harness.
    return false;
  }
}

/**
 * The IR is untrusted: its names must reach model.wasm only inside the JSON of its provenance
 * section, and model.mjs and model.d.mts only as escaped comment text and exact string literals. The loader must import, give
 * back every name unchanged, and compute what the golden reference computes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildWasm } from '../../compiler/emit/wasm/emit-wasm.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { HOSTILE_COMMAND, HOSTILE_MODEL_NAME, hostileQModel } from '../helpers/hostile-names.js';
import { loadVectors } from '../helpers/vectors.js';
import { emitAndLoad, removeDir, tempDir } from './wasm-helpers.js';

const vector = loadVectors().find((v) => v.name === 'digits-leaky-per-tensor');
if (!vector) throw new Error('vector missing');
const q = hostileQModel(vector.qmodel);
const dir = tempDir('hostile');
afterAll(() => removeDir(dir));

/** Printable ASCII, tabs and line breaks, and the few non-ASCII characters of firmnet's own text. */
const PLAIN_TEXT = /^[\x20-\x7e\n\t—→×]*$/;

describe.each([true, false])('a hostile-names IR as WebAssembly (simd %s)', (simd) => {
  it('imports, returns every name unchanged and matches the golden reference', async () => {
    const out = join(dir, String(simd));
    const { model } = await emitAndLoad(q, out, simd);
    const loader = model as typeof model & { classNames: readonly string[]; featureNames: readonly string[] };
    expect(loader.name).toBe(HOSTILE_MODEL_NAME);
    expect(loader.classNames).toEqual(q.classNames);
    expect(loader.featureNames).toEqual(q.featureNames);
    const rows = 8;
    const features = Float32Array.from({ length: rows * q.featureNames.length }, (_, i) => ((i * 7919) % 17) - 8);
    expect(Array.from(model.predictDetailed(features, rows).output)).toEqual(Array.from(predictQuantized(q, features, rows).output));
    for (const f of ['model.mjs', 'model.d.mts']) expect(readFileSync(join(out, f), 'utf8'), f).toMatch(PLAIN_TEXT);
  });
});

it('writes names into model.wasm only as the JSON text of its firmnet section', async () => {
  const { wasm } = await buildWasm(q, { command: HOSTILE_COMMAND });
  const sections = WebAssembly.Module.customSections(new WebAssembly.Module(new Uint8Array(wasm)), 'firmnet');
  expect(sections).toHaveLength(1);
  const provenance = new TextDecoder().decode(sections[0]);
  expect(JSON.parse(provenance)).toMatchObject({ model: HOSTILE_MODEL_NAME, command: HOSTILE_COMMAND });
  // The JSON text is the only place the model name's bytes occur in the module.
  const text = Buffer.from(wasm).toString('latin1');
  const name = Buffer.from(JSON.stringify(HOSTILE_MODEL_NAME).slice(1, -1), 'utf8').toString('latin1');
  expect(text.split(name).length - 1).toBe(1);
});

/**
 * TypeScript finds the emitted loader's types: a small consumer importing `./model/model.mjs`
 * type-checks under the module resolutions current projects use (TS7016 when the declaration is not
 * the `.d.mts` TypeScript looks for next to an `.mjs`), with the project's own TypeScript. The model
 * carries hostile names, so the declaration file must also parse whatever the IR says.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { emitWasm } from '../../compiler/emit/wasm/emit-wasm.js';
import { hostileQModel } from '../helpers/hostile-names.js';
import { loadVectors } from '../helpers/vectors.js';
import { removeDir, tempDir } from './wasm-helpers.js';

const run = promisify(execFile);
const TSC = resolve('node_modules/typescript/bin/tsc');
const dir = tempDir('tsc');
afterAll(() => removeDir(dir));

const CONSUMER = `import { classNames, createInstance, inputFeatures, name, outputFeatures, predict, predictBatch, predictQuantized, sizes } from './model/model.mjs';

const features = new Float32Array(inputFeatures);
const scores: Float32Array = predict(features);
const batch: Float32Array = predictBatch(new Float32Array(2 * inputFeatures), 2);
const codes: Int8Array = predictQuantized(new Int8Array(inputFeatures));
const width: 10 = outputFeatures;
const label: string = classNames[0] ?? name;
const bytes: number = sizes.wasmBytes + createInstance().predict(features).length;
// The declarations are real, not 'any': these lines must be type errors.
// @ts-expect-error predict takes numbers
predict('features');
// @ts-expect-error the output is int8 codes, not float
const wrong: Float32Array = predictQuantized(new Int8Array(inputFeatures));
export { batch, bytes, codes, label, scores, width, wrong };
`;

beforeAll(async () => {
  const vector = loadVectors().find((v) => v.name === 'digits-leaky-per-tensor');
  if (!vector) throw new Error('vector missing');
  await emitWasm(hostileQModel(vector.qmodel), join(dir, 'model'), { simd: false });
  writeFileSync(join(dir, 'consumer.mts'), CONSUMER);
});

it.each([
  ['nodenext', 'nodenext'],
  ['node16', 'node16'],
  ['esnext', 'bundler'],
])('type-checks a consumer with module %s, moduleResolution %s', async (module, moduleResolution) => {
  const project = join(dir, `tsconfig.${moduleResolution}.json`);
  const compilerOptions = { module, moduleResolution, target: 'es2022', lib: ['es2022', 'dom'], strict: true, noEmit: true, skipDefaultLibCheck: true, types: [] };
  writeFileSync(project, JSON.stringify({ compilerOptions, files: ['consumer.mts'] }));
  const result = await run(process.execPath, [TSC, '-p', project], { cwd: dir }).catch((e: { stdout: string; stderr: string }) => e);
  expect(`${result.stdout}${result.stderr}`).toBe('');
});

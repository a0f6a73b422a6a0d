/**
 * The generated C, compiled on the host, against the golden reference: every committed test vector
 * (integer path, and the float quantization path where the vector has float input), dense layers of
 * awkward shapes (test/c/dense-shapes.ts) and every row of each bundled test set, once under strict
 * warnings (zero allowed) and once under ASan + UBSan with every report fatal. One harness process per
 * model, not per row. The host runs the kernels' vector-host loops, and on the awkward shapes also the
 * portable loops; test/c/on-target.test.ts runs the Cortex-M DSP and Thumb-1 renderings under QEMU.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { runModel } from '../../compiler/reference/interpreter.js';
import { quantizeInput } from '../../compiler/reference/io.js';
import type { QModel } from '../../compiler/ir/qmodel.js';
import { ARCHITECTURE_OPTIONS } from '../../compiler/ops/float-layers.js';
import { QUANTIZED_OPS } from '../../compiler/ops/quantized-ops.js';
import { BUNDLED_MODELS, type BundledVariant } from '../../scripts/code-size/bundled-models.js';
import { bundledModel } from '../helpers/bundled-models.js';
import { loadVectors } from '../helpers/vectors.js';
import { awkwardDenseCases } from './dense-shapes.js';
import {
  SANITIZE_FLAGS,
  STRICT_FLAGS,
  buildHarness,
  decodeCodes,
  decodeFloatRun,
  emitForHarness,
  encodeCodes,
  firstDifferences,
  floatBytes,
  removeDir,
  runHarness,
  tempDir,
} from './c-build.js';

interface Flavor {
  name: string;
  flags: string[];
}

const FLAVORS: Flavor[] = [
  { name: 'strict', flags: STRICT_FLAGS },
  { name: 'asan+ubsan', flags: SANITIZE_FLAGS },
];

/** The pointer loops that RISC-V and Cortex-M3 compile, forced on the host to run them under its sanitizers. */
const PORTABLE_LOOPS_FLAVOR: Flavor = { name: 'portable-loops+asan+ubsan', flags: [...SANITIZE_FLAGS, '-DFIRMNET_PORTABLE_LOOPS'] };

let root: string;
beforeAll(() => {
  root = tempDir('bitexact');
});
afterAll(() => removeDir(root));

/** Builds the harness for q in each flavor; returns the executables. Asserts zero compiler output. */
async function buildBoth(q: QModel, label: string, flavors: Flavor[] = FLAVORS): Promise<{ name: string; exe: string }[]> {
  const dir = `${root}/${label}`;
  emitForHarness(q, dir);
  const builds = await Promise.all(flavors.map((f) => buildHarness(dir, f.flags, `harness-${f.name.replaceAll('+', '-')}`)));
  builds.forEach((b, i) => expect(b.stderr, `${label}: ${flavors[i].name} build printed diagnostics`).toBe(''));
  return builds.map((b, i) => ({ name: flavors[i].name, exe: b.exe }));
}

/** Integer path: input codes → invoke (caller-owned buffers) → output codes, compared with `expected`. */
async function checkIntegerPath(q: QModel, exe: string, input: ArrayLike<number>, expected: ArrayLike<number>, label: string): Promise<void> {
  const inT = q.layers[0].input;
  const outT = q.layers[q.layers.length - 1].output;
  const r = await runHarness(exe, 'int', encodeCodes(inT.dtype, input));
  expect(r.stderr, `${label}: sanitizer or runtime report`).toBe('');
  expect(r.status, label).toBe(0);
  const actual = decodeCodes(outT.dtype, r.stdout, 0, expected.length);
  expect(r.stdout.length, label).toBe(expected.length * (outT.dtype === 'int16' ? 2 : 1));
  expect(firstDifferences(actual, expected), `${label}: integer outputs differ`).toEqual([]);
}

describe('C backend on the committed test vectors', () => {
  for (const v of loadVectors()) {
    it(v.name, async () => {
      for (const build of await buildBoth(v.qmodel, v.name)) {
        const label = `${v.name} (${build.name})`;
        await checkIntegerPath(v.qmodel, build.exe, v.input, v.output, label);
        if (v.floatInput) {
          const r = await runHarness(build.exe, 'float', floatBytes(Float32Array.from(v.floatInput)));
          expect(r.stderr, label).toBe('');
          expect(r.status, label).toBe(0);
          const got = decodeFloatRun(v.qmodel, r.stdout, v.rows);
          expect(firstDifferences(got.input, v.input), `${label}: C quantize_input differs`).toEqual([]);
          expect(firstDifferences(got.output, v.output), `${label}: invoke on the arena buffers differs`).toEqual([]);
        }
      }
    });
  }
});

describe('C backend on dense layers of awkward shapes (every branch of the dot products)', () => {
  for (const c of awkwardDenseCases()) {
    it(c.name, async () => {
      const expected = runModel(c.qmodel, Int16Array.from(c.input), c.rows);
      const builds = await buildBoth(c.qmodel, c.name.replace(/[^a-z0-9]+/gi, '-'), [...FLAVORS, PORTABLE_LOOPS_FLAVOR]);
      for (const build of builds) await checkIntegerPath(c.qmodel, build.exe, c.input, expected, `${c.name} (${build.name})`);
    });
  }
});

function bundledDataset(data: string): (typeof BUNDLED_MODELS)[number] {
  const found = BUNDLED_MODELS.find((m) => m.dataset === data);
  if (!found) throw new Error(`no bundled data set '${data}' (have ${BUNDLED_MODELS.map((m) => m.dataset).join(', ')})`);
  return found;
}

/** The bundled models, plus variants that put the other ops and dtypes through whole test sets. */
const SET_MODELS: { label: string; dataset: (typeof BUNDLED_MODELS)[number]; variant: BundledVariant }[] = [
  ...BUNDLED_MODELS.map((dataset) => ({ label: `${dataset.dataset} (bundled)`, dataset, variant: {} })),
  { label: 'digits gelu, int16 hidden tensor', dataset: BUNDLED_MODELS[0], variant: { activation: { op: 'gelu', approximate: 'none' }, quantize: { int16: ['dense1'] } } },
  { label: 'breast-cancer tanh, sigmoid head in firmware', dataset: BUNDLED_MODELS[1], variant: { activation: { op: 'tanh' }, quantize: { headInFirmware: true } } },
  { label: 'iris all int16', dataset: BUNDLED_MODELS[2], variant: { quantize: { int16: ['all'] } } },
  { label: 'iris softmax head in firmware', dataset: BUNDLED_MODELS[2], variant: { quantize: { headInFirmware: true } } },
  { label: 'diabetes leaky_relu, per-tensor', dataset: BUNDLED_MODELS[3], variant: { activation: { op: 'leaky_relu', alpha: 0.1 }, quantize: { perChannel: false } } },
  // Each opt-in layer's own test sets (its architectureOption's testSets).
  ...ARCHITECTURE_OPTIONS.flatMap((option) =>
    option.testSets.map((t) => ({
      label: `${t.data} ${option.field}${t.int16 ? ', all int16' : ''}`,
      dataset: bundledDataset(t.data),
      variant: { [option.field]: true, quantize: t.int16 ? { int16: ['all'] } : {} } as BundledVariant,
    })),
  ),
  { label: 'digits, quantization-aware training', dataset: BUNDLED_MODELS[0], variant: { qatEpochs: 3 } },
];

describe('C backend on every row of the bundled test sets', () => {
  for (const m of SET_MODELS) {
    it(m.label, async () => {
      const { qmodel: q, test } = await bundledModel(m.dataset, m.variant);
      const golden = predictQuantized(q, test.features, test.rows);
      const input = quantizeInput(q, test.features, test.rows);
      expect(Array.from(runModel(q, input, test.rows))).toEqual(Array.from(golden.output));
      for (const build of await buildBoth(q, m.label.replace(/[^a-z0-9]+/gi, '-'))) {
        const label = `${m.label} (${build.name}), ${test.rows} rows`;
        await checkIntegerPath(q, build.exe, input, golden.output, label);
        const r = await runHarness(build.exe, 'float', floatBytes(test.features));
        expect(r.stderr, label).toBe('');
        expect(r.status, label).toBe(0);
        const got = decodeFloatRun(q, r.stdout, test.rows);
        expect(firstDifferences(got.input, input), `${label}: C quantize_input differs`).toEqual([]);
        expect(firstDifferences(got.output, golden.output), `${label}: outputs differ`).toEqual([]);
        if (q.head === 'identity') {
          // Dequantization (and regression un-standardization) are plain float32 steps: exact.
          expect(firstDifferences(got.scores, golden.scores), `${label}: predict() values differ`).toEqual([]);
        } else {
          // A softmax/sigmoid head in float32 (expf) vs the reference's float64: rounding differences only.
          let worst = 0;
          for (let i = 0; i < got.scores.length; i++) worst = Math.max(worst, Math.abs(got.scores[i] - golden.scores[i]));
          expect(worst, `${label}: predict() vs reference probabilities`).toBeLessThan(1e-6);
        }
      }
    });
  }
});

describe('C backend on every int16 input code', () => {
  // The vectors sweep the int16 knots and their neighbours; here every one of the 65,536 codes goes
  // through each int16 element-wise layer (interpolated tables, LeakyReLU) in C and in the reference.
  // Only element-wise ops take one code per feature; an op that mixes a row's features (dense, a
  // normalization) is checked on its vectors' rows elsewhere.
  const int16Vectors = loadVectors().filter((v) => v.qmodel.layers.length === 1 && v.qmodel.layers[0].input.dtype === 'int16' && QUANTIZED_OPS[v.qmodel.layers[0].op].elementwise);
  it('covers the int16 tables and LeakyReLU', () => {
    expect(int16Vectors.map((v) => v.qmodel.layers[0].op).sort()).toEqual(['leaky_relu', 'lut', 'lut']);
  });
  for (const v of int16Vectors) {
    it(v.name, async () => {
      const q = v.qmodel;
      const features = q.layers[0].input.features;
      const rows = Math.ceil(65536 / features);
      const input = new Int16Array(rows * features);
      for (let i = 0; i < input.length; i++) input[i] = (i % 65536) - 32768;
      const expected = runModel(q, input, rows);
      for (const build of await buildBoth(q, `${v.name}-all-codes`)) await checkIntegerPath(q, build.exe, input, expected, `${v.name} (${build.name}), all int16 codes`);
    });
  }
});

/**
 * The generated C on the target cores themselves, bit for bit against the golden reference. The host
 * builds (bit-exact.test.ts) run the kernels' portable loops; the Cortex-M4F/M7/M33 builds compile the
 * DSP rendering instead (SXTB16/SMLAD, unaligned word loads) and Cortex-M0+ the Thumb-1 one, which only
 * an emulator can run. Each core's image is built bare-metal at -Os exactly as the simulator's
 * measurements build it (firmware-sim/qemu/bare-metal.ts) and run under QEMU, which implements the DSP
 * instructions exactly: every committed test vector, dense layers of awkward shapes (test/c/dense-shapes.ts),
 * and bundled models on their whole test sets (one with an int16 hidden tensor).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { QModel } from '../../compiler/ir/qmodel.js';
import { quantizeInput } from '../../compiler/reference/io.js';
import { runModel } from '../../compiler/reference/interpreter.js';
import { missingTools, runBareMetalAsync } from '../../firmware-sim/qemu/bare-metal.js';
import { type CoreSpec, loadCores } from '../../firmware-sim/targets.js';
import { BUNDLED_MODELS, type BundledModelSpec, type BundledVariant } from '../../scripts/code-size/bundled-models.js';
import { bundledModel } from '../helpers/bundled-models.js';
import { execFileAsync } from '../helpers/child-process.js';
import { inParallel } from '../helpers/in-parallel.js';
import { loadVectors } from '../helpers/vectors.js';
import { firstDifferences, removeDir, tempDir } from './c-build.js';
import { awkwardDenseCases } from './dense-shapes.js';

/** The simulator's build (docs/c-backend.md, firmware-sim/measured/*): the kernels as users get them. */
const OPTIMIZATION = '-Os';

interface Case {
  name: string;
  qmodel: QModel;
  input: ArrayLike<number>;
  rows: number;
}

const vectors = loadVectors();
const shapes = awkwardDenseCases();
const cases: Case[] = [...vectors.map((v) => ({ name: `vector ${v.name}`, qmodel: v.qmodel, input: v.input, rows: v.rows })), ...shapes];

/** Bundled models on every test-set row, built lazily (training takes a few seconds, off this thread) and shared by the cores. */
const MODELS: { name: string; spec: BundledModelSpec; variant: BundledVariant }[] = [
  { name: 'digits (bundled), test set', spec: BUNDLED_MODELS[0], variant: {} },
  { name: 'digits gelu with an int16 hidden tensor, test set', spec: BUNDLED_MODELS[0], variant: { activation: { type: 'gelu', approximate: 'none' }, quantize: { int16: ['dense1'] } } },
];
async function modelCase(m: (typeof MODELS)[number]): Promise<Case> {
  const { qmodel, test } = await bundledModel(m.spec, m.variant);
  return { name: m.name, qmodel, input: quantizeInput(qmodel, test.features, test.rows), rows: test.rows };
}

let work: string;
beforeAll(() => {
  work = tempDir('on-target');
});
afterAll(() => removeDir(work));

async function checkOnTarget(core: CoreSpec, c: Case): Promise<string> {
  // One folder per case: the cases run in parallel, and two may share a model.
  const dir = `${work}/${core.id}-${c.name.replace(/[^a-z0-9]+/gi, '-')}`;
  const run = await runBareMetalAsync(c.qmodel, core, OPTIMIZATION, c.input, c.rows, dir);
  const expected = Array.from(runModel(c.qmodel, Int16Array.from(c.input), c.rows));
  const outFeatures = c.qmodel.layers[c.qmodel.layers.length - 1].output.features;
  expect(run.outputs.length, `${c.name} on ${core.id}: rows printed`).toBe(c.rows);
  expect(run.outputs.every((row) => row.length === outFeatures), `${c.name} on ${core.id}: values per row`).toBe(true);
  expect(firstDifferences(run.outputs.flat(), expected), `${c.name} on ${core.id}: outputs differ from the golden reference`).toEqual([]);
  return `${dir}/model.elf`;
}

for (const core of loadCores()) {
  const missing = missingTools(core);
  if (missing) console.warn(`SKIP: ${core.id} on-target bit-exactness (QEMU ${core.emulator.machine}): ${missing}`);
  const rendering = core.capabilities.dspDualMac ? 'DSP (SMLAD)' : core.isa.startsWith('rv') ? 'RV32 assembly' : 'Thumb-1 assembly';
  const groupLoop = core.capabilities.dspDualMac ? 'firmnet_dsp_groups' : core.isa.startsWith('rv') ? 'firmnet_rv32_dot4' : 'firmnet_t1_dot4';

  describe.skipIf(missing !== null)(`${core.id} under QEMU (${core.emulator.machine}), ${rendering} dense loops`, () => {
    it(`the image runs the ${rendering} rendering`, async () => {
      // The awkward-shape cases run the dense kernels alone; their images must contain SMLAD exactly when the core has it.
      const elf = await checkOnTarget(core, cases.find((c) => c.name === 'int8 dense 17x5')!);
      const objdump = core.build.compiler.replace(/gcc$/, 'objdump');
      const text = await execFileAsync(objdump, ['-d', elf]);
      const mnemonics = new Set(text.split('\n').map((l) => l.split('\t')[2]?.trim()).filter(Boolean));
      expect(mnemonics.has('smlad'), 'SMLAD in the image').toBe(core.capabilities.dspDualMac);
      expect(mnemonics.has('uxtb16'), 'UXTB16 in the image').toBe(core.capabilities.dspDualMac);
      expect(text, `the ${groupLoop} loop in the image`).toContain(`<${groupLoop}>:`);
    });

    it(`all ${vectors.length} committed test vectors and ${shapes.length} awkward dense shapes are bit-exact`, async () => {
      await inParallel(cases, (c) => checkOnTarget(core, c));
    });

    for (const m of MODELS) {
      it(`${m.name} is bit-exact`, async () => {
        await checkOnTarget(core, await modelCase(m));
      });
    }
  });
}

/**
 * Target builds with the cross toolchains (installed by scripts/install-system-deps.sh, which CI runs):
 * every vector's C and the bundled models build warning-free for every core in
 * firmware-sim/targets/cores/ at -Os; the committed firmware-sim/measured/code-size.json matches a
 * fresh measurement; the kernels stay within 2.5 KB of .text on every core; a model's .bss is exactly
 * its arena; the integer path calls no floating-point helper; and the call graph has no recursion
 * and only static frames.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitC } from '../../compiler/emit/c/emit-c.js';
import { KERNEL_SOURCES } from '../../compiler/emit/c/kernel-sources.js';
import { BUNDLED_MODELS } from '../../scripts/code-size/bundled-models.js';
import { CODE_SIZE_JSON, type CodeSizeReport, MEASURE_COMMAND, markdownTable, measurableCores } from '../../scripts/code-size/report.js';
import { INSTALL_HINT, MCU_CFLAGS, MCU_LDFLAGS, buildModelImageAsync, findToolchain, undefinedSymbolsAsync } from '../../firmware-sim/measure-image.js';
import { weightPlacement } from '../../compiler/plan/plan-memory.js';
import { loadCores } from '../../firmware-sim/targets.js';
import { bundledModel } from '../helpers/bundled-models.js';
import { execFileAsync } from '../helpers/child-process.js';
import { inParallel } from '../helpers/in-parallel.js';
import { offThread } from '../helpers/off-thread.js';
import { loadVectors } from '../helpers/vectors.js';
import { STRICT_FLAGS, removeDir, tempDir } from './c-build.js';

const cores = loadCores();
for (const core of cores) {
  if (findToolchain(core) === null) console.warn(`SKIP: ${core.build.compiler} not found — run ${INSTALL_HINT} (${core.id} build and code-size tests skipped)`);
}
const targets = measurableCores();
const byId = (id: string) => targets.find((t) => t.core.id === id);

/**
 * The bound for every kernel kept, without model data, at -Os, on every core (libgcc helpers
 * included): 2,888-3,108 B measured (docs/c-backend.md, the code-size table, gives each figure).
 * --gc-sections drops what a model does not call, so the bundled models' sizes (checked exactly below)
 * carry none of the kernels they do not use.
 */
const KERNEL_TEXT_LIMIT = 3400;
/** .bss a model adds beyond its arena (documented in docs/c-backend.md): none, the kernels keep no state. */
const FIXED_BSS_OVERHEAD = 0;
/** Soft-float and double helpers of the Arm EABI; Cortex-M0+ has no FPU, so any float operation calls one. */
const FLOAT_HELPER = /^__aeabi_(f|d|c[fd]|u?l?i?2[fd])/;

const committed = JSON.parse(readFileSync(CODE_SIZE_JSON, 'utf8')) as CodeSizeReport;
/** The measurement script's own code (it trains a model and runs the cross compilers one by one), off this thread. */
const report = offThread<typeof import('../../scripts/code-size/report.js')>(new URL('../../scripts/code-size/report.ts', import.meta.url));

let work: string;
beforeAll(() => {
  work = tempDir('cortex-m');
});
afterAll(() => removeDir(work));

it('docs/c-backend.md shows the committed measurement', () => {
  expect(readFileSync('docs/c-backend.md', 'utf8')).toContain(markdownTable(committed));
});

it('the committed measurement covers every target core', () => {
  expect(Object.keys(committed.cores).sort()).toEqual(cores.map((c) => c.id).sort());
});

describe.skipIf(targets.length === 0)('target builds (cross toolchains)', () => {
  it('the committed kernel sizes are current, and the kernels fit 3.4 KB of .text on every core', async () => {
    const fresh = await report.measureAllKernels(work);
    for (const { core, tc } of targets) {
      const hint = `re-run \`${MEASURE_COMMAND}\` and commit ${CODE_SIZE_JSON} (committed with ${committed.cores[core.id].compiler}, this machine has ${tc.version})`;
      expect(fresh[core.id], `${core.id} kernels: ${hint}`).toEqual(committed.cores[core.id].kernels);
    }
    for (const { core } of targets) expect(fresh[core.id].text, core.id).toBeLessThanOrEqual(KERNEL_TEXT_LIMIT);
    if (fresh['cortex-m0plus']) expect(fresh['cortex-m0plus'].text, 'the M0+ figure includes the libgcc helpers').toBeGreaterThan(fresh['cortex-m0plus'].textWithoutLibgcc);
  });

  for (const spec of BUNDLED_MODELS) {
    it(`bundled model ${spec.dataset}: sizes as committed, .bss = arena + ${FIXED_BSS_OVERHEAD}, no float helpers, bounded stack`, async () => {
      const { qmodel } = await bundledModel(spec);
      const dir = join(work, spec.dataset);
      const emitted = emitC(qmodel, dir, { command: MEASURE_COMMAND });
      await inParallel(targets, async ({ core, tc }) => {
        const image = await buildModelImageAsync(tc, dir, emitted.names, core, work);
        const recorded = committed.cores[core.id].models[spec.dataset];
        expect({ ...image.sizes, stackBytes: image.stack.bytes }, `${core.id}: re-run \`${MEASURE_COMMAND}\``).toEqual({
          text: recorded.text,
          data: recorded.data,
          bss: recorded.bss,
          stackBytes: recorded.stackBytes,
        });
        expect(image.sizes.bss).toBe(emitted.arenaBytes + FIXED_BSS_OVERHEAD);
        expect(image.sizes.data).toBe(0);
        expect(image.sizes.text).toBeGreaterThan(emitted.weightBytes);
        expect(image.stack.path[0]).toBe(emitted.names.invoke);
        if (core.id === 'cortex-m0plus') {
          const linked = await execFileAsync(tc.nm, [image.elf]);
          expect(linked.split('\n').filter((l) => FLOAT_HELPER.test(l.trim().split(/\s+/).pop() ?? ''))).toEqual([]);
        }
      });
    });
  }

  it.skipIf(!byId('cortex-m0plus'))('the float check can fail: the predict file does call float helpers on Cortex-M0+', async () => {
    const { core, tc } = byId('cortex-m0plus')!;
    const { qmodel } = await bundledModel(BUNDLED_MODELS[2]);
    const dir = join(work, 'float-control');
    const { names } = emitC(qmodel, dir, {});
    const obj = join(work, 'predict-m0plus.o');
    await execFileAsync(tc.gcc, [...MCU_CFLAGS, ...core.build.flags, `-I${dir}`, '-c', join(dir, names.predictSource), '-o', obj]);
    expect((await undefinedSymbolsAsync(tc, obj)).filter((s) => FLOAT_HELPER.test(s)).length).toBeGreaterThan(0);
  });

  it('<NAME>_WEIGHTS_IN_SRAM moves exactly the model\'s constants from flash to .data, within the bound the simulator reads', async () => {
    const { qmodel } = await bundledModel(BUNDLED_MODELS[0]);
    const dir = join(work, 'weights-in-sram');
    const emitted = emitC(qmodel, dir, { command: MEASURE_COMMAND });
    const placement = weightPlacement(qmodel);
    expect(placement.constantBytes).toBe(emitted.weightBytes);
    await inParallel(targets, async ({ core, tc }) => {
      const [flash, sram] = await Promise.all(
        [[], [`-D${emitted.names.macro}_WEIGHTS_IN_SRAM`]].map(async (define) => {
          const elf = join(work, `weights-in-sram-${core.id}-${define.length}.elf`);
          // -Werror: the variant builds warning-free.
          await execFileAsync(tc.gcc, [...MCU_CFLAGS, ...define, ...core.build.flags, ...MCU_LDFLAGS, `-Wl,-e,${emitted.names.invoke}`, '-o', elf, ...[emitted.names.source, ...KERNEL_SOURCES].map((f) => join(dir, f)), '-lgcc']);
          const stdout = await execFileAsync(tc.size, ['-B', elf]);
          return stdout.trim().split('\n')[1].trim().split(/\s+/).slice(0, 3).map(Number);
        }),
      );
      const [flashText, flashData, flashBss] = flash;
      const [sramText, sramData, sramBss] = sram;
      expect([flashData, flashBss], core.id).toEqual([0, emitted.arenaBytes]);
      expect(sramBss, core.id).toBe(emitted.arenaBytes);
      expect(sramData, `${core.id}: .data holds the constants`).toBeGreaterThanOrEqual(placement.constantBytes);
      expect(sramData, `${core.id}: within weightPlacement().sramBytes`).toBeLessThanOrEqual(placement.sramBytes);
      // The code that addresses the arrays may change by a few bytes (RISC-V reaches .data differently from .rodata).
      expect(flashText - sramText, `${core.id}: the constants left .rodata`).toBeGreaterThanOrEqual(placement.constantBytes - 16);
    });
  });

  it('every test vector\'s C (all ops, int8 and int16) builds warning-free for Thumb-1 and Thumb-2, predict file included', async () => {
    const flags = [...STRICT_FLAGS.filter((f) => f !== '-O2'), '-Os', '-ffunction-sections', '-fdata-sections'];
    // The predict file needs <math.h>: only the Arm toolchain ships a C library (newlib) here.
    const chosen = targets.filter(({ core }) => ['cortex-m0plus', 'cortex-m4f'].includes(core.id));
    const builds = loadVectors().flatMap((v) => {
      const dir = join(work, `vec-${v.name}`);
      const { names } = emitC(v.qmodel, dir, { command: 'test' });
      // One output folder per core: the builds run in parallel and name their objects after the sources.
      return chosen.map(({ core, tc }) => ({ dir, names, core, tc, out: join(dir, core.id) }));
    });
    await inParallel(builds, async ({ dir, names, core, tc, out }) => {
      mkdirSync(out, { recursive: true });
      // -Werror: any warning fails the compile (and rejects with gcc's message).
      await execFileAsync(tc.gcc, [...flags, ...core.build.flags, '-c', ...[names.source, names.predictSource, ...KERNEL_SOURCES].map((f) => join(dir, f))], { cwd: out });
    });
  });
});

/**
 * firmnet_dense_dot.h picks one dense dot-product rendering per target with the preprocessor
 * (docs/c-backend.md, "Dense-layer inner loops"): the headers the compiler actually includes for
 * firmnet_dense.c (gcc -MM), for the host and for every target core, with the flags that switch a
 * rendering off. test/c/on-target.test.ts runs each rendering; this pins which one each build gets.
 */
import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { emitC } from '../../compiler/emit/c/emit-c.js';
import { KERNEL_DIR, KERNEL_FILE_PATHS } from '../../compiler/emit/c/kernel-sources.js';
import { MCU_CFLAGS, MCU_LDFLAGS, findToolchain } from '../../firmware-sim/measure-image.js';
import { probeModel } from '../../firmware-sim/probe-layers.js';
import { loadCores } from '../../firmware-sim/targets.js';
import { removeDir, tempDir } from './c-build.js';

const run = promisify(execFile);

type Rendering = 'vector_host' | 'armv7em_dsp' | 'armv6m' | 'rv32' | 'portable';

/** The rendering each core in firmware-sim/targets/cores/ must compile; a new core needs an entry. */
const CORE_RENDERING: Record<string, Rendering> = {
  'cortex-m0plus': 'armv6m',
  'cortex-m4f': 'armv7em_dsp',
  'cortex-m7': 'armv7em_dsp',
  'cortex-m33': 'armv7em_dsp',
  rv32imc: 'rv32',
};

/** The dot-product headers gcc includes for firmnet_dense.c with these flags. */
async function renderingsOf(compiler: string, flags: string[]): Promise<string[]> {
  const { stdout } = await run(compiler, ['-std=c99', ...flags, '-MM', join(KERNEL_DIR, 'firmnet_dense.c')]);
  return [...stdout.matchAll(/firmnet_dense_dot_(\w+)\.h/g)].map((m) => m[1]);
}

describe('host builds', () => {
  it('a vector host compiles the index loops; -DFIRMNET_PORTABLE_LOOPS the pointer loops', async () => {
    expect(await renderingsOf('gcc', [])).toEqual(['vector_host']);
    expect(await renderingsOf('gcc', ['-DFIRMNET_PORTABLE_LOOPS'])).toEqual(['portable']);
  });
});

const cores = loadCores();

it('every target core has an expected rendering', () => {
  expect(Object.keys(CORE_RENDERING).sort()).toEqual(cores.map((c) => c.id).sort());
});

for (const core of cores) {
  describe.skipIf(findToolchain(core) === null)(`${core.id} (${core.build.compiler})`, () => {
    it(`compiles the ${CORE_RENDERING[core.id]} rendering and no other`, async () => {
      expect(await renderingsOf(core.build.compiler, core.build.flags)).toEqual([CORE_RENDERING[core.id]]);
    });
  });
}

const arm = cores.find((c) => c.id === 'cortex-m4f');
describe.skipIf(!arm || findToolchain(arm) === null)('Arm builds without the DSP rendering\'s preconditions', () => {
  it('-mno-unaligned-access, big-endian and Cortex-M3 get the portable loops', async () => {
    const compiler = arm!.build.compiler;
    expect(await renderingsOf(compiler, [...arm!.build.flags, '-mno-unaligned-access'])).toEqual(['portable']);
    expect(await renderingsOf(compiler, [...arm!.build.flags, '-mbig-endian'])).toEqual(['portable']);
    expect(await renderingsOf(compiler, ['-mcpu=cortex-m3', '-mthumb'])).toEqual(['portable']);
  });
});

const riscv = cores.find((c) => c.id === 'rv32imc');
describe.skipIf(!riscv || findToolchain(riscv) === null)('RISC-V builds without the RV32 rendering\'s preconditions', () => {
  it('RV32 without the M extension and RV64 get the portable loops', async () => {
    const compiler = riscv!.build.compiler;
    expect(await renderingsOf(compiler, ['-march=rv32ic', '-mabi=ilp32'])).toEqual(['portable']);
    expect(await renderingsOf(compiler, ['-march=rv64imc', '-mabi=lp64'])).toEqual(['portable']);
  });
});

/** What FIRMNET_DENSE_S8_BLOCK(0, 1, ..., 15) expands to with these flags (firmnet_dense_layout.h), as numbers. */
async function blockOrderOf(compiler: string, flags: string[]): Promise<number[]> {
  const dir = tempDir('block-order');
  try {
    const file = join(dir, 'block.c');
    writeFileSync(file, `#include "firmnet_dense_layout.h"\nblock: FIRMNET_DENSE_S8_BLOCK(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15)\n`);
    const { stdout } = await run(compiler, ['-std=c99', ...flags, '-I', KERNEL_DIR, '-E', '-P', file]);
    const line = stdout.split('\n').find((l) => l.startsWith('block:'))!;
    // Each entry is `k` or `(k) ^ 128`: the grouped byte k, and whether the layout drops its offset.
    return line.slice('block:'.length).split(',').map((e) => {
      const m = /^\s*\(?(\d+)\)?(\s*\^\s*128)?\s*$/.exec(e)!;
      return Number(m[1]) + (m[2] ? 100 : 0);
    });
  } finally {
    removeDir(dir);
  }
}

describe('the weights\' block order follows the rendering', () => {
  // Grouped byte 4r + k is row r, input k; +100 marks an odd row's byte stored signed (b ^ 128).
  const ROW_PAIRS = [0, 104, 2, 106, 1, 105, 3, 107, 8, 112, 10, 114, 9, 113, 11, 115];
  const GROUPED = Array.from({ length: 16 }, (_, k) => k);
  it('hosts read the grouped block as it is', async () => {
    expect(await blockOrderOf('gcc', [])).toEqual(GROUPED);
    expect(await blockOrderOf('gcc', ['-DFIRMNET_PORTABLE_LOOPS'])).toEqual(GROUPED);
  });
  for (const core of cores) {
    it.skipIf(findToolchain(core) === null)(`${core.id}: ${CORE_RENDERING[core.id] === 'armv7em_dsp' ? 'row pairs, the odd rows signed' : 'the grouped block'}`, async () => {
      expect(await blockOrderOf(core.build.compiler, core.build.flags)).toEqual(CORE_RENDERING[core.id] === 'armv7em_dsp' ? ROW_PAIRS : GROUPED);
    });
  }
  it.skipIf(!arm || findToolchain(arm) === null)('an Arm build without the DSP rendering\'s preconditions reads the grouped block', async () => {
    expect(await blockOrderOf(arm!.build.compiler, [...arm!.build.flags, '-mno-unaligned-access'])).toEqual(GROUPED);
  });
});

/**
 * The layout is in the int8 kernels' link names (firmnet_dense_layout.h): a model whose C was compiled
 * for the row-pair layout and kernels compiled without the DSP rendering (here -mno-unaligned-access on
 * the kernels only) do not link, and the error names the layout the model needs.
 */
describe.skipIf(!arm || findToolchain(arm) === null)('a model and kernels compiled for different weight layouts do not link', () => {
  async function link(modelFlags: string[], kernelFlags: string[]): Promise<{ ok: boolean; stderr: string }> {
    const dir = tempDir('layout-link');
    try {
      const q = probeModel('fully_connected_s8', [12, 8], 3);
      const emitted = emitC(q, dir, { command: 'kernel-dispatch test' });
      const compile = async (src: string, flags: string[]): Promise<string> => {
        const obj = join(dir, `${src.replace(/[/.]/g, '_')}.o`);
        await run(arm!.build.compiler, [...MCU_CFLAGS, ...flags, '-I', dir, '-I', KERNEL_DIR, '-c', src, '-o', obj]);
        return obj;
      };
      const objects = [await compile(join(dir, emitted.names.source), [...arm!.build.flags, ...modelFlags])];
      // Every kernel source, wherever it lives (runtime/c/ or an op's own folder).
      for (const path of KERNEL_FILE_PATHS.values()) if (path.endsWith('.c')) objects.push(await compile(path, [...arm!.build.flags, ...kernelFlags]));
      try {
        await run(arm!.build.compiler, [...arm!.build.flags, ...MCU_LDFLAGS, `-Wl,-e,${emitted.names.invoke}`, ...objects, '-lgcc', '-o', join(dir, 'model.elf')]);
        return { ok: true, stderr: '' };
      } catch (e) {
        return { ok: false, stderr: String((e as { stderr?: string }).stderr ?? e) };
      }
    } finally {
      removeDir(dir);
    }
  }

  it('the same flags link; kernels without the row-pair layout fail with the missing layout named', async () => {
    expect(await link([], [])).toEqual({ ok: true, stderr: '' });
    const mismatch = await link([], ['-mno-unaligned-access']);
    expect(mismatch.ok).toBe(false);
    expect(mismatch.stderr).toMatch(/undefined reference to `firmnet_dense_s8_paired_rows_v1'/);
    // And the other way round: a grouped-layout model against row-pair kernels.
    const reverse = await link(['-mno-unaligned-access'], []);
    expect(reverse.ok).toBe(false);
    expect(reverse.stderr).toMatch(/undefined reference to `firmnet_dense_s8_grouped_v1'/);
  });
});

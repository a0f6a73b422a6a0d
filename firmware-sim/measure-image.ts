/**
 * Code size of the generated C on a target core, measured with the core's GNU cross toolchain
 * (Debian gcc-arm-none-eabi, gcc-riscv64-unknown-elf): the kernels alone and a model's integer path,
 * built as an MCU project would (-Os, -ffunction-sections -fdata-sections, linked with --gc-sections).
 * Sizes come from <prefix>-size (Berkeley format: text includes .rodata, so constant model data
 * counts as text). The committed measurement (firmware-sim/measured/code-size.json) and the
 * simulator's live measurement both use this.
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { CModelNames } from '../compiler/emit/c/c-names.js';
import { KERNEL_SOURCES } from '../compiler/emit/c/kernel-sources.js';
import type { CoreSpec } from './targets.js';

/** Compile flags for every measurement (plus the core's own, e.g. -mcpu=cortex-m4 -mthumb); freestanding, as the generated integer path needs only <stdint.h>. */
export const MCU_CFLAGS = ['-std=c99', '-Os', '-ffreestanding', '-ffunction-sections', '-fdata-sections', '-pedantic', '-Wall', '-Wextra', '-Werror'];
/** Link flags: no C library or start-up code (the generated integer path needs none); libgcc for helpers like __aeabi_lmul. */
export const MCU_LDFLAGS = ['-nostdlib', '-Wl,--gc-sections'];

export const INSTALL_HINT = 'scripts/install-system-deps.sh';

export interface Toolchain {
  gcc: string;
  size: string;
  nm: string;
  /** First line of `<gcc> --version`. */
  version: string;
}

const found = new Map<string, Toolchain | null>();

/** The core's cross toolchain on PATH, or null when it is not installed. */
export function findToolchain(core: CoreSpec): Toolchain | null {
  const gcc = core.build.compiler;
  if (!found.has(gcc)) {
    const probe = spawnSync(gcc, ['--version'], { encoding: 'utf8' });
    const prefix = gcc.replace(/gcc$/, '');
    found.set(gcc, probe.error || probe.status !== 0 ? null : { gcc, size: `${prefix}size`, nm: `${prefix}nm`, version: probe.stdout.split('\n')[0].trim() });
  }
  return found.get(gcc) ?? null;
}

export interface SectionSizes {
  text: number;
  data: number;
  bss: number;
}

export interface KernelSizes extends SectionSizes {
  /** .text of the kernel objects alone (linked into one relocatable object), before libgcc helpers are linked in. */
  textWithoutLibgcc: number;
  /** Runtime (libgcc) helpers the kernels call on this core, e.g. __aeabi_lmul on Cortex-M0+; the linked text includes them. */
  libgcc: string[];
}

const execFileAsync = promisify(execFile);

function gcc(tc: Toolchain, args: string[]): void {
  execFileSync(tc.gcc, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

async function gccAsync(tc: Toolchain, args: string[]): Promise<void> {
  await execFileAsync(tc.gcc, args);
}

/** text/data/bss of an object or ELF file. */
export function sectionSizes(tc: Toolchain, file: string): SectionSizes {
  return parseSizes(execFileSync(tc.size, ['-B', file], { encoding: 'utf8' }));
}

/** sectionSizes() as an asynchronous child process. */
async function sectionSizesAsync(tc: Toolchain, file: string): Promise<SectionSizes> {
  return parseSizes((await execFileAsync(tc.size, ['-B', file], { encoding: 'utf8' })).stdout);
}

function parseSizes(berkeley: string): SectionSizes {
  const fields = berkeley.trim().split('\n')[1].trim().split(/\s+/).map(Number);
  return { text: fields[0], data: fields[1], bss: fields[2] };
}

/** Symbols a file references but does not define (for an object: the runtime helpers it calls). */
export function undefinedSymbols(tc: Toolchain, file: string): string[] {
  return parseSymbols(execFileSync(tc.nm, ['--undefined-only', file], { encoding: 'utf8' }));
}

/** undefinedSymbols() as an asynchronous child process. */
export async function undefinedSymbolsAsync(tc: Toolchain, file: string): Promise<string[]> {
  return parseSymbols((await execFileAsync(tc.nm, ['--undefined-only', file], { encoding: 'utf8' })).stdout);
}

function parseSymbols(nmOutput: string): string[] {
  return nmOutput
    .split('\n')
    .map((l) => l.trim().split(/\s+/).pop() ?? '')
    .filter((s) => s !== '');
}

/**
 * The kernels alone: every kernel source compiled for `core`, the objects joined into one
 * relocatable object (so calls between them resolve), and that linked with libgcc but without
 * --gc-sections, so every kernel is kept (a model links only the ones it calls).
 */
export function measureKernels(tc: Toolchain, cDir: string, core: CoreSpec, workDir: string): KernelSizes {
  const objects = KERNEL_SOURCES.map((src) => {
    const obj = join(workDir, `kernels-${core.id}-${src.replace(/\.c$/, '')}.o`);
    gcc(tc, [...MCU_CFLAGS, ...core.build.flags, '-c', join(cDir, src), '-o', obj]);
    return obj;
  });
  const obj = join(workDir, `kernels-${core.id}.o`);
  const elf = join(workDir, `kernels-${core.id}.elf`);
  gcc(tc, [...core.build.flags, '-nostdlib', '-r', ...objects, '-o', obj]);
  gcc(tc, [...core.build.flags, '-nostdlib', '-Wl,-e,firmnet_dense_s16', obj, '-lgcc', '-o', elf]);
  // The kernels' unresolved references are exactly the runtime helpers they call (libgcc links them).
  const libgcc = undefinedSymbols(tc, obj).sort();
  return { ...sectionSizes(tc, elf), textWithoutLibgcc: sectionSizes(tc, obj).text, libgcc };
}

export interface ModelImage {
  sizes: SectionSizes;
  elf: string;
  stack: StackDepth;
}

export interface StackDepth {
  /** Worst-case stack of `root` over the call graph (GCC -fcallgraph-info=su), generated code only. */
  bytes: number;
  /** The deepest call chain. */
  path: string[];
  /** Callees without stack information (libgcc helpers such as __aeabi_lmul), counted as 0. */
  external: string[];
}

/**
 * Worst-case stack depth from GCC's call-graph files. Throws on recursion or on a frame that is not
 * static (a VLA or alloca would make it dynamic) — the generated code promises neither.
 */
export function stackDepth(ciTexts: string[], root: string): StackDepth {
  const frame = new Map<string, number>();
  const edges = new Map<string, string[]>();
  for (const text of ciTexts) {
    for (const m of text.matchAll(/node: \{ title: "([^"]+)" label: "([^"]*)"/g)) {
      const usage = /\\n(\d+) bytes \(([^)]+)\)$/.exec(m[2]);
      if (!usage) continue; // a declaration only; the defining file has the frame
      if (usage[2] !== 'static') throw new Error(`${m[1]}: stack frame is ${usage[2]}, expected static`);
      frame.set(m[1], Number(usage[1]));
    }
    for (const m of text.matchAll(/edge: \{ sourcename: "([^"]+)" targetname: "([^"]+)"/g)) edges.set(m[1], [...(edges.get(m[1]) ?? []), m[2]]);
  }
  const external = new Set<string>();
  const memo = new Map<string, { bytes: number; path: string[] }>();
  const visit = (node: string, onPath: Set<string>): { bytes: number; path: string[] } => {
    if (onPath.has(node)) throw new Error(`recursion through ${[...onPath, node].join(' -> ')}`);
    const known = memo.get(node);
    if (known) return known;
    const own = frame.get(node);
    if (own === undefined) {
      external.add(node);
      return { bytes: 0, path: [node] };
    }
    onPath.add(node);
    let deepest = { bytes: 0, path: [] as string[] };
    for (const callee of new Set(edges.get(node) ?? [])) {
      const d = visit(callee, onPath);
      if (d.bytes > deepest.bytes || deepest.path.length === 0) deepest = d;
    }
    onPath.delete(node);
    const result = { bytes: own + deepest.bytes, path: [node, ...deepest.path] };
    memo.set(node, result);
    return result;
  };
  const { bytes, path } = visit(root, new Set());
  return { bytes, path: path.map((p) => p.replace(/^.*:/, '')), external: [...external].sort() };
}

/**
 * One model's integer path as firmware links it: <name>.c (arena, invoke, constant data) and the
 * kernel sources, entry <invoke>, --gc-sections (unused kernels and class names drop out).
 */
export function buildModelImage(tc: Toolchain, cDir: string, names: CModelNames, core: CoreSpec, workDir: string, extraCflags: string[] = []): ModelImage {
  const steps = imageSteps(cDir, names, core, workDir, extraCflags);
  for (const { args } of steps.compile) gcc(tc, args);
  gcc(tc, steps.link);
  const stack = stackDepth(steps.compile.map((c) => readFileSync(c.callGraph, 'utf8')), names.invoke);
  return { sizes: sectionSizes(tc, steps.elf), elf: steps.elf, stack };
}

/** buildModelImage() with the compiler runs as asynchronous child processes (every source compiles at once). */
export async function buildModelImageAsync(tc: Toolchain, cDir: string, names: CModelNames, core: CoreSpec, workDir: string, extraCflags: string[] = []): Promise<ModelImage> {
  const steps = imageSteps(cDir, names, core, workDir, extraCflags);
  await Promise.all(steps.compile.map(({ args }) => gccAsync(tc, args)));
  await gccAsync(tc, steps.link);
  const stack = stackDepth(await Promise.all(steps.compile.map((c) => readFile(c.callGraph, 'utf8'))), names.invoke);
  return { sizes: await sectionSizesAsync(tc, steps.elf), elf: steps.elf, stack };
}

/** The compile commands (and the call-graph file each writes), the link command and the image of buildModelImage. */
function imageSteps(cDir: string, names: CModelNames, core: CoreSpec, workDir: string, extraCflags: string[]): { compile: { obj: string; args: string[]; callGraph: string }[]; link: string[]; elf: string } {
  const compile = [names.source, ...KERNEL_SOURCES].map((src) => {
    const obj = join(workDir, `${names.prefix}-${core.id}-${src.replace(/\.c$/, '')}.o`);
    return { obj, args: [...MCU_CFLAGS, ...extraCflags, ...core.build.flags, '-fcallgraph-info=su', `-I${cDir}`, '-c', join(cDir, src), '-o', obj], callGraph: obj.replace(/\.o$/, '.ci') };
  });
  const elf = join(workDir, `${names.prefix}-${core.id}.elf`);
  const link = [...core.build.flags, ...MCU_LDFLAGS, `-Wl,-e,${names.invoke}`, ...compile.map((c) => c.obj), '-lgcc', '-o', elf];
  return { compile, link, elf };
}

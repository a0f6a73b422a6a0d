/**
 * Cortex-M code size of the generated C, measured with the Arm GNU toolchain (Debian package
 * gcc-arm-none-eabi): the kernels alone and each model's integer path, built as an MCU project would
 * (-Os, Thumb, -ffunction-sections -fdata-sections, linked with --gc-sections). Sizes come from
 * arm-none-eabi-size (Berkeley format: text includes .rodata, so constant model data counts as text).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CModelNames } from '../../compiler/emit/c/c-names.js';

export const CORES = ['cortex-m0plus', 'cortex-m4', 'cortex-m7'] as const;
export type Core = (typeof CORES)[number];

/** Compile flags for every measurement (plus -mcpu=<core>). */
export const ARM_CFLAGS = ['-std=c99', '-Os', '-mthumb', '-ffunction-sections', '-fdata-sections', '-pedantic', '-Wall', '-Wextra', '-Werror'];
/** Link flags: no C library or start-up code (the generated integer path needs none); libgcc for helpers like __aeabi_lmul. */
export const ARM_LDFLAGS = ['-nostdlib', '-Wl,--gc-sections'];

export const INSTALL_HINT = 'scripts/install-system-deps.sh';

export interface ArmToolchain {
  gcc: string;
  size: string;
  nm: string;
  /** First line of `arm-none-eabi-gcc --version`. */
  version: string;
}

/** The toolchain on PATH, or null when arm-none-eabi-gcc is not installed. */
export function findArmToolchain(): ArmToolchain | null {
  const probe = spawnSync('arm-none-eabi-gcc', ['--version'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) return null;
  return { gcc: 'arm-none-eabi-gcc', size: 'arm-none-eabi-size', nm: 'arm-none-eabi-nm', version: probe.stdout.split('\n')[0].trim() };
}

export interface SectionSizes {
  text: number;
  data: number;
  bss: number;
}

export interface KernelSizes extends SectionSizes {
  /** .text of firmnet_kernels.o alone, before libgcc helpers are linked in. */
  textWithoutLibgcc: number;
  /** Runtime (libgcc) helpers the kernels call on this core, e.g. __aeabi_lmul on Cortex-M0+; the linked text includes them. */
  libgcc: string[];
}

function gcc(tc: ArmToolchain, args: string[]): void {
  execFileSync(tc.gcc, args, { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** text/data/bss of an object or ELF file. */
export function sectionSizes(tc: ArmToolchain, file: string): SectionSizes {
  const out = execFileSync(tc.size, ['-B', file], { encoding: 'utf8' });
  const fields = out.trim().split('\n')[1].trim().split(/\s+/).map(Number);
  return { text: fields[0], data: fields[1], bss: fields[2] };
}

/** Symbols a file references but does not define (for an object: the runtime helpers it calls). */
export function undefinedSymbols(tc: ArmToolchain, file: string): string[] {
  const out = execFileSync(tc.nm, ['--undefined-only', file], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.trim().split(/\s+/).pop() ?? '')
    .filter((s) => s !== '');
}

/**
 * The kernels alone: firmnet_kernels.c compiled for `core` and linked with libgcc but without
 * --gc-sections, so every kernel is kept (a model links only the ones it calls).
 */
export function measureKernels(tc: ArmToolchain, cDir: string, core: Core, workDir: string): KernelSizes {
  const obj = join(workDir, `kernels-${core}.o`);
  const elf = join(workDir, `kernels-${core}.elf`);
  gcc(tc, [...ARM_CFLAGS, `-mcpu=${core}`, '-c', join(cDir, 'firmnet_kernels.c'), '-o', obj]);
  gcc(tc, [`-mcpu=${core}`, '-mthumb', '-nostdlib', '-Wl,-e,firmnet_dense_s8', obj, '-lgcc', '-o', elf]);
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
 * One model's integer path as firmware links it: <name>.c (arena, invoke, constant data) and
 * firmnet_kernels.c, entry <invoke>, --gc-sections (unused kernels and class names drop out).
 */
export function buildModelImage(tc: ArmToolchain, cDir: string, names: CModelNames, core: Core, workDir: string, extraCflags: string[] = []): ModelImage {
  const objects = [names.source, 'firmnet_kernels.c'].map((src) => {
    const obj = join(workDir, `${names.prefix}-${core}-${src.replace(/\.c$/, '')}.o`);
    gcc(tc, [...ARM_CFLAGS, ...extraCflags, `-mcpu=${core}`, '-fcallgraph-info=su', `-I${cDir}`, '-c', join(cDir, src), '-o', obj]);
    return obj;
  });
  const elf = join(workDir, `${names.prefix}-${core}.elf`);
  gcc(tc, [`-mcpu=${core}`, '-mthumb', ...ARM_LDFLAGS, `-Wl,-e,${names.invoke}`, ...objects, '-lgcc', '-o', elf]);
  const stack = stackDepth(objects.map((o) => readFileSync(o.replace(/\.o$/, '.ci'), 'utf8')), names.invoke);
  return { sizes: sectionSizes(tc, elf), elf, stack };
}

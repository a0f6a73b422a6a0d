/**
 * The C kernels every generated model calls: real C files under runtime/c/ (one source per op, the
 * dense dot products in one header per instruction set) or in an op's own folder (its `c.kernelDir`,
 * compiler/ops/<op>/c/, listed in package.json `files`), read from the package at emit time and
 * copied into every C output unchanged. The emitter copies all of them, whatever the model uses, so
 * one copy serves every model of a project (the CMake fragment's shared `firmnet_kernels` target).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../io/package-root.js';
import { QUANTIZED_OPS } from '../../ops/quantized-ops.js';

/** Where the kernel files live, relative to the package root (listed in package.json `files`). */
export const KERNEL_DIR = 'runtime/c';

/** The header users include (a generated `<name>.h` includes it). */
export const KERNEL_HEADER = 'firmnet_kernels.h';

/** Files every op's kernels use: the public header and the shared requantization arithmetic. */
const SHARED_KERNEL_FILES = [KERNEL_HEADER, 'firmnet_fixed_point.h', 'firmnet_fixed_point.c'] as const;

/** Every kernel file's path relative to the package root, by file name (the names are one flat namespace in the output). */
export const KERNEL_FILE_PATHS: ReadonlyMap<string, string> = kernelFilePaths();

function kernelFilePaths(): Map<string, string> {
  const entries: [string, string][] = [
    ...SHARED_KERNEL_FILES.map((f): [string, string] => [f, `${KERNEL_DIR}/${f}`]),
    ...Object.values(QUANTIZED_OPS).flatMap((op) => op.c.kernelFiles.map((f): [string, string] => [f, `${op.c.kernelDir ?? KERNEL_DIR}/${f}`])),
  ];
  const paths = new Map<string, string>();
  for (const [name, path] of entries) {
    const other = paths.get(name);
    if (other !== undefined) throw new Error(`internal: two kernel files are named ${name} (${other} and ${path})`);
    paths.set(name, path);
  }
  return new Map([...paths].sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Every kernel file, sorted: what the emitter writes next to the model's files. */
export const KERNEL_FILES: readonly string[] = [...KERNEL_FILE_PATHS.keys()];

/** The kernel translation units a build compiles (the headers are included by them). */
export const KERNEL_SOURCES: readonly string[] = KERNEL_FILES.filter((f) => f.endsWith('.c'));

let cached: ReadonlyMap<string, string> | null = null;

/** The kernel files' text by file name, read once per process from the package. */
export function kernelFiles(): ReadonlyMap<string, string> {
  if (!cached) {
    const root = packageRoot();
    cached = new Map([...KERNEL_FILE_PATHS].map(([f, path]) => [f, readFileSync(join(root, ...path.split('/')), 'utf8')]));
  }
  return cached;
}

/**
 * The C kernels every generated model calls: real C files under runtime/c/ (one source per op, the
 * dense dot products in one header per instruction set), read from the package at emit time and
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

/** Every kernel file, sorted: what the emitter writes next to the model's files. */
export const KERNEL_FILES: readonly string[] = [...SHARED_KERNEL_FILES, ...Object.values(QUANTIZED_OPS).flatMap((op) => op.c.kernelFiles)].sort();

/** The kernel translation units a build compiles (the headers are included by them). */
export const KERNEL_SOURCES: readonly string[] = KERNEL_FILES.filter((f) => f.endsWith('.c'));

let cached: ReadonlyMap<string, string> | null = null;

/** The kernel files' text by file name, read once per process from the package. */
export function kernelFiles(): ReadonlyMap<string, string> {
  if (!cached) {
    const dir = join(packageRoot(), KERNEL_DIR);
    cached = new Map(KERNEL_FILES.map((f) => [f, readFileSync(join(dir, f), 'utf8')]));
  }
  return cached;
}

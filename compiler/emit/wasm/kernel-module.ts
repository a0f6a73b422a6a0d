/**
 * The precompiled kernel modules, one per build, compiled once when the package is built
 * (scripts/build-kernels.ts, part of `npm run build`) and read here as bytes: emitting a model
 * needs no compiler.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FirmnetError } from '../../errors.js';
import { packageRoot } from '../../io/package-root.js';

/** Where the package holds each build's module. */
export function kernelModuleFile(simd: boolean): string {
  return `dist/kernels/kernels-${simd ? 'simd' : 'scalar'}.wasm`;
}

const cached = new Map<boolean, Uint8Array>();

export function kernelModule(simd: boolean): Uint8Array {
  const known = cached.get(simd);
  if (known) return known;
  const path = join(packageRoot(), kernelModuleFile(simd));
  if (!existsSync(path)) throw new FirmnetError('TOOL_MISSING', `the precompiled WebAssembly kernels ${path} are missing; build the package (npm run build) or reinstall firmnet`);
  const bytes = new Uint8Array(readFileSync(path));
  cached.set(simd, bytes);
  return bytes;
}

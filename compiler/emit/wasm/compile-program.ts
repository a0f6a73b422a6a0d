/**
 * Compiles the generated program and the runtime kernels with the AssemblyScript compiler API, all
 * in memory: the compiler reads only the files handed to it (never an `asconfig.json` from the
 * working directory) and writes nothing to disk.
 */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FirmnetError } from '../../errors.js';
import { PROGRAM_FILE } from './render-program.js';

export interface CompileOptions {
  simd: boolean;
  /** Pages of linear memory (initial = maximum). */
  pages: number;
  /** Where the compiler may place its own static data: after everything firmnet lays out. */
  memoryBase: number;
}

/** Compiler settings shared with asconfig.json: no runtime to speak of, no imports, no asserts. */
export function ascArguments(options: CompileOptions): string[] {
  return [
    PROGRAM_FILE,
    '--outFile',
    'model.wasm',
    '--runtime',
    'stub',
    '--use',
    'abort=',
    '--noAssert',
    '--optimizeLevel',
    '3',
    '--shrinkLevel',
    '0',
    '--initialMemory',
    String(options.pages),
    '--maximumMemory',
    String(options.pages),
    '--memoryBase',
    String(options.memoryBase),
    '--noColors',
    ...(options.simd ? ['--enable', 'simd'] : []),
  ];
}

/**
 * The part of the `assemblyscript/asc` API used here. Typed locally: the package's own declarations
 * declare AssemblyScript globals (`console`, `i32`, …) that would leak into firmnet's TypeScript.
 */
interface AscMemoryStream {
  toString(): string;
}
interface AscApi {
  createMemoryStream(): AscMemoryStream;
  main(
    argv: string[],
    options: {
      stdout: AscMemoryStream;
      stderr: AscMemoryStream;
      readFile: (name: string, baseDir: string) => string | null;
      writeFile: (name: string, contents: Uint8Array | string, baseDir: string) => void;
      listFiles: (dir: string, baseDir: string) => string[];
    },
  ): Promise<{ error: Error | null }>;
}

const ASC_MODULE = 'assemblyscript/asc';

export async function compileProgram(program: string, options: CompileOptions): Promise<Uint8Array> {
  const asc = (await import(ASC_MODULE)) as AscApi;
  const files = new Map<string, string>([[PROGRAM_FILE, program]]);
  for (const [name, text] of runtimeSources()) files.set(`runtime/${name}`, text);
  let binary: Uint8Array | null = null;
  const stderr = asc.createMemoryStream();
  const result = await asc.main(ascArguments(options), {
    stdout: asc.createMemoryStream(),
    stderr,
    readFile: (name: string) => files.get(name.replace(/^\.\//, '')) ?? null,
    writeFile: (name: string, contents: Uint8Array | string) => {
      if (name === 'model.wasm' && typeof contents !== 'string') binary = contents;
    },
    listFiles: () => [],
  });
  if (result.error || binary === null) {
    // The program is generated: a compile error here is a firmnet bug, not a user mistake.
    throw new Error(`AssemblyScript compilation of the generated program failed: ${result.error?.message ?? 'no output'}\n${stderr.toString()}`);
  }
  return binary;
}

let cachedSources: [string, string][] | null = null;

/** The runtime/*.ts kernels, found from this module's location (source tree or dist/). */
export function runtimeSources(): [string, string][] {
  if (cachedSources) return cachedSources;
  const dir = runtimeDir();
  cachedSources = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort()
    .map((f) => [f, readFileSync(join(dir, f), 'utf8')]);
  return cachedSources;
}

export function runtimeDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 6; up++) {
    const candidate = join(dir, 'runtime');
    if (existsSync(join(candidate, 'dense-simd.ts'))) return candidate;
    dir = dirname(dir);
  }
  throw new FirmnetError('TOOL_MISSING', `the AssemblyScript runtime (runtime/*.ts) was not found above ${fileURLToPath(import.meta.url)}; reinstall firmnet`);
}

/**
 * `firmnet emit --target c`: the quantized IR → portable C99 a firmware project compiles as is (no
 * runtime library, no interpreter). Files are rendered from the IR alone, written atomically, and are
 * byte-identical for the same IR, name and command. See docs/c-backend.md.
 */
import { join } from 'node:path';
import type { QModel } from '../../ir/qmodel.js';
import { writeFileAtomic } from '../../io/atomic-write.js';
import type { QDtype } from '../../ops/op-types.js';
import { type MemoryPlan, planMemory } from '../../plan/plan-memory.js';
import { parseQModelText } from '../../quantize/qmodel-file.js';
import { type CommentText, comment, generatedHashHeader, generatedHeader } from '../render.js';
import { type CModelNames, cModelNames } from './c-names.js';
import { defaultExampleRows, exampleData } from './example-rows.js';
import { KERNEL_DIR, KERNEL_FILE_PATHS, kernelFiles } from './kernel-sources.js';
import { renderCMakeFragment, renderExampleMain, renderExampleMakefile } from './render-example.js';
import { renderLayer } from './render-layers.js';
import { DEFAULT_PACKAGE_VERSION, renderPlatformioManifest, renderZephyrCMake, renderZephyrKconfig, renderZephyrModuleYml } from './render-packages.js';
import { FirmnetError } from '../../errors.js';
import { type ModelRenderInput, weightsConstMacro, renderDataHeader, renderModelHeader, renderModelSource, renderPredictSource } from './render-model.js';

export interface CEmitOptions {
  /** The command line recorded in every file's header comment. */
  command?: string;
  /** Symbol and file prefix (default: the model's name, made a C identifier). */
  name?: string;
  /** Raw float feature rows for example/main.c (default: four rows spread over the calibrated input range). */
  exampleRows?: { features: ArrayLike<number>; rows: number; description: string };
  /** The version in the package manifests (library.json; library.properties for Arduino); default 1.0.0. */
  packageVersion?: string;
}

export interface CEmitResult {
  outDir: string;
  /** Paths written, relative to outDir, sorted. */
  files: string[];
  names: CModelNames;
  /** Bytes of the static arena (.bss), from the shared memory plan. */
  arenaBytes: number;
  /** Bytes of constant model data (flash): weights, biases, multipliers, shifts, tables. */
  weightBytes: number;
  inputDtype: QDtype;
  outputDtype: QDtype;
  plan: MemoryPlan;
}

const DEFAULT_COMMAND = 'emitC() (firmnet API)';

export function emitC(q: QModel, outDir: string, options: CEmitOptions = {}): CEmitResult {
  const files = renderC(q, options);
  for (const [path, text] of files) writeFileAtomic(join(outDir, path), text);
  const { names, plan, weightBytes } = files.meta;
  return {
    outDir,
    files: [...files.keys()].sort(),
    names,
    arenaBytes: plan.arenaBytes,
    weightBytes,
    inputDtype: q.layers[0].input.dtype,
    outputDtype: q.layers[q.layers.length - 1].output.dtype,
    plan,
  };
}

export type RenderedFiles = Map<string, string> & { meta: { names: CModelNames; plan: MemoryPlan; weightBytes: number } };

/** Every generated file's text, keyed by its path relative to the output folder; writes nothing. */
export function renderC(q: QModel, options: CEmitOptions = {}): RenderedFiles {
  checkIr(q);
  const names = cModelNames(q, options.name);
  const command = options.command ?? DEFAULT_COMMAND;
  const header = (lines: CommentText[]): string => generatedHeader(q, command, lines);
  const layers = q.layers.map((l, i) => renderLayer(names.prefix, l, i, weightsConstMacro(names.macro)));
  const plan = planMemory(q);
  const weightBytes = layers.reduce((s, l) => s + l.dataBytes, 0);
  const m: ModelRenderInput = { q, names, layers, plan, weightBytes, header };
  const rows = options.exampleRows ?? defaultExampleRows(q);
  const files = new Map<string, string>() as RenderedFiles;
  files.set(names.header, renderModelHeader(m));
  files.set(names.dataHeader, renderDataHeader(m));
  files.set(names.source, renderModelSource(m));
  files.set(names.predictSource, renderPredictSource(m));
  for (const [file, text] of kernelFiles()) {
    const path = KERNEL_FILE_PATHS.get(file) ?? `${KERNEL_DIR}/${file}`;
    const dir = path.slice(0, path.lastIndexOf('/'));
    files.set(file, `${header([comment`Copied from firmnet's ${dir}/: model-independent kernel source (one copy serves several models).`])}\n${text}`);
  }
  files.set('example/main.c', renderExampleMain(q, names, exampleData(q, rows), header([comment`Example: runs model '${q.name}' on a few rows and checks it against the golden reference.`])));
  files.set('example/Makefile', renderExampleMakefile(names, generatedHashHeader(q, command, [comment`Example build for model '${q.name}'.`])));
  files.set('CMakeLists.txt', renderCMakeFragment(names, generatedHashHeader(q, command, [comment`CMake fragment for model '${q.name}'.`])));
  files.set('library.json', renderPlatformioManifest(q, names, packageVersion(options.packageVersion)));
  files.set('zephyr/module.yml', renderZephyrModuleYml(q, names, command));
  files.set('zephyr/CMakeLists.txt', renderZephyrCMake(q, names, command));
  files.set('zephyr/Kconfig', renderZephyrKconfig(q, names, command));
  files.meta = { names, plan, weightBytes };
  return files;
}

/** A package version both PlatformIO and the Arduino Library Manager accept: MAJOR.MINOR.PATCH. */
export function packageVersion(version: string | undefined): string {
  if (version === undefined) return DEFAULT_PACKAGE_VERSION;
  if (!/^(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})\.(0|[1-9]\d{0,5})$/.test(version)) {
    throw new FirmnetError('BAD_ARGUMENT', `package version '${version}' is not MAJOR.MINOR.PATCH (e.g. 1.2.0), which PlatformIO and the Arduino Library Manager require`);
  }
  return version;
}

/** The C code trusts the IR's ranges, so check the IR exactly as the loader does (shapes, integer ranges, hashes). */
function checkIr(q: QModel): void {
  parseQModelText(JSON.stringify(q), `quantized IR '${q.name}'`);
}

import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { threadId } from 'node:worker_threads';
import { emitC } from '../../compiler/emit/c/emit-c.js';
import { KERNEL_FILES, KERNEL_SOURCES } from '../../compiler/emit/c/kernel-sources.js';
import { sha256Hex } from '../../compiler/io/content-hash.js';
import { packageRoot } from '../../compiler/io/package-root.js';
import type { QModel } from '../../compiler/ir/qmodel.js';
import { COUNTED, type Counted } from '../instruction-profile.js';
import { findToolchain } from '../measure-image.js';
import type { CoreSpec } from '../targets.js';

/** Executed instructions by class (and taken branches) in one marker-to-marker segment. */
export type SegmentCounts = Record<Counted, number>;

export interface BareMetalRun {
  /** One entry per layer, averaged over the rows (the FIRMNET_AFTER_LAYER hook marks each layer's end). */
  layers: SegmentCounts[];
  /** Output codes of every row, printed by the target over semihosting. */
  outputs: number[][];
}

/** The model is larger than the emulated board's memory (e.g. a 270 KB model on a 256 KB micro:bit). */
export class EmulatedBoardTooSmall extends Error {}

const QEMU_DIR = (): string => join(packageRoot(), 'firmware-sim', 'qemu');
const execFileAsync = promisify(execFile);

/** Which Debian packages a core's measurement needs; null when everything is installed. */
export function missingTools(core: CoreSpec): string | null {
  const missing = [core.build.compiler, core.emulator.system, 'gcc'].filter((tool) => spawnSync('which', [tool]).status !== 0);
  return missing.length === 0 ? null : `${missing.join(', ')} not found — run scripts/install-system-deps.sh`;
}

/** The plugin's source and where its build for that source version lives (the temporary folder). */
function pluginBuild(): { source: string; so: string } {
  const source = join(QEMU_DIR(), 'insn-count.c');
  return { source, so: join(tmpdir(), `firmnet-insn-count-${sha256Hex(readFileSync(source, 'utf8')).slice(0, 12)}.so`) };
}

/** Compiled under a private name, then renamed: a QEMU started by another process never loads a half-written plugin. */
function pluginCompileArgs(source: string, so: string): { args: string[]; partial: string } {
  const partial = `${so}.${process.pid}.${threadId}.partial`;
  return { args: ['-O2', '-shared', '-fPIC', '-fvisibility=hidden', '-o', partial, source], partial };
}

/** The plugin, built once per source version into the temporary folder. */
export function pluginPath(): string {
  const { source, so } = pluginBuild();
  if (!existsSync(so)) {
    const { args, partial } = pluginCompileArgs(source, so);
    execFileSync('gcc', args);
    renameSync(partial, so);
  }
  return so;
}

let pluginBuilding: Promise<string> | null = null;

/** pluginPath() without blocking the event loop; concurrent callers share one build. */
export function pluginPathAsync(): Promise<string> {
  const { source, so } = pluginBuild();
  if (existsSync(so)) return Promise.resolve(so);
  pluginBuilding ??= (async () => {
    const { args, partial } = pluginCompileArgs(source, so);
    await execFileAsync('gcc', args);
    renameSync(partial, so);
    return so;
  })().finally(() => {
    pluginBuilding = null;
  });
  return pluginBuilding;
}

export function linkerScript(core: CoreSpec): string {
  const e = core.emulator;
  return `MEMORY { CODE (rx) : ORIGIN = ${e.codeOrigin}, LENGTH = ${e.codeBytes}  RAM (rwx) : ORIGIN = ${e.ramOrigin}, LENGTH = ${e.ramBytes} }
SECTIONS {
  .text : { KEEP(*(.vectors)) *(.text*) *(.rodata*) *(.srodata*) } > CODE
  .data : { __data_start = .; *(.data*) *(.sdata*) . = ALIGN(4); __data_end = .; } > RAM AT > CODE
  __data_load = LOADADDR(.data);
  .bss (NOLOAD) : { __bss_start = .; *(.bss*) *(.sbss*) *(COMMON) . = ALIGN(4); __bss_end = .; } > RAM
  __stack_top = ORIGIN(RAM) + LENGTH(RAM);
}
`;
}

/** A harness that runs every row through <name>_invoke and prints the output codes. */
function harness(q: QModel, header: string, invoke: string, input: ArrayLike<number>, rows: number): string {
  const inType = q.layers[0].input.dtype === 'int16' ? 'int16_t' : 'int8_t';
  const outType = q.layers[q.layers.length - 1].output.dtype === 'int16' ? 'int16_t' : 'int8_t';
  const inFeatures = q.layers[0].input.features;
  const outFeatures = q.layers[q.layers.length - 1].output.features;
  return `#include <stdint.h>
#include "${header}"
void firmnet_puts(const char *s);
void firmnet_mark(void);

static const ${inType} rows_in[${rows * inFeatures}] = { ${Array.from(input).join(', ')} };
static ${outType} out[${outFeatures}];
static char line[${outFeatures * 8 + 8}];

static char *put_int(char *p, int32_t v) {
    char digits[12];
    int n = 0;
    uint32_t u = v < 0 ? (uint32_t)(-(v + 1)) + 1u : (uint32_t)v;
    if (v < 0) *p++ = '-';
    do { digits[n++] = (char)('0' + u % 10u); u /= 10u; } while (u);
    while (n) *p++ = digits[--n];
    return p;
}

int main(void) {
    for (int r = 0; r < ${rows}; r++) {
        firmnet_mark();
        ${invoke}(&rows_in[r * ${inFeatures}], out);
        char *p = line;
        for (int j = 0; j < ${outFeatures}; j++) { p = put_int(p, out[j]); *p++ = j + 1 < ${outFeatures} ? ' ' : '\\n'; }
        *p = 0;
        firmnet_puts(line);
    }
    return 0;
}
`;
}

/** A run this long has hung: a model's whole test set takes a few seconds. */
const QEMU_TIMEOUT_MS = 120_000;
/** Semihosting output of a whole test set (rows × output values) fits with room to spare. */
const OUTPUT_BYTES = 1 << 28;

interface PreparedRun {
  elf: string;
  countsFile: string;
  compiler: string;
  /** The start-up code and the kernels: compiled the same way for every run of a core. */
  shared: SharedObject[];
  /** Compiles the harness and the model and links them with the shared objects. */
  buildArgs: string[];
  nm: string;
}

interface SharedObject {
  source: string;
  object: string;
  cflags: string[];
}

const HOOKS = 'void firmnet_mark(void);\n#define FIRMNET_AFTER_LAYER(layer_index) firmnet_mark()\n';

/** Writes the generated C, the harness and the linker script into the work folder. */
function prepare(q: QModel, core: CoreSpec, optimization: string, input: ArrayLike<number>, rows: number, dir: string): PreparedRun {
  mkdirSync(dir, { recursive: true });
  const c = emitC(q, dir, { command: 'firmware-sim bare-metal measurement' });
  writeFileSync(join(dir, 'hooks.h'), HOOKS);
  writeFileSync(join(dir, 'harness.c'), harness(q, c.names.header, c.names.invoke, input, rows));
  writeFileSync(join(dir, 'link.ld'), linkerScript(core));
  const flags = [...core.build.flags, optimization, '-std=c99', '-ffreestanding', '-nostdlib', '-ffunction-sections', '-fdata-sections'];
  const cflags = [...flags, '-include', join(dir, 'hooks.h')];
  const startupSource = join(QEMU_DIR(), 'startup.c');
  const startup = sharedObject(core, flags, cflags, startupSource, [startupSource]);
  // A kernel source includes other kernel files (the shared header, the dense dot products), so
  // each kernel object is named by all of them.
  const kernelFilesHere = KERNEL_FILES.map((f) => join(dir, f));
  const kernels = KERNEL_SOURCES.map((f) => sharedObject(core, flags, cflags, join(dir, f), kernelFilesHere));
  const elf = join(dir, 'model.elf');
  // The same translation units, flags and link order as one gcc call over all the sources: the same image.
  const buildArgs = [...cflags, '-Wl,--gc-sections', '-T', join(dir, 'link.ld'), '-o', elf, startup.object, join(dir, 'harness.c'), join(dir, c.names.source), ...kernels.map((k) => k.object), '-lgcc'];
  return { elf, countsFile: join(dir, 'counts.txt'), compiler: core.build.compiler, shared: [startup, ...kernels], buildArgs, nm: core.build.compiler.replace(/gcc$/, 'nm') };
}

/**
 * A source that every run compiles the same way, as an object in the temporary folder named by the
 * compiler's version, the flags, the source's name and the code of every file it reads (less the
 * generated comment on top, which names the model), like the plugin: a measurement or a test of
 * hundreds of runs compiles the kernels once.
 */
function sharedObject(core: CoreSpec, flags: string[], cflags: string[], source: string, reads: string[]): SharedObject {
  const code = reads.map((f) => readFileSync(f, 'utf8').replace(/^\/\*[\s\S]*?\*\/\n/, ''));
  const key = sha256Hex(JSON.stringify([findToolchain(core)?.version ?? core.build.compiler, flags, HOOKS, basename(source), code])).slice(0, 16);
  const dir = join(tmpdir(), 'firmnet-qemu-objects');
  mkdirSync(dir, { recursive: true });
  return { source, object: join(dir, `${key}.o`), cflags };
}

/** Compiled under a private name, then renamed: a concurrent run never links a half-written object. */
function compileArgs(o: SharedObject): { args: string[]; partial: string } {
  const partial = `${o.object}.${process.pid}.${threadId}.partial`;
  return { args: [...o.cflags, '-c', o.source, '-o', partial], partial };
}

/** Compiles the shared objects not in the cache yet. */
function buildSharedObjects(run: PreparedRun): void {
  for (const o of run.shared.filter((o) => !existsSync(o.object))) {
    const { args, partial } = compileArgs(o);
    const built = spawnSync(run.compiler, args, { encoding: 'utf8' });
    if (built.status !== 0) throw new Error(`${run.compiler} failed: ${built.stderr}`);
    renameSync(partial, o.object);
  }
}

const objectsBuilding = new Map<string, Promise<void>>();

/** buildSharedObjects() as asynchronous child processes; concurrent runs share each compilation. */
async function buildSharedObjectsAsync(run: PreparedRun): Promise<void> {
  const pending = run.shared.filter((o) => !existsSync(o.object));
  await Promise.all(
    pending.map((o) => {
      let building = objectsBuilding.get(o.object);
      if (!building) {
        const { args, partial } = compileArgs(o);
        building = execFileAsync(run.compiler, args, { encoding: 'utf8' })
          .then(
            () => renameSync(partial, o.object),
            (e: unknown) => {
              throw new Error(`${run.compiler} failed: ${childStderr(e)}`);
            },
          )
          .finally(() => objectsBuilding.delete(o.object));
        objectsBuilding.set(o.object, building);
      }
      return building;
    }),
  );
}

function buildFailure(q: QModel, core: CoreSpec, stderr: string): Error {
  const overflow = /region `(\w+)' overflowed by (\d+) bytes/.exec(stderr);
  if (overflow) return new EmulatedBoardTooSmall(`${q.name} does not fit ${core.emulator.machine}'s ${overflow[1] === 'CODE' ? 'code memory' : 'RAM'} (${overflow[2]} bytes over)`);
  return new Error(`${core.build.compiler} failed: ${stderr}`);
}

function markerAddress(nmOutput: string, elf: string): string {
  const marker = nmOutput.split('\n').find((l) => l.endsWith(' firmnet_mark'))?.split(' ')[0];
  if (!marker) throw new Error(`firmnet_mark not found in ${elf}`);
  return marker;
}

function qemuArgs(core: CoreSpec, run: PreparedRun, plugin: string, marker: string): string[] {
  const riscv = core.isa.startsWith('rv');
  return ['-M', core.emulator.machine, '-nographic', '-semihosting', ...(riscv ? ['-bios', 'none'] : []), '-kernel', run.elf, '-plugin', `${plugin},marker=${marker},out=${run.countsFile}`];
}

/** The printed output codes and the per-layer counts of a finished emulator run. */
function readRun(q: QModel, rows: number, countsFile: string, emulatorStderr: string): BareMetalRun {
  // QEMU prints semihosting output on stderr; keep the lines that are only integers.
  const outputs = emulatorStderr
    .split('\n')
    .filter((l) => /^-?\d+( -?\d+)*$/.test(l.trim()))
    .map((l) => l.trim().split(' ').map(Number));
  // Per row: one segment per layer, then one for printing the outputs up to the next row's marker
  // (the last row's printing ends at exit, not at a marker, so it is not a segment).
  const segments = parseCounts(readFileSync(countsFile, 'utf8'));
  const n = q.layers.length;
  const expected = rows * (n + 1) - 1;
  if (segments.length !== expected) throw new Error(`${countsFile}: ${segments.length} counted segments, expected ${expected} (${rows} rows × (${n} layers + 1) − 1)`);
  const layers = Array.from({ length: n }, (_, k) => {
    const mean = {} as SegmentCounts;
    for (const c of COUNTED) {
      let sum = 0;
      for (let r = 0; r < rows; r++) sum += segments[r * (n + 1) + k][c];
      mean[c] = sum / rows;
    }
    return mean;
  });
  return { layers, outputs };
}

/**
 * Builds the generated C for `core` bare-metal (as a firmware build would: -ffunction-sections,
 * --gc-sections, libgcc only), runs it under QEMU with the counting plugin and returns per-layer
 * instruction counts averaged over the rows plus every row's output codes. Without `workDir` the
 * build happens in a private temporary folder, removed afterwards, so concurrent runs never share files.
 */
export function runBareMetal(q: QModel, core: CoreSpec, optimization: string, input: ArrayLike<number>, rows: number, workDir?: string): BareMetalRun {
  const dir = workDir ?? privateDir(core);
  try {
    const run = prepare(q, core, optimization, input, rows, dir);
    buildSharedObjects(run);
    const build = spawnSync(run.compiler, run.buildArgs, { encoding: 'utf8' });
    if (build.status !== 0) throw buildFailure(q, core, build.stderr);
    const marker = markerAddress(execFileSync(run.nm, [run.elf], { encoding: 'utf8', maxBuffer: OUTPUT_BYTES }), run.elf);
    const args = qemuArgs(core, run, pluginPath(), marker);
    const emulator = spawnSync(core.emulator.system, args, { encoding: 'utf8', timeout: QEMU_TIMEOUT_MS, maxBuffer: OUTPUT_BYTES });
    if (emulator.status !== 0) throw new Error(`${core.emulator.system} ${args.join(' ')} failed (${emulator.status ?? emulator.signal}): ${emulator.stderr}`);
    return readRun(q, rows, run.countsFile, emulator.stderr);
  } finally {
    if (!workDir) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * runBareMetal() with the compiler and the emulator as asynchronous child processes: the caller's
 * event loop stays free, and several runs (cores, models) can proceed at once.
 */
export async function runBareMetalAsync(q: QModel, core: CoreSpec, optimization: string, input: ArrayLike<number>, rows: number, workDir?: string): Promise<BareMetalRun> {
  const dir = workDir ?? privateDir(core);
  try {
    const run = prepare(q, core, optimization, input, rows, dir);
    await buildSharedObjectsAsync(run);
    await execFileAsync(run.compiler, run.buildArgs, { encoding: 'utf8' }).catch((e: unknown) => {
      throw buildFailure(q, core, childStderr(e));
    });
    const marker = markerAddress((await execFileAsync(run.nm, [run.elf], { encoding: 'utf8', maxBuffer: OUTPUT_BYTES })).stdout, run.elf);
    const args = qemuArgs(core, run, await pluginPathAsync(), marker);
    const emulator = await execFileAsync(core.emulator.system, args, { encoding: 'utf8', timeout: QEMU_TIMEOUT_MS, maxBuffer: OUTPUT_BYTES }).catch((e: unknown) => {
      const { code, signal } = e as { code?: unknown; signal?: unknown };
      throw new Error(`${core.emulator.system} ${args.join(' ')} failed (${code ?? signal}): ${childStderr(e)}`);
    });
    return readRun(q, rows, run.countsFile, emulator.stderr);
  } finally {
    if (!workDir) rmSync(dir, { recursive: true, force: true });
  }
}

function privateDir(core: CoreSpec): string {
  return mkdtempSync(join(tmpdir(), `firmnet-qemu-${core.id}-`));
}

/** What a failed child process printed (execFile's rejection carries it), or the error itself. */
function childStderr(e: unknown): string {
  const stderr = (e as { stderr?: unknown }).stderr;
  return typeof stderr === 'string' && stderr !== '' ? stderr : String(e);
}

function parseCounts(text: string): SegmentCounts[] {
  return text
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('segment'))
    .map((line) => {
      const fields = new Map<string, number>();
      const words = line.split(' ');
      fields.set('taken_branches', Number(words[words.indexOf('taken_branches') + 1]));
      for (const w of words) {
        const [k, v] = w.split('=');
        if (v !== undefined) fields.set(k, Number(v));
      }
      const counts = {} as SegmentCounts;
      for (const c of COUNTED) counts[c] = fields.get(c) ?? 0;
      return counts;
    });
}

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

/** Executed instructions by class and pipeline events in one marker-to-marker segment. */
export type SegmentCounts = Record<Counted, number>;

export interface BareMetalRun {
  /** One entry per layer, averaged over the rows (the FIRMNET_AFTER_LAYER hook marks each layer's end). */
  layers: SegmentCounts[];
  /** Flash words (or lines) each layer fetched for its data reads under `FlashStream`, averaged over the rows after the first; zeros without one. */
  flashReads: number[];
  /** Output codes of every row, printed by the target over semihosting. */
  outputs: number[][];
  /** The emulated machine the image ran on. */
  machine: string;
}

/** How the plugin simulates data reads from flash: `readBytes`-byte words through an LRU cache of `cacheUnits` of them. */
export interface FlashStream {
  readBytes: number;
  cacheUnits: number;
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

export type Memories = Pick<CoreSpec['emulator'], 'machine' | 'codeOrigin' | 'codeBytes' | 'ramOrigin' | 'ramBytes'>;

/** The linker script of a bare-metal image: code and constants in the code memory, data and bss in RAM. */
export function linkerScript(e: Memories): string {
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
/* Each row is copied to SRAM before it is marked, as firmware passes a RAM buffer: reading it from flash would charge the model flash reads it does not make. */
static ${inType} in_row[${inFeatures}];
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
        for (int j = 0; j < ${inFeatures}; j++) in_row[j] = rows_in[r * ${inFeatures} + j];
        firmnet_mark();
        ${invoke}(in_row, out);
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
  linkerScript: string;
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
  // The core's own emulated machine first; writeLinkerScript switches to its larger one when the image does not fit.
  mkdirSync(dir, { recursive: true });
  const c = emitC(q, dir, { command: 'firmware-sim bare-metal measurement' });
  writeFileSync(join(dir, 'hooks.h'), HOOKS);
  writeFileSync(join(dir, 'harness.c'), harness(q, c.names.header, c.names.invoke, input, rows));
  writeFileSync(join(dir, 'link.ld'), linkerScript(core.emulator));
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
  return { elf, countsFile: join(dir, 'counts.txt'), linkerScript: join(dir, 'link.ld'), compiler: core.build.compiler, shared: [startup, ...kernels], buildArgs, nm: core.build.compiler.replace(/gcc$/, 'nm') };
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

function buildFailure(q: QModel, core: CoreSpec, machine: Memories, stderr: string): Error {
  const overflow = /region `(\w+)' overflowed by (\d+) bytes/.exec(stderr);
  if (overflow) return new EmulatedBoardTooSmall(`${q.name} does not fit ${machine.machine}'s ${overflow[1] === 'CODE' ? 'code memory' : 'RAM'} (${overflow[2]} bytes over)`);
  return new Error(`${core.build.compiler} failed: ${stderr}`);
}

/** The machines to try, in order: the core's own, then its larger one for images that do not fit. */
function machines(core: CoreSpec): Memories[] {
  return core.emulator.largeImageMachine ? [core.emulator, core.emulator.largeImageMachine] : [core.emulator];
}

function markerAddress(nmOutput: string, elf: string): string {
  const marker = nmOutput.split('\n').find((l) => l.endsWith(' firmnet_mark'))?.split(' ')[0];
  if (!marker) throw new Error(`firmnet_mark not found in ${elf}`);
  return marker;
}

function qemuArgs(core: CoreSpec, machine: Memories, run: PreparedRun, plugin: string, marker: string, flash?: FlashStream): string[] {
  const riscv = core.isa.startsWith('rv');
  const hex = (v: number): string => v.toString(16);
  // With a flash stream the plugin also runs the data reads from the code memory (where the constants are) through that cache.
  const flashArgs = flash ? `,flash=${hex(machine.codeOrigin)}-${hex(machine.codeOrigin + machine.codeBytes)},read_bytes=${flash.readBytes},cache_units=${flash.cacheUnits}` : '';
  return ['-M', machine.machine, '-nographic', '-semihosting', ...(riscv ? ['-bios', 'none'] : []), '-kernel', run.elf, '-plugin', `${plugin},marker=${marker},out=${run.countsFile}${flashArgs}`];
}

/** The printed output codes and the per-layer counts of a finished emulator run. */
function readRun(q: QModel, rows: number, countsFile: string, emulatorStderr: string, machine: string): BareMetalRun {
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
      for (let r = 0; r < rows; r++) sum += segments[r * (n + 1) + k].get(c) ?? 0;
      mean[c] = sum / rows;
    }
    return mean;
  });
  // The first row fills the caches; later rows show what repeated inferences fetch.
  const warm = rows > 1 ? Array.from({ length: rows - 1 }, (_, i) => i + 1) : [0];
  const flashReads = Array.from({ length: n }, (_, k) => warm.reduce((s, r) => s + (segments[r * (n + 1) + k].get('flash_reads') ?? 0), 0) / warm.length);
  return { layers, flashReads, outputs, machine };
}

/**
 * Builds the generated C for `core` bare-metal (as a firmware build would: -ffunction-sections,
 * --gc-sections, libgcc only), runs it under QEMU with the counting plugin and returns per-layer
 * counts averaged over the rows plus every row's output codes. An image too large for the core's
 * emulated machine runs on its `largeImageMachine` when it has one. With `flash`, the plugin also
 * simulates the data reads from the code memory through that cache. Without `workDir` the build
 * happens in a private temporary folder, removed afterwards, so concurrent runs never share files.
 */
export function runBareMetal(q: QModel, core: CoreSpec, optimization: string, input: ArrayLike<number>, rows: number, workDir?: string, flash?: FlashStream): BareMetalRun {
  const dir = workDir ?? privateDir(core);
  try {
    const run = prepare(q, core, optimization, input, rows, dir);
    buildSharedObjects(run);
    let machine: Memories | null = null;
    let failure: Error | null = null;
    for (const m of machines(core)) {
      writeFileSync(run.linkerScript, linkerScript(m));
      const build = spawnSync(run.compiler, run.buildArgs, { encoding: 'utf8' });
      if (build.status === 0) {
        machine = m;
        break;
      }
      failure = buildFailure(q, core, m, build.stderr);
      if (!(failure instanceof EmulatedBoardTooSmall)) throw failure;
    }
    if (!machine) throw failure!;
    const marker = markerAddress(execFileSync(run.nm, [run.elf], { encoding: 'utf8', maxBuffer: OUTPUT_BYTES }), run.elf);
    const args = qemuArgs(core, machine, run, pluginPath(), marker, flash);
    const emulator = spawnSync(core.emulator.system, args, { encoding: 'utf8', timeout: QEMU_TIMEOUT_MS, maxBuffer: OUTPUT_BYTES });
    if (emulator.status !== 0) throw new Error(`${core.emulator.system} ${args.join(' ')} failed (${emulator.status ?? emulator.signal}): ${emulator.stderr}`);
    return readRun(q, rows, run.countsFile, emulator.stderr, machine.machine);
  } finally {
    if (!workDir) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * runBareMetal() with the compiler and the emulator as asynchronous child processes: the caller's
 * event loop stays free, and several runs (cores, models) can proceed at once.
 */
export async function runBareMetalAsync(q: QModel, core: CoreSpec, optimization: string, input: ArrayLike<number>, rows: number, workDir?: string, flash?: FlashStream): Promise<BareMetalRun> {
  const dir = workDir ?? privateDir(core);
  try {
    const run = prepare(q, core, optimization, input, rows, dir);
    await buildSharedObjectsAsync(run);
    let machine: Memories | null = null;
    let failure: Error | null = null;
    for (const m of machines(core)) {
      writeFileSync(run.linkerScript, linkerScript(m));
      failure = await execFileAsync(run.compiler, run.buildArgs, { encoding: 'utf8' }).then(
        () => null,
        (e: unknown) => buildFailure(q, core, m, childStderr(e)),
      );
      if (!failure) {
        machine = m;
        break;
      }
      if (!(failure instanceof EmulatedBoardTooSmall)) throw failure;
    }
    if (!machine) throw failure!;
    const marker = markerAddress((await execFileAsync(run.nm, [run.elf], { encoding: 'utf8', maxBuffer: OUTPUT_BYTES })).stdout, run.elf);
    const args = qemuArgs(core, machine, run, await pluginPathAsync(), marker, flash);
    const emulator = await execFileAsync(core.emulator.system, args, { encoding: 'utf8', timeout: QEMU_TIMEOUT_MS, maxBuffer: OUTPUT_BYTES }).catch((e: unknown) => {
      const { code, signal } = e as { code?: unknown; signal?: unknown };
      throw new Error(`${core.emulator.system} ${args.join(' ')} failed (${code ?? signal}): ${childStderr(e)}`);
    });
    return readRun(q, rows, run.countsFile, emulator.stderr, machine.machine);
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

/** The plugin's count file: one map of counter → count per marker-to-marker segment. */
export function parseCounts(text: string): Map<string, number>[] {
  return text
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('segment'))
    .map((line) => {
      const fields = new Map<string, number>();
      for (const w of line.split(' ')) {
        const [k, v] = w.split('=');
        if (v !== undefined) fields.set(k, Number(v));
      }
      return fields;
    });
}

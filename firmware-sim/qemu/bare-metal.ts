import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { emitC } from '../../compiler/emit/c/emit-c.js';
import { KERNEL_SOURCES } from '../../compiler/emit/c/kernel-sources.js';
import { sha256Hex } from '../../compiler/io/content-hash.js';
import { packageRoot } from '../../compiler/io/package-root.js';
import type { QModel } from '../../compiler/ir/qmodel.js';
import { COUNTED, type Counted } from '../instruction-profile.js';
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

/** Which Debian packages a core's measurement needs; null when everything is installed. */
export function missingTools(core: CoreSpec): string | null {
  const missing = [core.build.compiler, core.emulator.system, 'gcc'].filter((tool) => spawnSync('which', [tool]).status !== 0);
  return missing.length === 0 ? null : `${missing.join(', ')} not found — run scripts/install-system-deps.sh`;
}

/** The plugin, built once per source version into the temporary folder. */
export function pluginPath(): string {
  const source = join(QEMU_DIR(), 'insn-count.c');
  const so = join(tmpdir(), `firmnet-insn-count-${sha256Hex(readFileSync(source, 'utf8')).slice(0, 12)}.so`);
  if (!existsSync(so)) execFileSync('gcc', ['-O2', '-shared', '-fPIC', '-fvisibility=hidden', '-o', so, source]);
  return so;
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

/**
 * Builds the generated C for `core` bare-metal (as a firmware build would: -ffunction-sections,
 * --gc-sections, libgcc only), runs it under QEMU with the counting plugin and returns per-layer
 * counts averaged over the rows, plus every row's output codes. An image too large for the core's
 * emulated machine runs on its `largeImageMachine` when it has one. With `flash`, the plugin also
 * simulates the data reads from the code memory (where the constants are) through that cache.
 */
export function runBareMetal(q: QModel, core: CoreSpec, optimization: string, input: ArrayLike<number>, rows: number, workDir?: string, flash?: FlashStream): BareMetalRun {
  const dir = workDir ?? join(tmpdir(), `firmnet-qemu-${core.id}-${q.hash}-${optimization.replace(/\W/g, '')}`);
  mkdirSync(dir, { recursive: true });
  const c = emitC(q, dir, { command: 'firmware-sim bare-metal measurement' });
  writeFileSync(join(dir, 'hooks.h'), 'void firmnet_mark(void);\n#define FIRMNET_AFTER_LAYER(layer_index) firmnet_mark()\n');
  writeFileSync(join(dir, 'harness.c'), harness(q, c.names.header, c.names.invoke, input, rows));
  const riscv = core.isa.startsWith('rv');
  const startup = join(QEMU_DIR(), 'startup.c');
  const elf = join(dir, 'model.elf');
  const sources = ['harness.c', c.names.source, ...KERNEL_SOURCES].map((f) => join(dir, f));
  const link = (machine: Memories): string | null => {
    writeFileSync(join(dir, 'link.ld'), linkerScript(machine));
    const build = spawnSync(
      core.build.compiler,
      [...core.build.flags, optimization, '-std=c99', '-ffreestanding', '-nostdlib', '-ffunction-sections', '-fdata-sections', '-include', join(dir, 'hooks.h'), '-Wl,--gc-sections', '-T', join(dir, 'link.ld'), '-o', elf, startup, ...sources, '-lgcc'],
      { encoding: 'utf8' },
    );
    if (build.status === 0) return null;
    const overflow = /region `(\w+)' overflowed by (\d+) bytes/.exec(build.stderr);
    if (overflow) return `${q.name} does not fit ${machine.machine}'s ${overflow[1] === 'CODE' ? 'code memory' : 'RAM'} (${overflow[2]} bytes over)`;
    throw new Error(`${core.build.compiler} failed: ${build.stderr}`);
  };
  let machine: Memories = core.emulator;
  let tooSmall = link(machine);
  if (tooSmall && core.emulator.largeImageMachine) {
    machine = core.emulator.largeImageMachine;
    tooSmall = link(machine);
  }
  if (tooSmall) throw new EmulatedBoardTooSmall(tooSmall);
  const nm = execFileSync(core.build.compiler.replace(/gcc$/, 'nm'), [elf], { encoding: 'utf8' });
  const marker = nm.split('\n').find((l) => l.endsWith(' firmnet_mark'))?.split(' ')[0];
  if (!marker) throw new Error(`firmnet_mark not found in ${elf}`);
  const countsFile = join(dir, 'counts.txt');
  const hex = (v: number): string => v.toString(16);
  const flashArgs = flash ? `,flash=${hex(machine.codeOrigin)}-${hex(machine.codeOrigin + machine.codeBytes)},read_bytes=${flash.readBytes},cache_units=${flash.cacheUnits}` : '';
  const args = ['-M', machine.machine, '-nographic', '-semihosting', ...(riscv ? ['-bios', 'none'] : []), '-kernel', elf, '-plugin', `${pluginPath()},marker=${marker},out=${countsFile}${flashArgs}`];
  const run = spawnSync(core.emulator.system, args, { encoding: 'utf8', timeout: 120_000 });
  if (run.status !== 0) throw new Error(`${core.emulator.system} ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  // QEMU prints semihosting output on stderr; keep the lines that are only integers.
  const outputs = run.stderr
    .split('\n')
    .filter((l) => /^-?\d+( -?\d+)*$/.test(l.trim()))
    .map((l) => l.trim().split(' ').map(Number));
  // Per row: one segment per layer, then one for printing the outputs up to the next row's marker.
  const segments = parseCounts(readFileSync(countsFile, 'utf8'));
  const n = q.layers.length;
  if (segments.length < rows * (n + 1) - 1) throw new Error(`${core.emulator.system} recorded ${segments.length} segments for ${rows} rows of ${n} layers: did the run stop early?`);
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
  return { layers, flashReads, outputs, machine: machine.machine };
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

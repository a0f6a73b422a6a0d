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

function linkerScript(core: CoreSpec): string {
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

/**
 * Builds the generated C for `core` bare-metal (as a firmware build would: -ffunction-sections,
 * --gc-sections, libgcc only), runs it under QEMU with the counting plugin and returns per-layer
 * instruction counts of the first row plus every row's output codes.
 */
export function runBareMetal(q: QModel, core: CoreSpec, optimization: string, input: ArrayLike<number>, rows: number, workDir?: string): BareMetalRun {
  const dir = workDir ?? join(tmpdir(), `firmnet-qemu-${core.id}-${q.hash}-${optimization.replace(/\W/g, '')}`);
  mkdirSync(dir, { recursive: true });
  const c = emitC(q, dir, { command: 'firmware-sim bare-metal measurement' });
  writeFileSync(join(dir, 'hooks.h'), 'void firmnet_mark(void);\n#define FIRMNET_AFTER_LAYER(layer_index) firmnet_mark()\n');
  writeFileSync(join(dir, 'harness.c'), harness(q, c.names.header, c.names.invoke, input, rows));
  writeFileSync(join(dir, 'link.ld'), linkerScript(core));
  const riscv = core.isa.startsWith('rv');
  const startup = join(QEMU_DIR(), 'startup.c');
  const elf = join(dir, 'model.elf');
  const sources = ['harness.c', c.names.source, ...KERNEL_SOURCES].map((f) => join(dir, f));
  const build = spawnSync(
    core.build.compiler,
    [...core.build.flags, optimization, '-std=c99', '-ffreestanding', '-nostdlib', '-ffunction-sections', '-fdata-sections', '-include', join(dir, 'hooks.h'), '-Wl,--gc-sections', '-T', join(dir, 'link.ld'), '-o', elf, startup, ...sources, '-lgcc'],
    { encoding: 'utf8' },
  );
  if (build.status !== 0) {
    const overflow = /region `(\w+)' overflowed by (\d+) bytes/.exec(build.stderr);
    if (overflow) throw new EmulatedBoardTooSmall(`${q.name} does not fit ${core.emulator.machine}'s ${overflow[1] === 'CODE' ? 'code memory' : 'RAM'} (${overflow[2]} bytes over)`);
    throw new Error(`${core.build.compiler} failed: ${build.stderr}`);
  }
  const nm = execFileSync(core.build.compiler.replace(/gcc$/, 'nm'), [elf], { encoding: 'utf8' });
  const marker = nm.split('\n').find((l) => l.endsWith(' firmnet_mark'))?.split(' ')[0];
  if (!marker) throw new Error(`firmnet_mark not found in ${elf}`);
  const countsFile = join(dir, 'counts.txt');
  const args = ['-M', core.emulator.machine, '-nographic', '-semihosting', ...(riscv ? ['-bios', 'none'] : []), '-kernel', elf, '-plugin', `${pluginPath()},marker=${marker},out=${countsFile}`];
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

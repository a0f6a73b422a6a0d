/**
 * Checks firmnet's cycle table against silicon it cannot run but can read about: CMSIS-NN's int8
 * fully-connected kernels run the MLPerf Tiny anomaly-detection autoencoder (640-128×4-8-128×4-640)
 * under QEMU with firmnet's counting plugin, and the counts are kept in
 * firmware-sim/measured/silicon-calibration.json. The simulator prices them with the current
 * Cortex-M4 table and the stm32l4r5 flash model (firmware-sim/silicon-calibration.ts) and compares
 * with the latencies the MLPerf Tiny submissions measured on a NUCLEO-L4R5ZI.
 *
 * CMSIS-NN is not part of firmnet and nothing of it enters the repository: give checkouts of
 * https://github.com/ARM-software/CMSIS-NN (any folder holding its Include/ and Source/); the
 * image is built in a temporary folder that is removed afterwards. The commits used for the
 * committed result are in its `builds[].commit`:
 *   git clone https://github.com/ARM-software/CMSIS-NN cmsis-nn && cd cmsis-nn
 *   git worktree add ../cmsis-nn-2020-09 8a826ff9   # the kernels of TFLite Micro 2.3.1's era
 *   git worktree add ../cmsis-nn-2022-05 f33a5efd   # the kernels of microTVM's MLPerf Tiny v1.0 era
 * Usage:
 *   npm run build && node dist/scripts/calibrate-against-silicon.js \
 *     2020-09=../cmsis-nn-2020-09 2022-05=../cmsis-nn-2022-05 main=../cmsis-nn
 * A folder that is not a git checkout needs its commit spelled out: `2020-09=<folder>@<commit>`.
 *
 * CMSIS-NN includes CMSIS-Core/CMSIS-DSP headers for its intrinsics in the older snapshots; a few
 * lines below map those names onto GCC's ACLE intrinsics instead (written for this measurement).
 * The 2020 and 2022 kernels are per-tensor: they run with the first channel's multiplier and shift
 * (the timing is the same; the outputs then differ from firmnet's). The per-channel kernel of later
 * snapshots must reproduce firmnet's golden outputs bit for bit, which checks the harness.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { QModel } from '../compiler/ir/qmodel.js';
import { toJsonText, writeFileAtomic } from '../compiler/io/atomic-write.js';
import { packageRoot } from '../compiler/io/package-root.js';
import type { FullyConnectedLayer } from '../compiler/ops/fully-connected/ir.js';
import { quantizeInput } from '../compiler/reference/io.js';
import { runModel } from '../compiler/reference/interpreter.js';
import { COUNTED } from '../firmware-sim/instruction-profile.js';
import { linkerScript, missingTools, parseCounts, pluginPath } from '../firmware-sim/qemu/bare-metal.js';
import { SILICON_CALIBRATION_FILE, type SiliconCalibrationData } from '../firmware-sim/silicon-calibration.js';
import { resolveTarget } from '../firmware-sim/targets.js';
import { autoencoderValidationModel } from '../firmware-sim/validation-models.js';

const BOARD = 'stm32l4r5';
const OPTIMIZATIONS = ['-Os', '-O2', '-O3'];
const ROWS = 4;

/** The published measurements (MLPerf Tiny, anomaly detection, NUCLEO-L4R5ZI at 120 MHz) and the CMSIS-NN snapshot of each stack's era. */
const PUBLISHED: SiliconCalibrationData['published'] = [
  {
    stack: 'TFLite Micro 2.3.1 + CMSIS-NN (MLPerf Tiny v0.5 reference)',
    ms: 10.05,
    source: 'MLPerf Tiny Inference v0.5 results, closed division, reference submission, NUCLEO-L4R5ZI, anomaly detection (ToyADMOS autoencoder) latency',
    snapshot: '2020-09',
  },
  {
    stack: 'microTVM + CMSIS-NN (MLPerf Tiny v1.0)',
    ms: 8.6,
    source: 'MLPerf Tiny Inference v1.0 results, closed division, OctoML microTVM submission, NUCLEO-L4R5ZI, anomaly detection latency',
    snapshot: '2022-05',
  },
];

/** CMSIS-Core/CMSIS-DSP names the older CMSIS-NN snapshots use, mapped onto ACLE (not CMSIS code). */
const SHIM: Record<string, string> = {
  'cmsis_compiler.h': `#ifndef CALIBRATION_CMSIS_COMPILER_H
#define CALIBRATION_CMSIS_COMPILER_H
#include <stdint.h>
#define __STATIC_FORCEINLINE static inline __attribute__((always_inline))
#define __STATIC_INLINE static inline
#define __RESTRICT __restrict
#define __ALIGNED(x) __attribute__((aligned(x)))
#define __INLINE inline
#if defined(__ARM_FEATURE_DSP)
#include <arm_acle.h>
#define __SXTB16(x) ((uint32_t)__sxtb16((int32_t)(x)))
#define __SXTAB16(a, b) ((uint32_t)__sxtab16((int32_t)(a), (int32_t)(b)))
#define __SMLAD(a, b, c) ((uint32_t)__smlad((int32_t)(a), (int32_t)(b), (int32_t)(c)))
#define __QADD16(a, b) ((uint32_t)__qadd16((int32_t)(a), (int32_t)(b)))
static inline __attribute__((always_inline)) uint32_t __SXTB16_ROR(uint32_t x, uint32_t r) {
    uint32_t v;
    if (r == 8u) __asm__("sxtb16 %0, %1, ror #8" : "=r"(v) : "r"(x));
    else if (r == 16u) __asm__("sxtb16 %0, %1, ror #16" : "=r"(v) : "r"(x));
    else v = (uint32_t)__sxtb16((int32_t)((x >> r) | (x << (32u - r))));
    return v;
}
static inline __attribute__((always_inline)) uint32_t __SXTAB16_ROR(uint32_t a, uint32_t x, uint32_t r) {
    uint32_t v;
    if (r == 8u) __asm__("sxtab16 %0, %1, %2, ror #8" : "=r"(v) : "r"(a), "r"(x));
    else v = (uint32_t)__sxtab16((int32_t)a, (int32_t)((x >> r) | (x << (32u - r))));
    return v;
}
#define __SXTB16_RORn(x, r) __SXTB16_ROR((uint32_t)(x), (r))
#define __SXTAB16_RORn(a, x, r) __SXTAB16_ROR((uint32_t)(a), (uint32_t)(x), (r))
#endif
static inline __attribute__((always_inline)) uint32_t __ROR(uint32_t x, uint32_t n) { n &= 31u; return n == 0u ? x : (x >> n) | (x << (32u - n)); }
#define __PKHBT(a, b, s) ((((int32_t)(a) << 0) & (int32_t)0x0000FFFF) | (((int32_t)(b) << (s)) & (int32_t)0xFFFF0000))
#define __PKHTB(a, b, s) ((((int32_t)(a) << 0) & (int32_t)0xFFFF0000) | (((int32_t)(b) >> (s)) & (int32_t)0x0000FFFF))
#endif
`,
  'arm_math_types.h': `#ifndef CALIBRATION_ARM_MATH_TYPES_H
#define CALIBRATION_ARM_MATH_TYPES_H
#include <stdint.h>
#include "cmsis_compiler.h"
#if defined(__ARM_FEATURE_DSP)
#define ARM_MATH_DSP 1
#endif
typedef int8_t q7_t;
typedef int16_t q15_t;
typedef int32_t q31_t;
typedef int64_t q63_t;
typedef float float32_t;
typedef enum { ARM_MATH_SUCCESS = 0, ARM_MATH_ARGUMENT_ERROR = -1, ARM_MATH_LENGTH_ERROR = -2, ARM_MATH_SIZE_MISMATCH = -3 } arm_status;
#define Q31_MAX ((q31_t)0x7FFFFFFFL)
#define Q31_MIN ((q31_t)0x80000000L)
#define Q15_MAX ((q15_t)0x7FFF)
#define Q15_MIN ((q15_t)0x8000)
#define Q7_MAX ((q7_t)0x7F)
#define Q7_MIN ((q7_t)0x80)
#endif
`,
  'arm_common_tables.h': '',
  /* -ffreestanding turns memcpy into calls; firmware builds inline CMSIS-NN's 4-byte memcpy reads. */
  'builtin_mem.h': '#include <string.h>\n#define memcpy(d, s, n) __builtin_memcpy(d, s, n)\n#define memset(d, c, n) __builtin_memset(d, c, n)\n',
  'mem.c': `#include <stddef.h>
void *memcpy(void *d, const void *s, size_t n) { unsigned char *a = d; const unsigned char *b = s; while (n--) *a++ = *b++; return d; }
void *memset(void *d, int c, size_t n) { unsigned char *a = d; while (n--) *a++ = (unsigned char)c; return d; }
`,
};

interface Checkout {
  snapshot: string;
  dir: string;
  commit: string;
}

function parseCheckout(arg: string): Checkout {
  const m = /^([\w.-]+)=(.+?)(?:@([0-9a-f]{7,40}))?$/.exec(arg);
  if (!m) throw new Error(`'${arg}': expected <snapshot>=<CMSIS-NN folder>[@<commit>]`);
  const dir = resolve(m[2]);
  if (!existsSync(join(dir, 'Include', 'arm_nnfunctions.h'))) throw new Error(`${dir} is not a CMSIS-NN checkout (no Include/arm_nnfunctions.h)`);
  const git = spawnSync('git', ['-C', dir, 'rev-parse', 'HEAD'], { encoding: 'utf8' });
  const commit = m[3] ?? (git.status === 0 ? git.stdout.trim() : null);
  if (!commit) throw new Error(`${dir} is not a git checkout: name its commit, ${m[1]}=${m[2]}@<commit>`);
  return { snapshot: m[1], dir, commit };
}

/** The per-channel kernel where the snapshot has it (its outputs are then firmnet's), else the per-tensor one. */
function kernelSources(dir: string): { perChannel: boolean; sources: string[] } {
  const fc = join(dir, 'Source', 'FullyConnectedFunctions');
  const support = join(dir, 'Source', 'NNSupportFunctions');
  if (existsSync(join(fc, 'arm_fully_connected_per_channel_s8.c')))
    return { perChannel: true, sources: [join(fc, 'arm_fully_connected_per_channel_s8.c'), join(support, 'arm_nn_vec_mat_mult_t_per_ch_s8.c')] };
  return { perChannel: false, sources: [join(fc, 'arm_fully_connected_s8.c'), join(support, 'arm_nn_vec_mat_mult_t_s8.c')] };
}

const cArray = (values: readonly number[]): string => values.join(',');

/**
 * The model as CMSIS-NN calls, as TFLite Micro lays it out: weights and biases const (flash),
 * per-channel multipliers and shifts in RAM (TFLM computes them at prepare time into its arena).
 */
function modelSource(q: QModel, perChannel: boolean): string {
  const layers = q.layers as FullyConnectedLayer[];
  let c = '#include <stdint.h>\n#include "arm_nnfunctions.h"\n\n';
  const widest = Math.max(...layers.map((l) => Math.max(l.inFeatures, l.outFeatures)));
  layers.forEach((l, k) => {
    c += `static const int8_t w${k}[${l.weights.length}] __attribute__((aligned(4))) = {${cArray(l.weights)}};\n`;
    c += `static const int32_t b${k}[${l.bias.length}] = {${cArray(l.bias)}};\n`;
    c += `static int32_t m${k}[${l.multiplier.length}] = {${cArray(l.multiplier)}};\n`;
    c += `static int32_t s${k}[${l.shift.length}] = {${cArray(l.shift)}};\n`;
  });
  c += `static int8_t act[2][${widest}] __attribute__((aligned(4)));\n\n`;
  c += 'void calibration_invoke(const int8_t *in, int8_t *out) {\n';
  c += '    cmsis_nn_context ctx = { 0, 0 };\n    cmsis_nn_dims in_dims = { 1, 1, 1, 0 }, f_dims = { 0, 1, 1, 0 }, b_dims = { 1, 1, 1, 0 }, o_dims = { 1, 1, 1, 0 };\n';
  c += `    cmsis_nn_fc_params fc;\n    cmsis_nn_per_${perChannel ? 'channel' : 'tensor'}_quant_params qp;\n`;
  layers.forEach((l, k) => {
    const src = k === 0 ? 'in' : `act[${(k - 1) % 2}]`;
    const dst = k === layers.length - 1 ? 'out' : `act[${k % 2}]`;
    c += `    in_dims.c = ${l.inFeatures}; f_dims.n = ${l.inFeatures}; f_dims.c = ${l.outFeatures}; o_dims.c = ${l.outFeatures}; b_dims.c = ${l.outFeatures};\n`;
    c += `    fc.input_offset = ${-l.input.zeroPoint}; fc.filter_offset = 0; fc.output_offset = ${l.output.zeroPoint}; fc.activation.min = ${l.activationMin}; fc.activation.max = ${l.activationMax};\n`;
    c += perChannel
      ? `    qp.multiplier = m${k}; qp.shift = s${k};\n    arm_fully_connected_per_channel_s8(&ctx, &fc, &qp, &in_dims, ${src}, &f_dims, w${k}, &b_dims, b${k}, &o_dims, ${dst});\n`
      : `    qp.multiplier = m${k}[0]; qp.shift = s${k}[0];\n    arm_fully_connected_s8(&ctx, &fc, &qp, &in_dims, ${src}, &f_dims, w${k}, &b_dims, b${k}, &o_dims, ${dst});\n`;
  });
  return `${c}}\n`;
}

/** Each row copied to SRAM (a firmware passes a RAM buffer), marked, run, marked again, printed. */
function harnessSource(input: ArrayLike<number>, inFeatures: number, outFeatures: number): string {
  return `#include <stdint.h>
void firmnet_puts(const char *s);
void firmnet_mark(void);
void calibration_invoke(const int8_t *in, int8_t *out);
static const int8_t rows_in[${ROWS * inFeatures}] = {${cArray(Array.from(input))}};
static int8_t in_row[${inFeatures}] __attribute__((aligned(4)));
static int8_t out[${outFeatures}];
static char line[${outFeatures * 5 + 2}];
int main(void) {
    for (int r = 0; r < ${ROWS}; r++) {
        for (int j = 0; j < ${inFeatures}; j++) in_row[j] = rows_in[r * ${inFeatures} + j];
        firmnet_mark();
        calibration_invoke(in_row, out);
        firmnet_mark();
        char *p = line;
        for (int j = 0; j < ${outFeatures}; j++) {
            int v = out[j];
            if (v < 0) { *p++ = '-'; v = -v; }
            if (v >= 100) *p++ = (char)('0' + v / 100);
            if (v >= 10) *p++ = (char)('0' + v / 10 % 10);
            *p++ = (char)('0' + v % 10);
            *p++ = j + 1 < ${outFeatures} ? ' ' : '\\n';
        }
        *p = 0;
        firmnet_puts(line);
    }
    return 0;
}
`;
}

function measure(q: QModel, checkout: Checkout, optimization: string, workDir: string): SiliconCalibrationData['builds'][number] {
  const target = resolveTarget(BOARD);
  const core = target.core;
  const dir = mkdtempSync(join(workDir, `${checkout.snapshot}${optimization}-`));
  for (const [name, text] of Object.entries(SHIM)) writeFileSync(join(dir, name), text);
  const { perChannel, sources } = kernelSources(checkout.dir);
  const inFeatures = q.layers[0].input.features;
  const outFeatures = q.layers[q.layers.length - 1].output.features;
  const features = autoencoderValidationModel().features;
  const input = quantizeInput(q, features, ROWS);
  writeFileSync(join(dir, 'model.c'), modelSource(q, perChannel));
  writeFileSync(join(dir, 'harness.c'), harnessSource(input, inFeatures, outFeatures));
  writeFileSync(join(dir, 'link.ld'), linkerScript(core.emulator));
  const elf = join(dir, 'image.elf');
  const include = ['-I', join(checkout.dir, 'Include'), '-I', dir, '-include', join(dir, 'builtin_mem.h')];
  const build = spawnSync(
    core.build.compiler,
    [...core.build.flags, optimization, '-std=c99', '-ffreestanding', '-nostdlib', '-ffunction-sections', '-fdata-sections', ...include, '-Wl,--gc-sections', '-T', join(dir, 'link.ld'), '-o', elf,
      join(packageRoot(), 'firmware-sim', 'qemu', 'startup.c'), join(dir, 'harness.c'), join(dir, 'model.c'), join(dir, 'mem.c'), ...sources, '-lgcc'],
    { encoding: 'utf8' },
  );
  if (build.status !== 0) throw new Error(`${checkout.snapshot} ${optimization}: ${core.build.compiler} failed:\n${build.stderr}`);
  const nm = execFileSync(core.build.compiler.replace(/gcc$/, 'nm'), [elf], { encoding: 'utf8' });
  const marker = nm.split('\n').find((l) => l.endsWith(' firmnet_mark'))?.split(' ')[0];
  if (!marker) throw new Error(`firmnet_mark not found in ${elf}`);
  const e = core.emulator;
  const hex = (v: number): string => v.toString(16);
  const cacheUnits = Math.floor(target.flash.cacheBytes / target.flash.readBytes);
  const countsFile = join(dir, 'counts.txt');
  const plugin = `${pluginPath()},marker=${marker},out=${countsFile},flash=${hex(e.codeOrigin)}-${hex(e.codeOrigin + e.codeBytes)},read_bytes=${target.flash.readBytes},cache_units=${cacheUnits}`;
  const run = spawnSync(e.system, ['-M', e.machine, '-nographic', '-semihosting', '-kernel', elf, '-plugin', plugin], { encoding: 'utf8', timeout: 300_000 });
  if (run.status !== 0) throw new Error(`${checkout.snapshot} ${optimization}: ${e.system} failed (${run.status}): ${run.stderr}`);
  const outputs = run.stderr.split('\n').filter((l) => /^-?\d+( -?\d+)*$/.test(l.trim())).map((l) => l.trim().split(' ').map(Number));
  if (outputs.length !== ROWS) throw new Error(`${checkout.snapshot} ${optimization}: ${outputs.length} output rows, expected ${ROWS}`);
  if (perChannel) {
    const golden = Array.from(runModel(q, Int16Array.from(input), ROWS));
    const differing = outputs.flat().filter((v, i) => v !== golden[i]).length;
    if (differing > 0) throw new Error(`${checkout.snapshot} ${optimization}: ${differing} output values differ from firmnet's golden reference: the harness is wrong`);
  }
  // Segments alternate: an invoke (even), then printing up to the next row's marker (odd).
  const invokes = parseCounts(readFileSync(countsFile, 'utf8')).filter((_, i) => i % 2 === 0);
  if (invokes.length !== ROWS) throw new Error(`${checkout.snapshot} ${optimization}: ${invokes.length} invoke segments, expected ${ROWS}`);
  const mean = (key: string, from = 0): number => invokes.slice(from).reduce((s, m) => s + (m.get(key) ?? 0), 0) / (invokes.length - from);
  const counts = Object.fromEntries(COUNTED.map((c) => [c, Math.round(mean(c))]));
  console.error(`${checkout.snapshot} ${optimization}: ${Math.round(mean('alu') + mean('load'))}… counted${perChannel ? ', bit-exact with the golden reference' : ''}`);
  return {
    snapshot: checkout.snapshot,
    commit: checkout.commit,
    optimization,
    kernel: perChannel ? 'arm_fully_connected_per_channel_s8' : 'arm_fully_connected_s8',
    bitExact: perChannel,
    counts,
    flashLoads: Math.round(mean('flash_loads', 1)),
    flashReadsSimulated: Math.round(mean('flash_reads', 1)),
  };
}

const checkouts = process.argv.slice(2).map(parseCheckout);
if (checkouts.length === 0) {
  console.error('usage: node dist/scripts/calibrate-against-silicon.js <snapshot>=<CMSIS-NN checkout>[@<commit>] … (see the comment at the top of scripts/calibrate-against-silicon.ts)');
  process.exit(2);
}
const target = resolveTarget(BOARD);
const missing = missingTools(target.core);
if (missing) {
  console.error(missing);
  process.exit(1);
}
const q = autoencoderValidationModel().qmodel;
const macs = (q.layers as FullyConnectedLayer[]).reduce((s, l) => s + l.inFeatures * l.outFeatures, 0);
const workDir = mkdtempSync(join(tmpdir(), 'firmnet-silicon-calibration-'));
try {
  const builds = checkouts.flatMap((checkout) => OPTIMIZATIONS.map((o) => measure(q, checkout, o, workDir)));
  const data: SiliconCalibrationData = {
    kernelLibrary: 'CMSIS-NN (built outside the repository)',
    model: 'MLPerf Tiny anomaly-detection autoencoder 640-128×4-8-128×4-640, int8, seeded weights (firmware-sim/validation-models.ts)',
    macs,
    core: target.core.id,
    board: BOARD,
    measuredWith: `${target.core.build.compiler} ${target.core.build.flags.join(' ')}, QEMU ${target.core.emulator.machine} with firmware-sim/qemu/insn-count.c; mean of ${ROWS} rows (flash reads: rows after the first)`,
    procedure: [
      'npm run build && node dist/scripts/calibrate-against-silicon.js 2020-09=<CMSIS-NN at 8a826ff9> 2022-05=<CMSIS-NN at f33a5efd> main=<CMSIS-NN main>',
      'Each layer is one arm_fully_connected_s8 (per-tensor: the first channel\'s multiplier and shift) or arm_fully_connected_per_channel_s8 call; weights and biases const in flash, multipliers and shifts in RAM, as TFLite Micro places them.',
      'CMSIS-Core/DSP intrinsic names mapped onto ACLE by a shim written for this measurement; memcpy/memset as compiler builtins (firmware builds inline them; -ffreestanding would not).',
    ],
    flashArrayBytes: (q.layers as FullyConnectedLayer[]).flatMap((l) => [l.weights.length, 4 * l.bias.length]),
    published: PUBLISHED,
    builds,
    note:
      'The submissions state neither the CMSIS-NN commit nor the compiler flags: each stack is compared with its era\'s snapshot at -Os, -O2 and -O3, and the spread over those builds is the error bar. Framework overhead (TFLM\'s interpreter, microTVM\'s graph executor) is not modelled.',
  };
  writeFileAtomic(join(packageRoot(), SILICON_CALIBRATION_FILE), toJsonText(data));
  console.log(`wrote ${SILICON_CALIBRATION_FILE}`);
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

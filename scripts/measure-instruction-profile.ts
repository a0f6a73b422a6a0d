/**
 * Measures the instruction profile of firmnet's generated C kernels on every core with an emulator
 * (firmware-sim/measured/instruction-profile.json), then validates the cycle model on held-out
 * layer shapes and on the bundled models' layers (firmware-sim/measured/cycle-validation.json).
 *
 * Method: for each core and kernel, one-layer models of varied calibration shapes are built
 * bare-metal (-Os) and run under QEMU with the counting plugin; per instruction class and pipeline
 * event, the counts are fitted by least squares as a linear function of the kernel's terms (MACs,
 * outputs, inputs, calls for dense layers; elements, calls otherwise). Validation compares, on
 * shapes not used for fitting and on every layer of the bundled models, estimated cycles (fitted
 * counts × the core's cycle table) with emulated cycles (exact counts × the same table) — which
 * checks the fit, not the table — and, per board, the flash reads the model charges with the
 * reads the plugin counts when it runs the data accesses through the board's flash word and cache.
 * Run: npm run build && node dist/scripts/measure-instruction-profile.js
 * With `--kernels fully_connected_s4,…` only those variants are fitted and validated on their
 * held-out shapes; the committed profile's other kernels and validation rows are kept as they are
 * (for a new kernel, when the others' code did not change).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadDataset } from '../compiler/data/dataset.js';
import { toJsonText, writeFileAtomic } from '../compiler/io/atomic-write.js';
import type { QModel } from '../compiler/ir/qmodel.js';
import type { KernelVariant } from '../compiler/ops/quantized-op-types.js';
import { KERNEL_VARIANTS, kernelVariantOf, quantizedOp } from '../compiler/ops/quantized-ops.js';
import { quantizeInput } from '../compiler/reference/io.js';
import { runModel } from '../compiler/reference/interpreter.js';
import { cyclesOf, estimateInstructions, modelCycles } from '../firmware-sim/cycle-model.js';
import { COUNTED, type Counted, type InstructionProfile, type KernelProfile, PROFILE_FILE, termValues } from '../firmware-sim/instruction-profile.js';
import { leastSquares } from '../firmware-sim/least-squares.js';
import { probeInput, probeModel } from '../firmware-sim/probe-layers.js';
import { EmulatedBoardTooSmall, missingTools, runBareMetal } from '../firmware-sim/qemu/bare-metal.js';
import { type CoreSpec, loadBoards, loadCores, resolveTarget } from '../firmware-sim/targets.js';
import { bundledValidationModels } from '../firmware-sim/validation-models.js';

export const OPTIMIZATION = '-Os';
/**
 * Counters the shape terms do not determine, left out of the fit (estimated 0): unaligned transfers
 * depend on where the int8 arrays and rows fall mod 4 — the arrays' addresses and inFeatures mod 4 —
 * so a linear fit in MACs/outputs/… extrapolates them wildly. The emulated cycles keep them, so the
 * validation below shows what they cost where they occur (shapes with inFeatures % 4 ≠ 0).
 */
const NOT_ESTIMATED: readonly Counted[] = ['unaligned_transfers'];
const PROBE_ROWS = 3;
export const VALIDATION_FILE = 'firmware-sim/measured/cycle-validation.json';

/** Every op's calibration and held-out shapes per kernel variant (compiler/ops/<op>/, `cost.kernels`). */
const VARIANTS = Object.keys(KERNEL_VARIANTS) as KernelVariant[];
export const CALIBRATION_SHAPES = Object.fromEntries(VARIANTS.map((v) => [v, KERNEL_VARIANTS[v].calibrationShapes])) as Record<KernelVariant, number[][]>;
export const HELD_OUT_SHAPES = Object.fromEntries(VARIANTS.map((v) => [v, KERNEL_VARIANTS[v].heldOutShapes])) as Record<KernelVariant, number[][]>;

function measureLayer(q: QModel, core: CoreSpec, input: ArrayLike<number>, rows: number): Record<Counted, number>[] {
  const run = runBareMetal(q, core, OPTIMIZATION, input, rows);
  const expected = Array.from(runModel(q, Int16Array.from(input), rows));
  const got = run.outputs.flat();
  if (got.length !== expected.length || got.some((v, i) => v !== expected[i])) {
    throw new Error(`${q.name} on ${core.id}: the emulated outputs differ from the golden reference`);
  }
  return run.layers;
}

function fitKernel(core: CoreSpec, variant: KernelVariant, shapes: number[][]): KernelProfile {
  const rows: number[][] = [];
  const counts: Record<Counted, number[]> = Object.fromEntries(COUNTED.map((c) => [c, [] as number[]])) as Record<Counted, number[]>;
  shapes.forEach((shape, i) => {
    const q = probeModel(variant, shape, 100 + i);
    const layer = measureLayer(q, core, probeInput(q, PROBE_ROWS, i), PROBE_ROWS)[1];
    rows.push(termValues(q.layers[1]));
    for (const c of COUNTED) counts[c].push(layer[c]);
  });
  const coefficients = {} as Record<Counted, number[]>;
  for (const c of COUNTED) {
    const unpredictable = NOT_ESTIMATED.includes(c);
    coefficients[c] = unpredictable || counts[c].every((v) => v === 0) ? KERNEL_VARIANTS[variant].terms.map(() => 0) : leastSquares(rows, counts[c]).map((v) => Math.round(v * 1e4) / 1e4);
  }
  return { terms: [...KERNEL_VARIANTS[variant].terms], coefficients };
}

/** Two identical LeakyReLU layers: the first one's count minus the second's is the invoke prologue. */
function invokeOverhead(core: CoreSpec): Record<Counted, number> {
  const q = probeModel('leaky_relu', [16], 7);
  const [first, second] = measureLayer(q, core, probeInput(q, PROBE_ROWS, 7), PROBE_ROWS);
  return Object.fromEntries(COUNTED.map((c) => [c, Math.round(first[c] - second[c])])) as Record<Counted, number>;
}

export interface ValidationRow {
  core: string;
  what: string;
  kernel: KernelVariant;
  shape: string;
  estimatedCycles: number;
  emulatedCycles: number;
  errorPercent: number;
}

const models = bundledValidationModels();
const skipped: { core: string; model: string; reason: string }[] = [];

function validate(core: CoreSpec, profile: InstructionProfile): ValidationRow[] {
  const out: ValidationRow[] = [];
  const compare = (what: string, q: QModel, layerIndex: number, emulated: Record<Counted, number>): void => {
    const layer = q.layers[layerIndex];
    const estimated = cyclesOf(estimateInstructions(layer, layerIndex === 0, core, profile), core);
    const actual = cyclesOf(emulated, core);
    out.push({
      core: core.id,
      what,
      kernel: kernelVariantOf(layer),
      shape: quantizedOp(layer).cost.shape(layer),
      estimatedCycles: estimated,
      emulatedCycles: actual,
      errorPercent: Math.round((10000 * (estimated - actual)) / actual) / 100,
    });
  };
  for (const [variant, shapes] of Object.entries(HELD_OUT_SHAPES) as [KernelVariant, number[][]][]) {
    shapes.forEach((shape, i) => {
      const q = probeModel(variant, shape, 900 + i);
      compare('held-out shape', q, 1, measureLayer(q, core, probeInput(q, PROBE_ROWS, 50 + i), PROBE_ROWS)[1]);
    });
  }
  for (const m of models) {
    const rows = Math.min(4, m.rows);
    const input = quantizeInput(m.qmodel, m.features, rows);
    try {
      measureLayer(m.qmodel, core, input, rows).forEach((counts, k) => compare(m.name, m.qmodel, k, counts));
    } catch (e) {
      if (!(e instanceof EmulatedBoardTooSmall)) throw e;
      skipped.push({ core: core.id, model: m.name, reason: e.message });
    }
  }
  return out;
}

export interface FlashValidationRow {
  board: string;
  model: string;
  layer: string;
  shape: string;
  estimatedReads: number;
  emulatedReads: number;
}

/**
 * The flash term against the emulator: each bundled model runs on each board's core while the plugin
 * simulates its data reads from flash through the board's flash word and cache (fully associative
 * LRU), and the reads of the rows after the first are compared with the reads the model charges.
 */
function validateFlash(profile: InstructionProfile): FlashValidationRow[] {
  const out: FlashValidationRow[] = [];
  for (const board of loadBoards()) {
    const target = resolveTarget(board.id);
    if (!profile.cores[target.core.id]) continue;
    // The model fetches each word of a constant array once: at least the word being read is buffered (no cache: one word).
    const stream = { readBytes: target.flash.readBytes, cacheUnits: Math.max(1, Math.floor(target.flash.cacheBytes / target.flash.readBytes)) };
    for (const m of models) {
      const rows = Math.min(3, m.rows);
      try {
        const run = runBareMetal(m.qmodel, target.core, OPTIMIZATION, quantizeInput(m.qmodel, m.features, rows), rows, undefined, stream);
        const estimated = modelCycles(m.qmodel.layers, target, profile);
        estimated.layers.forEach((l, k) => out.push({ board: board.id, model: m.name, layer: l.name, shape: l.shape, estimatedReads: l.flashReads, emulatedReads: run.flashReads[k] }));
      } catch (e) {
        if (!(e instanceof EmulatedBoardTooSmall)) throw e;
        skipped.push({ core: `${target.core.id} (${board.id} flash)`, model: m.name, reason: e.message });
      }
    }
    console.error(`${board.id}: flash reads compared`);
  }
  return out;
}

/** Per board and model: the reads of the whole inference, estimated and emulated. */
function flashSummary(rows: FlashValidationRow[]): { board: string; model: string; estimatedReads: number; emulatedReads: number; errorPercent: number }[] {
  const keys = [...new Set(rows.map((r) => `${r.board}\u0000${r.model}`))];
  return keys.map((key) => {
    const [board, model] = key.split('\u0000');
    const mine = rows.filter((r) => r.board === board && r.model === model);
    const estimatedReads = mine.reduce((s, r) => s + r.estimatedReads, 0);
    const emulatedReads = Math.round(mine.reduce((s, r) => s + r.emulatedReads, 0));
    const errorPercent = emulatedReads === 0 ? (estimatedReads === 0 ? 0 : 100) : Math.round((10000 * (estimatedReads - emulatedReads)) / emulatedReads) / 100;
    return { board, model, estimatedReads, emulatedReads, errorPercent };
  });
}

function compilerVersion(compiler: string): string {
  return execFileSync(compiler, ['--version'], { encoding: 'utf8' }).split('\n')[0];
}

/** `--kernels a,b`: the variants to re-measure, or null for all of them. */
function onlyKernels(): KernelVariant[] | null {
  const at = process.argv.indexOf('--kernels');
  if (at < 0) return null;
  const names = (process.argv[at + 1] ?? '').split(',').filter(Boolean);
  for (const n of names) if (!VARIANTS.includes(n as KernelVariant)) throw new Error(`--kernels: unknown kernel variant '${n}'; variants are ${VARIANTS.join(', ')}`);
  return names as KernelVariant[];
}

const only = onlyKernels();
const cores = loadCores();
if (only) {
  // Refit the named kernels into the committed profile; validate them on their held-out shapes only.
  const committed = JSON.parse(readFileSync(PROFILE_FILE, 'utf8')) as InstructionProfile;
  for (const v of only) committed.calibrationShapes[v] = CALIBRATION_SHAPES[v];
  const measured = cores.filter((core) => committed.cores[core.id] && !missingTools(core));
  for (const core of measured) {
    for (const v of only) committed.cores[core.id].kernels[v] = fitKernel(core, v, CALIBRATION_SHAPES[v]);
    console.error(`${core.id}: ${only.join(', ')} profiled`);
  }
  writeFileAtomic(PROFILE_FILE, toJsonText(committed));
  const rows: ValidationRow[] = [];
  for (const core of measured) {
    for (const v of only) {
      HELD_OUT_SHAPES[v].forEach((shape, i) => {
        const q = probeModel(v, shape, 900 + i);
        const layer = q.layers[1];
        const estimated = cyclesOf(estimateInstructions(layer, false, core, committed), core);
        const actual = cyclesOf(measureLayer(q, core, probeInput(q, PROBE_ROWS, 50 + i), PROBE_ROWS)[1], core);
        rows.push({ core: core.id, what: 'held-out shape', kernel: v, shape: quantizedOp(layer).cost.shape(layer), estimatedCycles: estimated, emulatedCycles: actual, errorPercent: Math.round((10000 * (estimated - actual)) / actual) / 100 });
      });
    }
  }
  const previous = JSON.parse(readFileSync(VALIDATION_FILE, 'utf8')) as { summary: Record<string, unknown>; rows: ValidationRow[] } & Record<string, unknown>;
  const kept = previous.rows.filter((r) => !only.includes(r.kernel));
  const all = [...kept, ...rows];
  const summary = Object.fromEntries(
    Object.keys(previous.summary).map((id) => {
      const mine = all.filter((r) => r.core === id);
      return [id, { maxAbsErrorPercent: Math.max(...mine.map((r) => Math.abs(r.errorPercent))), meanAbsErrorPercent: Math.round((100 * mine.reduce((a, r) => a + Math.abs(r.errorPercent), 0)) / mine.length) / 100 }];
    }),
  );
  writeFileAtomic(VALIDATION_FILE, toJsonText({ ...previous, summary, rows: all }));
  console.log(JSON.stringify({ kernels: only, rows }, null, 2));
  process.exit(0);
}
const profile: InstructionProfile = {
  build: { compilers: {}, optimization: OPTIMIZATION, measuredWith: 'QEMU 7.2 TCG plugin firmware-sim/qemu/insn-count.c (exact counts of executed instructions and pipeline events)' },
  calibrationShapes: CALIBRATION_SHAPES,
  cores: {},
};
for (const core of cores) {
  const missing = missingTools(core);
  if (missing) {
    console.error(`${core.id}: skipped (${missing})`);
    continue;
  }
  profile.build.compilers[core.build.compiler] = compilerVersion(core.build.compiler);
  const kernels = {} as Record<KernelVariant, KernelProfile>;
  for (const [variant, shapes] of Object.entries(CALIBRATION_SHAPES) as [KernelVariant, number[][]][]) kernels[variant] = fitKernel(core, variant, shapes);
  profile.cores[core.id] = { kernels, invokeOverhead: invokeOverhead(core) };
  console.error(`${core.id}: profiled`);
}
writeFileAtomic(PROFILE_FILE, toJsonText(profile));
const validation: ValidationRow[] = [];
for (const core of cores.filter((c) => profile.cores[c.id])) validation.push(...validate(core, profile));
const summary = Object.fromEntries(
  Object.keys(profile.cores).map((id) => {
    const rows = validation.filter((v) => v.core === id);
    return [id, { maxAbsErrorPercent: Math.max(...rows.map((r) => Math.abs(r.errorPercent))), meanAbsErrorPercent: Math.round((100 * rows.reduce((s, r) => s + Math.abs(r.errorPercent), 0)) / rows.length) / 100 }];
  }),
);
const flashRows = validateFlash(profile);
writeFileAtomic(
  VALIDATION_FILE,
  toJsonText({
    optimization: OPTIMIZATION,
    comparedWith: 'exact QEMU counts of the same layers priced with the same cycle table: this checks the instruction/event model, not the cycle table (see silicon-calibration.json for that)',
    summary,
    skipped,
    rows: validation,
    flash: { comparedWith: "the plugin's count of flash words (or lines) fetched when the data reads run through the board's flash word and cache (fully associative LRU), rows after the first", summary: flashSummary(flashRows), rows: flashRows },
  }),
);
console.log(JSON.stringify({ summary, flash: flashSummary(flashRows) }, null, 2));

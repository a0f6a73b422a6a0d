/**
 * Instructions per multiply-accumulate over a whole `<name>_invoke`, per core: the generated C of a
 * quantized model built bare-metal at -Os as the simulator builds it (firmware-sim/qemu/bare-metal.ts)
 * and run under QEMU with the counting plugin on rows of its test set. Every row's output must equal
 * the golden reference's, so a figure is only printed for code that is bit-exact.
 *
 * A model too large for a core's emulated board (the anomaly autoencoder on the micro:bit's 256 KB)
 * runs on a larger board whose core executes the same instruction set: Armv6-M code on the
 * Cortex-M3 of mps2-an385 (Armv6-M is a subset of Armv7-M). Counts are per instruction, so the
 * board does not change them.
 *
 * Run: npm run build && node dist/scripts/measure-invoke-instructions.js <model.q.json> <test.csv> [rows] [...]
 *      (e.g. after `firmnet build models/anomaly/project.json --out build/anomaly`:
 *       node dist/scripts/measure-invoke-instructions.js build/anomaly/model.q.json models/data/vibration/test.csv 16)
 */
import { loadFeatures } from '../compiler/data/dataset.js';
import type { QModel } from '../compiler/ir/qmodel.js';
import { quantizedOp } from '../compiler/ops/quantized-ops.js';
import { loadQModel } from '../compiler/quantize/qmodel-file.js';
import { quantizeInput } from '../compiler/reference/io.js';
import { runModel } from '../compiler/reference/interpreter.js';
import { EmulatedBoardTooSmall, missingTools, runBareMetal } from '../firmware-sim/qemu/bare-metal.js';
import { type CoreSpec, loadCores } from '../firmware-sim/targets.js';

export const OPTIMIZATION = '-Os';

/** mps2-an385: a Cortex-M3 board with 4 MB of code memory and 4 MB of RAM. */
const LARGE_ARMV6M_BOARD: CoreSpec['emulator'] = { system: 'qemu-system-arm', machine: 'mps2-an385', codeOrigin: 0, codeBytes: 4194304, ramOrigin: 536870912, ramBytes: 4194304 };

export interface InvokeCount {
  core: string;
  machine: string;
  macs: number;
  instructions: number;
  takenBranches: number;
  instructionsPerMac: number;
}

function total(run: ReturnType<typeof runBareMetal>, key: 'taken_branches' | null): number {
  return run.layers.reduce((s, l) => s + (key ? l[key] : Object.entries(l).reduce((t, [k, v]) => (k === 'taken_branches' ? t : t + v), 0)), 0);
}

export function measureInvoke(q: QModel, core: CoreSpec, input: ArrayLike<number>, rows: number): InvokeCount {
  let used = core;
  let run: ReturnType<typeof runBareMetal>;
  try {
    run = runBareMetal(q, core, OPTIMIZATION, input, rows);
  } catch (e) {
    if (!(e instanceof EmulatedBoardTooSmall) || !core.isa.startsWith('armv6')) throw e;
    used = { ...core, emulator: LARGE_ARMV6M_BOARD };
    run = runBareMetal(q, used, OPTIMIZATION, input, rows);
  }
  const expected = Array.from(runModel(q, Int16Array.from(input), rows));
  const got = run.outputs.flat();
  const bad = expected.findIndex((v, i) => got[i] !== v);
  if (got.length !== expected.length || bad >= 0) throw new Error(`${q.name} on ${core.id}: output ${bad} differs from the golden reference`);
  const macs = q.layers.reduce((s, l) => s + quantizedOp(l).cost.macs(l), 0);
  const instructions = total(run, null);
  return { core: core.id, machine: used.emulator.machine, macs, instructions, takenBranches: total(run, 'taken_branches'), instructionsPerMac: instructions / macs };
}

function main(args: string[]): void {
  if (args.length < 2) throw new Error('usage: measure-invoke-instructions <model.q.json> <test.csv> [rows] [<model.q.json> <test.csv> [rows] ...]');
  const cores = loadCores().filter((c) => missingTools(c) === null);
  for (let i = 0; i < args.length; ) {
    const q = loadQModel(args[i]);
    const { features, rows: available } = loadFeatures(args[i + 1], q.featureNames);
    i += 2;
    let rows = 8;
    if (i < args.length && /^\d+$/.test(args[i])) rows = Number(args[i++]);
    rows = Math.min(rows, available);
    const input = quantizeInput(q, features, rows);
    for (const core of cores) {
      const c = measureInvoke(q, core, input, rows);
      console.log(`${q.name}\t${c.core}\t${c.machine}\t${c.macs} MACs\t${c.instructions.toFixed(1)} instructions\t${c.instructionsPerMac.toFixed(3)} per MAC\t${c.takenBranches.toFixed(1)} taken branches`);
    }
  }
}

main(process.argv.slice(2));

/**
 * `npm run bench -- cortex-m`: the generated C on every microcontroller core, for the digits MLP
 * (64-64-32-10, 6,464 MACs) and the MLPerf Tiny anomaly-detection autoencoder's shape
 * (640-128×4-8-128×4-640, 264,192 MACs, seeded weights: counts do not depend on the values):
 *   - instructions per MAC over the whole invoke, counted exactly by QEMU (firmware-sim/qemu),
 *     and bit-exact outputs against the golden reference on the rows run;
 *   - cycles per MAC of the core for those counts (the core's cycle table), and per board the
 *     simulator's estimate (cycles/MAC and ms) with the weights in flash and copied to SRAM;
 *   - the kernels' .text (-Os): every kernel kept, and what the model's own image links (--gc-sections:
 *     its text minus its constant bytes, i.e. the kernels it calls, <name>_invoke and the layer descriptors);
 *   - the published measurements of other stacks on the same boards, side by side.
 * The estimates are a model, not a measurement: see docs/simulator.md for what they were checked against.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { QModel } from '../compiler/ir/qmodel.js';
import { formatTable } from '../compiler/io/text-table.js';
import { planMemory } from '../compiler/plan/plan-memory.js';
import { quantizeInput } from '../compiler/reference/io.js';
import { runModel } from '../compiler/reference/interpreter.js';
import { cyclesOf, modelCycles } from '../firmware-sim/cycle-model.js';
import { loadInstructionProfile, macsOf } from '../firmware-sim/instruction-profile.js';
import { EmulatedBoardTooSmall, type SegmentCounts, missingTools, runBareMetal } from '../firmware-sim/qemu/bare-metal.js';
import { buildModelImage, findToolchain } from '../firmware-sim/measure-image.js';
import { siliconAccuracy } from '../firmware-sim/silicon-calibration.js';
import { INSTRUCTION_CLASSES, PIPELINE_EVENTS, loadBoards, loadCores, resolveTarget } from '../firmware-sim/targets.js';
import { autoencoderValidationModel } from '../firmware-sim/validation-models.js';
import { emitC } from '../compiler/emit/c/emit-c.js';
import { BUNDLED_MODELS, buildBundledModel } from '../scripts/code-size/bundled-models.js';
import { measureAllKernels } from '../scripts/code-size/report.js';

/** Published latencies of the anomaly-detection model (MLPerf Tiny inference results), per board. */
export const PUBLISHED_ANOMALY: { stack: string; board: string; ms: number }[] = [
  { stack: 'TFLite Micro 2.3.1 + CMSIS-NN (MLPerf Tiny v0.5 reference)', board: 'stm32l4r5', ms: 10.05 },
  { stack: 'microTVM + CMSIS-NN (v1.0)', board: 'stm32l4r5', ms: 8.6 },
  { stack: 'X-CUBE-AI 7.3 (v1.0)', board: 'stm32l4r5', ms: 7.58 },
  { stack: 'X-CUBE-AI 10.2 (v1.3)', board: 'stm32l4r5', ms: 4.79 },
  { stack: 'Plumerai (v1.1)', board: 'stm32l4r5', ms: 4.05 },
  { stack: 'Plumerai', board: 'stm32f746', ms: 1.71 },
  { stack: 'Bosch max-perf', board: 'stm32f746', ms: 1.42 },
  { stack: 'Bosch int8', board: 'stm32g0b1', ms: 40.9 },
];

interface BenchModel {
  label: string;
  q: QModel;
  input: ArrayLike<number>;
  rows: number;
}

function models(): BenchModel[] {
  const digits = buildBundledModel(BUNDLED_MODELS.find((m) => m.dataset === 'digits')!);
  const anomaly = autoencoderValidationModel();
  return [
    { label: 'digits 64-64-32-10', q: digits.qmodel, input: quantizeInput(digits.qmodel, digits.test.features, 4), rows: 4 },
    { label: 'anomaly 640-128×4-8-128×4-640', q: anomaly.qmodel, input: quantizeInput(anomaly.qmodel, anomaly.features, 2), rows: 2 },
  ];
}

const sum = (layers: SegmentCounts[], keys: readonly string[]): number => layers.reduce((s, l) => s + keys.reduce((t, k) => t + (l[k as keyof SegmentCounts] ?? 0), 0), 0);

export async function benchCortexM(): Promise<void> {
  const profile = loadInstructionProfile();
  // The flags the instruction profile was measured at: the estimates and the counts describe the same build.
  const optimization = profile.build.optimization;
  const cores = loadCores().filter((c) => {
    const missing = missingTools(c);
    if (missing) console.log(`skip ${c.id}: ${missing}`);
    return missing === null;
  });
  const workDir = mkdtempSync(join(tmpdir(), 'firmnet-bench-cortex-m-'));
  try {
    const kernelText = measureAllKernels(workDir);
    const rows: (string | number)[][] = [];
    const anomalyMs = new Map<string, { flash: number; sram: number; sramFits: boolean }>();
    for (const m of models()) {
      const macs = m.q.layers.reduce((s, l) => s + macsOf(l), 0);
      const golden = Array.from(runModel(m.q, Int16Array.from(m.input), m.rows));
      const arenaAndIo = planMemory(m.q).arenaBytes + m.q.layers[0].input.features + m.q.layers[m.q.layers.length - 1].output.features;
      const cDir = join(workDir, `c-${m.q.hash}`);
      const emitted = emitC(m.q, cDir, { command: 'npm run bench -- cortex-m' });
      for (const core of cores) {
        let run;
        try {
          run = runBareMetal(m.q, core, optimization, m.input, m.rows, join(workDir, `${core.id}-${m.q.hash}`));
        } catch (e) {
          if (!(e instanceof EmulatedBoardTooSmall)) throw e;
          rows.push([core.id, m.label, 'does not fit', '', '', '', '', '', '', '']);
          continue;
        }
        const exact = run.outputs.flat().every((v, i) => v === golden[i]) && run.outputs.flat().length === golden.length;
        if (!exact) throw new Error(`${m.label} on ${core.id}: the emulated outputs differ from the golden reference`);
        const instructions = sum(run.layers, INSTRUCTION_CLASSES);
        const counted = Object.fromEntries([...INSTRUCTION_CLASSES, ...PIPELINE_EVENTS].map((k) => [k, sum(run.layers, [k])])) as Parameters<typeof cyclesOf>[0];
        const coreCyclesPerMac = cyclesOf(counted, core) / macs;
        const boards = loadBoards().filter((b) => b.core === core.id || core.aliases.includes(b.core));
        const text = kernelText[core.id]?.text ?? 0;
        const tc = findToolchain(core);
        const linked = tc ? buildModelImage(tc, cDir, emitted.names, core, workDir).sizes.text - emitted.weightBytes : '';
        const base = [core.id, m.label, (instructions / macs).toFixed(3), coreCyclesPerMac.toFixed(2)];
        if (boards.length === 0) rows.push([...base, '(no board)', '', '', '', text, linked]);
        for (const b of boards) {
          const target = resolveTarget(b.id);
          const est = modelCycles(m.q.layers, target, profile);
          const [flash, sram] = est.placements;
          // The weights on top of the activation arena and the I/O buffers (the stack is left out here; the report counts it).
          const sramFits = target.sramBytes === null || sram.sramBytes + arenaAndIo <= target.sramBytes;
          if (m.label.startsWith('anomaly')) anomalyMs.set(b.id, { flash: flash.latencySeconds * 1000, sram: sram.latencySeconds * 1000, sramFits });
          rows.push([...base, b.id, (flash.totalCycles / macs).toFixed(2), (flash.latencySeconds * 1000).toFixed(3), `${(sram.latencySeconds * 1000).toFixed(3)}${sramFits ? '' : ' (does not fit)'}`, text, linked]);
          // The board's other flash configurations (an option byte the user sets): their own rows, weights in flash only.
          for (const alt of target.flash.alternatives) {
            const other = modelCycles(m.q.layers, { ...target, flash: { ...target.flash, readBytes: alt.readBytes } }, profile).placements[0];
            if (m.label.startsWith('anomaly')) anomalyMs.set(`${b.id}, ${alt.label}`, { flash: other.latencySeconds * 1000, sram: sram.latencySeconds * 1000, sramFits });
            rows.push([...base, `${b.id}, ${alt.label}`, (other.totalCycles / macs).toFixed(2), (other.latencySeconds * 1000).toFixed(3), '', text, linked]);
          }
        }
      }
    }
    console.log(`Cortex-M / RV32 inference (generated C, ${optimization}; QEMU counts are exact, cycles and ms are the simulator's estimate)`);
    console.log(
      formatTable(
        ['core', 'model', 'instr/MAC (QEMU)', 'core cyc/MAC (QEMU counts × table)', 'board', 'est. cyc/MAC (flash)', 'est. ms (weights in flash)', 'est. ms (weights in SRAM)', 'kernel .text B (all kept)', 'code linked B (text − constants)'],
        rows,
      ),
    );
    console.log();
    console.log('Published measurements of the anomaly model (MLPerf Tiny) beside firmnet\'s estimate on the same board');
    console.log(
      formatTable(
        ['stack', 'board', 'measured ms', 'cycles/MAC', 'firmnet est. ms (flash)', 'firmnet est. ms (weights in SRAM)', 'ratio (flash)'],
        PUBLISHED_ANOMALY.map((p) => {
          const target = resolveTarget(p.board);
          const ours = anomalyMs.get(p.board);
          const others = target.flash.alternatives.map((a) => ({ label: a.label, ms: anomalyMs.get(`${p.board}, ${a.label}`)?.flash }));
          const flashText = ours ? [ours.flash.toFixed(3), ...others.map((o) => (o.ms === undefined ? '' : `${o.ms.toFixed(3)} (${o.label})`))].filter((t) => t !== '').join('; ') : 'not run';
          return [p.stack, p.board, p.ms.toFixed(2), ((p.ms / 1000) * target.clockHz / 264192).toFixed(2), flashText, ours ? `${ours.sram.toFixed(3)}${ours.sramFits ? '' : ' (does not fit)'}` : '', ours ? (ours.flash / p.ms).toFixed(2) : ''];
        }),
      ),
    );
    const s = siliconAccuracy('cortex-m4f');
    if (s) {
      const signed = (v: number): string => `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v)}%`;
      console.log();
      console.log(`${s.label} (${s.kernelLibrary} on ${s.board}): ±${s.maxAbsErrorPercent}% (${signed(s.minErrorPercent)} … ${signed(s.maxErrorPercent)})`);
      for (const c of s.comparisons) console.log(`  ${c.published}: ${c.publishedMs} ms vs ${c.builds.map((b) => `${b.estimatedMs.toFixed(2)} ms (${b.snapshot} ${b.optimization}, ${signed(b.errorPercent)})`).join(', ')}`);
    }
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
}

/**
 * The cycle model against the emulator: for every core, held-out layer shapes and a whole model are
 * built bare-metal from the generated C, run under QEMU with the counting plugin, and the estimated
 * cycles must stay within the error published in firmware-sim/measured/cycle-validation.json (and
 * docs/simulator.md). The emulated outputs must also equal the golden reference's, bit for bit.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { QModel } from '../../compiler/ir/qmodel.js';
import { runModel } from '../../compiler/reference/interpreter.js';
import { cyclesOf, estimateInstructions } from '../../firmware-sim/cycle-model.js';
import { loadInstructionProfile } from '../../firmware-sim/instruction-profile.js';
import { probeInput, probeModel } from '../../firmware-sim/probe-layers.js';
import { missingTools, runBareMetalAsync } from '../../firmware-sim/qemu/bare-metal.js';
import { loadCores } from '../../firmware-sim/targets.js';
import { inParallel } from '../helpers/in-parallel.js';

const published = JSON.parse(readFileSync('firmware-sim/measured/cycle-validation.json', 'utf8')) as {
  summary: Record<string, { maxAbsErrorPercent: number }>;
};
const profile = loadInstructionProfile();

/** Held-out checks kept short for CI: dense shapes of the digits MLP and the anomaly autoencoder, and a table. */
const CHECKS: { variant: Parameters<typeof probeModel>[0]; shape: number[] }[] = [
  { variant: 'fully_connected_s8', shape: [640, 128] },
  { variant: 'fully_connected_s8', shape: [30, 64] },
  { variant: 'fully_connected_s8', shape: [17, 5] },
  { variant: 'lut_s8', shape: [128] },
];

for (const core of loadCores()) {
  const missing = missingTools(core);
  if (missing) console.warn(`SKIP: ${core.id} cycle validation: ${missing}`);
  describe.skipIf(missing !== null)(`cycle model on ${core.id} vs QEMU (${core.emulator.machine})`, () => {
    const bound = published.summary[core.id].maxAbsErrorPercent;

    it(`held-out shapes are within the published ${bound}%, and the emulated outputs are bit-exact`, async () => {
      await inParallel(CHECKS, async ({ variant, shape }, i) => {
        const q: QModel = probeModel(variant, shape, 900 + i);
        const input = probeInput(q, 2, 70 + i);
        const run = await runBareMetalAsync(q, core, profile.build.optimization, input, 2);
        expect(run.outputs.flat()).toEqual(Array.from(runModel(q, Int16Array.from(input), 2)));
        const estimated = cyclesOf(estimateInstructions(q.layers[1], false, core, profile), core);
        const emulated = cyclesOf(run.layers[1], core);
        const error = (100 * Math.abs(estimated - emulated)) / emulated;
        expect(error, `${variant} ${shape.join('x')}: estimated ${estimated}, emulated ${emulated} (kernels changed? re-run node dist/scripts/measure-instruction-profile.js)`).toBeLessThanOrEqual(bound);
      });
    });

    it('the same inputs always give the same counts (deterministic)', async () => {
      const q = probeModel('fully_connected_s8', [64, 32], 5);
      const input = probeInput(q, 1, 5);
      const [a, b] = await Promise.all([runBareMetalAsync(q, core, profile.build.optimization, input, 1), runBareMetalAsync(q, core, profile.build.optimization, input, 1)]);
      expect(a.layers).toEqual(b.layers);
    });
  });
}

/**
 * Latency by weight placement and the flash floor on the anomaly autoencoder's shape
 * (640-128×4-8-128×4-640: 264,192 int8 weights), pinned to the values the boards' data files imply:
 * STM32L4R5 reads its flash 64 bits at a time with 5 wait states at 120 MHz (RM0432 §3.3.1, §3.3.3),
 * STM32F746 fetches 32-byte D-cache lines with 7 wait states at 216 MHz (RM0385 §3.3.2).
 */
import { describe, expect, it } from 'vitest';
import { weightPlacement } from '../../compiler/plan/plan-memory.js';
import { modelCycles } from '../../firmware-sim/cycle-model.js';
import { loadInstructionProfile } from '../../firmware-sim/instruction-profile.js';
import { simulate } from '../../firmware-sim/simulate.js';
import { resolveTarget } from '../../firmware-sim/targets.js';
import { timingSentences } from '../../firmware-sim/timing-text.js';
import { autoencoderValidationModel } from '../../firmware-sim/validation-models.js';

const { qmodel } = autoencoderValidationModel();
const profile = loadInstructionProfile();

describe('weight placement', () => {
  it('copying the constants to SRAM costs the planner\'s SRAM figure and removes all their flash stalls', () => {
    // One source of truth: the memory planner's figure for the FIRMNET_WEIGHTS_IN_SRAM build. 264,192 B of
    // weights + 20,064 B of biases and requantization records, + at most 70 B of alignment padding.
    expect(weightPlacement(qmodel)).toMatchObject({ constantBytes: 284256, sramBytes: 284326 });
    const l4 = modelCycles(qmodel.layers, resolveTarget('stm32l4r5'), profile);
    const [flash, sram] = l4.placements;
    expect(flash).toMatchObject({ weights: 'flash', sramBytes: 0, totalCycles: l4.totalCycles });
    expect(sram).toMatchObject({ weights: 'sram', sramBytes: 284326, flashStallCycles: 0 });
    // In flash: 264,192 B of weights = 33,024 words of 8 B (every weight array is a multiple of 8 B), plus
    // the other arrays' words (each rounded up), 5 wait states each.
    expect(flash.flashStallCycles % 5).toBe(0);
    expect(flash.flashStallCycles).toBeGreaterThanOrEqual(Math.ceil(284256 / 8) * 5);
    expect(flash.flashStallCycles).toBeLessThan((33024 + 2600 + 20) * 5);
    expect(flash.totalCycles - sram.totalCycles).toBe(flash.flashStallCycles);
    expect(sram.latencySeconds).toBeCloseTo(sram.totalCycles / 120e6, 12);
  });

  it('the F746 fetches 32-byte lines: a quarter of the L4R5\'s reads, 7 wait states each', () => {
    const f7 = modelCycles(qmodel.layers, resolveTarget('stm32f746'), profile);
    expect(f7.constantsCached).toBe(false);
    expect(f7.placements[1].flashStallCycles).toBe(0);
    expect(f7.placements[0].flashStallCycles % 7).toBe(0);
    expect(f7.placements[0].flashStallCycles).toBeGreaterThanOrEqual(Math.ceil(284256 / 32) * 7);
    expect(f7.placements[0].flashStallCycles).toBeLessThan((264192 / 32 + 700 + 20) * 7);
  });

  it('the report offers the SRAM variant with its cost and fit, never as the headline, and states the flash floor', async () => {
    const [l4, g0] = await simulate(qmodel, { targets: [resolveTarget('stm32l4r5'), resolveTarget('stm32g0b1')] });
    const [flash, sram] = l4.cycles.weightPlacements;
    expect(flash).toMatchObject({ weights: 'flash', headline: true, totalCycles: l4.cycles.totalCycles, sramBytes: 0 });
    expect(sram).toMatchObject({ weights: 'sram', headline: false, sramBytes: 284326, sramTotalBytes: l4.memory.sram.totalBytes + 284326, fits: true });
    expect(l4.cycles.flashFloor).toMatchObject({ weightBytes: 264192, readBytes: 8, stallCyclesPerRead: 5, weightReads: 33024, stallCycles: 165120, bandwidthCycles: 33024 * 6, cached: false });
    expect(l4.cycles.flashFloor.stallMs).toBeCloseTo(1.376, 3);
    expect(l4.cycles.flashFloor.bandwidthMs).toBeCloseTo(1.6512, 4);
    // The G0B1's 144 KB of SRAM cannot hold the constants: the variant is reported as not fitting.
    expect(g0.cycles.weightPlacements[1]).toMatchObject({ sramBytes: 284326, fits: false });
    const t = timingSentences(l4);
    expect(t.placements).toMatch(/^weights in flash \d+\.\d{3} ms \(the headline\); weights copied to SRAM at init \d+\.\d{3} ms \(\+284,326 B of SRAM: [\d,]+ B of 655,360, fits\)$/);
    expect(t.flashFloor).toBe('264,192 B of weights = 33,024 flash reads of 8 B × 5 stall cycles = 165,120 cycles (1.376 ms) that loads wait for; at one read per 6 cycles the flash cannot deliver them in less than 1.651 ms');
    expect(timingSentences(g0).placements).toMatch(/does NOT fit/);
    // Each check labelled for what it is: the QEMU agreement checks the fit, the silicon comparison the table.
    expect(t.qemu).toMatch(/^estimate vs exact QEMU counts priced with the same cycle table \(held-out shapes and whole models\): within [\d.]+% \(mean [\d.]+%\)$/);
    expect(t.silicon).toMatch(/^estimate vs published board measurements of another kernel library \(CMSIS-NN \(built outside the repository\) on stm32l4r5\): ±[\d.]+% \(−[\d.]+% … \+[\d.]+%\): TFLite Micro 2\.3\.1 \+ CMSIS-NN \(MLPerf Tiny v0\.5 reference\) 10\.05 ms vs /);
    expect(t.basis).toBe('cycle costs from the Arm Cortex-M4F technical reference manual');
    expect(timingSentences(g0).silicon).toBe('not compared with silicon measurements for the Arm Cortex-M0+');
  });

  it('the L4R5\'s single-bank mode is its own variant: 128-bit reads halve the weight reads, the headline stays dual-bank', async () => {
    const [l4, f7] = await simulate(qmodel, { targets: [resolveTarget('stm32l4r5'), resolveTarget('stm32f746')] });
    const [dual, single] = l4.cycles.flashConfigurations;
    expect(l4.cycles.flashConfigurations).toHaveLength(2);
    expect(dual).toMatchObject({ headline: true, readBytes: 8, totalCycles: l4.cycles.totalCycles, flashStallCycles: l4.cycles.weightPlacements[0].flashStallCycles });
    expect(dual.label).toMatch(/DBANK = 1, the factory setting/);
    expect(single).toMatchObject({ headline: false, readBytes: 16 });
    expect(single.how).toMatch(/option byte/);
    // 264,192 B of weights = 16,512 reads of 16 B; each other array rounds up to whole reads; 5 wait states each.
    expect(single.flashStallCycles % 5).toBe(0);
    expect(single.flashStallCycles).toBeGreaterThanOrEqual(Math.ceil(284256 / 16) * 5);
    expect(single.flashStallCycles).toBeLessThan((16512 + 1300 + 20) * 5);
    // The core's cycles do not change with the bank mode.
    expect(dual.totalCycles - dual.flashStallCycles).toBe(single.totalCycles - single.flashStallCycles);
    expect(single.latencyMs).toBeCloseTo((single.totalCycles / 120e6) * 1000, 9);
    expect(timingSentences(l4).flashConfigurations).toMatch(/^dual-bank mode .*, 64-bit reads: \d\.\d{3} ms \([\d,]+ stall cycles\) \(the headline\); single-bank mode \(DBANK = 0\), 128-bit reads: \d\.\d{3} ms \([\d,]+ stall cycles\), selected by an option byte/);
    // A board with one flash configuration reports none.
    expect(f7.cycles.flashConfigurations).toEqual([]);
    expect(timingSentences(f7).flashConfigurations).toBeNull();
  });

  it('constants that fit the board\'s data cache are not read from flash after the first inference', () => {
    // The autoencoder's 128→8→128 bottleneck alone: about 3 KB of constants, inside the ESP32-C3's 16 KB cache.
    const small = { ...qmodel, layers: qmodel.layers.slice(4, 6) };
    // 128·8 + 8·128 weights + the biases and requantization records of 8 + 128 outputs.
    expect(weightPlacement(small).constantBytes).toBe(3680);
    const c3 = modelCycles(small.layers, resolveTarget('esp32c3'), profile);
    expect(c3.constantsCached).toBe(true);
    expect(c3.placements.map((p) => p.flashStallCycles)).toEqual([0, 0]);
    expect(modelCycles(qmodel.layers, resolveTarget('esp32c3'), profile).constantsCached).toBe(false);
  });
});

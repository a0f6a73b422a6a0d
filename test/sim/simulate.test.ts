import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../compiler/data/dataset.js';
import { DEFAULT_QUANTIZE_OPTIONS, quantizeModel } from '../../compiler/quantize/quantize.js';
import { predictQuantized } from '../../compiler/reference/predict.js';
import { DEFAULT_TRAIN_SETTINGS, trainConfig } from '../../compiler/train/settings.js';
import { trainModel } from '../../compiler/train/train.js';
import { instructionTotal, layerCycles } from '../../firmware-sim/cycle-model.js';
import { renderTerminal } from '../../firmware-sim/render-terminal.js';
import { loadInstructionProfile } from '../../firmware-sim/instruction-profile.js';
import { planMemory, weightPlacement } from '../../compiler/plan/plan-memory.js';
import { simulate } from '../../firmware-sim/simulate.js';
import { INSTRUCTION_CLASSES, loadBoards, loadCores, resolveTarget } from '../../firmware-sim/targets.js';
import { compareWithFloat } from '../../compiler/evaluate/compare-with-float.js';

const train = loadDataset('models/data/iris/train.csv', { task: 'multiclass', labelColumns: ['label'] });
const test = loadDataset('models/data/iris/test.csv', { task: 'multiclass', labelColumns: ['label'], classNames: train.classNames });
const { model } = trainModel(train, trainConfig('multiclass', { ...DEFAULT_TRAIN_SETTINGS, hidden: [20, 12], learningRate: 1e-2, epochs: 30, batchSize: 16, validationSplit: 0 }), 'iris');
const { qmodel } = quantizeModel(model, { features: train.features, rows: train.rows, description: 'iris', seed: 0 }, DEFAULT_QUANTIZE_OPTIONS);

describe('targets', () => {
  it('every board names a known core, and boards and cores resolve by id or alias', () => {
    const cores = loadCores();
    for (const b of loadBoards()) expect(cores.some((c) => c.id === b.core || c.aliases.includes(b.core)), b.id).toBe(true);
    for (const id of ['stm32l4r5', 'stm32f746', 'nrf52840', 'rp2040', 'esp32c3']) expect(resolveTarget(id).board?.id).toBe(id);
    expect(resolveTarget('m4', { clockHz: 80e6 }).core.id).toBe('cortex-m4f');
    expect(resolveTarget('cortex-m33', { clockHz: 1e8, sramBytes: 4096 }).sramBytes).toBe(4096);
  });

  it('rejects an unknown target, a core without a clock, and a clock above the board maximum', () => {
    expect(() => resolveTarget('arduino-uno')).toThrow(/unknown target 'arduino-uno'; boards: .*stm32l4r5.*; cores: .*cortex-m0plus/);
    expect(() => resolveTarget('cortex-m7')).toThrow(/is a core, not a board: give its clock with --clock-hz/);
    expect(() => resolveTarget('stm32l4r5', { clockHz: 200e6 })).toThrow(/runs at most at 120 MHz/);
  });

  it('flash wait states follow the clock', () => {
    expect(resolveTarget('stm32l4r5').flash.stallCyclesPerRead).toBe(5);
    expect(resolveTarget('stm32l4r5', { clockHz: 24e6 }).flash.stallCyclesPerRead).toBe(1);
    expect(resolveTarget('stm32f746').flash.stallCyclesPerRead).toBe(7);
  });
});

describe('memory plan', () => {
  it('a chain of dense layers needs exactly the largest input + workspace + output of one layer', () => {
    const plan = planMemory(qmodel);
    // Each int8 dense layer widens its input into a workspace of 2 bytes per input padded to a multiple of 8.
    expect(plan.lowerBoundBytes).toBe(Math.max(4 + 2 * 8 + 20, 20 + 2 * 24 + 12, 12 + 2 * 16 + 3));
    expect(plan.workspaces).toEqual([
      { layer: 0, offset: 16, bytes: 16 },
      { layer: 1, offset: 16, bytes: 48 },
      { layer: 2, offset: 16, bytes: 32 },
    ]);
    // Sizes that are not multiples of 16 cost alignment padding, which the plan reports: 32 + 48 + 16.
    expect(plan.arenaBytes).toBe(96);
    expect(planMemory(qmodel, { workspaceBytes: () => 0 }).arenaBytes).toBe(48);
    expect(plan.note).toMatch(/padding/);
    const [input, l0, l1, l2] = plan.tensors;
    expect([input.offset, l1.offset]).toEqual([0, 0]);
    expect(l0.offset + l0.bytes).toBeLessThanOrEqual(plan.arenaBytes);
    expect(l0.offset).toBeGreaterThanOrEqual(input.bytes);
    expect(l2.offset).toBeGreaterThanOrEqual(l1.bytes);
  });
});

describe('weight placement', () => {
  it('costs the constant arrays in SRAM, plus at most the alignment padding of the weight arrays', () => {
    const placement = weightPlacement(qmodel);
    // Per layer: padded weights, an int32 bias and an 8-byte requantization record per padded row.
    expect(placement.layerBytes).toEqual([8 * 20 + 12 * 20, 24 * 12 + 12 * 12, 16 * 4 + 12 * 4]);
    expect(placement.constantBytes).toBe(placement.layerBytes.reduce((s, b) => s + b, 0));
    // Each layer's weight array is 8-byte aligned: up to 7 bytes before it.
    expect(placement.sramBytes).toBe(placement.constantBytes + 3 * 7);
    expect(placement.macro).toBe('FIRMNET_WEIGHTS_IN_SRAM');
  });
});

describe('simulate', () => {
  it('is deterministic and itemises SRAM and flash against the board', async () => {
    const targets = [resolveTarget('stm32l4r5'), resolveTarget('rp2040')];
    const [a, b] = [await simulate(qmodel, { targets }), await simulate(qmodel, { targets })];
    expect(a).toEqual(b);
    const [l4, rp] = a;
    expect(l4.memory.sram.capacityBytes).toBe(655360);
    expect(l4.memory.sram.fits).toBe(true);
    expect(l4.memory.sram.items[0]).toMatchObject({ what: 'activation arena', bytes: planMemory(qmodel).arenaBytes });
    // The C kernels' layout pads rows to a multiple of 4 and inputs to a multiple of 8.
    expect(l4.memory.flash.items.find((i) => i.what === 'weights (int8)')!.bytes).toBe(8 * 20 + 24 * 12 + 16 * 4);
    expect(l4.memory.flash.totalBytes).toBe(l4.memory.flash.items.reduce((s, i) => s + i.bytes, 0));
    expect(l4.cycles.totalCycles).toBe(l4.cycles.layers.reduce((s, l) => s + l.cycles, 0));
    expect(l4.cycles.latencyMs).toBeCloseTo((1000 * l4.cycles.totalCycles) / 120e6, 9);
    // The M0+ runs the same layers with more instructions per MAC; this small model's constants fit the
    // RP2040's 16 KB XIP cache, so repeated inferences read none from flash, while the L4R5's 256 B ART D-cache cannot hold them.
    expect(rp.cycles.layers[0].coreCycles).toBeGreaterThan(l4.cycles.layers[0].coreCycles);
    expect(rp.cycles.flashFloor.cached).toBe(true);
    expect(rp.cycles.layers.map((l) => l.flashStallCycles)).toEqual([0, 0, 0]);
    expect(l4.cycles.flashFloor.cached).toBe(false);
    expect(l4.cycles.layers[0].flashStallCycles).toBeGreaterThan(0);
  });

  it('gives SRAM with the caller\'s own input/output buffers (the headline) and with them in the arena', async () => {
    const [r] = await simulate(qmodel, { targets: [resolveTarget('stm32l4r5')] });
    const ioBytes = 4 + 3;
    expect(r.memory.sram.items.find((i) => i.what === 'input and output buffers')!.bytes).toBe(ioBytes);
    const [own, inArena] = r.memory.sramVariants;
    expect(own).toMatchObject({ io: 'caller-buffers', headline: true, ioBytes, totalBytes: r.memory.sram.totalBytes, marginBytes: r.memory.sram.marginBytes, fits: true });
    // <name>_input_buffer()/_output_buffer() are slots of the arena: the same budget without the I/O line.
    expect(inArena).toMatchObject({ io: 'arena-buffers', headline: false, ioBytes: 0, totalBytes: r.memory.sram.totalBytes - ioBytes, marginBytes: 655360 - (r.memory.sram.totalBytes - ioBytes), fits: true });
    expect(r.memory.sramVariants).toHaveLength(2);
  });

  it('judges each SRAM variant against the capacity: the arena slots can fit where own buffers do not', async () => {
    const [probe] = await simulate(qmodel, { targets: [resolveTarget('cortex-m0plus', { clockHz: 48e6, sramBytes: 1e6, flashBytes: 1e6 })] });
    const sramBytes = probe.memory.sram.totalBytes - 1;
    const [r] = await simulate(qmodel, { targets: [resolveTarget('cortex-m0plus', { clockHz: 48e6, sramBytes, flashBytes: 1e6 })] });
    expect(r.memory.sram.fits).toBe(false);
    expect(r.memory.sramVariants.map((v) => [v.io, v.fits, v.marginBytes])).toEqual([
      ['caller-buffers', false, -1],
      ['arena-buffers', true, 4 + 3 - 1],
    ]);
  });

  it('reports when a model does not fit, with the margin', async () => {
    const [r] = await simulate(qmodel, { targets: [resolveTarget('cortex-m0plus', { clockHz: 48e6, sramBytes: 64, flashBytes: 100_000 })] });
    expect(r.memory.sram.fits).toBe(false);
    expect(r.memory.sram.marginBytes).toBe(64 - r.memory.sram.totalBytes);
    expect(r.memory.flash.fits).toBe(true);
  });

  it('cycles: a dense layer follows MACs and outputs; flash stalls follow the 64-bit words of each constant array', () => {
    const profile = loadInstructionProfile();
    const target = resolveTarget('stm32l4r5');
    const dense = qmodel.layers[1];
    const c = layerCycles(dense, false, target.core, profile, target.flash);
    expect(c.macs).toBe(20 * 12);
    // The grouped layout pads the 20 inputs to 24 (12 rows are whole groups of 4): weights 12 × 24 = 288 B
    // = 36 words, int32 biases 48 B = 6, requantization records {multiplier, shifts} 96 B = 12: 54 reads × 5 wait states.
    expect(c.weightBytes).toBe(288);
    expect(c.flashBytes).toBe(288 + 48 + 96);
    expect(c.flashReads).toBe(54);
    expect(c.flashStallCycles).toBe(c.flashReads * 5);
    expect(c.cycles).toBe(c.coreCycles + c.flashStallCycles);
    // Instructions are the classes only; pipeline events (pipelined loads, registers moved, …) are not instructions.
    expect(instructionTotal(c.instructions)).toBe(INSTRUCTION_CLASSES.reduce((s, k) => s + c.instructions[k], 0));
    expect(instructionTotal(c.instructions)).toBeLessThan(Object.values(c.instructions).reduce((s, v) => s + v, 0));
  });

  it('the terminal report counts instructions, not instructions plus pipeline events', async () => {
    const [r] = await simulate(qmodel, { targets: [resolveTarget('stm32l4r5')] });
    const line = renderTerminal(r).find((l) => /^\s+dense1\s/.test(l))!;
    expect(line).toContain(` ${instructionTotal(r.cycles.layers[1].instructions).toLocaleString('en-US')} `);
  });

  it('accuracy runs the emitted WebAssembly module and agrees with the golden reference', async () => {
    const [r] = await simulate(qmodel, { targets: [resolveTarget('nrf52840')], accuracy: { model, data: test, dataFile: 'iris test' }, wasmDir: mkdtempSync(join(tmpdir(), 'sim-wasm-')) });
    const p = predictQuantized(qmodel, test.features, test.rows);
    const direct = compareWithFloat(model, qmodel, test, p.scores, p.dequantized);
    expect(r.accuracy!.backend).toBe('WebAssembly');
    expect(r.accuracy!.quantized.accuracy).toBe(direct.quantized.accuracy);
    expect(r.accuracy!.drop).toBe(direct.drop);
    expect(r.accuracy!.agreement).toBe(direct.agreement);
    expect(r.accuracy!.perLayerSqnr.map((l) => l.name)).toEqual(['dense0', 'dense1', 'dense2']);
    for (const l of r.accuracy!.perLayerSqnr) expect(l.sqnrDb).toBeGreaterThan(10);
  });
});

/**
 * The bare-metal runner (firmware-sim/qemu/bare-metal.ts) on runs longer than the counting plugin's
 * first segment store: rows × (layers + 1) beyond 4,096 marker-to-marker segments must still give
 * every row's outputs and per-layer counts, not a short count file.
 */
import { describe, expect, it } from 'vitest';
import { runModel } from '../../compiler/reference/interpreter.js';
import { probeInput, probeModel } from '../../firmware-sim/probe-layers.js';
import { missingTools, runBareMetal, runBareMetalAsync } from '../../firmware-sim/qemu/bare-metal.js';
import { loadCores } from '../../firmware-sim/targets.js';

const core = loadCores().find((c) => c.id === 'cortex-m4f')!;
const missing = missingTools(core);
if (missing) console.warn(`SKIP: long bare-metal runs on ${core.id}: ${missing}`);

describe.skipIf(missing !== null)(`runBareMetal on ${core.id}, long runs`, () => {
  it('counts every segment of a run with more than 4,096 of them', async () => {
    // A LeakyReLU then a dense layer: 3 segments per row, so 1,500 rows make 4,499.
    const q = probeModel('fully_connected_s8', [6, 3], 11);
    const row = probeInput(q, 1, 11);
    // The same row every time: every row executes the same instructions, so the mean over all rows
    // must equal a short run's exactly (a lost or shifted segment would change it). The short run
    // keeps the row loop (one row would let the compiler drop it and change the first layer's count).
    // It goes through the synchronous runner (the measurement script's), the long one through the
    // asynchronous one: the two must also agree.
    const repeated = (rows: number) => Array.from({ length: rows }, () => row).flat();
    const rows = 1500;
    const short = runBareMetal(q, core, '-Os', repeated(10), 10);
    const long = await runBareMetalAsync(q, core, '-Os', repeated(rows), rows);
    expect(rows * (q.layers.length + 1)).toBeGreaterThan(4096);
    expect(long.outputs).toHaveLength(rows);
    expect(long.outputs.flat()).toEqual(Array.from(runModel(q, Int16Array.from(repeated(rows)), rows)));
    expect(short.layers[1].dsp, 'the dense layer multiplies with SMLAD').toBeGreaterThan(0);
    expect(long.layers).toEqual(short.layers);
  });
});

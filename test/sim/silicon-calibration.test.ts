/**
 * The silicon calibration prices another library's counts with firmnet's current method: the core's
 * cycle table plus one flash read per 64-bit word of each constant array at the board's wait states.
 */
import { describe, expect, it } from 'vitest';
import { type SiliconCalibrationData, loadSiliconCalibration, siliconAccuracy, siliconComparisons } from '../../firmware-sim/silicon-calibration.js';

const published = [{ stack: 'a stack', ms: 10, source: 'test', snapshot: 's' }];

function data(counts: Record<string, number>, flashArrayBytes: number[]): SiliconCalibrationData {
  return {
    kernelLibrary: 'test library',
    model: 'test',
    macs: 1,
    core: 'cortex-m4f',
    board: 'stm32l4r5',
    measuredWith: 'hand-made counts',
    procedure: [],
    flashArrayBytes,
    published,
    builds: [{ snapshot: 's', commit: '0000000', optimization: '-Os', kernel: 'k', bitExact: false, counts, flashLoads: 0, flashReadsSimulated: 0 }],
    note: '',
  };
}

describe('silicon calibration', () => {
  it('prices counts with the Cortex-M4 table and the STM32L4R5 flash: 1,000,000 ALU + 100,000 LDR − 50,000 pipelined + 8 KB of weights', () => {
    // 1e6 + 2·1e5 − 5e4 = 1,150,000 core cycles; 8,192 B + 100 B = 1,024 + 13 words × 5 wait states = 5,185; 1,155,185 cycles at 120 MHz.
    const [c] = siliconComparisons(data({ alu: 1_000_000, load: 100_000, pipelined_loads: 50_000 }, [8192, 100]));
    expect(c.builds[0].estimatedMs).toBe(9.627);
    expect(c.builds[0].errorPercent).toBe(-3.7);
  });

  it('a counter the library run did not record costs nothing (older count files)', () => {
    const [c] = siliconComparisons(data({ alu: 1_200_000 }, []));
    expect(c.builds[0].estimatedMs).toBe(10);
    expect(c.builds[0].errorPercent).toBe(0);
  });

  it('the committed calibration: era-matched builds only, the label says what it is, and only the Cortex-M4 carries it', () => {
    const committed = loadSiliconCalibration();
    expect(committed.published.map((p) => p.ms)).toEqual([10.05, 8.6]);
    const s = siliconAccuracy('cortex-m4f')!;
    expect(s.label).toBe('estimate vs published board measurements of another kernel library');
    expect(s.comparisons.map((c) => c.builds.map((b) => b.snapshot))).toEqual([['2020-09', '2020-09', '2020-09'], ['2022-05', '2022-05', '2022-05']]);
    expect(s.maxAbsErrorPercent).toBe(Math.max(...s.comparisons.flatMap((c) => c.builds.map((b) => Math.abs(b.errorPercent)))));
    expect(siliconAccuracy('cortex-m7')).toBeNull();
    // The per-channel kernel's run reproduced firmnet's golden outputs (the harness is right).
    expect(committed.builds.filter((b) => b.bitExact).map((b) => b.kernel)).toEqual(['arm_fully_connected_per_channel_s8', 'arm_fully_connected_per_channel_s8', 'arm_fully_connected_per_channel_s8']);
  });
});

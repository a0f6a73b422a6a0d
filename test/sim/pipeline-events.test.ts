/**
 * The counting plugin and the Cortex-M4 cycle table on instruction sequences whose timing the
 * Cortex-M4 Technical Reference Manual spells out (§3.3.1 Table 3-1, §3.3.2 load/store timings):
 * each sequence runs under QEMU between two markers, the empty sequence's counts (the marker call
 * and a NOP) are subtracted, and the counts priced with firmware-sim/targets/cores/cortex-m4f.json
 * must give the manual's cycles. Then the plugin's flash simulation: data reads in the code memory,
 * counted as 8-byte flash words through an LRU cache of one or two of them.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { cyclesOf, type InstructionCounts } from '../../firmware-sim/cycle-model.js';
import { COUNTED } from '../../firmware-sim/instruction-profile.js';
import { linkerScript, missingTools, parseCounts, pluginPath } from '../../firmware-sim/qemu/bare-metal.js';
import { loadCores } from '../../firmware-sim/targets.js';

const run = promisify(execFile);
const core = loadCores().find((c) => c.id === 'cortex-m4f')!;

/** Each sequence, its expected counts (only those named) and the manual's cycles for it. */
const SEQUENCES: { name: string; asm: string; counts: Partial<InstructionCounts>; cycles: number }[] = [
  { name: 'empty (the marker call alone)', asm: '', counts: {}, cycles: 0 },
  // §3.3.2: "three pipelined LDRs take four cycles" (neighbouring loads whose address does not use the previous result).
  { name: 'three independent LDRs', asm: 'ldr r5, [r4]\n ldr r6, [r4, #4]\n ldr r7, [r4, #8]', counts: { load: 3, pipelined_loads: 2 }, cycles: 4 },
  // The second load's address is the first's result: no pipelining, 2 + 2.
  { name: 'LDR then LDR through its result', asm: 'ldr r5, [r4, #12]\n ldr r6, [r5]', counts: { load: 2, pipelined_loads: 0, load_use: 1 }, cycles: 4 },
  // No forwarding of a data-processing result into an address: one stall cycle.
  { name: 'ADD then LDR through its result', asm: 'add r5, r4, #0\n ldr r6, [r5]', counts: { alu: 1, load: 1, address_dependency_stalls: 1 }, cycles: 4 },
  // LDRD cannot be pipelined; its two words are: 1 + 2.
  { name: 'LDRD', asm: 'ldrd r5, r6, [r4]', counts: { load_pair: 1 }, cycles: 3 },
  // LDM with N registers: 1 + N.
  { name: 'LDM of four registers', asm: 'ldm r4, {r5, r6, r7, r8}', counts: { load_multi: 1, transfer_registers: 4 }, cycles: 5 },
  // STR with an immediate offset is always one cycle.
  { name: 'two STRs, immediate offset', asm: 'str r5, [r4, #16]\n str r6, [r4, #20]', counts: { store: 2 }, cycles: 2 },
  // A taken branch to an aligned target: 1 + P with P = 1.
  { name: 'taken branch', asm: 'b 1f\n nop\n .p2align 2\n1:', counts: { branch: 1, taken_branches: 1, unaligned_wide_targets: 0 }, cycles: 2 },
];

/**
 * Data reads from flash (the code memory): words of 8 bytes through an LRU of `cache_units` of them,
 * each sequence on words the ones before did not touch (the cache carries over).
 * `adr` computes the table's address without a read (a literal-pool load would be a flash read itself).
 */
const FLASH_SEQUENCES: { name: string; asm: string; loads: number; reads: Record<number, number> }[] = [
  { name: 'four words in a row: two 8-byte flash words', asm: 'ldr r5, [r8]\n ldr r6, [r8, #4]\n ldr r7, [r8, #8]\n ldr r5, [r8, #12]', loads: 4, reads: { 1: 2, 2: 2 } },
  { name: 'word 2, word 3, word 2 again', asm: 'ldr r5, [r8, #16]\n ldr r6, [r8, #24]\n ldr r7, [r8, #16]', loads: 3, reads: { 1: 3, 2: 2 } },
  { name: 'a halfword straddling words 4 and 5', asm: 'ldrh r5, [r8, #39]', loads: 1, reads: { 1: 2, 2: 2 } },
];

function sources(dir: string): string[] {
  // Every sequence starts with a 16-bit NOP, so the marker's return lands on the same kind of instruction each time.
  const flashProbes = FLASH_SEQUENCES.map((s) => `    nop\n    ${s.asm.replace(/\n/g, '\n    ')}\n    bl firmnet_mark`).join('\n');
  const probes = `${SEQUENCES.map((s) => `    nop\n    ${s.asm.replace(/\n/g, '\n    ')}\n    bl firmnet_mark`).join('\n')}\n    adr r8, table\n    bl firmnet_mark\n${flashProbes}`;
  // r4 points at four words; the fourth holds the buffer's own address (for the dependent load).
  writeFileSync(
    join(dir, 'probes.S'),
    `    .syntax unified\n    .thumb\n    .data\n    .p2align 3\nbuffer: .word 1, 2, 3, buffer, 5, 6\n    .text\n    .global run_probes\n    .thumb_func\nrun_probes:\n    push {r4, r5, r6, r7, r8, lr}\n    ldr r4, =buffer\n    bl firmnet_mark\n${probes}\n    pop {r4, r5, r6, r7, r8, pc}\n    .ltorg\n    .p2align 3\ntable: .word 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22\n`,
  );
  writeFileSync(join(dir, 'main.c'), 'void run_probes(void);\nint main(void) { run_probes(); return 0; }\n');
  writeFileSync(join(dir, 'link.ld'), linkerScript(core.emulator));
  return [join(process.cwd(), 'firmware-sim', 'qemu', 'startup.c'), join(dir, 'main.c'), join(dir, 'probes.S')];
}

const missing = missingTools(core);
if (missing) console.warn(`SKIP: pipeline events: ${missing}`);

describe.skipIf(missing !== null)('pipeline events on Cortex-M4 (QEMU) priced by the TRM table', () => {
  const dir = mkdtempSync(join(tmpdir(), 'firmnet-pipeline-events-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('each sequence costs the cycles the manual gives, and flash reads follow the words and the cache', async () => {
    const elf = join(dir, 'probes.elf');
    await run(core.build.compiler, [...core.build.flags, '-Os', '-ffreestanding', '-nostdlib', '-T', join(dir, 'link.ld'), '-o', elf, ...sources(dir), '-lgcc']);
    const { stdout: nm } = await run(core.build.compiler.replace(/gcc$/, 'nm'), [elf]);
    const marker = nm.split('\n').find((l) => l.endsWith(' firmnet_mark'))!.split(' ')[0];
    const countsFile = join(dir, 'counts.txt');
    await run(core.emulator.system, ['-M', core.emulator.machine, '-nographic', '-semihosting', '-kernel', elf, '-plugin', `${pluginPath()},marker=${marker},out=${countsFile}`], { timeout: 60_000 });
    const segments = parseCounts(readFileSync(countsFile, 'utf8'));
    expect(segments.length).toBeGreaterThanOrEqual(SEQUENCES.length);
    const counts = (i: number): InstructionCounts => Object.fromEntries(COUNTED.map((c) => [c, (segments[i].get(c) ?? 0) - (segments[0].get(c) ?? 0)])) as InstructionCounts;
    SEQUENCES.forEach((s, i) => {
      const c = counts(i);
      expect(c, s.name).toMatchObject(s.counts);
      expect(cyclesOf(c, core), s.name).toBe(s.cycles);
    });
    // The flash probes follow the pipeline sequences and the segment that sets r8 up.
    const first = SEQUENCES.length + 1;
    const e = core.emulator;
    for (const cacheUnits of [1, 2]) {
      const flashCounts = join(dir, `flash-${cacheUnits}.txt`);
      const flash = `flash=${e.codeOrigin.toString(16)}-${(e.codeOrigin + e.codeBytes).toString(16)},read_bytes=8,cache_units=${cacheUnits}`;
      await run(e.system, ['-M', e.machine, '-nographic', '-semihosting', '-kernel', elf, '-plugin', `${pluginPath()},marker=${marker},out=${flashCounts},${flash}`], { timeout: 60_000 });
      const flashSegments = parseCounts(readFileSync(flashCounts, 'utf8'));
      FLASH_SEQUENCES.forEach((s, i) => {
        const seg = flashSegments[first + i];
        expect([seg.get('flash_loads'), seg.get('flash_reads')], `${s.name}, cache of ${cacheUnits}`).toEqual([s.loads, s.reads[cacheUnits]]);
      });
    }
  });
});

import type { SimulationReport } from './report.js';

/**
 * The timing caveats of a report as plain sentences (the terminal prints them, the HTML escapes
 * them): latency by weight placement, the flash floor, and what the estimate was checked against.
 */
export function timingSentences(r: SimulationReport): { placements: string; flashConfigurations: string | null; flashFloor: string; notConfirmed: string[]; basis: string; qemu: string; silicon: string } {
  const c = r.cycles;
  const n = (v: number): string => Math.round(v).toLocaleString('en-US');
  const ms = (v: number): string => `${v.toFixed(3)} ms`;
  const placements = c.weightPlacements
    .map((p) => {
      const sram = p.sramBytes === 0 ? '' : ` (+${n(p.sramBytes)} B of SRAM: ${n(p.sramTotalBytes)} B${r.memory.sram.capacityBytes === null ? '' : ` of ${n(r.memory.sram.capacityBytes)}`}, ${p.fits === null ? 'fit unknown' : p.fits ? 'fits' : 'does NOT fit'})`;
      return `${p.label} ${ms(p.latencyMs)}${p.headline ? ' (the headline)' : ''}${sram}`;
    })
    .join('; ');
  const flashConfigurations =
    c.flashConfigurations.length === 0
      ? null
      : c.flashConfigurations
          .map((k) => `${k.label}, ${k.readBytes * 8}-bit reads: ${ms(k.latencyMs)} (${n(k.flashStallCycles)} stall cycles)${k.headline ? ' (the headline)' : `, selected by ${k.how}`}`)
          .join('; ');
  const f = c.flashFloor;
  const flashFloor =
    f.weightBytes === 0
      ? 'no weights are read from flash'
      : f.cached
        ? `the model's constants fit the board's ${n(f.cacheBytes)} B data cache: after the first inference no weight is read from flash`
        : f.stallCyclesPerRead === 0
          ? `${n(f.weightBytes)} B of weights at zero wait states: no flash stalls`
          : `${n(f.weightBytes)} B of weights = ${n(f.weightReads)} flash reads of ${f.readBytes} B × ${f.stallCyclesPerRead} stall cycles = ${n(f.stallCycles)} cycles (${ms(f.stallMs)}) that loads wait for; at one read per ${1 + f.stallCyclesPerRead} cycles the flash cannot deliver them in less than ${ms(f.bandwidthMs)}`;
  const a = c.accuracy;
  const basis = a.timingBasis === 'manual' ? `cycle costs from the ${r.target.core} technical reference manual` : `cycle costs for the ${r.target.core} are an estimate (no published cycle table)`;
  const qemu = a.qemu ? `${a.qemu.label}: within ${a.qemu.maxAbsErrorPercent}% (mean ${a.qemu.meanAbsErrorPercent}%)` : 'not compared with QEMU counts for this core';
  const s = a.silicon;
  const signed = (v: number): string => `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v)}%`;
  const silicon = s
    ? `${s.label} (${s.kernelLibrary} on ${s.board}): ±${s.maxAbsErrorPercent}% (${signed(s.minErrorPercent)} … ${signed(s.maxErrorPercent)}): ` +
      s.comparisons
        .map((cmp) => `${cmp.published} ${cmp.publishedMs} ms vs ${cmp.builds.map((b) => `${b.estimatedMs.toFixed(2)} (${b.snapshot} ${b.optimization}, ${signed(b.errorPercent)})`).join(', ')}`)
        .join('; ')
    : `not compared with silicon measurements for the ${r.target.core}`;
  return { placements, flashConfigurations, flashFloor, notConfirmed: f.notConfirmed, basis, qemu, silicon };
}

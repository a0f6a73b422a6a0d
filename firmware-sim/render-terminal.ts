import { terminalText } from '../compiler/terminal-text.js';
import { type MemoryBudget, type SimulationReport, weightsText } from './report.js';
import { formatHz } from './targets.js';
import { accuracyLines } from '../compiler/evaluate/evaluation-lines.js';
import { formatTable } from '../compiler/io/text-table.js';
import { timingSentences } from './timing-text.js';
import { instructionTotal } from './cycle-model.js';

/** The human report of one target, as lines for the terminal (names escaped: each line stays one line). */
export function renderTerminal(r: SimulationReport): string[] {
  const lines: string[] = [];
  const n = (v: number): string => Math.round(v).toLocaleString('en-US');
  lines.push(`${r.model.name} on ${r.target.description}`);
  lines.push(`model hash ${r.model.hash}, ${r.model.layers} layers, ${n(r.model.parameters)} parameters, ${n(r.model.macs)} MACs per inference`);
  lines.push('');
  lines.push('memory');
  const [headline, ...others] = r.memory.sramVariants;
  const otherSram = others.map((v) => budgetRow(`SRAM, ${v.label}`, { ...v, capacityBytes: r.memory.sram.capacityBytes }));
  lines.push(...formatTable(['', 'used', 'capacity', 'margin', 'fits'], [budgetRow('SRAM', r.memory.sram), ...otherSram, budgetRow('flash', r.memory.flash)]).split('\n').map((l) => `  ${l}`));
  lines.push(`  SRAM assumes ${headline.description} (${n(headline.ioBytes)} B)${others.map((v) => `; SRAM, ${v.label}: ${v.description}`).join('')}`);
  lines.push('');
  for (const [label, b] of [['SRAM', r.memory.sram], ['flash', r.memory.flash]] as const) {
    lines.push(`  ${label}:`);
    for (const item of b.items) lines.push(`    ${n(item.bytes).padStart(9)} B  ${item.what}  [${item.source}]`);
  }
  const a = r.memory.arena;
  lines.push(
    `  arena ${a.bytes} B, lower bound ${a.lowerBoundBytes} B (the largest input + output of one layer)${a.note ? `: ${a.note}` : ' — equal, as expected for a chain of layers'}`,
  );
  lines.push('');
  lines.push('cycles');
  const rows = r.cycles.layers.map((l) => [l.name, l.op, l.shape, weightsText(l), l.macs, n(instructionTotal(l.instructions)), n(l.coreCycles), n(l.flashStallCycles), n(l.cycles), `${(100 * l.share).toFixed(1)}%`]);
  for (const l of formatTable(['layer', 'op', 'shape', 'weights', 'MACs', 'instructions', 'core cycles', 'flash stalls', 'cycles', 'share'], rows).split('\n')) lines.push(`  ${l}`);
  lines.push(`  total ${n(r.cycles.totalCycles)} cycles = ${r.cycles.latencyMs.toFixed(3)} ms at ${formatHz(r.target.clockHz)}, ${n(r.cycles.inferencesPerSecond)} inferences/s`);
  const t = timingSentences(r);
  lines.push(`  by weight placement: ${t.placements}`);
  if (t.flashConfigurations) lines.push(`  weights in flash, by flash configuration: ${t.flashConfigurations}`);
  lines.push(`  flash floor: ${t.flashFloor}`);
  lines.push(`  ${r.cycles.method}`);
  lines.push(`  checked against: ${t.basis}; ${t.qemu}; ${t.silicon} (docs/simulator.md)`);
  lines.push(`  flash: ${r.target.flashNote}`);
  for (const c of t.notConfirmed) lines.push(`  not confirmed: ${c}`);
  if (r.accuracy) {
    lines.push('');
    lines.push(`accuracy (int8 run by the ${r.accuracy.backend} artifact, bit-exact with the golden reference) on ${r.accuracy.data}`);
    lines.push(...accuracyLines(r.accuracy, r.model.classNames).map((l) => `  ${l}`));
    lines.push(`  per-layer SQNR: ${r.accuracy.perLayerSqnr.map((l) => `${l.name} ${Number.isFinite(l.sqnrDb) ? `${l.sqnrDb.toFixed(1)} dB` : 'exact'}`).join(', ')}`);
  }
  return lines.map(terminalText);
}

function budgetRow(label: string, b: Pick<MemoryBudget, 'totalBytes' | 'capacityBytes' | 'marginBytes' | 'fits'>): string[] {
  const fmt = (v: number | null): string => (v === null ? '—' : `${v.toLocaleString('en-US')} B`);
  return [label, fmt(b.totalBytes), fmt(b.capacityBytes), fmt(b.marginBytes), b.fits === null ? 'unknown' : b.fits ? 'yes' : 'NO'];
}

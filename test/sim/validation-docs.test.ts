/**
 * The cycle model's published error lives in one measurement (firmware-sim/measured/
 * cycle-validation.json) and one page that tables it (docs/simulator.md); other pages link there
 * instead of quoting figures that go stale when the kernels are re-measured.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { siliconAccuracy } from '../../firmware-sim/silicon-calibration.js';

interface Validation {
  summary: Record<string, { maxAbsErrorPercent: number; meanAbsErrorPercent: number }>;
  rows: { core: string; what: string; kernel: string; shape: string; errorPercent: number }[];
  flash: { summary: { board: string; model: string; estimatedReads: number; emulatedReads: number; errorPercent: number }[] };
}

const validation = JSON.parse(readFileSync('firmware-sim/measured/cycle-validation.json', 'utf8')) as Validation;
const simulatorDoc = readFileSync('docs/simulator.md', 'utf8');
const cBackendDoc = readFileSync('docs/c-backend.md', 'utf8');
const VALIDATION_SECTION = 'simulator.md#validation-against-instruction-level-measurement';

const signed = (v: number): string => `${v > 0 ? '+' : ''}${v}%`;

describe('cycle-model error in the docs', () => {
  it('docs/simulator.md tables the committed validation: per core and per layer', () => {
    const cores = Object.keys(validation.summary);
    for (const core of cores) {
      const s = validation.summary[core];
      expect(simulatorDoc, core).toContain(`| ${core} | ${s.maxAbsErrorPercent}% | ${s.meanAbsErrorPercent}% |`);
    }
    expect(simulatorDoc).toContain(`| layer | kernel | shape | ${cores.join(' | ')} |`);
    // One line per (what, kernel, shape), its first measurement on each core; "not run" where a core skipped it.
    const lines = new Map<string, Map<string, number>>();
    for (const r of validation.rows) {
      const key = `| ${r.what} | ${r.kernel} | ${r.shape} |`;
      const perCore = lines.get(key) ?? new Map<string, number>();
      if (!perCore.has(r.core)) perCore.set(r.core, r.errorPercent);
      lines.set(key, perCore);
    }
    for (const [key, perCore] of lines) {
      const cells = cores.map((c) => (perCore.has(c) ? signed(perCore.get(c)!) : 'not run¹'));
      expect(simulatorDoc).toContain(`${key} ${cells.join(' | ')} |`);
    }
  });

  it('docs/simulator.md says which core\'s published maximum each acceptance figure carries', () => {
    const byBoard: Record<string, string> = { stm32l4r5: 'cortex-m4f', rp2040: 'cortex-m0plus', stm32f746: 'cortex-m7' };
    const rows = simulatorDoc.split('\n').filter((l) => /^\| (digits 64-64-32-10|autoencoder \S+ \(anomaly\)) \|/.test(l));
    expect(rows.length).toBeGreaterThanOrEqual(4);
    for (const row of rows) {
      const cells = row.split('|').map((c) => c.trim());
      expect(cells[cells.length - 2], row).toBe(`${validation.summary[byBoard[cells[2]]].maxAbsErrorPercent}%`);
    }
  });

  it('docs/simulator.md publishes the silicon calibration under its label, every comparison, and the flash-read check', () => {
    const s = siliconAccuracy('cortex-m4f')!;
    const sign = (v: number): string => `${v > 0 ? '+' : v < 0 ? '−' : ''}${Math.abs(v)}%`;
    expect(simulatorDoc).toContain(`**estimate vs published board measurements of another kernel library: ±${s.maxAbsErrorPercent}% (${sign(s.minErrorPercent)} … ${sign(s.maxErrorPercent)})**`);
    for (const c of s.comparisons) {
      const literal = (text: string): string => text.replace(/[|()+.?*[\]\\^$]/g, '\\$&');
      for (const b of c.builds) {
        expect(simulatorDoc).toMatch(new RegExp(`${literal(`| ${c.published} | ${c.publishedMs} | ${b.snapshot} (`)}[0-9a-f]+${literal(`) | ${b.optimization} | ${b.estimatedMs.toFixed(2)} | ${sign(b.errorPercent)} |`)}`));
      }
    }
    for (const r of validation.flash.summary) expect(simulatorDoc).toContain(`| ${r.board} | ${r.model} | ${r.estimatedReads.toLocaleString('en-US')} | ${r.emulatedReads.toLocaleString('en-US')} | ${signed(r.errorPercent)} |`);
    // A fitted number is never called validated.
    expect(simulatorDoc).not.toMatch(/validated error/i);
  });

  it('docs/c-backend.md quotes no cycle-model error and links to the table', () => {
    const paragraphs = cBackendDoc.split(/\n\s*\n/).filter((p) => /cycle model/i.test(p) && /error/i.test(p));
    expect(paragraphs.length).toBeGreaterThan(0);
    for (const p of paragraphs) expect(p.match(/\d+(\.\d+)? ?%/g), p).toBeNull();
    expect(paragraphs.some((p) => p.includes(VALIDATION_SECTION))).toBe(true);
  });
});

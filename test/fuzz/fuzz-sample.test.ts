import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { FAILING, type OutcomeClass } from '../../scripts/fuzz/classify.js';
import { KINDS } from '../../scripts/fuzz/fuzz-case.js';

const execFileAsync = promisify(execFile);

/**
 * The fixed sample of `npm run fuzz` that runs in the unit suite: always these cases, in one runner
 * process, so the sample takes one core of a machine the rest of the suite shares. Three times the
 * campaign's time limits for the same reason. `npm run fuzz` runs the full 10,000.
 */
const CASES = 150;
const SAMPLE = ['--cases', String(CASES), '--seed', '20261201', '--workers', '1', '--cli-every', '40', '--time-scale', '3'];

interface Summary {
  digest: string;
  counts: Record<string, Record<OutcomeClass, number>>;
  totals: Record<OutcomeClass, number>;
  mustReject: { cases: number; refused: number };
  cli: { cases: number; commands: number; closedStdout: number };
  classes: { outcome: OutcomeClass; source: string; count: number; detail: string; topFrame: string | null; firmnetFrame: string | null; smallest: { id: string; mutations: string[] }; replay: string[] }[];
}

describe(`the fuzz campaign, a fixed ${CASES}-case sample of \`npm run fuzz\``, () => {
  const out = mkdtempSync(join(tmpdir(), 'firmnet-fuzz-test-'));
  let code: number;
  let summary: Summary;

  // The campaign runs in its own processes (the main process and its runner), so this worker's event loop stays free.
  beforeAll(async () => {
    try {
      await execFileAsync(process.execPath, ['dist/scripts/fuzz/main.js', ...SAMPLE, '--out', out, '--json'], { maxBuffer: 64 << 20 });
      code = 0;
    } catch (e) {
      const status = (e as { code?: unknown }).code;
      code = typeof status === 'number' ? status : -1;
    }
    summary = JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8')) as Summary;
  }, 300_000);

  it('runs every case, of every kind, and reaches both outcomes a file can deserve', () => {
    const total = (row: Record<string, number>): number => Object.values(row).reduce((a, b) => a + b, 0);
    expect(Object.values(summary.counts).reduce((s, row) => s + total(row), 0)).toBe(CASES);
    expect(Object.keys(summary.counts).sort()).toEqual([...KINDS].sort());
    // A sample that only hit the first check, or accepted everything, would not exercise much.
    expect(summary.totals.ok).toBeGreaterThan(CASES / 20);
    expect(summary.totals.clean).toBeGreaterThan(CASES / 2);
    expect(summary.digest).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses every file that had to be refused', () => {
    expect(summary.mustReject.cases).toBeGreaterThan(CASES / 20);
    expect(summary.mustReject.refused).toBe(summary.mustReject.cases);
  });

  it('re-ran cases through the real CLI, one with stdout closed as `| head -1` leaves it', () => {
    expect(summary.cli.cases).toBeGreaterThan(2);
    expect(summary.cli.commands).toBeGreaterThanOrEqual(summary.cli.cases);
    expect(summary.cli.closedStdout).toBeGreaterThan(0);
  });

  it('finds no crash, hang, OOM, wrong exit code, stack trace or half-written output', () => {
    const failing = summary.classes
      .filter((c) => FAILING.includes(c.outcome))
      .map((c) => `${c.outcome}${c.source === 'cli' ? ' (real CLI)' : ''} ×${c.count}: ${c.detail.slice(0, 240)}${c.firmnetFrame ?? c.topFrame ? ` at ${c.firmnetFrame ?? c.topFrame}` : ''} — smallest ${c.smallest.id}, replay with npm run fuzz -- --replay ${c.replay[0]}`);
    expect(failing).toEqual([]);
    for (const outcome of FAILING) expect(summary.totals[outcome], outcome).toBe(0);
    expect(code).toBe(0);
  });
});
